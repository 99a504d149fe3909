"""The `roadmark` command line: one module per subcommand, each with `add_arguments` and `run`.

Exit status: 0 clean, 1 problems found, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from .. import __version__
from ..settings import ConfigError
from . import check, diff, export, init, new, schema

COMMANDS: dict[str, ModuleType] = {
    "check": check,
    "schema": schema,
    "export": export,
    "diff": diff,
    "new": new,
    "init": init,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="roadmark",
        description="Check, compare and export product specs written as Markdown.",
    )
    parser.add_argument("--version", action="version", version=f"roadmark {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in COMMANDS.items():
        doc = (module.__doc__ or "").strip()
        sub = commands.add_parser(
            name,
            help=doc.splitlines()[0],
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ConfigError as exc:
        print(f"roadmark: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `roadmark check | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
