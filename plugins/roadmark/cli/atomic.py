"""Files the command line writes: whole or not at all.

A full disk, a file size limit or an interrupt can stop a write half-way. Writing into
the target directly would then leave an empty spec or half an `mkdocs.yml`, which the
next `roadmark check` or `mkdocs build` reads as if someone wrote it. So each file is
written to a temporary file beside it, flushed to disk, and renamed over its name in
one step; a file set (`roadmark init`) is undone when any of its files fails.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK}
"""What `link` fails with where a file system has no hard links (FAT, some network mounts)."""


class CannotWrite(Exception):
    """A file could not be written (nothing of it is left behind); says which and why."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"cannot write {target}: {reason}")
        self.target = target
        self.reason = reason

    @classmethod
    def of(cls, target: object, exc: OSError) -> CannotWrite:
        """From the OSError of a write: its reason without the errno and file name."""
        return cls(str(target), exc.strerror or str(exc))


def write_atomic(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write `text` (UTF-8, `\\n` line ends) to `path`, whole or not at all.

    With `overwrite` false, an existing file is never replaced: FileExistsError, even if
    the file appeared while this one was being written. Raises CannotWrite on any other
    failure (a missing folder, a folder at `path`, a full disk), leaving no temporary file.
    """
    if path.is_dir():  # before `path.with_name`, which has no meaning for `.` or `/`
        raise CannotWrite(str(path), "it is a folder")
    temporary = _temporary_beside(path)
    try:
        try:
            _write_all(temporary, text.encode("utf-8"))
            if overwrite:
                temporary.replace(path)
            else:
                _link_new(temporary, path)
        except FileExistsError:
            raise FileExistsError(str(path)) from None
        except OSError as exc:
            raise CannotWrite.of(path, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _sync_folder(path.parent)


def write_files(files: Mapping[Path, str], *, overwrite: bool = False) -> list[Path]:
    """Write each file of `files` atomically, making missing folders; returns the paths.

    On any failure (or an interrupt), the files and folders this call created are removed
    again before the exception propagates, so a set of new files is there whole or not at
    all. A file it replaced (with `overwrite`) keeps its new text: the old one is gone.
    """
    made: list[Path] = []
    created: list[Path] = []
    written: list[Path] = []
    try:
        for path, text in files.items():
            try:
                made.extend(make_folders(path.parent))
            except CannotWrite as exc:  # named after the file asked for, not its folder
                raise CannotWrite(str(path), exc.reason) from None
            existed = os.path.lexists(path)
            write_atomic(path, text, overwrite=overwrite)
            written.append(path)
            if not existed:
                created.append(path)
    except BaseException:
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.unlink()
        for folder in reversed(made):
            with contextlib.suppress(OSError):  # not empty: someone else wrote into it
                folder.rmdir()
        raise
    return written


def make_folders(folder: Path) -> list[Path]:
    """Make `folder` and its missing parents; returns those made, outermost first.

    Raises CannotWrite, whose reason names the folder that could not be made.
    """
    missing: list[Path] = []
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            break
        missing.append(candidate)
    made: list[Path] = []
    for candidate in reversed(missing):
        try:
            candidate.mkdir()
        except FileExistsError:
            if not candidate.is_dir():
                reason = f"{candidate} is a file, not a folder"
                raise CannotWrite(str(candidate), reason) from None
        except OSError as exc:
            reason = f"cannot make the folder {candidate}: {exc.strerror or exc}"
            raise CannotWrite(str(candidate), reason) from None
        else:
            made.append(candidate)
    return made


def _temporary_beside(path: Path) -> Path:
    """A new, empty, hidden file in the folder of `path`: a rename then stays on one disk."""
    for _ in range(100):
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            # Mode 0o666 less the umask: the file ends with the permissions a plain write gives.
            os.close(os.open(candidate, _NEW_FILE, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise CannotWrite.of(path, exc) from None
        return candidate
    raise CannotWrite(str(path), "no free temporary name beside it")


def _write_all(path: Path, data: bytes) -> None:
    """Write `data` to the existing file `path` and flush it to the disk."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        view = memoryview(data)
        while view:  # unbuffered: a failure (ENOSPC, EFBIG) is raised here, not at close
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_new(temporary: Path, path: Path) -> None:
    """Give `temporary` the name `path` unless a file has it (FileExistsError)."""
    try:
        os.link(temporary, path)  # fails if `path` exists, however recently it appeared
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        # Without hard links, check then rename: only a file made in between is overwritten.
        if os.path.lexists(path):
            raise FileExistsError(str(path)) from None
        temporary.replace(path)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the new name, where the system allows it (not Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders; the data itself is on disk
    finally:
        os.close(fd)
