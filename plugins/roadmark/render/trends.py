"""The product trends page: throughput, cumulative flow, cycle time, scope moves, slips.

Every figure is the history reader's (`history/`), read once per build; this module only
draws and words them. Each chart has a title and a "Data" table. The charts are deferred
parts, so the Markdown stays small and the slip table links with built URLs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial

from ..history.model import History, Trends
from .charts import Series, bar_chart, data_table, short_day, stacked_chart
from .deferred import Href, placeholder
from .history_item import upstream_link
from .history_notes import commit_link, unavailable_note
from .html import HtmlLinker
from .markdown import Linker
from .site_pages import ProductPage

NAME = "trends"
TITLE = "Trends"
SLIP_DAYS = 30
"""The slips listed are those of the last this many days before the build's "today"."""
CYCLE_BINS = ((0, 1), (2, 3), (4, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, None))
"""The cycle-time histogram's bins, in days, both ends included (None: and more)."""
SECTIONS = (
    ("throughput", "Throughput per week"),
    ("flow", "Cumulative flow"),
    ("cycle", "Cycle time"),
    ("scope", "Scope added and removed per release"),
    ("slips", f"Slips in the last {SLIP_DAYS} days"),
)


def trends_page(
    history: History, today: date, release_order: Sequence[str], repo_url: str | None
) -> ProductPage:
    """The trends page, `trends.md` under the product prefix.

    `release_order` lists the release ids in the roadmap's order; `today` is the build's.
    """
    return ProductPage(
        NAME,
        TITLE,
        partial(render_trends_page, history),
        parts=partial(_parts, history, today, tuple(release_order), repo_url),
    )


def render_trends_page(history: History, linker: Linker) -> str:
    """The Markdown of the page: a heading and a placeholder per chart."""
    parts = [
        f"# {TITLE}\n",
        "How the plan moved, read from its history in git: stories finished each week, "
        "stories in each state each day, how long stories took from start to done, how each "
        "release's scope changed, and which dates and releases slipped lately.\n",
    ]
    if not history.available or history.trends is None:
        parts.append(placeholder("unavailable"))
        return "\n".join(parts)
    parts.extend(f"## {title}\n\n{placeholder(key)}" for key, title in SECTIONS)
    return "\n".join(parts)


def _parts(
    history: History,
    today: date,
    release_order: tuple[str, ...],
    repo_url: str | None,
    href: Href,
) -> dict[str, str]:
    trends = history.trends
    if not history.available or trends is None:
        return {"unavailable": unavailable_note(history)}
    linker = HtmlLinker(href)
    return {
        "throughput": throughput_chart(trends),
        "flow": flow_chart(trends),
        "cycle": cycle_chart(trends),
        "scope": scope_chart(history, release_order, linker),
        "slips": slips_table(trends, today, linker, repo_url),
    }


def throughput_chart(trends: Trends) -> str:
    """Stories done per week, as bars, with their table."""
    weeks = trends.throughput
    if not weeks:
        return "<p>No story has been done yet.</p>\n"
    chart = bar_chart(
        "Stories done per week",
        [short_day(monday) for monday, _ in weeks],
        [Series("Stories done", tuple(float(done) for _, done in weeks))],
    )
    rows = [[monday.isoformat(), str(done)] for monday, done in weeks]
    return chart + data_table(["Week of", "Stories done"], rows)


def flow_chart(trends: Trends) -> str:
    """Stories per state per day, stacked with the last (done) state at the bottom."""
    flow = trends.flow
    if not flow:
        return "<p>No story yet.</p>\n"
    states = [state for state, _ in flow[0].counts]
    layers = [
        Series(state, tuple(float(dict(day.counts).get(state, 0)) for day in flow))
        for state in reversed(states)
    ]
    chart = stacked_chart("Stories in each state per day", [day.day for day in flow], layers)
    rows = [
        [day.day.isoformat(), *(str(dict(day.counts).get(state, 0)) for state in states)]
        for day in flow
    ]
    return chart + data_table(["Day", *states], rows)


def cycle_chart(trends: Trends) -> str:
    """How many done stories took how long, as a histogram, with the median."""
    cycles = trends.cycle_days
    if not cycles:
        return "<p>No story has gone from in progress to done yet.</p>\n"
    labels = [_bin_label(low, high) for low, high in CYCLE_BINS]
    counts = [
        sum(1 for days in cycles if low <= days and (high is None or days <= high))
        for low, high in CYCLE_BINS
    ]
    chart = bar_chart(
        "Cycle time of done stories (days)",
        labels,
        [Series("Stories", tuple(float(n) for n in counts))],
    )
    median = cycles[(len(cycles) - 1) // 2]
    summary = (
        f'<p class="roadmark-cycle">{len(cycles)} done {"story" if len(cycles) == 1 else "stories"}'
        f"; median cycle time <strong>{median} days</strong> (from the first day in "
        "progress to the last day it was done).</p>\n"
    )
    rows = [[label, str(n)] for label, n in zip(labels, counts, strict=True)]
    return chart + summary + data_table(["Days", "Stories"], rows)


def scope_chart(history: History, release_order: Sequence[str], linker: HtmlLinker) -> str:
    """Items added to and removed from each release after its start, as bars and a table."""
    ordered = [release for release in release_order if release in history.releases]
    ordered += sorted(set(history.releases) - set(ordered))
    if not ordered:
        return "<p>No release has a history yet.</p>\n"
    added = [len(history.releases[release].scope_added) for release in ordered]
    removed = [len(history.releases[release].scope_removed) for release in ordered]
    chart = bar_chart(
        "Items added and removed after each release's start",
        ordered,
        [
            Series("Added", tuple(float(n) for n in added)),
            Series("Removed", tuple(float(n) for n in removed)),
        ],
    )
    rows = [
        [release, str(plus), str(minus)]
        for release, plus, minus in zip(ordered, added, removed, strict=True)
    ]
    lists = []
    for release in ordered:
        moved = history.releases[release]
        if moved.scope_added or moved.scope_removed:
            plus = ", ".join(linker.link(item) for item in moved.scope_added) or "none"
            minus = ", ".join(linker.link(item) for item in moved.scope_removed) or "none"
            lists.append(f"<li>{linker.link(release)}: added {plus}; removed {minus}</li>")
    listed = '<ul class="roadmark-scope-changes">\n' + "\n".join(lists) + "\n</ul>\n"
    return chart + (listed if lists else "") + data_table(["Release", "Added", "Removed"], rows)


def slips_table(trends: Trends, today: date, linker: HtmlLinker, repo_url: str | None) -> str:
    """The slips of the last `SLIP_DAYS` days, newest first."""
    since = today - timedelta(days=SLIP_DAYS)
    recent = [slip for slip in trends.slips if since <= slip.commit.day <= today]
    if not recent:
        return f"<p>Nothing slipped in the last {SLIP_DAYS} days.</p>\n"
    rows = [
        [
            slip.commit.day.isoformat(),
            upstream_link(slip.item, linker),
            linker.text(slip.field),
            linker.text(slip.before),
            linker.text(slip.after),
            commit_link(slip.commit, repo_url),
        ]
        for slip in reversed(recent)
    ]
    headers = ["Day", "Item", "Field", "From", "To", "Commit"]
    return f'<div class="roadmark-slips">\n{linker.table(headers, rows)}</div>\n'


def _bin_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}–{high}" if high != low else str(low)
