"""Reviewing a change of plan: git revisions, renames, changes and their report."""
