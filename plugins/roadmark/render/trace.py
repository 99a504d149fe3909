"""Traceability in the site: the matrix page, item-page trace panels, evidence badges and the
dependency flowchart of an epic's stories."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from ..spec.graph import Graph
from ..spec.model import Clause, Item
from ..spec.problems import Problem
from ..text.words import count
from ..trace.coverage import Coverage, CriterionTrace, PrdTrace, StoryTrace, Trace, matrix
from ..trace.evidence import RecordedTest
from .deferred import Href, placeholder
from .html import HtmlLinker, Markup, escape, slug, strip_controls, title_attr
from .markdown import Linker, admonition, kind_label, table, text

TITLE = "Traceability"
NO_STORY = "no story"
NO_CRITERIA = "no criteria"

# Mermaid decodes `#<decimal>;` in labels; these characters would otherwise end a label,
# start a comment or entity, or become HTML.
_MERMAID_UNSAFE = re.compile(r"""["#<>\[\](){}|`&;\\]""")


def result_badge(result: str, message: str = "") -> str:
    """A test result badge (passed, failed, error, skipped), its message as a tooltip."""
    return (
        f'<span class="roadmark-result roadmark-result--{slug(result)}"{title_attr(message)}>'
        f"{escape(result)}</span>"
    )


def state_badge(criterion: CriterionTrace) -> str:
    """A criterion's verdict badge (verified, failing, skipped, untested), its tests as tooltip."""
    listed = "; ".join(f"{test.title}: {test.result}" for test in criterion.tests)
    title = listed or "no test verifies this criterion"
    return result_badge(criterion.state, title)


def case_label(test: RecordedTest) -> str:
    """A test's name as code, with its class, source file and results file as a tooltip."""
    # pytest writes its whole report on one line, so the results file's line says little.
    where = " · ".join(part for part in (test.classname, test.file, test.source) if part)
    return f"<code{title_attr(where)}>{escape(test.name)}</code>"


def results_cell(tests: Sequence[RecordedTest]) -> str:
    """Each test with its result badge, one per line of a table cell."""
    return "<br>".join(f"{case_label(t)} {result_badge(t.result, t.message)}" for t in tests)


def criterion_evidence(trace: Trace) -> Callable[[Clause], str] | None:
    """What to show after a clause's anchor on its item's page: a criterion's verdict.

    None when no test results were read: every criterion would only say "untested".
    """
    if not trace.evidence.sources:
        return None

    def after(clause: Clause) -> str:
        criterion = trace.criteria.get(clause.address)
        return " " + state_badge(criterion) if criterion is not None else ""

    return after


# --- The traceability page ----------------------------------------------------------------


def render_trace_page(trace: Trace, linker: Linker) -> str:
    """The traceability page: evidence read, figures, gaps, then one matrix per PRD.

    The gap lists and matrices grow with every criterion, so they are placeholders here,
    filled with HTML by `deferred.fill_parts` once the page is built: Markdown would spend
    seconds on a big product's tens of thousands of cells, and search need not index them.
    """
    parts = [
        f"# {TITLE}\n",
        "Every requirement, the stories implementing it, their acceptance criteria and the "
        "tests that verify them. A criterion is *verified* when it has tests and all of "
        "them pass.\n",
        _evidence_summary(trace),
        "## Coverage\n\n" + figures_table(trace.coverage, linker),
    ]
    if len(trace.prds) > 1:
        parts.append(_by_prd_table(trace.prds, linker))
    parts.append("## Gaps\n\n" + placeholder("gaps"))
    parts.extend(
        _prd_section(index, prd_trace, linker) for index, prd_trace in enumerate(trace.prds)
    )
    return "\n".join(part for part in parts if part)


def trace_parts(trace: Trace, href: Href) -> dict[str, str]:
    """The HTML of each placeholder of the traceability page, by key."""
    parts = {"gaps": gaps_html(trace.coverage, href)}
    for index, prd_trace in enumerate(trace.prds):
        parts[f"matrix-{index}"] = matrix_html(prd_trace, href)
    return parts


def figures_table(coverage: Coverage, linker: Markup) -> str:
    """The four coverage figures as a table of counts and shares."""
    rows = [
        [linker.text(f.label), f"{f.count} of {f.total}", f"{f.percent}%" if f.total else "–"]
        for f in coverage.figures
    ]
    return linker.table(["Measure", "Count", "Share"], rows)


def gaps_html(coverage: Coverage, href: Href) -> str:
    """The four gap lists, each a collapsible list of links."""
    linker = HtmlLinker(href)
    lists = (
        ("Requirements with no story", [_clause_link(c, linker) for c in
                                        coverage.requirements_without_story]),
        ("Stories with no criteria", [linker.link(s.id) for s in
                                      coverage.stories_without_criteria]),
        ("Criteria with no test", [_clause_link(c, linker)
                                   for c in coverage.criteria_without_test]),
        ("Failing criteria", [_clause_link(c, linker) for c in coverage.failing_criteria]),
    )  # fmt: skip
    return "\n".join(_gap(title, links) for title, links in lists)


def _gap(title: str, links: list[str]) -> str:
    if not links:
        return f'<p class="roadmark-gap"><strong>{title}</strong>: none.</p>'
    return (
        f'<details class="roadmark-gap"><summary>{title} ({len(links)})</summary>'
        f"<p>{', '.join(links)}</p></details>"
    )


def _evidence_summary(trace: Trace) -> str:
    evidence = trace.evidence
    parts = []
    if evidence.sources:
        files = ", ".join(f"<code>{escape(name)}</code>" for name in evidence.sources)
        linked = len(evidence.tests)
        parts.append(
            f"Test results: {count(evidence.cases, 'test case')} read from {files}; "
            f"{linked} of them verify a requirement or criterion.\n"
        )
    else:
        notes = "".join(f"<p>{escape(note)}</p>" for note in evidence.notes)
        parts.append(
            admonition(
                "note",
                "No test results",
                "<p>No JUnit XML test results were read, so no criterion shows as verified. "
                "List your test runs' JUnit files in the <code>test_results</code> option.</p>"
                + notes,
            )
        )
    if evidence.problems:
        parts.append(_problems(evidence.problems))
    return "\n".join(parts)


def _problems(problems: Sequence[Problem]) -> str:
    items = "".join(
        f"<li><code>{escape(f'{p.path}:{p.line}')}</code> "
        f"<code>{escape(p.code)}</code>: {escape(p.message)}</li>"
        for p in problems
    )
    return admonition("failure", "Problems in the test results", f"<ul>{items}</ul>")


def _by_prd_table(prd_traces: Sequence[PrdTrace], linker: Linker) -> str:
    rows = []
    for prd_trace in prd_traces:
        name = linker.link(prd_trace.prd.id) if prd_trace.prd else "*outside any PRD*"
        rows.append([name, *(f.describe() for f in prd_trace.coverage.figures)])
    headers = ["PRD", *(f.label for f in prd_traces[0].coverage.figures)]
    return "## By PRD\n\n" + table(headers, rows)


def _prd_section(index: int, prd_trace: PrdTrace, linker: Linker) -> str:
    if prd_trace.prd is not None:
        heading = f"## {text(prd_trace.prd.id)} · {text(prd_trace.prd.title)}\n\n"
        intro = f"{linker.link(prd_trace.prd.id, 'Open the PRD')}.\n\n"
    else:
        heading = "## Stories outside any PRD\n\n"
        intro = "Stories under no PRD's epics that implement no requirement.\n\n"
    grid = placeholder(f"matrix-{index}") if prd_trace.requirements or prd_trace.stories else ""
    return heading + intro + figures_table(prd_trace.coverage, linker) + "\n" + grid


MATRIX_HEADERS = ("Requirement", "Story", "Criterion", "Result", "Tests")


def matrix_html(prd_trace: PrdTrace, href: Href) -> str:
    """The matrix of a PRD's trace as an HTML table, a criterion's tests together in one cell."""
    linker = HtmlLinker(href)
    rows: list[str] = []
    for row in matrix(prd_trace):
        req = _clause_link(row.requirement, linker, short=True) if row.requirement else "–"
        if row.story is None:
            story, criterion = ("" if row.tests else f"<em>{NO_STORY}</em>"), ""
        else:
            story = linker.link(row.story.id)
            criterion = (
                _clause_link(row.criterion.clause, linker, short=True)
                if row.criterion
                else f"<em>{NO_CRITERIA}</em>"
            )
        state = result_badge(row.state) if row.state else ""
        cells = (req, story, criterion, state, results_cell(row.tests))
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(f"<th>{header}</th>" for header in MATRIX_HEADERS)
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
    )


def _clause_link(clause: Clause, linker: Markup, short: bool = False) -> str:
    label = clause.local_id if short else clause.address
    return linker.link(clause.owner, label, clause.anchor)


# --- Item pages ----------------------------------------------------------------------------


def has_trace_panel(item: Item, trace: Trace) -> bool:
    """Whether the item's page shows a trace panel: stories, epics and traced PRDs do."""
    return item.id in trace.stories or item.kind == "epic" or trace.by_prd.get(item.id) is not None


def trace_panel(item: Item, trace: Trace, graph: Graph, linker: Markup) -> str:
    """The trace panel of an item page, below its heading: upstream and downstream."""
    prd_trace = trace.by_prd.get(item.id)
    if item.id in trace.stories:
        return _story_panel(trace.stories[item.id], graph, linker)
    if item.kind == "epic":
        return _epic_panel(item, trace, graph, linker)
    if prd_trace is not None:
        return _prd_panel(prd_trace, linker)
    return ""


def _upstream(item: Item, graph: Graph, linker: Markup, requirements: Sequence[str] = ()) -> str:
    rows = [
        [linker.text(kind_label(up.kind)), linker.link(up.id), linker.text(up.title)]
        for up in graph.ancestors(item)
    ]
    for address in requirements:
        clause = graph.clauses[address]
        rows.append(["Requirement", _clause_link(clause, linker), linker.text(clause.text)])
    if not rows:
        return ""
    return linker.heading(3, "Upstream") + linker.table(["Kind", "Item", "Title"], rows)


def _story_panel(story: StoryTrace, graph: Graph, linker: Markup) -> str:
    parts = [_upstream(story.story, graph, linker, story.implements)]
    if story.criteria:
        rows = [
            [
                _clause_link(c.clause, linker, short=True),
                result_badge(c.state),
                results_cell(c.tests),
            ]
            for c in story.criteria
        ]
        down = linker.table(["Criterion", "Result", "Tests"], rows)
    else:
        down = linker.text("No acceptance criteria yet, so nothing can verify this story.")
    parts.append(linker.heading(3, "Downstream") + down)
    return "\n".join(part for part in parts if part)


def _epic_panel(epic: Item, trace: Trace, graph: Graph, linker: Markup) -> str:
    stories = [s for s in graph.children.get(epic.id, []) if s.id in trace.stories]
    parts = [_upstream(epic, graph, linker)]
    if stories:
        rows = []
        for story in stories:
            criteria = trace.stories[story.id].criteria
            verified = sum(c.state == "verified" for c in criteria)
            failing = sum(c.state == "failing" for c in criteria)
            verdict = f"{verified} of {len(criteria)}"
            rows.append([linker.link(story.id), verdict, str(failing) if failing else ""])
        # Titles and statuses are in the stories table above; this adds only the evidence.
        headers = ["Story", "Criteria verified", "Failing"]
        parts.append(linker.heading(3, "Downstream") + linker.table(headers, rows))
    chart = dependency_chart(epic, graph)
    if chart:
        parts.append(linker.heading(3, "Dependencies") + chart)
    return "\n".join(part for part in parts if part)


def _prd_panel(prd_trace: PrdTrace, linker: Markup) -> str:
    rows = []
    for requirement in prd_trace.requirements:
        criteria = [c for s in requirement.stories for c in s.criteria]
        verified = sum(c.state == "verified" for c in criteria)
        failing = sum(c.state == "failing" for c in criteria)
        rows.append(
            [
                _clause_link(requirement.clause, linker, short=True),
                str(len(requirement.stories)) if requirement.stories else NO_STORY,
                f"{verified} of {len(criteria)}",
                str(failing) if failing else "",
            ]
        )
    parts = [figures_table(prd_trace.coverage, linker)]
    if rows:
        headers = ["Requirement", "Stories", "Criteria verified", "Failing"]
        parts.append(linker.heading(3, "By requirement") + linker.table(headers, rows))
    return "\n".join(parts)


# --- Dependency flowchart ------------------------------------------------------------------


def dependency_chart(epic: Item, graph: Graph) -> str:
    """A Mermaid flowchart of the epic's stories and the `depends_on` edges among them.

    Empty when no story of the epic depends on another. Written as the raw HTML that
    Material's bundled Mermaid integration renders, so no fence configuration is needed.
    """
    stories = [item for item in graph.children.get(epic.id, []) if item.kind == "story"]
    nodes = {story.id: f"s{index}" for index, story in enumerate(stories)}
    edges = [
        (nodes[before], nodes[story.id])
        for story in stories
        for before in dict.fromkeys(story.get("depends_on") or [])
        if before in nodes and before != story.id
    ]
    if not edges:
        return ""
    lines = ["flowchart LR"]
    lines += [f'  {nodes[s.id]}["{mermaid_label(f"{s.id} · {s.title}")}"]' for s in stories]
    lines += [f"  {before} --> {after}" for before, after in edges]
    by_status: dict[str, list[str]] = {}
    for story in stories:
        by_status.setdefault(slug(story.status).replace("-", "_"), []).append(nodes[story.id])
    for status, ids in sorted(by_status.items()):
        lines.append(f"  class {','.join(ids)} status_{status}")
    lines += [
        "  classDef status_done fill:#2e7d3233,stroke:#2e7d32",
        "  classDef status_in_progress fill:#1565c033,stroke:#1565c0",
        "  classDef status_review fill:#1565c033,stroke:#1565c0",
        "  classDef status_cancelled stroke-dasharray:4 4,opacity:0.6",
    ]
    source = html.escape("\n".join(lines), quote=False)
    return f'<pre class="mermaid roadmark-dependencies"><code>{source}\n</code></pre>\n'


def mermaid_label(value: str) -> str:
    """A label safe inside Mermaid's double quotes: specials become `#<code>;` entities."""
    flat = " ".join(strip_controls(value).split())
    return _MERMAID_UNSAFE.sub(lambda match: f"#{ord(match[0])};", flat)
