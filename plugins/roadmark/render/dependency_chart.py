"""Dependency charts drawn at build time as inline SVG: no script, no CDN, links that work.

The layout is layered, left to right: an item's column is the length of the longest
chain of dependencies leading to it, so everything it depends on stands to its left;
within a column items keep id order. Positions are computed here in whole pixels, so
the same specs draw the same bytes. The SVG keeps its natural size (text at 12–13px)
and scrolls sideways in a narrow window rather than shrinking to illegible text.
Colours come from classes in `roadmark.css` (Material's palette, light and dark), and
every value from a spec is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from ..spec.graph import Graph
from ..spec.model import Item
from .html import attr, escape, slug

NODE_WIDTH = 208
NODE_HEIGHT = 48
COLUMN_GAP = 64
ROW_GAP = 16
MARGIN = 4
CHART_ANCHOR = "roadmark-dependencies"
"""The anchor of the chart on an epic's page (its heading, `Dependencies`)."""
TITLE_CHARS = 28
"""Longer titles are cut with an ellipsis (the whole title is the node's tooltip)."""

Link = Callable[[str, str | None], str | None]
"""The URL of an item's page from the page being written, or None (`Markup.href`)."""


@dataclass(frozen=True, slots=True)
class Node:
    """An item placed in the chart."""

    item: Item
    column: int
    row: int
    late: bool = False
    """It depends on work scheduled in a later release."""
    outside: bool = False
    """It belongs to another group (epic) than the chart's, and is shown for its links."""


def layout(items: Sequence[Item], edges: Iterable[tuple[str, str]], graph: Graph) -> list[Node]:
    """`items` in columns by longest dependency chain, each column in id order.

    `edges` are (dependency, dependant) pairs of ids among `items`. A cycle (a rule
    problem of its own) is cut where it closes, so every item still gets a column.
    """
    needs: dict[str, list[str]] = {item.id: [] for item in items}
    for before, after in edges:
        if before in needs and after in needs:
            needs[after].append(before)
    columns: dict[str, int] = {}

    def column(item_id: str, path: frozenset[str]) -> int:
        if item_id not in columns:
            ahead = [column(b, path | {item_id}) for b in needs[item_id] if b not in path]
            columns[item_id] = 1 + max(ahead) if ahead else 0
        return columns[item_id]

    ordered = sorted(items, key=graph.rank)
    for item in ordered:
        column(item.id, frozenset())
    rows: dict[int, int] = {}
    nodes = []
    for item in ordered:
        at = columns[item.id]
        nodes.append(Node(item, at, rows.get(at, 0)))
        rows[at] = rows.get(at, 0) + 1
    return nodes


def render_chart(
    nodes: Sequence[Node],
    edges: Iterable[tuple[str, str]],
    href: Link,
    label: str,
    *,
    late_edges: Collection[tuple[str, str]] = (),
) -> str:
    """The chart as an `<svg>` in a scrolling box, then its legend; "" without nodes.

    `label` names the chart for screen readers. Edges run from a dependency to its
    dependant; those in `late_edges` are drawn in red.
    """
    if not nodes:
        return ""
    where = {node.item.id: node for node in nodes}
    width = max(node.column for node in nodes) * (NODE_WIDTH + COLUMN_GAP) + NODE_WIDTH
    height = max(node.row for node in nodes) * (NODE_HEIGHT + ROW_GAP) + NODE_HEIGHT
    width, height = width + 2 * MARGIN, height + 2 * MARGIN
    late = set(late_edges)
    shapes = [
        _edge(where[before], where[after], (before, after) in late)
        for before, after in edges
        if before in where and after in where
    ]
    shapes += [_node(node, href) for node in nodes]
    svg = (
        f'<svg class="roadmark-deps__chart" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="group" aria-label="{attr(label)}">\n' + "\n".join(shapes) + "\n</svg>"
    )
    return (
        f'<div class="roadmark-deps">\n<div class="roadmark-deps__scroll">\n{svg}\n</div>\n'
        f"{legend(nodes, late=bool(late))}</div>\n"
    )


def legend(nodes: Sequence[Node], *, late: bool = False) -> str:
    """What the colours and marks of a chart mean: its statuses, in order of appearance."""
    statuses = dict.fromkeys(node.item.status for node in nodes)
    entries = [
        f'<li><span class="roadmark-deps__swatch roadmark-deps--{slug(status)}"></span>'
        f"{escape(status)}</li>"
        for status in statuses
    ]
    if any(node.outside for node in nodes):
        entries.append(
            '<li><span class="roadmark-deps__swatch roadmark-deps__swatch--outside"></span>'
            "in another epic</li>"
        )
    if late:
        entries.append(
            '<li><span class="roadmark-deps__swatch roadmark-deps__swatch--late"></span>'
            "depends on work in a later release</li>"
        )
    return f'<ul class="roadmark-deps__legend" aria-label="Legend">{"".join(entries)}</ul>\n'


def epic_chart(epic: Item, graph: Graph, href: Link) -> str:
    """The chart of an epic's stories and the `depends_on` links among them.

    Empty when no story of the epic depends on another of its stories.
    """
    stories = [item for item in graph.children.get(epic.id, []) if item.kind == "story"]
    ids = {story.id for story in stories}
    edges = [
        (before, story.id)
        for story in stories
        for before in dict.fromkeys(story.get("depends_on") or [])
        if before in ids and before != story.id
    ]
    if not edges:
        return ""
    nodes = layout(stories, edges, graph)
    return render_chart(nodes, edges, href, f"Dependencies among the stories of {epic.id}")


def _node(node: Node, href: Link) -> str:
    item = node.item
    x, y = _x(node), _y(node)
    classes = f"roadmark-deps__node roadmark-deps--{slug(item.status)}"
    if node.late:
        classes += " roadmark-deps__node--late"
    if node.outside:
        classes += " roadmark-deps__node--outside"
    team = item.get("team")
    about = f"{item.id} · {item.title} ({item.status}" + (f", team {team})" if team else ")")
    title = " ".join(item.title.split())
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    inner = (
        f"<title>{escape(about)}</title>"
        f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6"/>'
        f'<text class="roadmark-deps__id" x="{x + 10}" y="{y + 19}">{escape(item.id)}</text>'
        f'<text class="roadmark-deps__title" x="{x + 10}" y="{y + 38}">{escape(title)}</text>'
    )
    url = href(item.id, None)
    if url is None:  # no page to link to: the box alone
        return f'<g class="{classes}" data-roadmark-id="{attr(item.id)}">{inner}</g>'
    # `xlink:href`, not `href`: Material's instant navigation reassigns `el.href` of every
    # `[href]` element it loads, which throws on an SVG link (its `href` is read-only).
    link = f'xlink:href="{attr(url)}"'
    return f'<a class="{classes}" {link} data-roadmark-id="{attr(item.id)}">{inner}</a>'


def _edge(before: Node, after: Node, late: bool) -> str:
    """A curve from the right of `before` to an arrowhead at the left of `after`."""
    x1, y1 = _x(before) + NODE_WIDTH, _y(before) + NODE_HEIGHT // 2
    x2, y2 = _x(after), _y(after) + NODE_HEIGHT // 2
    bend = max(COLUMN_GAP // 2, abs(x2 - x1) // 2)
    classes = "roadmark-deps__edge" + (" roadmark-deps__edge--late" if late else "")
    return (
        f'<g class="{classes}"><path d="M{x1} {y1} C{x1 + bend} {y1} {x2 - bend} {y2} '
        f'{x2 - 8} {y2}"/><path class="roadmark-deps__arrow" d="M{x2} {y2} l-9 -5 v10 z"/></g>'
    )


def _x(node: Node) -> int:
    return MARGIN + node.column * (NODE_WIDTH + COLUMN_GAP)


def _y(node: Node) -> int:
    return MARGIN + node.row * (NODE_HEIGHT + ROW_GAP)
