"""Resolve symbolic links without ever leaving the project, on disk and in git alike.

A link in the product folder is followed one path component at a time, the way the
kernel would, but the walk stops at the first component outside the project: nothing
there is looked at, let alone opened. The same walk runs over the working tree
(`entries.py`) and over a commit's tree (`committed.py`), so `roadmark check` and
`roadmark diff` refuse the same links with the same words.

Paths are absolute POSIX strings. Components are resolved one by one, so a `..` after
a resolved component is exact. An absolute target passes through the folders above the
project, which are real (the bounds are real paths) and so are not looked at either; a
path that passes through any other place outside the project and comes back
(`../elsewhere/../product/x.md`), or an absolute one written through a linked folder
(macOS's `/tmp`), is refused as soon as it leaves: stricter than the kernel, never looser.
"""

from __future__ import annotations

import posixpath
import stat
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from .problems import Finding

MAX_HOPS = 40
"""Links followed for one path before it counts as a loop; Linux's own limit."""


class Kind(StrEnum):
    """What a path is, as `lstat` tells it; the values are how messages name it."""

    FILE = "a regular file"
    FOLDER = "a folder"
    LINK = "a symbolic link"
    FIFO = "a FIFO"
    SOCKET = "a socket"
    CHAR_DEVICE = "a character device"
    BLOCK_DEVICE = "a block device"
    OTHER = "a special file"


def kind_of(mode: int) -> Kind:
    """The kind of a file from its `st_mode`."""
    for test, kind in (
        (stat.S_ISREG, Kind.FILE),
        (stat.S_ISDIR, Kind.FOLDER),
        (stat.S_ISLNK, Kind.LINK),
        (stat.S_ISFIFO, Kind.FIFO),
        (stat.S_ISSOCK, Kind.SOCKET),
        (stat.S_ISCHR, Kind.CHAR_DEVICE),
        (stat.S_ISBLK, Kind.BLOCK_DEVICE),
    ):
        if test(mode):
            return kind
    return Kind.OTHER


KindOf = Callable[[str], "Kind | None"]
"""What is at an absolute path (without following a last link), None when nothing is."""

ReadLink = Callable[[str], str]
"""The target text of the link at an absolute path."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a link ends."""

    outcome: Literal["inside", "outside", "broken", "loop"]
    path: str | None = None
    """The absolute path it ends at, when inside the project."""
    kind: Kind | None = None
    """What is there, when inside the project: never a link."""


def within(path: str, bounds: tuple[str, ...]) -> bool:
    """Whether the absolute, normalised `path` is one of `bounds` or inside one."""
    return any(path == bound or path.startswith(bound.rstrip("/") + "/") for bound in bounds)


def resolve_link(
    link: str, bounds: tuple[str, ...], kind_of: KindOf, read_link: ReadLink
) -> Resolution:
    """Follow the link at `link` (absolute, its folder already resolved) inside `bounds`."""
    current = posixpath.dirname(link)
    pending: list[str] = []
    hops = 1

    def follow(path: str) -> None:
        nonlocal current
        target = read_link(path)
        if target.startswith("/"):
            current = "/"
        pending.extend(reversed(target.split("/")))

    follow(link)
    while pending:
        name = pending.pop()
        if name in ("", "."):
            continue
        if name == "..":
            # `current` has no link left in it, so its parent is plain text.
            current = posixpath.dirname(current)
            continue
        candidate = posixpath.join(current, name)
        if any(within(bound, (candidate,)) for bound in bounds) and candidate not in bounds:
            # On the way down to the project from `/`: real folders, as the bounds are real.
            current = candidate
            continue
        if not within(candidate, bounds):
            return Resolution("outside")
        kind = kind_of(candidate)
        if kind is Kind.LINK:
            hops += 1
            if hops > MAX_HOPS:
                return Resolution("loop")
            follow(candidate)
            continue
        if kind is None or (kind is not Kind.FOLDER and any(p not in ("", ".") for p in pending)):
            return Resolution("broken")
        current = candidate
    if not within(current, bounds):
        return Resolution("outside")
    kind = kind_of(current)
    if kind is None:
        return Resolution("broken")
    return Resolution("inside", current, kind)


def link_finding(target: str, resolution: Resolution) -> Finding | None:
    """The problem with a link to `target` that resolved so; None when it may be followed."""
    shown = f"symbolic link to '{target}'"
    if resolution.outcome == "outside":
        return Finding("RM022", 1, 1, f"{shown} leads outside the project; it is not read")
    if resolution.outcome == "broken":
        return Finding("RM001", 1, 1, f"cannot read file: broken {shown}")
    if resolution.outcome == "loop":
        return Finding("RM001", 1, 1, f"cannot read file: {shown} loops (too many levels)")
    if resolution.kind in (Kind.FILE, Kind.FOLDER):
        return None
    return special_finding(resolution.kind or Kind.OTHER, f"{shown} ends at ")


def special_finding(kind: Kind, prefix: str = "") -> Finding:
    """The problem with a device, FIFO or socket: refused unopened."""
    return Finding("RM023", 1, 1, f"{prefix}{kind.value}, not a regular file; it is not opened")
