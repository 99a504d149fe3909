"""Create a spec file from a template, with the next free id of its kind.

The file goes where most files of that kind already live (else into a folder
named after the kind, e.g. product/stories/). A sprint gets `start`, `end` (two
weeks from today, or following on from the last sprint) and a `goal`.
References given with --epic, --prd, --release and --sprint must name existing
items; the new file is checked like
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
from ..spec.model import Item
from ..spec.problems import Severity
from ..spec.product import Product, assemble, load_files
from ..spec.settings import ConfigError, Settings
from ..spec.today import resolve_today
from ..text.printable import printable
from ..text.words import count
from .atomic import CannotWrite
from .check import add_config_argument
from .config import load_project
from .problem_formats import display_path, format_problems
from .scaffold import kind_folder, next_id, spec_text, sprint_dates, write_new

REFERENCE_OPTIONS = ("prd", "epic", "release", "sprint")
"""The options naming another item, written as the fields of the same names."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark new`."""
    parser.add_argument(
        "kind", metavar="KIND", help="prd, epic, story, release, sprint or a configured kind"
    )
    parser.add_argument("--title", help="the one-line title (default: 'Untitled KIND')")
    parser.add_argument("--epic", metavar="ID", help="the story's epic")
    parser.add_argument("--prd", metavar="ID", help="the PRD an epic delivers")
    parser.add_argument("--release", metavar="ID", help="the release it is planned in")
    parser.add_argument("--sprint", metavar="ID", help="the story's sprint")
    parser.add_argument("--goal", help="a sprint's goal (default: a sentence to replace)")
    parser.add_argument("--id", metavar="ID", help="the id to use instead of the next free one")
    add_config_argument(parser)


def _sprint_fields(
    args: argparse.Namespace, settings: Settings, today_option: object, items: list[Item]
) -> dict[str, Any]:
    """A sprint's `start`, `end` and `goal`; for other kinds only a `goal` asked for, which
    the check then refuses (RM004) as it refuses `--epic` on a release."""
    goal = {"goal": args.goal} if args.goal else {}
    if "end" not in settings.fields_for(args.kind):
        return goal
    start, end = sprint_dates(items, resolve_today(today_option)[0])
    return {"start": start, "end": end, "goal": "What the sprint is for, in one sentence.", **goal}


def _first_of_kind_note(kind: str, items: list[Item], product: Product) -> str | None:
    """A note when the new item is the first of its kind and so turns text fields into
    references that name nothing: a first sprint, stories still naming sprints as text."""
    if any(item.kind == kind for item in items):
        return None
    fields = {
        name for name, spec in product.settings.fields.items() if spec.becomes_reference == kind
    }
    naming = {item.id for item, ref in product.graph.unresolved if ref.field in fields}
    if not naming:
        return None
    names = ", ".join(f"`{name}`" for name in sorted(fields))
    return (
        f"roadmark: note: with {kind} items, {names} must name one by id; "
        f"{count(len(naming), 'item')} name none yet (see `roadmark check`)"
    )


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
        **{name: getattr(args, name) for name in REFERENCE_OPTIONS if getattr(args, name)},
        **_sprint_fields(args, settings, project.options.today, items),
    }
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
    if note := _first_of_kind_note(args.kind, items, product):
        print(printable(note), file=sys.stderr)
    return 0
