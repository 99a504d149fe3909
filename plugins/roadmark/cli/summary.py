"""The Markdown job summary of `roadmark check --summary FILE`: counts and a table of problems.

Appended, not overwritten: on GitHub Actions FILE is `$GITHUB_STEP_SUMMARY`, which every
step of a job appends to. Paths and messages quote spec text, so each cell goes through
the same escaping as the pull request report (`review/change_report.py`): one line, HTML
entities, Markdown escapes, no @mentions or #references.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..review.change_report import _md as inert
from ..spec.problems import Problem, Severity
from ..text.words import count
from .atomic import CannotWrite

ROW_LIMIT = 500
"""Rows shown at most: GitHub refuses a step summary over 1 MiB, and nobody reads more."""


def summary_markdown(
    problems: Sequence[Problem], items: int, show_path: Callable[[str], str]
) -> str:
    """The summary: a heading, the counts by severity, and one table row per problem."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    lines = [
        "## roadmark check",
        "",
        f"Checked {count(items, 'item')}: **{count(errors, 'error')}**, "
        f"{count(warnings, 'warning')}.",
        "",
    ]
    if problems:
        lines += ["| Severity | Rule | Where | Message |", "| --- | --- | --- | --- |"]
        for problem in problems[:ROW_LIMIT]:
            where = f"{show_path(problem.path)}:{problem.line}:{problem.col}"
            rule = f"{problem.code} {problem.rule.name}"
            cells = (str(problem.severity), inert(rule), inert(where), inert(problem.message))
            lines.append("| " + " | ".join(cells) + " |")
        if len(problems) > ROW_LIMIT:
            lines += ["", f"… and {count(len(problems) - ROW_LIMIT, 'more problem')}."]
        lines.append("")
    return "\n".join(lines) + "\n"


def append_summary(path: Path, text: str) -> None:
    """Add `text` to the end of `path` (created if missing); CannotWrite when it cannot be."""
    try:
        with path.open("a", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except OSError as exc:
        raise CannotWrite.of(path, exc) from None
