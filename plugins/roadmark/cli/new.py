"""Create a spec file from a template, with the next free id of its kind.

The file goes where most files of that kind already live (else into a folder
named after the kind, e.g. product/stories/). References given with --epic,
--prd and --release must name existing items; the new file is checked like
`roadmark check` would before it is written, and nothing is ever overwritten.
Exit status: 0 created, 2 nothing written (bad kind, id, reference or an
existing file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..spec.ids import is_id
from ..spec.loader import load_text
from ..spec.problems import Severity
from ..spec.product import assemble, load_files
from ..spec.settings import ConfigError
from ..text.printable import printable
from .atomic import CannotWrite
from .check import add_config_argument
from .config import load_project
from .problem_formats import display_path, format_problems
from .scaffold import kind_folder, next_id, spec_text, write_new


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark new`."""
    parser.add_argument(
        "kind", metavar="KIND", help="prd, epic, story, release or a configured kind"
    )
    parser.add_argument("--title", help="the one-line title (default: 'Untitled KIND')")
    parser.add_argument("--epic", metavar="ID", help="the story's epic")
    parser.add_argument("--prd", metavar="ID", help="the PRD an epic delivers")
    parser.add_argument("--release", metavar="ID", help="the release it is planned in")
    parser.add_argument("--id", metavar="ID", help="the id to use instead of the next free one")
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Create the file, or explain why not."""
    cwd = Path.cwd().resolve()
    project = load_project(None, args.config, cwd)
    settings = project.settings
    kind_spec = settings.kinds.get(args.kind)
    if kind_spec is None:
        raise ConfigError(f"unknown kind '{args.kind}'; known: {', '.join(settings.kinds)}")
    product_dir = project.root / settings.product_dir
    if not product_dir.is_dir():
        raise ConfigError(
            f"product folder '{settings.product_dir}' not found in {project.root};"
            " run `roadmark init` to start one"
        )
    loaded = load_files(project.root, settings, one_shot=True)
    items = [entry.source.item for entry in loaded if entry.source.item is not None]
    item_id = args.id or next_id(args.kind, items)
    if not is_id(item_id):
        raise ConfigError(f"'{item_id}' is not a valid id (letters, digits, '.', '_', '-')")
    if any(item.id == item_id for item in items):
        raise ConfigError(f"id '{item_id}' is already used")
    fields: dict[str, Any] = {
        "id": item_id,
        "kind": args.kind,
        "title": args.title or f"Untitled {args.kind}",
        "status": kind_spec.statuses[0],
    }
    for name in ("prd", "epic", "release"):
        if getattr(args, name):
            fields[name] = getattr(args, name)
    path = f"{kind_folder(args.kind, items)}/{item_id}.md".lstrip("/")
    text = spec_text(args.kind, fields)
    # Check the new file among the existing ones, exactly as `roadmark check` will.
    product = assemble(project.root, settings, [*loaded, load_text(path, text, settings)])
    problems = product.problems_in(path)

    def show(stored: str) -> str:
        return display_path(project.root, stored, cwd)

    sys.stderr.write(format_problems(problems, "text", show))
    if any(problem.severity is Severity.ERROR for problem in problems):
        print("roadmark: error: nothing written", file=sys.stderr)
        return 2
    shown = show(settings.source_path(path))
    try:
        write_new(product_dir, {path: text})
    except FileExistsError:
        print(f"roadmark: error: {shown} already exists; nothing written", file=sys.stderr)
        return 2
    except CannotWrite as exc:
        message = f"roadmark: error: cannot write {shown}: {exc.reason}; nothing written"
        print(printable(message), file=sys.stderr)
        return 2
    print(shown)
    return 0
