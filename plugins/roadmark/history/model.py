"""What the history reader learns from git, as the renderers and the CLI consume it.

Plain frozen data, free of git and MkDocs: `reader.py` fills it from a repository,
and tests build it by hand. Every sequence is in commit order (oldest first), so two
builds of the same commit give the same values in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Commit:
    """A first-parent commit of the history that changed the product."""

    sha: str
    """The full commit id."""
    day: date
    """The committer date, in UTC."""
    subject: str
    time: int = 0
    """The committer time in seconds since the epoch (UTC), to compare with test reports."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One front-matter field of one item taking a new value at a commit."""

    item: str
    field: str
    value: str | None
    """The value as the export writes it (lists joined by ", "); None once removed."""
    commit: Commit


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """An item entering a workflow state."""

    status: str
    commit: Commit


@dataclass(frozen=True, slots=True)
class ItemHistory:
    """One item's life in git, under its current id (renames followed)."""

    id: str
    created: Commit
    changes: tuple[FieldChange, ...]
    statuses: tuple[StatusEntry, ...]
    cycle_days: int | None
    """Days from first entering an in-progress state to last entering a done one."""
    releases: tuple[str | None, ...]
    """The successive values of `release`, e.g. (R1, R2, R3): a slip per move."""
    targets: tuple[date | None, ...]
    """The successive target dates (epics) or release dates (releases)."""
    last_touched: Commit
    """The last commit that changed this item's file."""


@dataclass(frozen=True, slots=True)
class BurnupPoint:
    """A release's scope and done work at the end of a day."""

    day: date
    scope: float
    done: float


@dataclass(frozen=True, slots=True)
class Forecast:
    """When a release is likely to be done, from recent throughput (a seeded Monte Carlo)."""

    p50: date
    p85: date
    weekly_throughput: tuple[float, ...]
    """The samples the forecast drew from: done per week over the recent window."""
    basis: str = "throughput"
    """"throughput" (the product's work done per week) or "velocity" (closed sprints'
    completed points per week, `velocity.py`)."""


@dataclass(frozen=True, slots=True)
class ReleaseHistory:
    """A release's burn-up from its start, and its forecast when one can be made."""

    release: str
    unit: str
    """"points", or "stories" when estimates are missing (as progress counts)."""
    points: tuple[BurnupPoint, ...]
    forecast: Forecast | None
    scope_added: tuple[str, ...]
    """Items that joined the release after its start."""
    scope_removed: tuple[str, ...]
    """Items that left it after its start."""


@dataclass(frozen=True, slots=True)
class BurndownPoint:
    """A sprint's scope and the part of it not yet done, at the end of a day."""

    day: date
    remaining: float
    scope: float


@dataclass(frozen=True, slots=True)
class ScopeChange:
    """A story that joined or left a sprint after its start day."""

    item: str
    day: date
    """The day it joined (first) or left (last)."""
    commit: Commit | None
    """The story's own last commit that day; None when it was deleted, or when a change to
    another item (its epic closed, say) moved it."""


@dataclass(frozen=True, slots=True)
class CarryOver:
    """A story that joined a sprint from another one while not done."""

    item: str
    sprint: str
    """The sprint it came from."""
    commit: Commit
    """The commit that moved it."""


@dataclass(frozen=True, slots=True)
class SprintHistory:
    """A sprint's burndown from its start, its scope changes and its carry-over."""

    sprint: str
    unit: str
    """"points", or "stories" when estimates are missing (as releases count)."""
    start: date
    end: date | None
    points: tuple[BurndownPoint, ...]
    """Each day from `start` to `end`, or to the build's today (or the last commit's day,
    when later) while the sprint runs; empty before it starts."""
    scope_added: tuple[ScopeChange, ...]
    scope_removed: tuple[ScopeChange, ...]
    carried_over: tuple[CarryOver, ...]


@dataclass(frozen=True, slots=True)
class Slip:
    """A release or target date that moved later, or an item moved to a later release."""

    item: str
    field: str
    before: str
    after: str
    commit: Commit


@dataclass(frozen=True, slots=True)
class Suspect:
    """A downstream item whose upstream changed meaning after it was last touched."""

    item: str
    """The downstream item, e.g. a story."""
    upstream: str
    """The changed id or address, e.g. `PRD-3/R-2`, `EPIC-4`, or a criterion's address."""
    reason: str
    """What changed, e.g. "requirement reworded" or "criterion reworded after its tests ran"."""
    commit: Commit
    """The commit that made it suspect."""


@dataclass(frozen=True, slots=True)
class FlowDay:
    """Stories per workflow state at the end of a day (a cumulative flow diagram's column)."""

    day: date
    counts: tuple[tuple[str, int], ...]
    """(state, count) in workflow order."""


@dataclass(frozen=True, slots=True)
class Trends:
    """The product-wide series of the trends page."""

    throughput: tuple[tuple[date, int], ...]
    """Stories done per week, by the Monday that starts the week."""
    flow: tuple[FlowDay, ...]
    cycle_days: tuple[int, ...]
    """Cycle time of every done story, in days, sorted."""
    slips: tuple[Slip, ...]


@dataclass(frozen=True, slots=True)
class History:
    """The product's history, or why there is none."""

    available: bool
    reason: str | None = None
    """Why history is unavailable, with the fix, e.g. a shallow clone and `fetch-depth: 0`."""
    head: Commit | None = None
    items: dict[str, ItemHistory] = field(default_factory=dict)
    releases: dict[str, ReleaseHistory] = field(default_factory=dict)
    sprints: dict[str, SprintHistory] = field(default_factory=dict)
    """Every sprint at the head that has a `start`, by id."""
    trends: Trends | None = None
    suspects: tuple[Suspect, ...] = ()
    skipped: int = 0
    """File versions that failed to parse at some commit and were passed over."""
    reworded: dict[str, Commit] = field(default_factory=dict)
    """The last commit that reworded each requirement or criterion (by address, e.g.
    `PRD-2/R-1`) and each item's prose (by id), for the suspects of test reports."""


UNAVAILABLE_NOTE = "History unavailable"
"""What the pages say in place of history."""
