"""Replay first-parent commits into a log of plain events, one item at a time.

Each changed file is parsed once per blob; what the history needs of it is kept as a `View`
(id, kind, fields as text, clause texts, prose). Comparing an item's view before and after a
commit gives its events: created, a field set, its file touched, a clause or its prose
reworded, renamed, deleted. The events are plain tuples, so `cache.py` stores them as JSON
and the next build replays only the new commits on top.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..review.changes import _prose, _words
from ..review.renames import match_renames
from ..spec.loader import load_bytes
from ..spec.model import Item
from ..spec.settings import Settings
from .gitlog import LogCommit

UNPARSABLE = ("RM001", "RM002")
"""Findings that leave a file version without an item: it is skipped and counted."""

Event = tuple[int, str, str, str, str | None]
"""(commit number, operation, item id, key, value): `create`, `set` (key a field, value its
text or None once removed), `touch`, `reword` (key a clause's local id, "" for the prose),
`rename` (key the new id), `delete`."""


@dataclass(frozen=True, slots=True)
class View:
    """What the history keeps of one version of one spec file."""

    id: str
    kind: str
    fields: tuple[tuple[str, str], ...]
    clauses: tuple[tuple[str, str], ...]
    """(local id, digest of its normalised text): rewording is only ever compared."""
    prose: str
    """The digest of the prose, for the same reason: the cache stays small and fast to load."""


class Skipped:
    """A file version that failed to parse (or was too large to read)."""


SKIPPED = Skipped()

Parsed = View | Skipped | None
"""A blob's view, SKIPPED, or None for a page that is not a spec."""


@dataclass(slots=True)
class Replay:
    """The replayed history up to `head`: what the cache stores."""

    head: str | None = None
    commits: list[tuple[str, int, str]] = field(default_factory=list)
    """(sha, committer time, subject), oldest first; events refer to them by number."""
    events: list[Event] = field(default_factory=list)
    files: dict[str, tuple[str, View]] = field(default_factory=dict)
    """What each product file holds at `head`: (blob id, view), by path."""
    skipped: int = 0


def field_text(value: object) -> str | None:
    """A field's value as the export writes it: lists joined by ", ", dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(field_text(part) or "" for part in value)
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return str(value)


def parse_blob(path: str, data: bytes, settings: Settings) -> Parsed:
    """The view of one blob, as found at `path`."""
    loaded = load_bytes(path, data, settings)
    item = loaded.source.item
    if item is None:
        broken = any(finding.code in UNPARSABLE for finding in loaded.findings)
        return SKIPPED if broken or loaded.source.text is None else None
    if not item.id or not item.kind:
        return None
    return view_of(item)


def view_of(item: Item) -> View:
    """The parts of an item whose changes the history records."""
    fields = tuple(
        (name, text)
        for name, value in item.fields.items()
        if (text := field_text(value)) is not None
    )
    clauses = tuple((clause.local_id, digest(_words(clause.text))) for clause in item.clauses)
    return View(item.id, item.kind, fields, clauses, digest(_prose(item)))


def digest(text: str) -> str:
    """A short fingerprint of a text, to tell whether it changed without keeping it."""
    data = text.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


ItemAt = Callable[[str, str], Item | None]
"""The parsed item of (path, blob id), for pairing renamed ids."""


class Replayer:
    """Applies commits to a `Replay`, keeping an index of which paths hold each id."""

    def __init__(self, replay: Replay, item_at: ItemAt) -> None:
        self.replay = replay
        self.item_at = item_at
        self.paths: dict[str, set[str]] = {}
        for path, (_, view) in replay.files.items():
            self.paths.setdefault(view.id, set()).add(path)

    def view(self, item_id: str) -> tuple[str, str, View] | None:
        """(path, blob, view) of the file an id is read from: the first path holding it."""
        paths = self.paths.get(item_id)
        if not paths:
            return None
        path = min(paths)
        blob, view = self.replay.files[path]
        return path, blob, view

    def apply(self, commit: LogCommit, parsed: Mapping[str, Parsed]) -> None:
        """Replay one commit, whose new blobs have been parsed into `parsed`."""
        replay = self.replay
        number = len(replay.commits)
        replay.commits.append((commit.sha, commit.time, commit.subject))
        touched: set[str] = set()
        ids = {view.id for path in _paths(commit) if (view := self._at(path))}
        before = {item_id: self.view(item_id) for item_id in ids}
        for change in commit.changes:
            moved = replay.files.get(change.old_path) if change.old_path else None
            found = parsed.get(change.blob, SKIPPED) if change.blob else None
            if isinstance(found, Skipped):
                replay.skipped += 1
                if moved is None:
                    continue
                found = moved[1]
            if change.old_path:
                touched.add(change.old_path)
                self._set(change.old_path, None)
            touched.add(change.path)
            self._set(change.path, (change.blob or "", found) if found else None)
        after_ids = {view.id for path in touched if (view := self._at(path))}
        self._compare(number, before, after_ids | ids)

    def _at(self, path: str) -> View | None:
        held = self.replay.files.get(path)
        return held[1] if held else None

    def _set(self, path: str, held: tuple[str, View] | None) -> None:
        old = self.replay.files.pop(path, None)
        if old is not None:
            self.paths[old[1].id].discard(path)
            if not self.paths[old[1].id]:
                del self.paths[old[1].id]
        if held is not None:
            self.replay.files[path] = held
            self.paths.setdefault(held[1].id, set()).add(path)

    def _compare(
        self, number: int, before: Mapping[str, tuple[str, str, View] | None], ids: set[str]
    ) -> None:
        after = {item_id: self.view(item_id) for item_id in sorted(ids)}
        vanished = [i for i in sorted(before) if before[i] and not after.get(i)]
        appeared = [i for i in sorted(after) if after[i] and not before.get(i)]
        renamed = self._renames(vanished, appeared, before, after)
        events = self.replay.events
        for old_id, new_id in renamed.items():
            events.append((number, "rename", old_id, new_id, None))
        for item_id, now in after.items():
            if now is None:
                continue
            old_id = next((o for o, n in renamed.items() if n == item_id), item_id)
            was = before.get(old_id)
            if was is None:
                events.append((number, "create", item_id, "", None))
            events.extend(_differences(number, item_id, was[2] if was else None, now[2]))
            events.append((number, "touch", item_id, "", None))
        for item_id in vanished:
            if item_id not in renamed:
                events.append((number, "delete", item_id, "", None))

    def _renames(
        self,
        vanished: list[str],
        appeared: list[str],
        before: Mapping[str, tuple[str, str, View] | None],
        after: Mapping[str, tuple[str, str, View] | None],
    ) -> dict[str, str]:
        """Ids that changed with their file's content kept: `review/renames.py` pairs them."""
        if not vanished or not appeared:
            return {}
        sides: list[tuple[list[Item], dict[str, str]]] = []
        for ids, views in ((vanished, before), (appeared, after)):
            items: list[Item] = []
            texts: dict[str, str] = {}
            for item_id in ids:
                held = views[item_id]
                item = self.item_at(held[0], held[1]) if held else None
                if item is not None:
                    items.append(item)
                    texts[item.path] = _text_of(item)
            sides.append((items, texts))
        pairs = match_renames(sides[0][0], sides[1][0], sides[0][1], sides[1][1])
        return {old.id: new.id for old, new in pairs}


def _text_of(item: Item) -> str:
    fields = "\n".join(f"{name}: {field_text(value)}" for name, value in item.fields.items())
    return f"{fields}\n{item.body}"


def _paths(commit: LogCommit) -> list[str]:
    return [path for change in commit.changes for path in (change.path, change.old_path) if path]


def _differences(number: int, item_id: str, was: View | None, now: View) -> list[Event]:
    """The `set` and `reword` events that take an item from one view to the next."""
    old_fields = dict(was.fields) if was else {}
    new_fields = dict(now.fields)
    events: list[Event] = [
        (number, "set", item_id, name, text)
        for name, text in now.fields
        if old_fields.get(name) != text
    ]
    events.extend(
        (number, "set", item_id, name, None)
        for name, _ in (was.fields if was else ())
        if name not in new_fields
    )
    if was is not None:
        old_clauses = dict(was.clauses)
        events.extend(
            (number, "reword", item_id, local, None)
            for local, text in now.clauses
            if local in old_clauses and old_clauses[local] != text
        )
        if was.prose != now.prose:
            events.append((number, "reword", item_id, "", None))
    return events
