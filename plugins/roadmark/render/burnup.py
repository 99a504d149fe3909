"""A release's burn-up from git: scope and done per day, its date, and the forecast range.

Shown on the release's own page (in its history section) and, for every release not
yet released, on the roadmap. The figures are the history reader's (`history/`):
nothing is computed here but the drawing and the words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..history.model import History, ReleaseHistory
from ..text.words import count
from .charts import Mark, Series, data_table, day_chart, figure_text
from .history_notes import unavailable_note
from .html import HtmlLinker, escape


def burnup(release: ReleaseHistory, due: date | None, linker: HtmlLinker) -> str:
    """The burn-up chart of `release`, the forecast in words, scope changes and the data table.

    `due` is the release's date, marked on the chart when it has one.
    """
    points = release.points
    unit = release.unit
    series = [
        Series(f"Scope ({unit})", tuple(point.scope for point in points)),
        Series(f"Done ({unit})", tuple(point.done for point in points)),
    ]
    forecast = release.forecast
    band = (forecast.p50, forecast.p85) if forecast is not None else None
    marks = [Mark(due, f"date {due.isoformat()}")] if due is not None else []
    chart = day_chart(
        f"Burn-up of {release.release}",
        [point.day for point in points],
        series,
        band=band,
        band_label="Forecast, p50 to p85",
        marks=marks,
    )
    # Figures repeat from day to day: each is written once.
    figures: dict[float, str] = {}

    def figure(value: float) -> str:
        text = figures.get(value)
        if text is None:
            text = figures[value] = figure_text(value)
        return text

    rows = [[point.day.isoformat(), figure(point.scope), figure(point.done)] for point in points]
    return (
        chart
        + forecast_sentence(release, due)
        + _scope_changes(release, linker)
        + data_table(["Day", f"Scope ({unit})", f"Done ({unit})"], rows)
    )


def forecast_sentence(release: ReleaseHistory, due: date | None) -> str:
    """The forecast in words, as a paragraph: the range, against the date, and its samples."""
    forecast = release.forecast
    if forecast is None:
        last = release.points[-1] if release.points else None
        if last is not None and last.done >= last.scope:
            return '<p class="roadmark-forecast">No forecast: nothing is left to do.</p>\n'
        return (
            '<p class="roadmark-forecast">No forecast: nothing was done in the weeks it '
            "is drawn from.</p>\n"
        )
    weeks = forecast.weekly_throughput
    late = ""
    if due is not None and forecast.p50 > due:
        late = f", after its date {due.isoformat()}"
    samples = ", ".join(figure_text(value) for value in weeks)
    if forecast.basis == "velocity":
        source = (
            f"from the closed sprints' velocity, in points per week over the last "
            f"{count(len(weeks), 'week')} they cover"
        )
    else:
        source = f"from the {release.unit} done in each of the last {count(len(weeks), 'week')}"
    return (
        f'<p class="roadmark-forecast">Forecast: done by <strong>{forecast.p50.isoformat()}'
        f"</strong> (p50){late}, and by <strong>{forecast.p85.isoformat()}</strong> (p85), "
        f"{source} ({escape(samples)}).</p>\n"
    )


def burnup_section(
    history: History, releases: Sequence[tuple[str, date | None]], linker: HtmlLinker
) -> str:
    """The roadmap's burn-ups: each of `releases` (id and date) that git has one for."""
    if not history.available:
        return unavailable_note(history)
    shown = [
        f"<h3>{linker.link(release)}</h3>\n" + burnup(history.releases[release], due, linker)
        for release, due in releases
        if release in history.releases
    ]
    if not shown:
        return "<p>No release in progress has a burn-up yet.</p>\n"
    return "\n".join(shown)


def _scope_changes(release: ReleaseHistory, linker: HtmlLinker) -> str:
    lines = []
    if release.scope_added:
        added = ", ".join(linker.link(item) for item in release.scope_added)
        lines.append(f"<li>Added after the start: {added}</li>")
    if release.scope_removed:
        removed = ", ".join(linker.link(item) for item in release.scope_removed)
        lines.append(f"<li>Removed after the start: {removed}</li>")
    if not lines:
        return ""
    return '<ul class="roadmark-scope-changes">\n' + "\n".join(lines) + "\n</ul>\n"
