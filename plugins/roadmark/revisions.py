"""Load a product as it is at a git revision or in the working tree, to compare the two.

A file whose path and bytes are the same on both sides is parsed once: in a
typical pull request almost every file is unchanged, so this halves the work.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .git import GitError, Repository
from .loader import LoadedFile, is_spec_path, load_bytes, load_path, spec_paths
from .product import Product, assemble
from .settings import Settings

UNREADABLE_CODES = ("RM001", "RM002")
"""Problems that leave a file without an item: unreadable bytes, broken front matter."""


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
    """The product as committed in `commit`, read from git objects only."""
    blobs = repo.blobs_under(commit, product_folder(repo, root, cache.settings))
    specs = {path: blobs[path] for path in sorted(blobs) if is_spec_path(path)}
    loaded = cache.load_blobs(repo, specs)
    return Snapshot(label, commit, assemble(root, cache.settings, loaded))


def in_working_tree(root: Path, cache: ParseCache) -> Snapshot:
    """The product as it is on disk now, uncommitted and untracked files included."""
    product_dir = root / cache.settings.product_dir
    loaded: list[LoadedFile] = []
    for path in spec_paths(product_dir) if product_dir.is_dir() else []:
        try:
            data = (product_dir / path).read_bytes()
        except OSError:
            # Let the loader report the file as unreadable, in its words.
            loaded.append(load_path(product_dir, path, cache.settings))
            continue
        loaded.append(cache.load(path, data))
    return Snapshot("working tree", None, assemble(root, cache.settings, loaded))


def unreadable_files(product: Product) -> dict[str, str]:
    """Files that yielded no item because they could not be read or parsed, with why."""
    found: dict[str, str] = {}
    for source in product.files:
        if source.item is not None:
            continue
        for problem in product.problems_in(source.path):
            if problem.code in UNREADABLE_CODES:
                found[source.path] = f"line {problem.line}: {problem.message}"
                break
    return found
