"""Suspect links: downstream items whose upstream changed meaning after they were last touched.

A story (or any item) that `implements` a requirement reworded in a commit after the
story's own file last changed is suspect, and so is one whose epic's prose was reworded
after it; "reworded" is `review/changes.py`'s notion (clause text, prose, whitespace
normalised). A criterion reworded after the test report that verified it ran is suspect
too (`criterion_suspects`). Touching the downstream file clears it: its last commit is then
the later one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from .model import Commit, History, ItemHistory, Suspect
from .replay import Replay

REQUIREMENT = "requirement reworded after the item was last changed"
EPIC = "epic reworded after the item was last changed"
CRITERION = "criterion reworded after its tests last ran"


def reworded(
    replay: Replay, commits: list[Commit], items: Mapping[str, ItemHistory]
) -> dict[str, Commit]:
    """The last commit that reworded each clause (by address) and each item's prose (by id),
    under current ids, for items at the head."""
    found: dict[str, dict[str, Commit]] = {}
    for number, op, item_id, key, _ in replay.events:
        if op == "rename" and item_id in found:
            found[key] = found.pop(item_id)
        elif op == "reword":
            found.setdefault(item_id, {})[key] = commits[number]
    return {
        (f"{owner}/{local}" if local else owner): commit
        for owner, clauses in sorted(found.items())
        if owner in items
        for local, commit in sorted(clauses.items())
    }


def suspects(
    replay: Replay,
    commits: list[Commit],
    items: Mapping[str, ItemHistory],
    changed: Mapping[str, Commit] | None = None,
) -> tuple[Suspect, ...]:
    """Items whose implemented requirement or epic was reworded after they were last touched;
    `changed` is `reworded(...)` when the caller has it already (it walks every event)."""
    order = {commit.sha: number for number, commit in enumerate(commits)}
    if changed is None:
        changed = reworded(replay, commits, items)
    found: list[Suspect] = []
    for _, view in sorted(replay.files.values(), key=lambda held: held[1].id):
        fields = dict(view.fields)
        history = items.get(view.id)
        if history is None:
            continue
        touched = order.get(history.last_touched.sha, -1)
        upstreams = [(address, REQUIREMENT) for address in _listed(fields.get("implements"))]
        if fields.get("epic"):
            upstreams.append((fields["epic"], EPIC))
        for upstream, reason in upstreams:
            commit = changed.get(upstream)
            if commit is not None and order.get(commit.sha, -1) > touched:
                found.append(Suspect(view.id, upstream, reason, commit))
    return tuple(found)


def criterion_suspects(history: History, tested: Mapping[str, str]) -> tuple[Suspect, ...]:
    """Criteria reworded after the test report that verified them ran, from {address: the
    report's ISO 8601 timestamp (UTC when it names no zone)}; bad timestamps are passed over."""
    found: list[Suspect] = []
    for address, stamp in sorted(tested.items()):
        commit = history.reworded.get(address)
        ran = run_time(stamp)
        if commit is not None and ran is not None and commit.time > ran:
            owner = address.partition("/")[0]
            found.append(Suspect(owner, address, CRITERION, commit))
    return tuple(found)


def _listed(text: str | None) -> list[str]:
    return [part for part in (text or "").split(", ") if part]


def run_time(stamp: str) -> float | None:
    """A test report's ISO 8601 timestamp in seconds since the epoch (UTC when it names no
    zone); None when it is no timestamp."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
