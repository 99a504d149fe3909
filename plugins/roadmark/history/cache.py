"""The replayed history kept between builds, keyed by the commit it was read up to.

The file lives outside the product folder (`.cache/roadmark/` beside `mkdocs.yml`) and is
never published. Anyone can write into it, so it is trusted for nothing: a file of another
version, for other settings, or of the wrong shape is ignored (and overwritten by the next
write), and the history is read cold instead.

The layout is flat so a warm build loads it fast: the events are stored as five columns
(numbers, operations, ids, keys, values) rather than one small list each, and are checked a
column at a time (the types of a whole column at once) before being zipped back together.
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
from .replay import Event, Replay, from_json, to_json

VERSION = 3
"""Bumped whenever what is stored changes meaning."""

OPERATIONS = frozenset({"create", "set", "touch", "reword", "rename", "delete"})


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
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a block builds many objects that all stay alive
    (the loaded cache, the derived history): each collection would walk them for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def save(path: Path, replay: Replay, settings_key: str) -> None:
    """Write the cache whole or not at all; a folder that cannot be written is no error."""
    data = {
        "version": VERSION,
        "settings": settings_key,
        "head": replay.head,
        "skipped": replay.skipped,
        "commits": [list(commit) for commit in replay.commits],
        "events": [list(column) for column in zip(*replay.events, strict=True)] or [[]] * 5,
        "files": {path: [blob, to_json(view)] for path, (blob, view) in replay.files.items()},
    }
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


def _replay(data: Any, settings_key: str) -> Replay | None:
    if data.get("version") != VERSION or data.get("settings") != settings_key:
        return None
    head, skipped = data["head"], data["skipped"]
    if not isinstance(head, str) or not isinstance(skipped, int) or skipped < 0:
        return None
    commits = [_commit(entry) for entry in data["commits"]]
    events = _events(data["events"], len(commits))
    files = {
        _text(path): (_text(held[0]), from_json(held[1])) for path, held in data["files"].items()
    }
    return Replay(head, commits, events, files, skipped)


def _commit(entry: Any) -> tuple[str, int, str]:
    sha, time, subject = entry
    if not isinstance(time, int) or isinstance(time, bool):
        raise ValueError("not a commit")
    return _text(sha), time, _text(subject)


_NONE = type(None)


def _events(columns: Any, commits: int) -> list[Event]:
    """The events back from their columns, each column's types checked in one pass."""
    numbers, ops, items, keys, values = columns
    count = len(numbers)
    if not all(isinstance(column, list) and len(column) == count for column in columns):
        raise ValueError("not events")
    if not set(map(type, numbers)) <= {int} or (count and min(numbers) < 0):
        raise ValueError("not events")
    if (count and max(numbers) >= commits) or not set(ops) <= OPERATIONS:
        raise ValueError("not events")
    if not set(map(type, items)) | set(map(type, keys)) <= {str}:
        raise ValueError("not events")
    if not set(map(type, values)) <= {str, _NONE}:
        raise ValueError("not events")
    return list(zip(numbers, ops, items, keys, values, strict=True))


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
