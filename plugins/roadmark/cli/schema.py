"""Print the JSON Schema of spec front matter for editors (yaml-language-server).

The schema is generated from the configured model (kinds, workflows, extra
fields in mkdocs.yml), so completion and validation in the editor match
`roadmark check`. Write it to a file and point your editor at it; see the
configuration guide.

`--export VIEW` prints instead the JSON Schema (draft 2020-12) of a JSON export:
`items` (`roadmark.json`, `roadmark export`) or `trace` (`roadmark export --view trace`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..render.export_schema import SCHEMAS, schema_json
from ..spec.schema import front_matter_schema
from .atomic import write_files
from .check import add_config_argument
from .config import load_project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark schema`."""
    add_config_argument(parser)
    parser.add_argument(
        "--export",
        choices=tuple(SCHEMAS),
        metavar="VIEW",
        help="the schema of a JSON export instead: " + ", ".join(SCHEMAS),
    )
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    """Print (or write) the schema."""
    if args.export is not None:
        text = schema_json(args.export)  # the same whatever the configuration
    else:
        project = load_project(None, args.config, Path.cwd())
        text = json.dumps(front_matter_schema(project.settings), indent=2) + "\n"
    if args.output:
        # The documented place, `.roadmark/schema.json`, is in a folder that may not exist yet.
        write_files({args.output: text}, overwrite=True)
    else:
        sys.stdout.write(text)
    return 0
