"""The `--test-results` option of the commands that read JUnit XML test results."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..spec.product import Product
from ..spec.project import Project
from ..trace.evidence import Evidence, read_evidence


def add_results_argument(parser: argparse.ArgumentParser, default_help: str) -> None:
    """Declare `--test-results GLOB` (repeatable) and `--no-test-results`.

    `default_help` says what happens without either.
    """
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--test-results",
        action="append",
        metavar="GLOB",
        help="a JUnit XML file or glob (quote it), relative to the current folder; "
        f"repeatable; default: {default_help}",
    )
    choice.add_argument(
        "--no-test-results",
        dest="test_results",
        action="store_const",
        const=[],
        help="read no test results, not even those the test_results option names",
    )


def load_evidence(
    globs: list[str] | None, project: Project, product: Product, cwd: Path
) -> Evidence:
    """Read the test results named on the command line, else those of the `test_results` option.

    Globs given on the command line are relative to `cwd`, and must match; globs from the
    config are relative to the project root and follow `test_results_required`, as in the
    build. `globs == []` (`--no-test-results`) reads none.
    """
    options = project.options
    if globs:
        patterns = [str(cwd / glob) for glob in globs]
        required = True
    elif globs is None:
        patterns, required = list(options.test_results), options.test_results_required
    else:
        return Evidence()
    return read_evidence(
        project.root,
        patterns,
        product.graph,
        project.settings,
        required=required,
        names=options.match_test_names,
        property_name=options.test_property,
    )
