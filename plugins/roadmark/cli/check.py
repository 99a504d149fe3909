"""Check the specs of a product folder and report every problem.

Problems are printed as `path:line:col: error|warning CODE: message`, sorted by
path and line. The configuration is the `roadmark` plugin's in `mkdocs.yml`.
The JUnit XML test results that `mkdocs build` reads (the `test_results` option)
are checked too, or those named by `--test-results GLOB` instead: each must
parse, and every requirement or criterion address a test names must exist.
`--no-test-results` checks the specs alone. `--staged` checks the specs as
the git index holds them (what the next commit holds), not as on disk.
`--summary FILE` also appends a Markdown summary to FILE, e.g. the job summary
of GitHub Actions ("$GITHUB_STEP_SUMMARY").
Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage or
configuration error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..review.git import GitError, open_repository
from ..review.revisions import ParseCache, in_index
from ..spec.problems import Problem, Severity
from ..spec.product import Product, load_product
from ..spec.project import Project
from ..spec.settings import ConfigError
from .config import dated, load_project
from .problem_formats import FORMATS, display_path, format_problems, summary
from .results import add_results_argument, load_evidence
from .summary import append_summary, summary_markdown
from .suspects import add_suspects_argument, suspect_problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark check`."""
    add_path_argument(parser)
    add_config_argument(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json (a list of objects), github (Actions annotations) "
        "or sarif (a SARIF 2.1.0 log for code scanning)",
    )
    add_results_argument(parser, "the test_results option in mkdocs.yml")
    add_suspects_argument(parser)
    parser.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="also append a Markdown summary (counts, a table of problems) to FILE, "
        'e.g. "$GITHUB_STEP_SUMMARY"',
    )
    parser.add_argument(
        "--staged",
        action="store_true",
        help="check the specs as staged in git (what the next commit holds), not as on disk",
    )


def add_path_argument(parser: argparse.ArgumentParser) -> None:
    """The optional PATH of commands that read one project."""
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="the project folder (with mkdocs.yml) or the product folder; default: here",
    )


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """The `--config` option shared by every command that reads a project."""
    parser.add_argument(
        "--config",
        "-f",
        type=Path,
        metavar="FILE",
        help="the MkDocs config to read the roadmark options from; default: the nearest mkdocs.yml",
    )


def run(args: argparse.Namespace) -> int:
    """Check the product and print the problems; 1 when any is an error."""
    cwd = Path.cwd().resolve()
    project, _ = dated(load_project(args.path, args.config, cwd))
    if args.staged:
        product = staged_product(project)
    else:
        product = load_product(project.root, project.settings, one_shot=True)
    evidence = load_evidence(args.test_results, project, product, cwd)
    suspects = suspect_problems(args, project, product, evidence)
    problems = sorted([*product.problems, *evidence.problems, *suspects], key=Problem.sort_key)

    def show(path: str) -> str:
        return display_path(project.root, path, cwd)

    sys.stdout.write(format_problems(problems, args.format, show))
    if args.summary is not None:
        append_summary(args.summary, summary_markdown(problems, len(product.items), show))
    if args.format == "text":
        print(summary(problems, len(product.items)), file=sys.stderr)
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0


def staged_product(project: Project) -> Product:
    """The product as the git index holds it: unstaged edits and untracked files do not
    count, staged deletions do. Not a repository, or an unmerged index, is a usage error."""
    try:
        repo = open_repository(project.root)
        return in_index(repo, project.root, ParseCache(project.settings)).product
    except GitError as exc:
        raise ConfigError(str(exc)) from None
