"""Now, next and later: the board column of each release, and of items that override it.

The columns come from release dates relative to "today":

- **now**: every unreleased release already under way: past its first workflow state
  (`in-progress`), past its `start`, or due today or earlier. When none is, the
  earliest unreleased release is "now", so the board always has a present.
- **next**: the first unreleased release after those, in date order.
- **later**: every other unreleased release. Released ones are on no column.

An item's explicit `horizon` (epic or story) overrides its release's column; a story
without one inherits its epic's, as it inherits the epic's release.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, cast

from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.settings import Settings
from .progress import is_done

Column = Literal["now", "next", "later"]
COLUMNS: tuple[Column, ...] = ("now", "next", "later")


def release_columns(releases: Sequence[Item], settings: Settings, today: date) -> dict[str, Column]:
    """The column of each unreleased release of `releases` (given in date order)."""
    open_releases = [release for release in releases if not is_done(release, settings)]
    now = [release for release in open_releases if _under_way(release, settings, today)]
    if not now and open_releases:
        now = [open_releases[0]]
    columns: dict[str, Column] = {release.id: "now" for release in now}
    rest = [release for release in open_releases if release.id not in columns]
    for position, release in enumerate(rest):
        columns[release.id] = "next" if position == 0 else "later"
    return columns


def explicit_horizon(item: Item, graph: Graph) -> Column | None:
    """The `horizon` written on the item, or for a story on its epic; None when neither has one."""
    value = item.get("horizon")
    if value is None and item.kind == "story":
        epic = graph.parent(item)
        value = epic.get("horizon") if epic is not None and epic.kind == "epic" else None
    return cast(Column, value) if value in COLUMNS else None


def _under_way(release: Item, settings: Settings, today: date) -> bool:
    kind = settings.kinds.get(release.kind)
    if kind is not None and release.status in kind.statuses[1:]:
        return True
    start, due = release.get("start"), release.get("date")
    return (isinstance(start, date) and start <= today) or (isinstance(due, date) and due <= today)
