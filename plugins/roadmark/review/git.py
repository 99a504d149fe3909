"""Read files at a git revision straight from the object store.

Only `git rev-parse`, `git merge-base`, `git ls-tree` and `git cat-file` are
used to read: they read objects and never touch the working tree or the index, so
a diff can run in the middle of someone's uncommitted work. `git write-tree` (for
`check --staged`) only stores the staged files' tree as an object, as `git commit`
does.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BRANCHES = ("main", "master")
"""Branch names tried, locally then on `origin`, when `origin/HEAD` is not set."""


class GitError(Exception):
    """Git is missing, the folder is not a repository, or a revision does not exist."""


LINK_MODE = "120000"
FOLDER_MODES = ("040000", "160000")
"""A folder, and a submodule (a folder once checked out)."""


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One entry of a commit's tree."""

    mode: str
    """Git's file mode: `100644` or `100755` a file, `120000` a symbolic link (its blob is the
    target path), `040000` a folder, `160000` a submodule."""
    sha: str
    size: int
    """The size of a blob in bytes; 0 for folders and submodules."""

    @property
    def is_link(self) -> bool:
        """Whether it is a symbolic link."""
        return self.mode == LINK_MODE

    @property
    def is_folder(self) -> bool:
        """Whether it is a folder (or a submodule, a folder once checked out)."""
        return self.mode in FOLDER_MODES


@dataclass(frozen=True, slots=True)
class Repository:
    """A git repository, by the top folder of its working tree."""

    top: Path

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        """Run `git ARGS` at the top of the repository and return its standard output."""
        return _git(self.top, *args, stdin=stdin)

    def commit(self, revision: str) -> str:
        """The full commit id `revision` names, or GitError naming it."""
        try:
            out = self.run(
                "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
            )
        except GitError:
            out = b""
        if not out.strip():
            raise GitError(f"unknown revision '{revision}'")
        return out.decode().strip()

    def has(self, ref: str) -> bool:
        """Whether the full ref name `ref` exists."""
        try:
            self.run("show-ref", "--verify", "--quiet", ref)
        except GitError:
            return False
        return True

    def default_branch(self) -> str:
        """The branch pull requests merge into: `origin/HEAD`, else main or master."""
        try:
            ref = self.run("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").decode().strip()
        except GitError:
            ref = ""
        if ref:
            return ref.removeprefix("refs/remotes/").removeprefix("refs/heads/")
        for prefix, shown in (("refs/heads/", ""), ("refs/remotes/origin/", "origin/")):
            for name in DEFAULT_BRANCHES:
                if self.has(prefix + name):
                    return shown + name
        raise GitError(
            "cannot tell the default branch (no origin/HEAD, main or master); name BASE explicitly"
        )

    def merge_base(self, one: str, other: str) -> str:
        """The best common ancestor of two commits."""
        try:
            out = self.run("merge-base", one, other)
        except GitError:
            out = b""
        if not out.strip():
            raise GitError(
                f"'{one}' and '{other}' have no common ancestor here"
                " (in a shallow clone, fetch the full history, e.g. fetch-depth: 0)"
            )
        return out.decode().split()[0]

    def index_tree(self) -> str:
        """The id of the tree the index holds: what `git commit` would commit now.

        `git write-tree` stores the staged files' tree as an object, as `git commit` and
        pre-commit do; the staged content and the working tree stay as they are.
        """
        try:
            out = self.run("write-tree")
        except GitError as exc:  # e.g. a merge with unresolved conflicts
            raise GitError(f"cannot read the staged files: {exc}") from None
        return out.decode().strip()

    def entries_under(
        self, commit: str, folder: str, *, folders: bool = False
    ) -> dict[str, TreeEntry]:
        """Files (regular and symbolic links) under `folder` at `commit`, by path relative to
        it; with `folders`, its subfolders and submodules too. Folder "" is the whole tree."""
        prefix = folder.strip("/") + "/" if folder not in ("", ".") else ""
        args = ["ls-tree", "-r", "-l", "-z", "--full-tree", *(["-t"] if folders else [])]
        out = self.run(*args, commit, "--", prefix or ".")
        found: dict[str, TreeEntry] = {}
        for line in out.split(b"\0"):
            if not line:
                continue
            meta, _, raw_path = line.partition(b"\t")
            mode, kind, sha, size = meta.decode().split()
            if kind != "blob" and not folders:
                continue  # a submodule
            path = raw_path.decode("utf-8", "surrogateescape")
            if path.startswith(prefix):  # not `folder` itself, which `-t` lists too
                found[path[len(prefix) :]] = TreeEntry(mode, sha, int(size) if size != "-" else 0)
        return found

    def blob_sizes(self, shas: list[str]) -> dict[str, int]:
        """The size in bytes of many blobs, by one `git cat-file --batch-check`; a missing
        object is left out."""
        unique = list(dict.fromkeys(shas))
        if not unique:
            return {}
        request = "".join(f"{sha}\n" for sha in unique).encode()
        out = self.run("cat-file", "--batch-check", "--buffer", stdin=request)
        sizes: dict[str, int] = {}
        for line in out.decode().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] == "blob" and parts[2].isdecimal():
                sizes[parts[0]] = int(parts[2])
        return sizes

    def read_blobs(self, shas: list[str]) -> dict[str, bytes]:
        """The content of many blobs, read by one `git cat-file --batch` process."""
        unique = list(dict.fromkeys(shas))
        if not unique:
            return {}
        # --buffer: one flush at the end instead of one per object.
        request = "".join(f"{sha}\n" for sha in unique).encode()
        out = self.run("cat-file", "--batch", "--buffer", stdin=request)
        contents: dict[str, bytes] = {}
        pos = 0
        for sha in unique:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            if len(header) != 3:
                raise GitError(f"object {sha} is missing from the repository")
            size = int(header[2])
            contents[sha] = out[end + 1 : end + 1 + size]
            pos = end + 1 + size + 1  # content is followed by a newline
        return contents


def open_repository(folder: Path) -> Repository:
    """The repository whose working tree contains `folder`."""
    try:
        out = _git(folder, "rev-parse", "--show-toplevel").decode().strip()
    except GitError as exc:
        if "not a git repository" in str(exc):
            raise GitError(f"{folder} is not inside a git repository") from None
        raise
    if not out:
        raise GitError(f"{folder} is not inside a git working tree")
    return Repository(Path(out).resolve())


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = " ".join(line.strip().removeprefix("fatal: ") for line in lines)
        raise GitError(message or f"git {args[0]} failed")
    return done.stdout
