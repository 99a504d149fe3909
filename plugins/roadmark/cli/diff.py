"""Compare the specs at two git revisions: the change to the plan, not to the text.

BASE defaults to the merge-base of HEAD with the default branch (origin/HEAD,
else main or master); HEAD defaults to the working tree, uncommitted and
untracked files included. Revisions are read from git objects: the working tree
and the index are never touched. The product folder and model come from the
nearest mkdocs.yml (the current configuration is used for both sides).

Reports items added, removed, renamed and moved; field changes; requirements
and criteria added, removed or reworded; each release's scope before and after;
impacted items; and problems new in HEAD or fixed since BASE.
Exit status: 0 done, 1 with --fail-on new-errors when HEAD adds errors,
2 usage error (not a git repository, unknown revision, bad configuration).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..review.change_report import FORMATS, render
from ..review.changes import compare
from ..review.git import GitError, Repository, open_repository
from ..review.revisions import ParseCache, Snapshot, at_revision, in_working_tree
from ..spec.project import Project
from ..spec.settings import ConfigError
from ..text.printable import printable
from .check import add_config_argument
from .config import load_project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark diff`."""
    parser.add_argument(
        "base",
        nargs="?",
        metavar="BASE",
        help="revision to compare from; default: merge-base with the default branch",
    )
    parser.add_argument(
        "head",
        nargs="?",
        metavar="HEAD",
        help="revision to compare to; default: the working tree",
    )
    add_config_argument(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), markdown (a GitHub PR comment) or json",
    )
    parser.add_argument(
        "--fail-on",
        choices=("new-errors",),
        help="exit 1 when HEAD has errors that BASE does not",
    )


def run(args: argparse.Namespace) -> int:
    """Compare the two revisions and print the report."""
    cwd = Path.cwd().resolve()
    try:
        repo = open_repository(cwd)
        project = _project(args, cwd, repo)
        cache = ParseCache(project.settings)
        head = _head(repo, project, cache, args.head)
        base = _base(repo, project, cache, args.base, head.commit)
    except GitError as exc:
        print(printable(f"roadmark: error: {exc}"), file=sys.stderr)
        return 2
    if not base.product.files and not head.product.files:
        raise ConfigError(
            f"no product folder '{project.settings.product_dir}' in {base.label} nor {head.label}"
        )
    diff = compare(base, head)
    sys.stdout.write(render(diff, args.format))
    return 1 if args.fail_on == "new-errors" and diff.new_errors else 0


def _project(args: argparse.Namespace, cwd: Path, repo: Repository) -> Project:
    project = load_project(None, args.config, cwd)
    if project.config_file is None:
        # Without a mkdocs.yml, the product folder is taken from the top of the repository,
        # so the command means the same from every subfolder.
        project = load_project(None, None, repo.top)
    return project


def _head(repo: Repository, project: Project, cache: ParseCache, revision: str | None) -> Snapshot:
    if revision is None:
        return in_working_tree(project.root, cache)
    commit = repo.commit(revision)
    return at_revision(repo, commit, _label(revision, commit), project.root, cache)


def _base(
    repo: Repository,
    project: Project,
    cache: ParseCache,
    revision: str | None,
    head_commit: str | None,
) -> Snapshot:
    if revision is not None:
        commit = repo.commit(revision)
        return at_revision(repo, commit, _label(revision, commit), project.root, cache)
    branch = repo.default_branch()
    tip = head_commit or repo.commit("HEAD")
    commit = repo.merge_base(repo.commit(branch), tip)
    label = _label(f"merge-base with {branch}", commit)
    return at_revision(repo, commit, label, project.root, cache)


def _label(name: str, commit: str) -> str:
    if commit.startswith(name.lower()):
        return commit[:7]
    return f"{name} ({commit[:7]})"
