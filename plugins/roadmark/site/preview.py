"""The live preview keeps serving while specs have problems, even under `strict: true`.

`mkdocs build` counts every warning and error logged under the `mkdocs` logger through a
`mkdocs.utils.CountHandler` that it attaches before the plugins' `on_config` and checks
after `on_post_build`; in strict mode any count aborts the build. Under `mkdocs serve` an
aborted rebuild is worse than a failed CI job: the live-reload server holds every request
until a build succeeds, so one broken YAML edit stalls every page of the preview.

So under `serve` the problems Roadmark logs are marked, and this build's counter is told
to pass over marked records. They are still logged at their own level, shown on their
pages, and fail `mkdocs build --strict` as before. This is the one place that knows about
MkDocs' counter; `tests/test_preview.py` fails loudly if a release of MkDocs changes it.
"""

from __future__ import annotations

import logging

from mkdocs.utils import CountHandler

MARK = "roadmark_problem"
"""The log record attribute that marks a problem found in the specs or the test results."""

EXTRA = {MARK: True}
"""Pass as `extra=` when logging a problem, so the preview's strict counter can spare it."""


def _not_a_problem(record: logging.LogRecord) -> bool:
    return not getattr(record, MARK, False)


def spare_problems_from_strict() -> bool:
    """Make this build's strict-mode counter skip marked problems; False if none was found.

    Call from `on_config`: MkDocs attaches a new counter to each build, and only in strict mode.
    """
    counters = [
        handler
        for handler in logging.getLogger("mkdocs").handlers
        if isinstance(handler, CountHandler)
    ]
    for counter in counters:
        if _not_a_problem not in counter.filters:
            counter.addFilter(_not_a_problem)
    return bool(counters)
