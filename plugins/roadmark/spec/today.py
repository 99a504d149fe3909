"""Which date counts as "today" for the roadmap: configured, or from SOURCE_DATE_EPOCH.

Builds must be reproducible, so the clock is only the last resort, and whoever
calls this says which source was used.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime

from .settings import ConfigError

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""`YYYY-MM-DD` only: `date.fromisoformat` also takes `20260331` and `2026-W13-2`."""


def parse_today(value: object) -> date | None:
    """The `today` option as a date, None when it is not set; ConfigError when invalid.

    The one reading of the option, for `mkdocs build` (the plugin's config option) and the
    command line alike. YAML gives an unquoted `2026-03-31` as a date and a quoted one as
    text; both are the same date. Empty text is not set, as before: `!ENV [VAR, ""]`. A
    time, a number, a list or any other text is refused.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):  # a subclass of date: test it first
        raise ConfigError(f"today: '{value}' is a date and time; write the date alone")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2026-02-30: shaped like a date, but none
    raise ConfigError(f"today: {_shown(value)} is not an ISO date like 2026-03-31")


def resolve_today(configured: object, environ: Mapping[str, str] | None = None) -> tuple[date, str]:
    """The date to use as today, and a phrase saying where it came from."""
    today = parse_today(configured)
    if today is not None:
        return today, "the 'today' option"
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).date(), "SOURCE_DATE_EPOCH"
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a Unix timestamp") from None
    return datetime.now(UTC).date(), "the system clock (set 'today' or SOURCE_DATE_EPOCH)"


def _shown(value: object) -> str:
    """The value as the message quotes it: text in quotes, other YAML values as YAML would."""
    if isinstance(value, str):
        return repr(value) if not value.isprintable() else f"'{value}'"
    return f"{value!r} ({type(value).__name__})"
