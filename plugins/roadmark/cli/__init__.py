"""The `roadmark` command line: one module per subcommand, each with `add_arguments` and `run`.

Exit status: 0 clean, 1 problems found, 2 usage or configuration error, or an output
(a file, standard output) that cannot be written.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from .. import __version__
from ..spec.settings import ConfigError
from ..text.printable import printable
from .atomic import CannotWrite
from .stdout import GuardedStdout, StdoutFailed, abandon

COMMANDS: dict[str, str] = {
    "check": "Check the specs of a product folder and report every problem.",
    "schema": "Print the JSON Schema of spec front matter for editors (yaml-language-server).",
    "export": "Export the whole spec graph as JSON or CSV, without building the site.",
    "diff": "Compare the specs at two git revisions: the change to the plan, not to the text.",
    "new": "Create a spec file from a template, with the next free id of its kind.",
    "init": "Scaffold a working spec site: mkdocs.yml, a docs index and a sample plan.",
}
"""Each subcommand and its one-line help (the first line of its module's docstring)."""


def command_module(name: str) -> ModuleType:
    """The module implementing subcommand `name`."""
    return importlib.import_module(f"{__name__}.{name}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with `only`, the other subcommands are listed but not imported.

    `roadmark check` runs on every commit, so it should not pay for importing `diff`.
    """
    parser = argparse.ArgumentParser(
        prog="roadmark",
        description="Check, compare and export product specs written as Markdown.",
    )
    parser.add_argument("--version", action="version", version=f"roadmark {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, summary in COMMANDS.items():
        if only is not None and name != only:
            commands.add_parser(name, help=summary)
            continue
        module = command_module(name)
        sub = commands.add_parser(
            name,
            help=summary,
            description=(module.__doc__ or summary).strip(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    stream = sys.stdout
    sys.stdout = guarded = GuardedStdout(stream)
    try:
        try:
            return _run(argv)
        finally:
            # Flushed here, where a failure can still be reported: at interpreter exit it
            # would only be a warning and status 120. Also after --help (a SystemExit).
            guarded.flush()
    except StdoutFailed as exc:
        abandon(stream)
        if exc.broken_pipe:  # e.g. `roadmark check | head`: the reader has all it wants
            return 0
        _error(f"cannot write standard output: {exc}")
        return 2
    finally:
        sys.stdout = stream


def _run(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    args = build_parser(chosen if chosen in COMMANDS else None).parse_args(argv)
    try:
        return int(args.run(args))
    except (ConfigError, CannotWrite) as exc:
        _error(str(exc))
        return 2
    except KeyboardInterrupt:
        return 130


def _error(message: str) -> None:
    # The message may quote mkdocs.yml or a command-line argument: keep it one line.
    print(printable(f"roadmark: error: {message}"), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
