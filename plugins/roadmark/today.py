"""Which date counts as "today" for the roadmap: configured, or from SOURCE_DATE_EPOCH.

Builds must be reproducible, so the clock is only the last resort, and whoever
calls this says which source was used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, date, datetime

from .settings import ConfigError


def resolve_today(
    configured: str | date | None, environ: Mapping[str, str] | None = None
) -> tuple[date, str]:
    """The date to use as today, and a phrase saying where it came from."""
    if isinstance(configured, date):
        return configured, "the 'today' option"
    if configured:
        try:
            return date.fromisoformat(str(configured)), "the 'today' option"
        except ValueError:
            raise ConfigError(f"today: '{configured}' is not an ISO date like 2026-03-31") from None
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).date(), "SOURCE_DATE_EPOCH"
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a Unix timestamp") from None
    return datetime.now(UTC).date(), "the system clock (set 'today' or SOURCE_DATE_EPOCH)"
