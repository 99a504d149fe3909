"""The product as it stood at the end of each day, rebuilt from the replayed events.

Burn-up and the cumulative flow need, for each day, every item's status, estimate, release
and parents. Walking the events once and yielding the state after the last commit of each
day costs one pass, however many days are asked about.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from ..spec.graph import PARENT_FIELDS
from ..spec.model import Item
from ..spec.settings import Settings
from .model import Commit
from .replay import Replay, View
from .timeline import parse_day

Fields = dict[str, str]
"""An item's front matter at one moment, as text."""


def item_from_view(path: str, view: View) -> Item:
    """An item rebuilt from its view: dates become dates again, so releases order by date."""
    fields: dict[str, object] = {}
    for name, text in view.fields:
        fields[name] = parse_day(text) or text
    status = fields.get("status")
    return Item(
        id=view.id,
        kind=view.kind,
        title=str(fields.get("title", "")),
        status=status if isinstance(status, str) else "",
        path=path,
        fields=fields,
    )


def daily_states(
    replay: Replay, commits: list[Commit]
) -> Iterator[tuple[date, dict[str, Fields], set[str] | None]]:
    """(day, {id: fields}, changed) after the last commit of each day that changed the product,
    oldest first; `changed` holds the ids whose fields changed that day, or is None when ids
    were renamed (everything must be looked at again). The mapping is updated in place: read
    it before asking for the next day."""
    state: dict[str, Fields] = {}
    current: date | None = None
    changed: set[str] | None = set()
    for number, op, item_id, key, value in replay.events:
        day = commits[number].day
        if current is not None and day != current:
            yield current, state, changed
            changed = set()
        current = day
        if op == "set":
            fields = state.setdefault(item_id, {})
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = value
        elif op == "rename":
            state[key] = state.pop(item_id, {})
            changed = None
        elif op == "delete":
            state.pop(item_id, None)
        if changed is not None and op in ("set", "delete"):
            changed.add(item_id)
    if current is not None:
        yield current, state, changed


def estimate(fields: Fields) -> float | None:
    """A story's estimate as a number, when it has a usable one."""
    try:
        value = float(fields["estimate"])
    except (KeyError, ValueError):
        return None
    return value if 0 <= value < float("inf") else None


def release_of(item_id: str, state: Mapping[str, Fields]) -> str | None:
    """The release an item ships in: its own `release`, else its nearest ancestor's (as
    `Graph.release_of` decides it)."""
    seen: set[str] = set()
    current: str | None = item_id
    while current is not None and current not in seen:
        seen.add(current)
        fields = state.get(current, {})
        release = fields.get("release")
        if release is not None and state.get(release, {}).get("kind") == "release":
            return release
        current = _parent(fields, state)
    return None


def in_plan(item_id: str, state: Mapping[str, Fields], settings: Settings) -> bool:
    """Whether the item counts: neither it nor an ancestor is closed (cancelled, superseded)."""
    seen: set[str] = set()
    current: str | None = item_id
    kinds = settings.kinds
    while current is not None and current not in seen:
        seen.add(current)
        fields = state.get(current, {})
        spec = kinds.get(fields.get("kind", ""))
        if spec is not None and fields.get("status", "") in spec.closed:
            return False  # as `settings.is_closed`, inlined: every story of every day asks
        current = _parent(fields, state)
    return True


def _parent(fields: Fields, state: Mapping[str, Fields]) -> str | None:
    """The first parent field naming an item of `state` (a loop: no generator per call)."""
    for name in PARENT_FIELDS:
        parent = fields.get(name)
        if parent is not None and parent in state:
            return parent
    return None


def is_done(fields: Fields, settings: Settings) -> bool:
    """Whether the item is in the final state of its workflow (as `plan/progress.py`)."""
    kind = settings.kinds.get(fields.get("kind", ""))
    return kind is not None and fields.get("status") == kind.done
