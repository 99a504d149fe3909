"""Export the whole spec graph as JSON, CSV, XLSX or a sphinx-needs needs.json.

The JSON is the same document the site publishes as `roadmark.json`: every
item, field, requirement, criterion, resolved link and problem, and the trace
from requirements to tests. `--view trace` exports the traceability matrix
alone: as CSV or XLSX, one row per requirement × story × criterion × test.
`--format needs` writes the items as sphinx-needs needs (its `needimport` reads them).
`--view release-notes --release R1` writes one release's notes as Markdown for a GitHub release.
Test results come from the `test_results` option in mkdocs.yml, or `--test-results`.
Columns, schemas and the sphinx-needs setup are in docs/exports.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..history.export import COLUMNS as HISTORY_COLUMNS
from ..history.export import history_cells, history_json, project_history
from ..plan.health import plan_health
from ..plan.progress import progress_by_item
from ..plan.release_notes import plan_release_notes
from ..plan.roadmap import plan_product
from ..plan.schedule import RoadmapOptions
from ..plan.sprints import plan_sprints
from ..render.export import export_json, export_trace_json
from ..render.export_csv import table_csv
from ..render.export_needs import NeedsOptions, export_needs
from ..render.export_table import Table, item_table, trace_table
from ..render.export_xlsx import MissingExtra, table_xlsx
from ..render.release_notes import release_notes_markdown
from ..spec.product import Product, load_product
from ..spec.project import Project
from ..spec.settings import ConfigError
from ..text.suggest import did_you_mean
from ..trace.coverage import Trace, build_trace
from .atomic import CannotWrite, write_atomic
from .check import add_config_argument, add_path_argument
from .config import dated, load_project
from .problem_formats import display_path, format_problems
from .results import add_results_argument, load_evidence

FORMATS = ("json", "csv", "xlsx", "needs", "markdown")
NOTES_VIEW = "release-notes"
"""The one view that is not a table: one release's notes, as Markdown only."""


@dataclass(frozen=True, slots=True)
class Export:
    """What every view is made from: loaded, planned and traced once."""

    project: Project
    product: Product
    trace: Trace
    today: date


_HISTORY = "export the history"
"""What the history view does, as an error without history says it."""

TABLES: dict[str, Callable[[Export], Table]] = {
    "items": lambda export: _items(export),
    "trace": lambda export: trace_table(export.trace),
    "history": lambda export: Table(
        HISTORY_COLUMNS, history_cells(project_history(export.project, export.today, _HISTORY))
    ),
}
"""The table of each view, for CSV and XLSX. A new view adds its table here."""
JSON: dict[str, Callable[[Export], str]] = {
    "items": lambda export: export_json(export.product, export.trace),
    "trace": lambda export: export_trace_json(export.trace),
    "history": lambda export: history_json(project_history(export.project, export.today, _HISTORY)),
}
"""The JSON of each view (its schema is in `render/export_schema.py`)."""
VIEWS = (*TABLES, NOTES_VIEW)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark export`."""
    add_path_argument(parser)
    add_config_argument(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="default: json (markdown for release-notes); xlsx needs --output and the xlsx"
        " extra; needs: items only; markdown: release-notes only",
    )
    parser.add_argument(
        "--view",
        choices=VIEWS,
        default="items",
        help="items (default): every item; trace: the traceability matrix;"
        " history: every value each field took, by commit, read from git;"
        " release-notes: the done stories of the release --release names",
    )
    parser.add_argument(
        "--release", metavar="ID", help="the release of --view release-notes, e.g. R1"
    )
    parser.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: a UTF-8 byte order mark and CRLF line ends",
    )
    add_results_argument(parser, "the test_results option in mkdocs.yml")
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    """Write the export; problems in the specs are included, not fatal."""
    args.format = _check_usage(args)
    cwd = Path.cwd().resolve()
    # Today first: the rules about dates relative to it (RM026) are part of the export.
    project, today = dated(load_project(args.path, args.config, cwd))
    product = load_product(project.root, project.settings, one_shot=True)
    evidence = load_evidence(args.test_results, project, product, cwd)
    # Problems in the test results go to stderr, so stdout stays a clean export.
    show = format_problems(evidence.problems, "text", lambda p: display_path(project.root, p, cwd))
    sys.stderr.write(show)
    export = Export(project, product, build_trace(product, evidence), today)
    if args.format == "xlsx":
        try:
            data = table_xlsx(TABLES[args.view](export), today, args.view)
        except MissingExtra as exc:
            raise ConfigError(str(exc)) from None
        _write_bytes(args.output, data)
        return 0
    if args.view == NOTES_VIEW:
        text = _release_notes(export, args.release)
    else:
        text = _text(export, args.format, args.view, excel=args.excel)
    if args.output:
        write_atomic(args.output, text)  # a failed export leaves the previous one whole
    else:
        sys.stdout.write(text)
    return 0


def _check_usage(args: argparse.Namespace) -> str:
    """Refuse the combinations no export has, before anything is read; the format chosen."""
    notes = args.view == NOTES_VIEW
    chosen: str = args.format or ("markdown" if notes else "json")
    if notes and chosen != "markdown":
        raise ConfigError("--view release-notes is written as --format markdown only")
    if notes and args.release is None:
        raise ConfigError("--view release-notes needs --release ID, the release to write")
    if not notes and chosen == "markdown":
        raise ConfigError("--format markdown is for --view release-notes")
    if not notes and args.release is not None:
        raise ConfigError("--release is for --view release-notes")
    if chosen == "xlsx" and args.output is None:
        raise ConfigError("--format xlsx writes a file: give it with --output FILE")
    if chosen == "needs" and args.view != "items":
        raise ConfigError("--format needs exports the items view only")
    if args.excel and chosen != "csv":
        raise ConfigError("--excel is for --format csv")
    return chosen


def _text(export: Export, format_: str, view: str, *, excel: bool) -> str:
    """The export as text, in any format but XLSX."""
    if format_ == "csv":
        return table_csv(TABLES[view](export), excel=excel)
    if format_ == "needs":
        # sphinx-needs shows the project's name; the folder of mkdocs.yml is the nearest one.
        name = export.project.root.name
        return export_needs(export.product, NeedsOptions(name, export.today))
    return JSON[view](export)


def _release_notes(export: Export, release: str) -> str:
    """One release's notes as Markdown for a GitHub release; ConfigError (a usage error)
    when no release has that id."""
    graph, settings = export.product.graph, export.product.settings
    item = graph.get(release)
    if item is None or item.kind != "release":
        releases = [found.id for found in graph.of_kind("release")]
        raise ConfigError(
            f"--release: no release has the id '{release}'" + did_you_mean(release, releases)
        )
    types = export.project.options.release_notes_types
    return release_notes_markdown(plan_release_notes(graph, settings, release, types))


def _items(export: Export) -> Table:
    """The items view, with progress and risk as the roadmap plans them."""
    options = export.project.options
    graph, settings = export.product.graph, export.product.settings
    roadmap_options = RoadmapOptions.configured(options, export.today)
    # The teams' capacity in their sprints is an at-risk reason, as on the site.
    sprints = plan_sprints(graph, settings, options.capacity, export.today)
    capacity = sprints.team_capacity()
    health = plan_health(plan_product(graph, settings, roadmap_options, capacity))
    progress = progress_by_item(graph.items.values(), graph, settings)
    return item_table(export.product, health, progress)


def _write_bytes(path: Path, data: bytes) -> None:
    """Write a binary export whole or not at all, as `write_atomic` writes text: into a
    temporary file beside it, renamed over it once complete."""
    if path.is_dir():
        raise CannotWrite(str(path), "it is a folder")
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as file:
            temporary = Path(file.name)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        temporary.chmod(0o644)
        temporary.replace(path)
        temporary = None
    except OSError as exc:
        raise CannotWrite.of(path, exc) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()
