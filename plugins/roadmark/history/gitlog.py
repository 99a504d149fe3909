"""One `git log --first-parent` pass over the product folder: each commit and what it changed.

`--raw` is `--name-status` with the file modes and blob ids added, so the blobs can be read in
one batch and links and submodules told from files without another git call. Merges are
diffed against their first parent (`--diff-merges=first-parent`): the history is the main
line's, as the team saw it land.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..review.git import GitError, Repository
from ..spec.loader import is_spec_path

FILE_MODES = ("100644", "100755")
"""Regular files; a link (120000) or a submodule (160000) is never read as a spec."""

_HEADER = b"\x01"


@dataclass(frozen=True, slots=True)
class Change:
    """One path changed by a commit, relative to the product folder."""

    path: str
    blob: str | None
    """The new blob id; None when the path no longer holds a regular file."""
    old_path: str | None = None
    """The path it was renamed from, when git paired the two."""


@dataclass(frozen=True, slots=True)
class LogCommit:
    """A first-parent commit and its changes under the product folder."""

    sha: str
    time: int
    """The committer time, in seconds since the epoch (UTC)."""
    subject: str
    changes: tuple[Change, ...]


def read_log(repo: Repository, head: str, folder: str, since: str | None) -> list[LogCommit]:
    """The first-parent commits up to `head` (after `since`, when given) that changed `folder`,
    oldest first."""
    span = f"{since}..{head}" if since else head
    out = repo.run(
        "log", "--first-parent", "--reverse", "--raw", "-M", "-z", "--no-abbrev",
        "--diff-merges=first-parent", "--format=%x01%H %ct %s", span, "--", folder or ".",
    )  # fmt: skip
    prefix = folder.strip("/") + "/" if folder not in ("", ".") else ""
    commits: list[LogCommit] = []
    header: tuple[str, int, str] | None = None
    changes: list[Change] = []
    tokens = iter(out.split(b"\0"))
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(_HEADER):
            if header is not None:
                commits.append(LogCommit(*header, tuple(changes)))
            header, changes = _header(token[1:]), []
        elif token.startswith(b":"):
            changes.extend(_change(token, tokens, prefix))
    if header is not None:
        commits.append(LogCommit(*header, tuple(changes)))
    return commits


def _header(token: bytes) -> tuple[str, int, str]:
    sha, _, rest = token.decode("utf-8", "replace").partition(" ")
    stamp, _, subject = rest.partition(" ")
    try:
        return sha, int(stamp), subject
    except ValueError:
        raise GitError(f"unexpected git log output for {sha}") from None


def _change(meta: bytes, tokens: Iterator[bytes], prefix: str) -> list[Change]:
    """The changes one raw entry makes: a rename out of the folder is a deletion, into it an
    addition; a copy leaves its source alone."""
    fields = meta[1:].decode().split()
    if len(fields) != 5:
        raise GitError("unexpected git log --raw output")
    _, new_mode, _, new_sha, status = fields
    paths = [_path(next(tokens, b""))]
    if status[:1] in ("R", "C"):
        paths.append(_path(next(tokens, b"")))
    new = paths[-1]
    # Only a regular Markdown file that the loader would read is a spec; anything else at a
    # path (an attachment, a link, a submodule, a hidden file) holds no item.
    spec = status != "D" and new_mode in FILE_MODES and is_spec_path(new[len(prefix) :])
    blob = new_sha if spec else None
    found: list[Change] = []
    if status.startswith("R") and paths[0].startswith(prefix):
        old = paths[0][len(prefix) :]
        if new.startswith(prefix):
            return [Change(new[len(prefix) :], blob, old)]
        found.append(Change(old, None))
    if new.startswith(prefix):
        found.append(Change(new[len(prefix) :], blob))
    return found


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")
