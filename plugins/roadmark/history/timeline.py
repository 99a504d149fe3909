"""Each item's life from the replayed events: status timeline, field changes, cycle time, slips.

Definitions (docs/history.md): a status entry is recorded each time `status` takes a new
value; cycle time is the days from the first entry into an in-progress state (a workflow
state between the first and the done one) to the last entry into the done state; a slip is
`release` moving to a later release (in release date order, as `plan/schedule.py` orders
them) or `target` / `date` moving later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..spec.settings import Settings
from .model import Commit, FieldChange, ItemHistory, Slip, StatusEntry
from .replay import Replay

TARGET_FIELDS = ("target", "date")
"""The dates whose moving later is a slip: an epic's target, a release's date."""


def commits_of(replay: Replay) -> list[Commit]:
    """The replayed commits as the model's `Commit`, dated in UTC."""
    return [
        Commit(sha, datetime.fromtimestamp(time, UTC).date(), subject, time)
        for sha, time, subject in replay.commits
    ]


@dataclass(slots=True)
class _Record:
    created: Commit
    kind: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    touched: Commit | None = None


def item_histories(
    replay: Replay, commits: list[Commit], settings: Settings
) -> dict[str, ItemHistory]:
    """The history of every item that exists at the head, under its current id."""
    records: dict[str, _Record] = {}
    for number, op, item_id, key, value in replay.events:
        commit = commits[number]
        if op == "rename":
            records[key] = records.pop(item_id, _Record(commit))
            records[key].changes = [
                FieldChange(key, change.field, change.value, change.commit)
                for change in records[key].changes
            ]
            continue
        record = records.get(item_id)
        if record is None:  # not setdefault: that would build a record for every event
            record = records[item_id] = _Record(commit)
        if op == "set":
            record.changes.append(FieldChange(item_id, key, value, commit))
            if key == "kind" and value:
                record.kind = value
        elif op == "touch":
            record.touched = commit
    alive = {view.id: view.kind for _, view in replay.files.values()}
    return {
        item_id: _history(item_id, records[item_id], settings)
        for item_id in sorted(alive)
        if item_id in records
    }


def _history(item_id: str, record: _Record, settings: Settings) -> ItemHistory:
    changes = tuple(record.changes)
    statuses = tuple(
        StatusEntry(change.value, change.commit)
        for change in _moves(changes, "status")
        if change.value is not None
    )
    targets = tuple(parse_day(change.value) for change in changes if change.field in TARGET_FIELDS)
    return ItemHistory(
        id=item_id,
        created=record.created,
        changes=changes,
        statuses=statuses,
        cycle_days=cycle_days(statuses, _workflow(record.kind, settings)),
        releases=tuple(change.value for change in _moves(changes, "release")),
        targets=targets,
        last_touched=record.touched or record.created,
    )


def _moves(changes: tuple[FieldChange, ...], name: str) -> list[FieldChange]:
    """The changes of one field that give it a new value: an id deleted and added back
    with the same value has not moved."""
    moves: list[FieldChange] = []
    for change in changes:
        if change.field == name and (not moves or moves[-1].value != change.value):
            moves.append(change)
    return moves


def _workflow(kind: str, settings: Settings) -> tuple[str, ...]:
    spec = settings.kinds.get(kind)
    return spec.statuses if spec is not None else ()


def cycle_days(statuses: tuple[StatusEntry, ...], workflow: tuple[str, ...]) -> int | None:
    """Days from the first entry into an in-progress state to the last entry into the done
    state; None unless the item is done now and was once in progress."""
    if len(workflow) < 2 or not statuses or statuses[-1].status != workflow[-1]:
        return None
    working = set(workflow[1:-1])
    started = next((entry.commit.day for entry in statuses if entry.status in working), None)
    done = statuses[-1].commit.day
    return None if started is None else max((done - started).days, 0)


def slips(
    items: Mapping[str, ItemHistory], release_rank: Callable[[str | None], int]
) -> list[Slip]:
    """Every move of `release` to a later release and of a target or date to a later day, in
    commit order."""
    found: list[tuple[int, str, Slip]] = []
    for item_id, history in items.items():
        last: dict[str, str | None] = {}
        for change in history.changes:
            before = last.get(change.field)
            last[change.field] = change.value
            if before is None or change.value is None:
                continue
            if _later(change.field, before, change.value, release_rank):
                slip = Slip(item_id, change.field, before, change.value, change.commit)
                found.append((change.commit.time, f"{item_id}\0{change.field}", slip))
    return [slip for _, _, slip in sorted(found, key=lambda entry: entry[:2])]


def _later(name: str, before: str, after: str, rank: Callable[[str | None], int]) -> bool:
    if name == "release":
        return rank(after) > rank(before)
    if name in TARGET_FIELDS:
        was, now = parse_day(before), parse_day(after)
        return was is not None and now is not None and now > was
    return False


def parse_day(text: str | None) -> date | None:
    """A field's text as a date, when it is one (`YYYY-MM-DD`)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
