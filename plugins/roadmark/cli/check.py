"""Check the specs of a product folder and report every problem.

Problems are printed as `path:line:col: error|warning CODE: message`, sorted by
path and line. The configuration is the `roadmark` plugin's in `mkdocs.yml`.
The JUnit XML test results that `mkdocs build` reads (the `test_results` option)
are checked too, or those named by `--test-results GLOB` instead: each must
parse, and every requirement or criterion address a test names must exist.
`--no-test-results` checks the specs alone.
Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage or
configuration error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..spec.problems import Problem, Severity
from ..spec.product import load_product
from ..spec.project import load_project
from .problem_formats import FORMATS, display_path, format_problems, summary
from .results import add_results_argument, load_evidence


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark check`."""
    add_path_argument(parser)
    add_config_argument(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json (a list of objects) or github (Actions annotations)",
    )
    add_results_argument(parser, "the test_results option in mkdocs.yml")


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
    project = load_project(args.path, args.config, cwd)
    product = load_product(project.root, project.settings, one_shot=True)
    evidence = load_evidence(args.test_results, project, product, cwd)
    problems = sorted([*product.problems, *evidence.problems], key=Problem.sort_key)
    text = format_problems(
        problems, args.format, lambda path: display_path(project.root, path, cwd)
    )
    sys.stdout.write(text)
    if args.format == "text":
        print(summary(problems, len(product.items)), file=sys.stderr)
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0
