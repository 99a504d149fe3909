"""Roadmark: docs-as-code for product specs."""

__version__ = "0.1.0"
