"""Symbolic links committed to git, resolved as the file system would resolve them.

`roadmark diff` reads a revision from git objects. A link there is a blob of mode
120000 whose content is its target path. It is followed by the same walk as on disk
(`links.py`), over the commit's tree instead of the file system, so a revision and the
working tree refuse the same links with the same words: a link leading outside the
project is RM022, a broken or looping one RM001; one that ends at a file inside the
project is read as that file, and one that ends at a folder is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spec.links import Kind, link_finding, resolve_link, within
from ..spec.problems import Finding
from .git import Repository, TreeEntry

LINK_LIMIT = 4096
"""The longest target a link may have (Linux's PATH_MAX); git could store a longer one."""


@dataclass(frozen=True, slots=True)
class Followed:
    """Where a committed link of the product folder ends."""

    entry: TreeEntry | None = None
    """The file it ends at; None when it ends at a folder (skipped) or is refused."""
    finding: Finding | None = None
    """Why it is refused or unreadable."""


class CommittedTree:
    """The files, folders and links of one commit within the project, by absolute path."""

    def __init__(self, repo: Repository, commit: str, bounds: tuple[str, ...]) -> None:
        self._repo = repo
        self._top = repo.top.as_posix()
        self._entries: dict[str, TreeEntry] = {}
        self._targets: dict[str, str] = {}
        for bound in bounds:
            if within(bound, (self._top,)):
                base, folder = bound, bound[len(self._top) :].strip("/")
            elif within(self._top, (bound,)):
                base, folder = self._top, ""  # the project holds the whole repository
            else:
                continue
            listed = repo.entries_under(commit, folder, folders=True)
            self._entries.update((f"{base}/{path}", entry) for path, entry in listed.items())

    def kind_of(self, path: str) -> Kind | None:
        """What the commit has at `path`, without following a last link; None when nothing."""
        if path == self._top or within(self._top, (path,)):
            return Kind.FOLDER  # the repository itself, or a folder above it
        entry = self._entries.get(path)
        if entry is None or (entry.is_link and entry.size > LINK_LIMIT):
            return None
        if entry.is_link:
            return Kind.LINK
        return Kind.FOLDER if entry.is_folder else Kind.FILE

    def entry(self, path: str) -> TreeEntry | None:
        """The tree entry at `path`."""
        return self._entries.get(path)

    def read_link(self, path: str) -> str:
        """The target of the committed link at `path`."""
        if path not in self._targets:
            self.read_links([path])
        return self._targets[path]

    def read_links(self, paths: list[str]) -> None:
        """Read the targets of many links with one git process."""
        shas = {path: self._entries[path].sha for path in paths if path not in self._targets}
        blobs = self._repo.read_blobs(list(shas.values()))
        for path, sha in shas.items():
            self._targets[path] = blobs[sha].decode("utf-8", "surrogateescape")


def follow_links(
    repo: Repository,
    commit: str,
    bounds: tuple[str, ...],
    folder: str,
    links: dict[str, TreeEntry],
) -> dict[str, Followed]:
    """Where each link of the product folder at `commit` ends, by its path relative to it.

    `folder` is the absolute path of the product folder; `bounds`, the project's.
    """
    tree = CommittedTree(repo, commit, bounds)
    full = {path: f"{folder}/{path}" for path in links}
    tree.read_links([full[path] for path, entry in links.items() if entry.size <= LINK_LIMIT])
    found: dict[str, Followed] = {}
    for path, entry in links.items():
        if entry.size > LINK_LIMIT:
            message = f"cannot read file: symbolic link target over {LINK_LIMIT} bytes"
            found[path] = Followed(finding=Finding("RM001", 1, 1, message))
            continue
        resolution = resolve_link(full[path], bounds, tree.kind_of, tree.read_link)
        finding = link_finding(tree.read_link(full[path]), resolution)
        if finding is not None:
            found[path] = Followed(finding=finding)
        elif resolution.kind is Kind.FILE and resolution.path is not None:
            found[path] = Followed(entry=tree.entry(resolution.path))
        else:
            found[path] = Followed()  # a folder: not walked, as on disk
    return found
