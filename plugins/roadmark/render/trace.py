"""Traceability in the site: item-page trace panels (an epic's with the dependency chart of
its stories) and evidence badges; the traceability pages themselves are `trace_pages`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..spec.graph import Graph
from ..spec.model import Clause, Item
from ..trace.coverage import Coverage, CriterionTrace, PrdTrace, StoryTrace, Trace
from ..trace.evidence import RecordedTest
from .dependency_chart import epic_chart
from .html import Markup, escape, slug, title_attr
from .markdown import kind_label

TITLE = "Traceability"
NO_STORY = "no story"
NO_CRITERIA = "no criteria"


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


# --- Shared with the traceability pages (`trace_pages`) -------------------------------------


def figures_table(coverage: Coverage, linker: Markup) -> str:
    """The four coverage figures as a table of counts and shares."""
    rows = [
        [linker.text(f.label), f"{f.count} of {f.total}", f"{f.percent}%" if f.total else "–"]
        for f in coverage.figures
    ]
    return linker.table(["Measure", "Count", "Share"], rows)


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
    chart = epic_chart(epic, graph, linker.href)
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
