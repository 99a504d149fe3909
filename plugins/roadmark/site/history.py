"""The plan's history as a build reads it: from git (cached by commit), or why there is none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..history.model import UNAVAILABLE_NOTE, History
from ..history.reader import HistoryMemo, cache_folder, read_history
from ..spec.options import PluginOptions
from ..spec.settings import Settings
from ..text.words import count
from .log import log


def site_history(
    options: PluginOptions,
    root: Path,
    settings: Settings,
    today: date,
    memo: HistoryMemo,
    *,
    one_shot: bool,
    velocity: tuple[float, ...] = (),
) -> History:
    """The history the pages show; why there is none is logged once, at INFO, since a site
    outside git (every test site) must still build with `--strict`. `one_shot`: not served;
    `velocity`: closed sprints' points per week, for the points releases' forecasts."""
    if not options.history:
        history = History(False, "the `history` option is off in mkdocs.yml")
    else:
        history = read_history(
            root,
            settings,
            ref=options.history_ref,
            cache_dir=cache_folder(root),
            today=today,
            memo=memo,
            one_shot=one_shot,
            velocity=velocity,
        )
    if not history.available:
        log.info(f"{UNAVAILABLE_NOTE}: {history.reason}")
    elif history.skipped:
        skipped = count(history.skipped, "file version")
        log.info(f"history: skipped {skipped} that could not be parsed")
    return history
