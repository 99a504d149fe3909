"""The `--test-results` option of the commands that read JUnit XML test results."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..evidence import Evidence, read_evidence, results_options
from ..product import Product
from ..project import Project


def add_results_argument(parser: argparse.ArgumentParser, default_help: str) -> None:
    """Declare `--test-results GLOB` (repeatable); `default_help` says what happens without."""
    parser.add_argument(
        "--test-results",
        action="append",
        metavar="GLOB",
        help="a JUnit XML file or glob (quote it), relative to the current folder; "
        f"repeatable; default: {default_help}",
    )


def load_evidence(
    globs: list[str] | None, project: Project, product: Product, cwd: Path, from_config: bool
) -> Evidence:
    """Read the test results named on the command line, else (when `from_config`) in mkdocs.yml.

    Globs given on the command line are relative to `cwd`, and must match; globs from the
    config are relative to the project root and follow `test_results_required`.
    """
    options = results_options(project.options)
    if globs:
        patterns = [str(cwd / glob) for glob in globs]
        required = True
    elif from_config:
        patterns, required = list(options.globs), options.required
    else:
        return Evidence()
    return read_evidence(
        project.root,
        patterns,
        product.graph,
        project.settings,
        required=required,
        names=options.names,
    )
