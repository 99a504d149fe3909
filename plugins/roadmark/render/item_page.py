"""The page of one spec item: card, parent chain, body with anchors, children, backlinks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from ..extensions.clause_anchors import ClauseAnchor
from ..history.model import History
from ..plan.health import Health
from ..plan.kanban import plan_kanban
from ..plan.progress import Progress, is_closed, stories_under
from ..plan.sprints import SprintsPlan
from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.problems import Problem
from ..spec.settings import FieldSpec, Settings
from ..text.words import number
from ..trace.coverage import Trace
from .deferred import Href, Section, placeholder
from .health import health_row, health_warning
from .history_item import TITLE as HISTORY_TITLE
from .history_item import history_section, suspect_warning
from .html import HtmlLinker, Markup, escape, strip_controls
from .kanban import kanban
from .markdown import admonition, badge, field_label, kind_label, progress_bar, table, text
from .sprints import TITLE as SPRINT_TITLE
from .sprints import sprint_section
from .trace import TITLE as TRACE_TITLE
from .trace import criterion_evidence, has_trace_panel, trace_panel

CARD_ORDER = (
    "status", "owner", "team", "priority", "release", "prd", "epic", "estimate", "type",
    "sprint", "theme", "horizon", "start", "target", "date", "implements", "depends_on", "tags",
)  # fmt: skip
"""Card rows in reading order; extra configured fields follow."""

_METRICS_HEADING = re.compile(r"^#{1,6}\s+success metrics\s*#*\s*$", re.IGNORECASE)
_SKIPPED = {"id", "kind", "title", "metrics"}


def render_item_page(item: Item) -> str:
    """The Markdown of an item's page: its body, with its metrics table.

    The rest is framed around the rendered body by `frame_item_page`, as HTML: headings
    and placeholders in the Markdown would each cost a pass of every inline pattern.
    """
    # The body is its author's Markdown, raw HTML and all; only control characters go.
    return _with_metrics(item, strip_controls(item.body).strip("\n") + "\n")


def frame_item_page(
    content: str, title: str, sections: Sequence[Section], *, title_heading: bool
) -> str:
    """An item page's rendered body with its title heading and its deferred parts' places.

    Without `title_heading` the theme writes the title (Material does when the content
    has no `<h1>`); a level-1 heading in the body would stand in for it, so then it is
    written all the same.
    """
    heading = f"<h1>{escape(title)}</h1>\n" if title_heading or "<h1" in content else ""
    places = "".join(placeholder(section.key) for section in sections)
    return f"{heading}{placeholder('head')}{content}\n{places}"


def item_sections(
    item: Item,
    graph: Graph,
    trace: Trace | None = None,
    history: History | None = None,
    sprints: SprintsPlan | None = None,
) -> list[Section]:
    """The sections after an item's body: a sprint's own (with `sprints`), coverage, children,
    a release's board, trace panel, backlinks, and history when it was read. Without it, the
    trends page and the burn-ups say why: two thousand item pages saying so too would only
    repeat it to every reader."""
    sections = []
    if sprints is not None and item.id in sprints.sprints:
        sections.append(_SPRINT)
    if item.requirements:
        sections.append(_COVERAGE)
    children = children_of(item, graph)
    if children:
        sections.append(Section("children", _children_heading(item, children)))
    if item.kind == "release":
        sections.append(_BOARD)
    if trace is not None and has_trace_panel(item, trace):
        sections.append(_TRACE)
    if graph.incoming.get(item.id):  # `referrers`, without the list it makes
        sections.append(_REFERENCED_BY)
    if history is not None and history.available:
        sections.append(_HISTORY)
    return sections


# Made once: every planning asks for the sections of every item page.
_SPRINT = Section("sprint", SPRINT_TITLE)
_COVERAGE = Section("coverage", "Implemented by")
_BOARD = Section("board", "Board")
_TRACE = Section("trace", TRACE_TITLE)
_REFERENCED_BY = Section("referenced-by", "Referenced by")
_HISTORY = Section("history", HISTORY_TITLE)


def item_parts(
    item: Item,
    graph: Graph,
    settings: Settings,
    progress: Mapping[str, Progress],
    problems: list[Problem],
    trace: Trace | None,
    sections: Sequence[Section],
    href: Href,
    *,
    health: Health | None = None,
    history: History | None = None,
    repo_url: str | None = None,
    sprints: SprintsPlan | None = None,
) -> dict[str, str]:
    """The deferred parts of an item's page as HTML: its head (problems, parent chain, card)
    and each of its `sections` (from `item_sections`); `progress` is each item's, by id.

    With `health`, a release's card, and an epic's or a PRD's, shows its releases' health.
    With `history`, a suspect item is flagged under its card; commits link into `repo_url`.
    `sprints` (`plan.sprints.plan_sprints`) gives a sprint's section.
    """
    linker = HtmlLinker(href)
    head = [problems_admonition(problems)] if problems else []
    chain = graph.ancestors(item)
    if chain:
        trail = " › ".join(linker.link(up.id, f"{up.id} {up.title}") for up in chain)
        head.append(
            f'<p class="roadmark-chain">{trail} › <strong>{linker.text(item.id)}</strong></p>'
        )
    plans = health.releases_of(item) if health is not None else []
    row = health_row(item, plans, linker)
    extra = [row] if row else []
    head.append(render_card(item, settings, progress.get(item.id), linker, extra, graph))
    warning = health_warning(item, plans, linker)
    if warning:
        head.append(warning)
    suspect = suspect_warning(item.id, history.suspects, linker, repo_url) if history else ""
    if suspect:
        head.append(suspect)
    renderers: dict[str, Callable[[], str]] = {
        "coverage": lambda: _requirement_coverage(item, graph, linker),
        "children": lambda: _children(children_of(item, graph), settings, progress, linker),
        "trace": lambda: trace_panel(item, trace, graph, linker) if trace is not None else "",
        "referenced-by": lambda: _referenced_by(item, graph, linker),
        "history": lambda: history_section(item, history, linker, repo_url) if history else "",
        "sprint": lambda: _sprint(item, sprints, linker, history),
        "board": lambda: _release_board(item, graph, settings, linker),
    }
    parts = {"head": "\n".join(head)}
    for section in sections:
        parts[section.key] = renderers[section.key]()
    return parts


def problems_admonition(problems: Iterable[Problem]) -> str:
    """A visible list of a file's problems."""
    lines = "".join(
        f"<li><code>{escape(p.code)}</code> line {p.line}: {escape(p.message)}</li>"
        for p in problems
    )
    return admonition("failure", "Problems in this spec", f"<ul>{lines}</ul>")


def render_card(
    item: Item,
    settings: Settings,
    progress: Progress | None,
    linker: Markup,
    extra: Sequence[list[str]] = (),
    graph: Graph | None = None,
) -> str:
    """The metadata card: every set field, references as links, the item's progress, then
    the `extra` rows (label and cell, already escaped). With `graph`, a field that becomes a
    reference (a story's `sprint`) links where it resolves; free text stays text."""
    specs = settings.fields_for(item.kind)
    names = [name for name in CARD_ORDER if name in specs]
    names += [name for name in specs if name not in names and name not in _SKIPPED]
    rows = [
        [field_label(name), _cell(item, specs[name], linker, graph)]
        for name in names
        if item.get(name) not in (None, "", [])
    ]
    if progress is not None:
        rows.append(["Progress", progress_bar(progress)])
    rows.extend(extra)
    rows.insert(0, ["Kind", linker.text(kind_label(item.kind))])
    return f'<div class="roadmark-card">\n{linker.table(["Field", "Value"], rows)}</div>\n'


def _cell(item: Item, spec: FieldSpec, linker: Markup, graph: Graph | None) -> str:
    value = item.fields[spec.name]
    if spec.becomes_reference and graph is not None and graph.referent(item, spec.name):
        return linker.link(value)
    return _value(spec, value, linker)


def _value(spec: FieldSpec, value: Any, linker: Markup) -> str:
    if spec.name == "status":
        return badge(value)
    if isinstance(value, list):
        return ", ".join(_scalar(spec, element, linker) for element in value)
    return _scalar(spec, value, linker)


def _scalar(spec: FieldSpec, value: Any, linker: Markup) -> str:
    if spec.type == "reference" or spec.items == "reference":
        return linker.link(value)
    if spec.items == "address":
        owner, _, local = value.partition("/")
        return linker.link(owner, value, local.lower())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return linker.text(value)


def clause_anchors(item: Item, trace: Trace | None) -> dict[str, ClauseAnchor]:
    """How each requirement and criterion id is anchored on the item's page (`#ac-1`).

    A criterion's test verdict follows its id when test results were read.
    """
    evidence = criterion_evidence(trace) if trace is not None else None
    return {
        clause.local_id: ClauseAnchor(
            clause.anchor, clause.address, evidence(clause) if evidence else ""
        )
        for clause in item.clauses
    }


def clause_anchors_made_of(item: Item, trace: Trace | None) -> tuple[object, ...] | None:
    """What `clause_anchors(item, trace)` is made of besides the item (the tests of each of
    its criteria, whose verdicts follow their ids): equal for one item, equal anchors.

    None when no test results were read, as the anchors then show no verdict.
    """
    if trace is None or criterion_evidence(trace) is None:
        return None
    criteria = trace.criteria
    found = (criteria.get(clause.address) for clause in item.clauses)
    return tuple(criterion.tests if criterion is not None else None for criterion in found)


def _with_metrics(item: Item, body: str) -> str:
    """The body with the metrics table under its own "Success metrics" heading, or after it."""
    metrics = item.get("metrics")
    if not metrics:
        return body
    rows = [
        [text(m.get("name", "")), text(m.get("baseline", "")), text(m.get("target", ""))]
        for m in metrics
    ]
    metrics_table = table(["Metric", "Baseline", "Target"], rows)
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if _METRICS_HEADING.match(line):
            lines.insert(index + 1, "\n" + metrics_table)
            return "\n".join(lines)
    return f"{body}\n## Success metrics\n\n{metrics_table}"


def _requirement_coverage(item: Item, graph: Graph, linker: Markup) -> str:
    rows = []
    for requirement in item.requirements:
        stories = graph.implementers(requirement.address)
        rows.append(
            [
                linker.link(item.id, requirement.local_id, requirement.anchor),
                ", ".join(linker.link(story.id) for story in stories) or "none yet",
            ]
        )
    return linker.table(["Requirement", "Stories"], rows)


def children_of(item: Item, graph: Graph) -> list[Item]:
    """What an item's page lists beneath it: a PRD's epics, an epic's stories, a release's items."""
    if item.kind == "release":
        return [graph.items[ref.source] for ref in graph.referrers(item.id, "release")]
    return graph.children.get(item.id, [])


def _children_heading(item: Item, children: list[Item]) -> str:
    kinds = {child.kind for child in children}
    if item.kind == "release" or len(kinds) != 1:
        return "Scheduled"
    return kind_label(kinds.pop(), plural=True)


def _children(
    children: list[Item], settings: Settings, progress: Mapping[str, Progress], linker: Markup
) -> str:
    rows = []
    for child in children:
        if child.kind == "story":
            done = number(child.get("estimate"))
        else:
            done = progress_bar(progress[child.id]) if child.id in progress else ""
        status = badge(child.status) + (" (left the plan)" if is_closed(child, settings) else "")
        rows.append([linker.link(child.id), linker.text(child.title), status, done])
    return linker.table(["Id", "Title", "Status", "Points / progress"], rows)


def _referenced_by(item: Item, graph: Graph, linker: Markup) -> str:
    rows = []
    refs = graph.referrers(item.id)
    for ref in sorted(refs, key=lambda r: (graph.ranks.get(r.source, 0), r.field, r.index or 0)):
        source = graph.items[ref.source]
        via = field_label(ref.field) + (f" {linker.text(ref.address)}" if ref.clause else "")
        rows.append([linker.link(source.id), linker.text(source.title), badge(source.status), via])
    return linker.table(["Item", "Title", "Status", "Via"], rows)


def _sprint(
    item: Item, sprints: SprintsPlan | None, linker: HtmlLinker, history: History | None
) -> str:
    plan = sprints.sprints.get(item.id) if sprints is not None else None
    return sprint_section(plan, linker, history) if plan is not None else ""


def _release_board(item: Item, graph: Graph, settings: Settings, linker: HtmlLinker) -> str:
    """The board of the release's stories that are not closed."""
    stories = [story for story in stories_under(item, graph) if not is_closed(story, settings)]
    return kanban(plan_kanban(stories, graph, settings), linker, f"Board of {item.id}")
