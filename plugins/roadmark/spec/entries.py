"""The entries of the product folder on disk, each classified before anything is opened.

A pull request controls what the product folder holds, and CI builds it: a link to
`/proc/self/environ` would publish the build's secrets, a FIFO would hang the build,
a link to `/dev/zero` would fill the disk. So every entry is classified from `lstat`
first, and only regular files inside the project are ever opened:

- a symbolic link (to a file or a folder, through any chain) is resolved component by
  component (`links.py`); one that leads outside the project is refused (RM022) and its
  target never looked at; a broken or looping one is unreadable (RM001);
- a link that stays inside the project and ends at a file is read as that file; one that
  ends at a folder is skipped, as before: folder links are never walked, so a loop of
  them cannot make the walk endless and no file is listed twice;
- a device, FIFO or socket is refused unopened (RM023);
- files are opened non-blocking and checked again with `fstat` on the open descriptor, so
  a regular file swapped for a FIFO meanwhile cannot block; a spec is read up to
  `SPEC_LIMIT` bytes and no further, however much the file grows meanwhile.

A link re-pointed outside between the walk and the read is not caught: that needs
someone writing into the checkout while the build runs, i.e. code already running there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .links import Kind, kind_of, link_finding, resolve_link, special_finding, within
from .problems import Finding
from .settings import ConfigError

SPEC_LIMIT = 10 * 1024 * 1024
"""The largest spec read, in bytes: far above any real spec, far below harm."""

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
"""Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever."""

_CHUNK = 1 << 16


class Refused(Exception):
    """A file refused when opened: not a regular file, or too large."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


@dataclass(frozen=True, slots=True)
class Entry:
    """A file of the product folder, and why it may not be used, if it may not."""

    path: str
    """Relative to the product folder, with forward slashes."""
    finding: Finding | None = None

    @property
    def is_spec(self) -> bool:
        """Whether it is Markdown, read as a spec or a plain page; other files are attachments."""
        return self.path.endswith(".md")


def project_bounds(root: Path, product_dir: str) -> tuple[str, ...]:
    """Where links may lead: the project root, and the product folder if configured outside it.

    Real paths, so that a project reached through a link (a temporary folder, a
    mounted home) is compared with the real paths links resolve to.
    """
    real_root = os.path.realpath(root)
    bounds = [real_root]
    configured = os.path.normpath(root / product_dir)
    if not within(configured, (os.path.normpath(root),)):
        bounds.append(os.path.realpath(configured))
    return tuple(bounds)


def scan(root: Path, product_dir: str) -> list[Entry]:
    """Every file under the product folder, sorted by path; hidden entries skipped.

    Names starting with `.` are skipped, and folders whose names start with `_`.
    Attachments are opened and closed again to tell that they can be read.
    """
    bounds = project_bounds(root, product_dir)
    top = os.path.realpath(root / product_dir)
    if not within(top, bounds):
        # The folder itself was replaced by a link: nothing in it is the project's.
        raise ConfigError(f"product folder '{product_dir}' is a link leading outside the project")
    return sorted(_walk(top, bounds), key=lambda entry: entry.path)


def _walk(top: str, bounds: tuple[str, ...]) -> Iterator[Entry]:
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(f"{top}/{folder}" if folder else top) as listing:
                children = list(listing)
        except OSError as exc:
            if folder:  # the product folder itself is checked by the caller
                yield Entry(folder, _unreadable(exc, "folder"))
            continue
        for child in children:
            path = f"{folder}/{child.name}" if folder else child.name
            if child.name.startswith("."):
                continue
            # These three come from the directory listing itself: no system call each.
            if child.is_dir(follow_symlinks=False):
                if not child.name.startswith("_"):
                    folders.append(path)
            elif child.is_file(follow_symlinks=False):
                yield _file(path, child.path)
            elif child.is_symlink():
                entry = _link(path, child.path, bounds)
                if entry is not None:
                    yield entry
            else:
                kind = _kind_at(child.path)
                if kind is not None:  # gone since it was listed
                    yield Entry(path, special_finding(kind))


def _file(path: str, full: str) -> Entry:
    """A regular file (or the end of a link): a spec is read later, an attachment tried now."""
    if path.endswith(".md"):
        return Entry(path)
    try:
        fd = os.open(full, _OPEN_FLAGS)
    except OSError as exc:
        return Entry(path, _unreadable(exc))
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    kind = kind_of(mode)
    return Entry(path, None if kind is Kind.FILE else special_finding(kind))


def _link(path: str, full: str, bounds: tuple[str, ...]) -> Entry | None:
    """A link: refused, unreadable, followed to a file, or (to a folder) skipped."""
    try:
        target = _read_link(full)
        resolution = resolve_link(full, bounds, _kind_at, _read_link)
    except OSError as exc:
        return Entry(path, _unreadable(exc))
    finding = link_finding(target, resolution)
    if finding is not None:
        return Entry(path, finding)
    if resolution.kind is Kind.FOLDER:
        return None
    return _file(path, full)


def _read_link(path: str) -> str:
    # The exact text, as git stores it too; Path.readlink() would normalise it.
    return os.readlink(path)  # noqa: PTH115


def _kind_at(path: str) -> Kind | None:
    try:
        return kind_of(os.lstat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _unreadable(exc: OSError, what: str = "file") -> Finding:
    return Finding("RM001", 1, 1, f"cannot read {what}: {exc.strerror or exc}")


def read_regular(path: Path, limit: int = SPEC_LIMIT, what: str = "a spec") -> bytes:
    """The bytes of the regular file at `path` (`what` it is), at most `limit` of them.

    Raises `Refused` for anything else, or a larger file; `OSError` when it cannot be read.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        kind = kind_of(info.st_mode)
        if kind is not Kind.FILE:
            raise Refused(special_finding(kind))
        if info.st_size > limit:
            raise Refused(oversized_finding(limit, what))
        # The size is known; one more byte tells whether the file grew meanwhile.
        chunks = [os.read(fd, info.st_size + 1)]
        size = len(chunks[0])
        while chunks[-1] and size <= limit:
            chunks.append(os.read(fd, min(_CHUNK, limit + 1 - size)))
            size += len(chunks[-1])
        if size > limit:
            raise Refused(oversized_finding(limit, what))
        return b"".join(chunks)
    finally:
        os.close(fd)


def oversized_finding(limit: int = SPEC_LIMIT, what: str = "a spec") -> Finding:
    """The problem with a file over `limit` bytes: it is not read."""
    size = f"{limit // (1024 * 1024)} MiB"
    return Finding("RM023", 1, 1, f"larger than {size}, the limit for {what}; not read")


def foreign_finding(path: Path, bounds: tuple[str, ...]) -> Finding | None:
    """Why a file found outside the product folder (a page of `docs_dir`) must not be used.

    MkDocs follows links in `docs_dir` and copies or renders what they lead to, so a
    pull request could publish `/proc/self/environ` as a docs page; it never opens a file
    it cannot read in full either. Only the path is resolved here, nothing is opened.
    """
    real = os.path.realpath(path)
    if not within(real, bounds):
        message = "a symbolic link on its path leads outside the project; it is not read"
        return Finding("RM022", 1, 1, message)
    kind = _kind_at(real)
    if kind not in (Kind.FILE, None):
        return special_finding(kind)
    return None
