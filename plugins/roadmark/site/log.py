"""Problems of the specs and the test results, logged through MkDocs.

Errors as MkDocs errors, warnings as warnings, so `mkdocs build --strict` fails on either;
each is marked so that the preview's strict counter can spare it (`preview.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from mkdocs.plugins import get_plugin_logger

from ..spec.problems import Problem, Severity
from .preview import EXTRA

log = get_plugin_logger(__name__)
"""The plugin's logger: MkDocs prefixes its messages with `roadmark: `."""


def log_problems(problems: Iterable[Problem]) -> None:
    """Log each problem at its severity."""
    for problem in problems:
        if problem.severity is Severity.ERROR:
            log.error(str(problem), extra=EXTRA)
        else:
            log.warning(str(problem), extra=EXTRA)
