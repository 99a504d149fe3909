"""The columns of each kind's index page: defaults, and the `index_columns` option checked.

A column is a field the kind carries, or one of the planned columns (`progress`, and
`health` on the release index). Id and title always lead, so they are not listed.
The option's shape is read by `options.py`; whether its kinds and fields exist depends on
the configured kinds and fields, so it is checked here, against the settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..text.suggest import did_you_mean
from .settings import ConfigError, Settings

PLANNED = ("progress", "health")
"""Columns that come from planning rather than from a field."""

DEFAULT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "story": (
        "status", "priority", "owner", "team", "epic", "release", "sprint", "type", "estimate",
    ),
    "epic": ("status", "owner", "prd", "release", "team", "start", "target", "progress"),
    "release": ("status", "start", "date", "progress", "health"),
    "prd": ("status", "owner", "release", "theme", "progress"),
}  # fmt: skip
"""Columns per built-in kind, after id and title; the order people read a work list in."""

OTHER_KINDS = ("status", "owner", "team", "release", "priority", "estimate", "progress")
"""Columns of a configured kind's index, where it carries the field."""


def index_columns(
    configured: Mapping[str, Sequence[str]], settings: Settings
) -> dict[str, tuple[str, ...]]:
    """The columns of each kind's index: as configured, else the defaults it has fields for.

    ConfigError naming the first unknown kind or column of `configured` (the option's value).
    """
    for kind, names in configured.items():
        if kind not in settings.kinds:
            raise ConfigError(
                f"index_columns: unknown kind '{kind}'" + did_you_mean(kind, sorted(settings.kinds))
            )
        known = [*settings.fields_for(kind), *_planned(kind)]
        for name in names:
            if name not in known or name in ("id", "title", "kind"):
                choices = sorted(set(known) - {"id", "title", "kind"})
                raise ConfigError(
                    f"index_columns: '{name}' is no column of the {kind} index"
                    + did_you_mean(name, choices)
                )
    return {kind: _columns(kind, configured, settings) for kind in settings.kinds}


def _columns(
    kind: str, configured: Mapping[str, Sequence[str]], settings: Settings
) -> tuple[str, ...]:
    if kind in configured:
        return tuple(configured[kind])
    fields = settings.fields_for(kind)
    wanted = DEFAULT_COLUMNS.get(kind, OTHER_KINDS)
    # A column whose field a configuration took away from the kind is left out.
    return tuple(name for name in wanted if name in fields or name in _planned(kind))


def _planned(kind: str) -> tuple[str, ...]:
    # Progress is planned for what has stories beneath it, health for releases alone.
    return tuple(
        name
        for name in PLANNED
        if (name != "progress" or kind != "story") and (name != "health" or kind == "release")
    )
