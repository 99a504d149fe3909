"""The replayed history kept between builds, keyed by the commit it was read up to.

The file lives outside the product folder (`.cache/roadmark/` beside `mkdocs.yml`) and is
never published. Anyone can write into it, so it is trusted for nothing: a file of another
version, for other settings, or of the wrong shape is ignored (and overwritten by the next
write), and the history is read cold instead.

The layout is flat so a build after a new commit loads and writes it fast: every id, field
name and value is stored once in a table of `names` and referred to by its index, the
events are five columns (numbers, operations as one letter each, then ids, keys and values
as indices) rather than one small list each, and every column is checked as a whole (its
types and its range at once) before the events are zipped back together. The texts come
back shared, so the dictionaries that the derivation keys by them hash each one once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

from ..spec.settings import Settings
from .replay import Event, Replay, View

VERSION = 4
"""Bumped whenever what is stored changes meaning."""

OPERATIONS = {"c": "create", "s": "set", "t": "touch", "w": "reword", "r": "rename", "d": "delete"}
"""Each operation's letter in the file."""
LETTERS = {name: letter for letter, name in OPERATIONS.items()}


def cache_file(cache_dir: Path, folder: str, settings_key: str) -> Path:
    """The cache of one product folder read with one set of settings."""
    digest = hashlib.sha256(f"{VERSION}\0{folder}\0{settings_key}".encode()).hexdigest()
    return cache_dir / f"history-{digest[:16]}.json"


def load(path: Path, settings_key: str) -> Replay | None:
    """The cached replay, or None when there is none or it cannot be trusted."""
    try:
        with paused_gc():
            data = json.loads(path.read_bytes())
            return _replay(data, settings_key)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


@contextlib.contextmanager
def paused_gc(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection while a block builds many objects that all stay alive
    (the loaded cache, the derived history): each collection would walk them for nothing.

    With `freeze` (a process that ends soon), what the block made is also kept out of every
    later collection: the rest of a build would otherwise walk it again at each full pass.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def save(path: Path, replay: Replay, settings_key: str) -> None:
    """Write the cache whole or not at all; a folder that cannot be written is no error."""
    data = _encode(replay)
    data.update(version=VERSION, settings=settings_key)
    # ASCII: a path git stores in another encoding is a lone surrogate here, which UTF-8
    # cannot write but a JSON escape can.
    text = json.dumps(data, separators=(",", ":"))
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".history-", dir=path.parent)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            temporary.replace(path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


def _encode(replay: Replay) -> dict[str, Any]:
    """The replay as JSON values: texts as indices into one table of names."""
    index: dict[str, int] = {}
    # setdefault's default is read before the text is added: a new text gets the next index.
    number = index.setdefault
    numbers, ops, items, keys, values = list(zip(*replay.events, strict=True)) or [()] * 5
    files = {
        path: [
            blob,
            number(view.id, len(index)),
            number(view.kind, len(index)),
            [number(text, len(index)) for pair in view.fields for text in pair],
            [text for pair in view.clauses for text in pair],
            view.prose,
        ]
        for path, (blob, view) in replay.files.items()
    }
    events = [
        list(numbers),
        "".join(LETTERS[op] for op in ops),
        [number(text, len(index)) for text in items],
        [number(text, len(index)) for text in keys],
        [-1 if text is None else number(text, len(index)) for text in values],
    ]
    return {
        "head": replay.head,
        "skipped": replay.skipped,
        "commits": [list(commit) for commit in replay.commits],
        "names": list(index),
        "events": events,
        "files": files,
    }


def _replay(data: Any, settings_key: str) -> Replay | None:
    if data.get("version") != VERSION or data.get("settings") != settings_key:
        return None
    head, skipped = data["head"], data["skipped"]
    if not isinstance(head, str) or not isinstance(skipped, int) or skipped < 0:
        return None
    names = data["names"]
    if not isinstance(names, list) or not _all(names, str):
        raise ValueError("not names")
    commits = [_commit(entry) for entry in data["commits"]]
    events = _events(data["events"], len(commits), names)
    return Replay(head, commits, events, _files(data["files"], names), skipped)


def _commit(entry: Any) -> tuple[str, int, str]:
    sha, time, subject = entry
    if not isinstance(time, int) or isinstance(time, bool):
        raise ValueError("not a commit")
    return _text(sha), time, _text(subject)


def _events(columns: Any, commits: int, names: list[str]) -> list[Event]:
    """The events back from their columns, each column's types and range checked in one pass."""
    numbers, ops, items, keys, values = columns
    if not isinstance(numbers, list):
        raise ValueError("not events")
    count = len(numbers)
    if not isinstance(ops, str) or not set(ops) <= OPERATIONS.keys() or len(ops) != count:
        raise ValueError("not events")
    if not all(
        isinstance(column, list) and len(column) == count for column in (items, keys, values)
    ):
        raise ValueError("not events")
    _indices(numbers, 0, commits)
    _indices(items, 0, len(names))
    _indices(keys, 0, len(names))
    _indices(values, -1, len(names))
    # Index -1 is the last entry: None, a value removed.
    table = [*names, None]
    return list(
        zip(
            numbers,
            map(OPERATIONS.__getitem__, ops),
            map(names.__getitem__, items),
            map(names.__getitem__, keys),
            map(table.__getitem__, values),
            strict=True,
        )
    )


def _files(stored: Any, names: list[str]) -> dict[str, tuple[str, View]]:
    """Each file's blob and view, every index and text checked once for all files."""
    if not isinstance(stored, dict):
        raise ValueError("not files")
    # (path, blob, id, kind, fields, clauses, prose); ids, kinds and fields are indices.
    rows = [(path, *row) for path, row in stored.items()]
    # `type(…) is list` as `_all` checks it, written out: this runs once per file.
    if not all(len(row) == 7 and type(row[4]) is list and type(row[5]) is list for row in rows):
        raise ValueError("not files")
    if not _all([text for row in rows for text in (row[1], *row[5], row[6])], str):
        raise ValueError("not files")
    _indices([index for row in rows for index in (row[2], row[3], *row[4])], 0, len(names))
    get = names.__getitem__
    files: dict[str, tuple[str, View]] = {}
    for path, blob, item_id, kind, fields, clauses, prose in rows:
        if len(fields) % 2 or len(clauses) % 2:
            raise ValueError("not pairs")
        pairs = tuple(zip(map(get, fields[::2]), map(get, fields[1::2]), strict=True))
        marks = tuple(zip(clauses[::2], clauses[1::2], strict=True))
        view = View(get(item_id), get(kind), pairs, marks, prose)
        files[path] = (blob, view)
    return files


def _indices(column: list[Any], low: int, high: int) -> None:
    """Every entry an int (not a bool) from `low` to below `high`."""
    if column and (not _all(column, int) or min(column) < low or max(column) >= high):
        raise ValueError("not indices")


def _all(values: list[Any], kind: type) -> bool:
    """Whether every value is exactly of `kind` (a bool is no int here)."""
    return set(map(type, values)) <= {kind}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def settings_key(settings: Settings) -> str:
    """What parsing depends on (kinds and fields; severities do not change what is read),
    as a digest that every process computes alike: `repr` would list a frozenset in an
    order that changes with each process's string hashing, and no cache would ever hit."""
    parsing = {"kinds": settings.kinds, "fields": settings.fields}
    text = json.dumps(parsing, default=_plain, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    return repr(value)
