"""The plan's history, read from git: per-item timelines and the trends derived from them."""
