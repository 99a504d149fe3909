"""Export the whole spec graph as JSON or CSV, without building the site.

The JSON is the same document the site publishes as `roadmark.json`: every
item, field, requirement, criterion, resolved link and problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..export import export_csv, export_json
from ..product import load_product
from ..project import load_project
from .check import add_config_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark export`."""
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="the project folder (with mkdocs.yml) or the product folder; default: here",
    )
    add_config_argument(parser)
    parser.add_argument("--format", choices=("json", "csv"), default="json", help="default: json")
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    """Write the export; problems in the specs are included, not fatal."""
    project = load_project(args.path, args.config)
    product = load_product(project.root, project.settings)
    text = export_json(product) if args.format == "json" else export_csv(product)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
