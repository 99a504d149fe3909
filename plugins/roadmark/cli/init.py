"""Scaffold a working spec site: mkdocs.yml, a docs index and a sample plan.

Writes mkdocs.yml (Material, search and roadmark), docs/index.md and, under
product/, a PRD with requirements and metrics, an epic, a story with
acceptance criteria and a release that link to each other. The result passes
`roadmark check` and `mkdocs build --strict`. No sprint: teams without sprints
need none, and one sprint item would make every story's `sprint` a reference
(`roadmark new sprint` adds the first). Nothing is written if any of
these files, or another MkDocs config, already exists.
When a file cannot be written (a full disk), the ones already written are removed.
Exit status: 0 written, 2 nothing written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..spec.project import CONFIG_NAMES
from ..text.printable import printable
from .atomic import CannotWrite
from .scaffold import site_files, write_new


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `roadmark init`."""
    parser.add_argument(
        "folder", nargs="?", type=Path, default=Path(), metavar="DIR", help="default: here"
    )
    parser.add_argument("--name", default="Product specs", help="the site name")


def run(args: argparse.Namespace) -> int:
    """Write the scaffold, or nothing."""
    folder: Path = args.folder
    if folder.exists() and not folder.is_dir():
        print(f"roadmark: error: {folder} is not a folder", file=sys.stderr)
        return 2
    configs = [name for name in CONFIG_NAMES if (folder / name).exists()]
    if configs:
        print(
            f"roadmark: error: {folder / configs[0]} already exists; nothing written",
            file=sys.stderr,
        )
        return 2
    try:
        written = write_new(folder, site_files(args.name, date.today()))
    except FileExistsError as exc:
        print(f"roadmark: error: would overwrite {exc}; nothing written", file=sys.stderr)
        return 2
    except CannotWrite as exc:  # write_new took back what it had written
        print(printable(f"roadmark: error: {exc}; nothing written"), file=sys.stderr)
        return 2
    for path in written:
        print(path.as_posix())
    enter = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    # --livereload: MkDocs 1.6.1 with current click no longer reloads the page by default.
    next_steps = f"{enter}roadmark check && mkdocs serve --livereload"
    print(f"roadmark: next: {next_steps}", file=sys.stderr)
    return 0
