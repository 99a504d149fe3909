"""The timeline: a bar per dated release and per dated epic, as static HTML and CSS.

No script and no CDN: it renders offline, and its colours come from Material's palette
variables (see `roadmark.css`), so it follows the light and dark schemes. Positions
are percentages of the plotted period, computed here, so the output is deterministic.
Written as Markdown for a macro (labels inside `md_in_html` blocks, so MkDocs checks and
rewrites their links like any other) or as HTML for the roadmap page's deferred part,
with the built URLs; everything from a spec is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ..plan.roadmap import Roadmap
from ..plan.schedule import Span
from ..spec.model import Item
from .html import Markup, attr, slug, title_attr

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class _Row:
    item: Item
    span: Span
    kind: str
    """`release` or `epic`."""
    modifiers: tuple[str, ...]
    done_percent: int | None


def render_timeline(roadmap: Roadmap, linker: Markup) -> str:
    """The `roadmark-timeline` block, or a sentence when nothing has dates."""
    rows = list(_rows(roadmap))
    if not rows:
        return linker.paragraph(linker.em("No release or epic has dates yet."))
    # From the first of the month, so the axis opens with a labelled tick.
    first = min(row.span.start for row in rows).replace(day=1)
    end = max(row.span.end for row in rows) + timedelta(days=1)
    days = (end - first).days

    def at(day: date) -> float:
        return (day - first).days * 100 / days

    today = roadmap.options.today
    classes, style = "roadmark-timeline", ""
    if first <= today < end:
        classes += " roadmark-timeline--today"
        style = f' style="--roadmark-today: {at(today):.3f}%"'
    lines = [
        f'<div class="{classes}"{style} role="group" '
        f'aria-label="Timeline of releases and epics"{linker.markdown_attr()}>',
        _axis(first, end, at, today),
    ]
    for row in rows:
        left = at(row.span.start)
        width = at(row.span.end + timedelta(days=1)) - left
        modifiers = "".join(f" roadmark-timeline__bar--{name}" for name in row.modifiers)
        done = (
            f'<span class="roadmark-timeline__done" style="width: {row.done_percent}%"></span>'
            if row.done_percent is not None
            else ""
        )
        label = f"{linker.link(row.item.id)} {linker.text(row.item.title)}"
        lines += [
            f'<div class="roadmark-timeline__row roadmark-timeline__row--{row.kind}"'
            f"{linker.markdown_attr()}>",
            f'<div class="roadmark-timeline__label"{linker.markdown_attr(span=True)}'
            f"{title_attr(f'{row.item.id} · {row.item.title}')}>{label}</div>",
            f'<div class="roadmark-timeline__track"><span class="roadmark-timeline__bar '
            f'roadmark-timeline__bar--{row.kind}{modifiers}" '
            f'style="left: {left:.3f}%; width: {width:.3f}%" '
            f'data-roadmark-id="{attr(row.item.id)}"{title_attr(_tooltip(row))}>{done}</span>'
            "</div>",
            "</div>",
        ]
    lines.append("</div>")
    return "\n".join(lines) + "\n"


def _rows(roadmap: Roadmap) -> Iterator[_Row]:
    """Each dated release followed by its dated epics; epics of no dated release last."""
    placed = {plan.release.id for plan in roadmap.releases if plan.span is not None}
    epics: dict[str | None, list[_Row]] = {}
    for entry in roadmap.epic_spans:
        key = entry.release if entry.release in placed else None
        done = ("done",) if entry.done else ()
        row = _Row(entry.epic, entry.span, "epic", (slug(entry.epic.status), *done), None)
        epics.setdefault(key, []).append(row)
    for plan in roadmap.releases:
        if plan.span is None:
            continue
        modifiers = [slug(plan.release.status)]
        if plan.released:
            modifiers.append("done")
        if plan.at_risk:
            modifiers.append("at-risk")
        yield _Row(plan.release, plan.span, "release", tuple(modifiers), plan.progress.percent)
        yield from epics.get(plan.release.id, [])
    yield from epics.get(None, [])


def _axis(first: date, end: date, at: Callable[[date], float], today: date) -> str:
    """Month (or quarter, or year) ticks along the top of the chart."""
    months = (end.year - first.year) * 12 + end.month - first.month
    step = 1 if months <= 12 else 3 if months <= 36 else 12
    ticks = []
    day = date(first.year, first.month, 1)
    while day < end:
        # A tick too close to the right edge would have its label cut off.
        if day >= first and (day.month - 1) % step == 0 and at(day) <= 90:
            name = str(day.year) if step == 12 else f"{MONTHS[day.month - 1]} {day.year}"
            ticks.append(
                f'<span class="roadmark-timeline__tick" style="left: {at(day):.3f}%">{name}</span>'
            )
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    if first <= today < end:
        ticks.append(
            f'<span class="roadmark-timeline__tick roadmark-timeline__tick--today" '
            f'style="left: {at(today):.3f}%">today</span>'
        )
    return (
        '<div class="roadmark-timeline__row roadmark-timeline__row--axis" aria-hidden="true">'
        '<div class="roadmark-timeline__label"></div>'
        f'<div class="roadmark-timeline__track">{"".join(ticks)}</div></div>'
    )


def _tooltip(row: _Row) -> str:
    span = f"{row.span.start.isoformat()} → {row.span.end.isoformat()}"
    extra = f", {row.done_percent}% done" if row.done_percent is not None else ""
    risk = ", at risk" if "at-risk" in row.modifiers else ""
    return f"{row.item.id} · {row.item.title}: {span} ({row.item.status}{extra}{risk})"
