"""Traceability: test results read as evidence, and coverage of the criteria."""
