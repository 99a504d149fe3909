"""Problems as one SARIF 2.1.0 log, for code-scanning tools such as GitHub's.

The log has one run: the tool with every rule of the catalogue (so a viewer can
describe a rule that reported nothing this time), then one result per problem, in
the order given. Paths become URIs relative to `%SRCROOT%`, the folder the command
runs in, which is where code scanning resolves them (the repository root).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..spec.problems import RULES, Problem, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "none"}
"""SARIF's level for each severity; `off` only ever appears as a rule's configured default."""

_RULE_CODES = tuple(sorted(RULES))
_RULE_INDEX = {code: index for index, code in enumerate(_RULE_CODES)}


def sarif_log(problems: Sequence[Problem], show_path: Callable[[str], str]) -> str:
    """The SARIF log of `problems`, indented JSON; `show_path` maps stored paths to shown ones."""
    log = {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [
            {
                "tool": {"driver": _driver()},
                # Our columns count characters, not the UTF-16 code units SARIF assumes.
                "columnKind": "unicodeCodePoints",
                "results": [_result(problem, show_path(problem.path)) for problem in problems],
            }
        ],
    }
    # ensure_ascii writes control characters and non-ASCII spec text as \u escapes, so no
    # spec text can break the JSON or the terminal it is printed on.
    return json.dumps(log, indent=2, ensure_ascii=True) + "\n"


def artifact_location(path: str) -> dict[str, str]:
    """Where a shown path is, as SARIF says it: relative to `%SRCROOT%` when it can be."""
    # The shown path is the platform's own: relative ones with "/", absolute ones native.
    native = Path(path)
    if native.is_absolute():
        # Outside the folder the command runs in: only a file URI can name it, and
        # as_uri() percent-encodes it as RFC 8089 wants.
        return {"uri": native.as_uri()}
    # quote() leaves "/" and unreserved characters and encodes the rest as UTF-8 bytes:
    # spaces, "%", "#", "?", a backslash, and a ":" that would read as a URI scheme.
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _driver() -> dict[str, object]:
    # No helpUri or informationUri: Roadmark has no published documentation URL yet, and a
    # relative one is not a valid `uri` there.
    return {
        "name": "roadmark",
        "version": __version__,
        "rules": [_rule(code) for code in _RULE_CODES],
    }


def _rule(code: str) -> dict[str, object]:
    rule = RULES[code]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _result(problem: Problem, path: str) -> dict[str, object]:
    return {
        "ruleId": problem.code,
        "ruleIndex": _RULE_INDEX[problem.code],
        "level": LEVELS.get(problem.severity, "note"),
        # Plain text, unescaped: SARIF viewers show `text` as text, never as HTML or Markdown.
        "message": {"text": problem.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(path),
                    # SARIF positions are 1-based and must be positive; a problem about a
                    # whole file is reported at its start.
                    "region": {
                        "startLine": max(problem.line, 1),
                        "startColumn": max(problem.col, 1),
                    },
                }
            }
        ],
    }
