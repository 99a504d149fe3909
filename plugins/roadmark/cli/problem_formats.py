"""Format problems for people (text), programs (JSON), GitHub Actions (annotations) and
code scanning (SARIF)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..spec.problems import Problem, Severity
from ..text.printable import printable
from ..text.words import count
from .sarif import sarif_log

FORMATS = ("text", "json", "github", "sarif")


def display_path(root: Path, path: str, cwd: Path) -> str:
    """A problem's path as the user should see it: relative to `cwd` when inside it."""
    # normpath, not resolve(): a symlinked spec is reported under its own name, not its target's.
    full = Path(os.path.normpath(root / path))
    try:
        return full.relative_to(cwd).as_posix()
    except ValueError:
        return (
            Path(os.path.relpath(full, cwd)).as_posix() if root.anchor == cwd.anchor else str(full)
        )


def format_problems(problems: Sequence[Problem], fmt: str, show_path: Callable[[str], str]) -> str:
    """All problems in one output format; `show_path` maps stored paths to displayed ones."""
    if fmt == "json":
        # ensure_ascii (the default) writes every control character as a \u escape.
        return json.dumps([p.as_data(show_path(p.path)) for p in problems], indent=2) + "\n"
    if fmt == "github":
        return "".join(_annotation(p, show_path(p.path)) + "\n" for p in problems)
    if fmt == "sarif":
        return sarif_log(problems, show_path)
    # One line per problem, whatever the spec text in its path or message.
    return "".join(
        printable(f"{show_path(p.path)}:{p.line}:{p.col}: {p.severity} {p.code}: {p.message}")
        + "\n"
        for p in problems
    )


def summary(problems: Sequence[Problem], items: int) -> str:
    """One line for people: how many items were checked and what was found."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    found = f"{count(errors, 'error')}, {count(warnings, 'warning')}"
    return f"roadmark: checked {count(items, 'item')}: {found}"


def _annotation(problem: Problem, path: str) -> str:
    # Workflow-command escaping, as GitHub's @actions/core does it.
    props = ",".join(
        f"{key}={_escape(str(value), prop=True)}"
        for key, value in (
            ("file", path),
            ("line", problem.line),
            ("col", problem.col),
            ("title", f"{problem.code} {problem.rule.name}"),
        )
    )
    return f"::{problem.severity} {props}::{_escape(problem.message)}"


def _escape(text: str, prop: bool = False) -> str:
    # Control characters first, as in the text format: a runner's log is a terminal too, and
    # a message stays one annotation line. What is left is the workflow command's own syntax.
    text = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text
