"""What the preview watches, and which of those files changed since the last build.

MkDocs' live-reload server says that something changed, not what. The preview keeps the
stamp (modification time and size) of every file a build read, and compares them after
each change: a few milliseconds for thousands of files, far less than rendering a page.
Free of MkDocs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Stamp = tuple[int, int]
"""A file's modification time in nanoseconds and its size."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """The folders and single files a build reads, as absolute paths."""

    folders: tuple[Path, ...]
    files: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class Changes:
    """Files modified, added and removed between two snapshots, as absolute paths."""

    modified: frozenset[Path] = field(default_factory=frozenset)
    added: frozenset[Path] = field(default_factory=frozenset)
    removed: frozenset[Path] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.modified or self.added or self.removed)


def snapshot(inputs: Inputs) -> dict[str, Stamp]:
    """The stamp of every regular file under the folders and of each single file, by path
    as a string: the preview takes one after every edit, and making a `Path` of each of
    10,000 files cost as much as the walk itself."""
    found: dict[str, Stamp] = {}
    for folder in inputs.folders:
        _walk(str(folder), found)
    for path in inputs.files:
        stamp = _stamp(path)
        if stamp is not None:
            found[str(path)] = stamp
    return found


def changes(before: Mapping[str, Stamp], after: Mapping[str, Stamp]) -> Changes:
    """The files modified, added and removed between two snapshots; only the paths that
    differ are made `Path`s."""
    modified = [path for path, stamp in after.items() if before.get(path, stamp) != stamp]
    return Changes(
        frozenset(map(Path, modified)),
        frozenset(map(Path, after.keys() - before.keys())),
        frozenset(map(Path, before.keys() - after.keys())),
    )


def under(paths: Iterable[Path], folder: Path) -> set[Path]:
    """The paths inside `folder`."""
    return {path for path in paths if folder in path.parents}


def _walk(folder: str, found: dict[str, Stamp]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return  # a folder that is gone, or unreadable, holds nothing to watch
    for entry in entries:
        path = entry.path  # `folder/name`, as `str(Path(folder) / name)` writes it
        try:
            if entry.is_dir(follow_symlinks=False):
                _walk(path, found)
            else:
                # Links too: the build classifies them, and their target's stamp is what counts.
                stat = entry.stat()
                found[path] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            found[path] = (-1, -1)  # a dangling link: present, and changed when it is mended


def _stamp(path: Path) -> Stamp | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)
