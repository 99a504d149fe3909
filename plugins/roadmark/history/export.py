"""`roadmark export --view history`: one row per item, field, value, commit and date.

Every value each field of each item (under its current id) took, in commit order: the
values it was created with, then each change; a value removed is an empty cell (CSV) or
null (JSON).
"""

from __future__ import annotations

import json
from datetime import date

from ..spec.project import Project
from ..spec.settings import ConfigError
from .model import History
from .reader import cache_folder, read_history

COLUMNS = ("item", "field", "value", "commit", "date")

Row = tuple[str, str, str | None, str, str]


def history_rows(history: History) -> list[Row]:
    """The rows of the history view: items in id order, each item's changes in commit order."""
    return [
        (item_id, change.field, change.value, change.commit.sha, change.commit.day.isoformat())
        for item_id, item in history.items.items()
        for change in item.changes
    ]


def history_cells(history: History) -> tuple[tuple[str, ...], ...]:
    """The rows as table cells (CSV, XLSX): a removed value is an empty cell."""
    return tuple(
        (item, field, value or "", commit, day)
        for item, field, value, commit, day in history_rows(history)
    )


def history_json(history: History) -> str:
    """The history view as stable JSON: the head commit and the rows as objects."""
    data = {
        "head": history.head.sha if history.head else None,
        "skipped": history.skipped,
        "rows": [dict(zip(COLUMNS, row, strict=True)) for row in history_rows(history)],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def project_history(project: Project, today: date, purpose: str) -> History:
    """The history of a project as its options ask, for `purpose` (e.g. "export the
    history"); ConfigError (exit 2) saying the fix when there is none."""
    if not project.options.history:
        off = "it needs the history, which `history: false` turns off"
        raise ConfigError(f"cannot {purpose}: {off}")
    history = read_history(
        project.root,
        project.settings,
        ref=project.options.history_ref,
        cache_dir=cache_folder(project.root),
        today=today,
        one_shot=True,
    )
    if not history.available:
        raise ConfigError(f"cannot {purpose}: {history.reason}")
    return history
