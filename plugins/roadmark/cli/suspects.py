"""`roadmark check --suspects`: suspect links (RM025) from the plan's history in git.

Kept apart from `check.py`, which only declares the flag and calls `suspect_problems`: the
history is read only when asked for, so a plain check never runs git.
"""

from __future__ import annotations

import argparse

from ..history.export import project_history
from ..history.model import Suspect
from ..history.suspects import criterion_suspects, run_time
from ..spec.model import Item, Position
from ..spec.problems import Problem, Severity
from ..spec.product import Product
from ..spec.project import Project
from ..spec.today import resolve_today
from ..trace.evidence import Evidence

CODE = "RM025"


def add_suspects_argument(parser: argparse.ArgumentParser) -> None:
    """The `--suspects` flag of `roadmark check`."""
    parser.add_argument(
        "--suspects",
        action="store_true",
        help="also report suspect links (RM025): requirements, epics and criteria reworded"
        " after what depends on them, read from git",
    )


def suspect_problems(
    args: argparse.Namespace, project: Project, product: Product, evidence: Evidence
) -> list[Problem]:
    """RM025 problems when `--suspects` is given (none otherwise); ConfigError, a one-line
    error and exit 2, when the history cannot be read."""
    if not getattr(args, "suspects", False):
        return []
    severity = project.settings.severity(CODE)
    if severity is Severity.OFF:
        return []
    today, _ = resolve_today(project.options.today)
    history = project_history(project, today, "check suspect links")
    found = [*history.suspects, *criterion_suspects(history, latest_runs(evidence))]
    problems = []
    for suspect in found:
        item = product.graph.items.get(suspect.item)
        if item is not None:
            problems.append(_problem(suspect, item, severity, project))
    return problems


def latest_runs(evidence: Evidence) -> dict[str, str]:
    """When the tests of each address last ran: the latest report timestamp among them."""
    runs: dict[str, str] = {}
    for address, tests in evidence.by_address.items():
        stamps = [(time, test.timestamp) for test in tests if (time := run_time(test.timestamp))]
        if stamps:
            runs[address] = max(stamps)[1]
    return runs


def _problem(suspect: Suspect, item: Item, severity: Severity, project: Project) -> Problem:
    commit = suspect.commit
    when = f"{commit.sha[:7]} ({commit.day.isoformat()})"
    if suspect.upstream.startswith(f"{item.id}/"):
        local = suspect.upstream.partition("/")[2]
        clause = next((c for c in item.criteria if c.local_id == local), None)
        where = clause.position if clause else Position(1, 1)
        message = (
            f"{suspect.upstream} was reworded in {when} after its tests last ran; run them again"
        )
    else:
        where = _reference_position(item, suspect.upstream)
        message = (
            f"{suspect.upstream} was reworded in {when} after this file last changed;"
            " check the item still fits, then touch it"
        )
    path = project.settings.source_path(item.path)
    return Problem(CODE, severity, path, where.line, where.col, message)


def _reference_position(item: Item, upstream: str) -> Position:
    implements = item.get("implements")
    if isinstance(implements, list) and upstream in implements:
        return item.position("implements", implements.index(upstream))
    return item.position("epic")
