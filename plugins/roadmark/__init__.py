"""Roadmark: docs-as-code for product specs."""

__version__ = "0.1.0"
"""The one source of the version: the package metadata (pyproject.toml) reads it."""
