"""Export the whole spec graph as JSON or CSV, without building the site.

The JSON is the same document the site publishes as `roadmark.json`: every
item, field, requirement, criterion, resolved link and problem, and the trace
from requirements to tests. `--view trace` exports the traceability matrix
alone: as CSV, one row per requirement × story × criterion × test.
Test results come from the `test_results` option in mkdocs.yml, or `--test-results`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..render.export import export_csv, export_json, export_trace_csv, export_trace_json
from ..spec.product import load_product
from ..spec.project import load_project
from ..trace.coverage import build_trace
from .atomic import write_atomic
from .check import add_config_argument, add_path_argument
from .problem_formats import display_path, format_problems
from .results import add_results_argument, load_evidence


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark export`."""
    add_path_argument(parser)
    add_config_argument(parser)
    parser.add_argument("--format", choices=("json", "csv"), default="json", help="default: json")
    parser.add_argument(
        "--view",
        choices=("items", "trace"),
        default="items",
        help="items (default): every item; trace: the traceability matrix",
    )
    add_results_argument(parser, "the test_results option in mkdocs.yml")
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    """Write the export; problems in the specs are included, not fatal."""
    cwd = Path.cwd().resolve()
    project = load_project(args.path, args.config, cwd)
    product = load_product(project.root, project.settings, one_shot=True)
    evidence = load_evidence(args.test_results, project, product, cwd)
    # Problems in the test results go to stderr, so stdout stays a clean export.
    show = format_problems(evidence.problems, "text", lambda p: display_path(project.root, p, cwd))
    sys.stderr.write(show)
    trace = build_trace(product, evidence)
    if args.view == "trace":
        text = export_trace_json(trace) if args.format == "json" else export_trace_csv(trace)
    else:
        text = export_json(product, trace) if args.format == "json" else export_csv(product)
    if args.output:
        write_atomic(args.output, text)  # a failed export leaves the previous one whole
    else:
        sys.stdout.write(text)
    return 0
