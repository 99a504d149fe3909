"""Charts drawn at build time as inline SVG: step lines with a band, stacked areas, bars.

No script and no CDN. Each chart is a `<figure>` holding an `<svg>` with a `viewBox`
(it scales down to a phone's width), a `<title>` for screen readers, an HTML legend,
and, from the caller, a "Data" table with the same figures for screen readers and
search. Colours are classes that `roadmark.css` maps to Material's palette variables,
so charts follow the light and dark schemes; text is drawn in the page's own colour.
Coordinates are rounded to one decimal, so the same figures draw the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .html import escape

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 32, 22, 30
"""The margins around the plot area, room for the axes' labels."""
COLOURS = 6
"""Series colours (`roadmark-chart--c1` … `c6`), reused in turn beyond that."""
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Series:
    """A named line, area or set of bars: one value per day (or per bar)."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """A day marked by a vertical line and a label, e.g. a release's date."""

    day: date
    label: str


@dataclass(frozen=True, slots=True)
class _Frame:
    """The plot area and its scales: days (or bar slots) across, values up."""

    first: date
    days: int
    top: float

    def x(self, day: date) -> float:
        return LEFT + (day - self.first).days * (WIDTH - LEFT - RIGHT) / max(self.days, 1)

    def y(self, value: float) -> float:
        return TOP + (1 - value / self.top) * (HEIGHT - TOP - BOTTOM)


def day_chart(
    title: str,
    days: Sequence[date],
    series: Sequence[Series],
    *,
    band: tuple[date, date] | None = None,
    band_label: str = "",
    marks: Sequence[Mark] = (),
) -> str:
    """Step lines over `days` (one value per day per series), with an optional shaded
    `band` of days (a forecast range) and vertical `marks`; "" without days."""
    if not days:
        return ""
    extent = [*days, *(band or ()), *(mark.day for mark in marks)]
    first, last = min(extent), max(extent)
    top = nice_top(max((value for line in series for value in line.values), default=0))
    frame = _Frame(first, (last - first).days, top)
    shapes = [_y_axis(frame), _x_axis(frame, first, last)]
    if band is not None:
        x1, x2 = frame.x(band[0]), frame.x(band[1])
        shapes.append(
            f'<rect class="roadmark-chart__band" x="{_n(x1)}" y="{TOP}" '
            f'width="{_n(max(x2 - x1, 2))}" height="{HEIGHT - TOP - BOTTOM}"/>'
        )
    # The days' x coordinates once for every line (a burn-up draws two over the same days).
    xs = [_n(frame.x(day)) for day in days]
    for index, line in enumerate(series):
        points = _steps(frame, days, line.values, xs)
        colour = f"roadmark-chart--c{_colour(index)}"
        # A dot where each line ends: the latest figure, visible even on a release's first day.
        shapes.append(
            f'<polyline class="roadmark-chart__line {colour}" points="{points}"/>'
            f'<circle class="roadmark-chart__dot {colour}" cx="{_n(frame.x(days[-1]))}" '
            f'cy="{_n(frame.y(line.values[-1]))}" r="4"/>'
        )
    shapes.extend(_mark(frame, mark) for mark in marks)
    keys = [(line.name, f"c{_colour(index)}") for index, line in enumerate(series)]
    if band is not None and band_label:
        keys.append((band_label, "band"))
    return figure(title, shapes, keys)


def stacked_chart(title: str, days: Sequence[date], layers: Sequence[Series]) -> str:
    """Areas stacked over `days`, the first layer at the bottom; "" without days."""
    if not days:
        return ""
    totals = [sum(layer.values[at] for layer in layers) for at in range(len(days))]
    frame = _Frame(days[0], (days[-1] - days[0]).days, nice_top(max(totals, default=0)))
    shapes = [_y_axis(frame), _x_axis(frame, days[0], days[-1])]
    below = [0.0] * len(days)
    for index, layer in enumerate(layers):
        above = [base + value for base, value in zip(below, layer.values, strict=True)]
        upper = [f"{_n(frame.x(day))},{_n(frame.y(v))}" for day, v in zip(days, above, strict=True)]
        lower = [
            f"{_n(frame.x(day))},{_n(frame.y(v))}"
            for day, v in reversed(list(zip(days, below, strict=True)))
        ]
        shapes.append(
            f'<polygon class="roadmark-chart__area roadmark-chart--c{_colour(index)}" '
            f'points="{" ".join(upper + lower)}"/>'
        )
        below = above
    keys = [(layer.name, f"c{_colour(index)}") for index, layer in enumerate(layers)]
    return figure(title, shapes, keys)


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """Bars per label, one per series side by side, labels along the bottom (some skipped
    when crowded); "" without labels."""
    if not labels:
        return ""
    top = nice_top(max((value for line in series for value in line.values), default=0))
    frame = _Frame(date.min, 0, top)
    slot = (WIDTH - LEFT - RIGHT) / len(labels)
    every = max(1, -(-len(labels) * 64 // (WIDTH - LEFT - RIGHT)))  # about 64 px per label
    bar = slot * 0.8 / max(len(series), 1)
    shapes = [_y_axis(frame)]
    for index, label in enumerate(labels):
        x = LEFT + index * slot
        for number, line in enumerate(series):
            value = line.values[index]
            y = frame.y(value)
            shapes.append(
                f'<rect class="roadmark-chart__bar roadmark-chart--c{_colour(number)}" '
                f'x="{_n(x + slot * 0.1 + number * bar)}" y="{_n(y)}" width="{_n(bar)}" '
                f'height="{_n(HEIGHT - BOTTOM - y)}">'
                f"<title>{escape(f'{label}, {line.name}: {_figure(value)}')}</title></rect>"
            )
        if index % every == 0:
            shapes.append(
                f'<text class="roadmark-chart__tick" x="{_n(x + slot / 2)}" '
                f'y="{HEIGHT - BOTTOM + 21}" text-anchor="middle">{escape(label)}</text>'
            )
    return figure(title, shapes, [(line.name, f"c{_colour(n)}") for n, line in enumerate(series)])


def figure(title: str, shapes: Sequence[str], keys: Sequence[tuple[str, str]]) -> str:
    """The chart's `<figure>`: the SVG (titled) and a legend of (name, colour class) keys."""
    svg = (
        f'<svg class="roadmark-chart__svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img">'
        f"<title>{escape(title)}</title>\n" + "\n".join(shapes) + "\n</svg>"
    )
    legend = "".join(
        f'<li><span class="roadmark-chart__swatch roadmark-chart--{colour}"></span>'
        f"{escape(name)}</li>"
        for name, colour in keys
    )
    return (
        f'<figure class="roadmark-chart">\n{svg}\n'
        f"<figcaption><strong>{escape(title)}</strong>"
        f'<ul class="roadmark-chart__legend">{legend}</ul></figcaption>\n</figure>\n'
    )


def data_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A chart's figures as a table in a closed "Data" box; cells are escaped here."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>\n" for row in rows
    )
    return (
        '<details class="roadmark-chart__data">\n<summary>Data</summary>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
        "</details>\n"
    )


def nice_top(value: float) -> float:
    """The top of a value axis: 1, 2, 2.5 or 5 times a power of ten, at least `value` (and 5)."""
    value = max(value, 4)  # counts: at least whole steps of 1 up to 5
    power = 1.0
    while power * 10 < value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # unreachable: step 10 always fits


def short_day(day: date) -> str:
    """A day as an axis label, e.g. `Mar 3`."""
    return f"{MONTHS[day.month - 1]} {day.day}"


def _steps(frame: _Frame, days: Sequence[date], values: Sequence[float], xs: list[str]) -> str:
    """A step line: each value holds until the next day's (`xs`: each day's x, written)."""
    points: list[str] = []
    # A line mostly holds its value from day to day: each value's y is written once.
    ys: dict[float, str] = {}
    last, before = values[0], ""
    for index, (x, value) in enumerate(zip(xs, values, strict=True)):
        y = ys.get(value)
        if y is None:
            y = ys[value] = _n(frame.y(value))
        if index and last != value:
            points.append(f"{x},{before}")
        points.append(f"{x},{y}")
        last, before = value, y
    # The last value holds to the end of its day.
    end = frame.x(min(days[-1] + timedelta(days=1), frame.first + timedelta(frame.days)))
    points.append(f"{_n(end)},{before}")
    return " ".join(points)


def _y_axis(frame: _Frame) -> str:
    ticks = []
    # Five steps of 1, 2 or 5 (times a power of ten) up to a top of 1, 2.5 or 5; four of 5 to 2.
    steps = 4 if f"{frame.top:e}".startswith("2.0") else 5
    for step in range(steps + 1):
        value = frame.top * step / steps
        y = _n(frame.y(value))
        ticks.append(
            f'<line class="roadmark-chart__grid" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" '
            f'y2="{y}"/><text class="roadmark-chart__tick" x="{LEFT - 6}" y="{y}" '
            f'text-anchor="end" dominant-baseline="middle">{_figure(value)}</text>'
        )
    return "\n".join(ticks)


def _x_axis(frame: _Frame, first: date, last: date) -> str:
    """Up to six day labels, evenly spread from the first day to the last, each centred on
    its day (the margins leave room for the first and last labels' halves)."""
    span = (last - first).days
    count = min(span, 5)
    if count == 0:  # a single day
        days = [first]
    else:
        steps = range(count + 1)
        days = sorted({first + timedelta(days=round(span * step / count)) for step in steps})
    return "\n".join(
        f'<text class="roadmark-chart__tick" x="{_n(frame.x(day))}" y="{HEIGHT - BOTTOM + 21}" '
        f'text-anchor="middle">{short_day(day)}</text>'
        for day in days
    )


def _mark(frame: _Frame, mark: Mark) -> str:
    x = _n(frame.x(mark.day))
    return (
        f'<g class="roadmark-chart__mark"><line x1="{x}" y1="{TOP}" x2="{x}" '
        f'y2="{HEIGHT - BOTTOM}"/><text class="roadmark-chart__tick" x="{x}" y="{TOP - 3}" '
        f'text-anchor="{_mark_anchor(frame, mark.day)}">{escape(mark.label)}</text></g>'
    )


def _mark_anchor(frame: _Frame, day: date) -> str:
    at = (day - frame.first).days / max(frame.days, 1)
    return "end" if at > 0.8 else "start" if at < 0.2 else "middle"


def _colour(index: int) -> int:
    return index % COLOURS + 1


def _n(value: float) -> str:
    """A coordinate with one decimal at most: `12`, `12.5`."""
    shown = f"{value:.1f}"
    return shown[:-2] if shown.endswith(".0") else shown


def _figure(value: float) -> str:
    """A figure as a label: whole numbers without decimals, others with one."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def figure_text(value: float) -> str:
    """A figure as a table cell: `3`, `2.5`."""
    return _figure(value)
