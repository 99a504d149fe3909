"""Which date counts as "today" for the roadmap: configured, or from SOURCE_DATE_EPOCH.

Builds must be reproducible, so the clock is only the last resort, and whoever
calls this says which source was used. The `today` option itself is read, like
every option, in `options.py`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime

from .options import parse_today
from .settings import ConfigError

__all__ = ["resolve_today"]

_EPOCH = re.compile(r"-?[0-9]+")
"""Seconds as `date +%s` writes them: not `int()`'s " 1_790 ", "+1790" or Arabic digits."""


def resolve_today(configured: object, environ: Mapping[str, str] | None = None) -> tuple[date, str]:
    """The date to use as today, and a phrase saying where it came from.

    `configured` is the `today` option, read or as written (`parse_today` reads it again).
    """
    today = parse_today(configured)
    if today is not None:
        return today, "the 'today' option"
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            if not _EPOCH.fullmatch(epoch):
                raise ValueError(epoch)
            return datetime.fromtimestamp(int(epoch), UTC).date(), "SOURCE_DATE_EPOCH"
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a Unix timestamp") from None
    return datetime.now(UTC).date(), "the system clock (set 'today' or SOURCE_DATE_EPOCH)"
