"""Load a product as it is at a git revision or in the working tree, to compare the two.

A file whose path and bytes are the same on both sides is parsed once: in a
typical pull request almost every file is unchanged, so this halves the work.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from ..spec.entries import SPEC_LIMIT, Refused, oversized_finding, project_bounds, read_regular
from ..spec.loader import (
    LoadedFile,
    is_spec_path,
    is_visible_path,
    load_bytes,
    load_folder,
    load_path,
    unusable,
)
from ..spec.product import Product, assemble
from ..spec.settings import Settings
from .committed import follow_links
from .git import GitError, Repository

UNREADABLE_CODES = ("RM001", "RM002", "RM022", "RM023")
"""Problems that leave a file without an item: unreadable bytes, broken front matter, a
link leading outside the project, a file refused unread."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The product on one side of a comparison."""

    label: str
    """How the side is named to people, e.g. `main (1a2b3c4)` or `working tree`."""
    commit: str | None
    """The full commit id; None for the working tree."""
    product: Product


class ParseCache:
    """Parsed files by path and content, shared by both sides of a comparison."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._parsed: dict[tuple[str, bytes], LoadedFile] = {}
        self._blobs: dict[tuple[str, str], LoadedFile] = {}

    def load(self, path: str, data: bytes) -> LoadedFile:
        """The parsed file; parsing is skipped when the same path and bytes were seen."""
        key = (path, data)
        found = self._parsed.get(key)
        if found is None:
            found = self._parsed[key] = load_bytes(path, data, self.settings)
        return found

    def load_blobs(self, repo: Repository, blobs: dict[str, str]) -> list[LoadedFile]:
        """Parsed files for {path: blob id}; a blob seen for another revision is not read again."""
        unread = [sha for path, sha in blobs.items() if (path, sha) not in self._blobs]
        contents = repo.read_blobs(unread)
        for path, sha in blobs.items():
            if (path, sha) not in self._blobs:
                self._blobs[path, sha] = self.load(path, contents[sha])
        return [self._blobs[entry] for entry in blobs.items()]


def product_folder(repo: Repository, root: Path, settings: Settings) -> str:
    """The product folder relative to the top of the repository, with forward slashes."""
    folder = Path(os.path.normpath(root / settings.product_dir))
    try:
        return folder.relative_to(repo.top).as_posix()
    except ValueError:
        raise GitError(
            f"the product folder {folder} is outside the git repository at {repo.top}"
        ) from None


def at_revision(
    repo: Repository, commit: str, label: str, root: Path, cache: ParseCache
) -> Snapshot:
    """The product as committed in `commit`, read from git objects only.

    Committed links are followed inside the project and refused when they leave it, and a
    spec over the size limit is refused unread: as on disk.
    """
    settings = cache.settings
    folder = product_folder(repo, root, settings)
    entries = {
        path: entry
        for path, entry in repo.entries_under(commit, folder).items()
        if is_visible_path(path)
    }
    files = {path: entry for path, entry in entries.items() if not entry.is_link}
    unused: list[LoadedFile] = []
    links = {path: entry for path, entry in entries.items() if entry.is_link}
    if links:
        bounds = project_bounds(root, settings.product_dir)
        absolute = posixpath.normpath(f"{repo.top.as_posix()}/{folder}")
        for path, followed in follow_links(repo, commit, bounds, absolute, links).items():
            if followed.finding is not None:
                unused.append(unusable(path, followed.finding))
            elif followed.entry is not None:
                files[path] = followed.entry  # read as the file it ends at, as on disk
    specs: dict[str, str] = {}
    for path, entry in sorted(files.items()):
        if not is_spec_path(path):
            continue  # attachments are not compared
        if entry.size > SPEC_LIMIT:
            unused.append(unusable(path, oversized_finding()))
        else:
            specs[path] = entry.sha
    loaded = cache.load_blobs(repo, specs) + unused
    loaded.sort(key=lambda file: file.source.path)
    return Snapshot(label, commit, assemble(root, settings, loaded))


def in_index(repo: Repository, root: Path, cache: ParseCache) -> Snapshot:
    """The product as staged for the next commit: the index, not the working tree.

    A change left unstaged does not count and a staged deletion does, as in the commit.
    """
    staged = at_revision(repo, repo.index_tree(), "staged", root, cache)
    return Snapshot(staged.label, None, staged.product)


def in_working_tree(root: Path, cache: ParseCache) -> Snapshot:
    """The product as it is on disk now, uncommitted and untracked files included."""
    settings = cache.settings
    product_dir = root / settings.product_dir

    def load(path: str) -> LoadedFile:
        try:
            data = read_regular(product_dir / path)
        except (OSError, Refused):
            # Let the loader report the file as unreadable or refused, in its words.
            return load_path(product_dir, path, settings)
        return cache.load(path, data)

    loaded = load_folder(root, settings.product_dir, load)[0] if product_dir.is_dir() else []
    return Snapshot("working tree", None, assemble(root, settings, loaded))


def unreadable_files(product: Product) -> dict[str, str]:
    """Specs that yielded no item because they could not be read, were refused, or did not
    parse, with why."""
    found: dict[str, str] = {}
    unread = [source.path for source in product.files if source.item is None]
    unread += [path for path in product.refused if is_spec_path(path)]
    for path in unread:
        for problem in product.problems_in(path):
            if problem.code in UNREADABLE_CODES:
                found[path] = f"line {problem.line}: {problem.message}"
                break
    return found
