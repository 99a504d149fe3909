"""Compatibility tests: Roadmark built beside each plugin people combine with it."""
