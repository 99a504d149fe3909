"""The traceability pages: a hub, one page per PRD, and the failing and untested lists.

Always split, whatever the product's size: a page per PRD keeps each matrix to one PRD's
rows (a product of 10,000 stories would otherwise be one page of 30,000 rows), and the
links to it do not move when a product grows past a threshold. The hub holds the figures,
the gaps and the counts by PRD and by release; the lists pages give the failing and the
untested criteria by release, and each PRD's page its own, so all of them are plain HTML
that needs no script.

Tables that grow with the product are placeholders filled with HTML once the page is
built (see `deferred`); links between these pages are in the Markdown, where MkDocs
checks them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Hashable, Sequence
from functools import cache, partial

from ..history.model import History
from ..spec.problems import Problem
from ..text.words import count
from ..trace.coverage import PrdTrace, Trace
from ..trace.lists import Group, ListedCriterion, TraceLists, WorkList
from .deferred import Href, placeholder
from .filters import filter_controls, row_count
from .history_item import suspects_table
from .html import HtmlLinker, escape
from .markdown import Linker, admonition, table, text
from .site_pages import ProductPage
from .trace import TITLE, figures_table
from .trace_cells import (
    clause_cell,
    clause_link,
    matrix_html,
    report_time,
    row,
    table_html,
    tests_cell,
)

HUB = "trace"
FAILING = "trace/failing-criteria"
UNTESTED = "trace/untested-criteria"
NO_PRD = "trace/no-prd"


def trace_pages(
    trace: Trace, lists: TraceLists, history: History | None = None, repo_url: str | None = None
) -> list[ProductPage]:
    """The hub first (the one page the navigation lists), then the lists and each PRD's.

    With `history` (read or not), the hub lists the suspect links, commits linked into
    `repo_url`."""
    hub = partial(render_hub, trace, lists, suspects=history is not None)
    pages = [
        ProductPage(
            HUB,
            TITLE,
            hub,
            parts=partial(_hub_parts, trace, history, repo_url),
            shows=_gap_items(trace) if history is None else None,  # suspects: any item
            key=cache(partial(_hub_key, trace, history, repo_url)),  # before and after an edit
        ),
        _list_page(FAILING, "Failing criteria", lists.failing, lists.results),
        _list_page(UNTESTED, "Untested criteria", lists.untested, lists.results),
    ]
    for prd_trace in trace.prds:
        name = prd_page_name(prd_trace)
        render = partial(render_prd_page, prd_trace, lists)
        parts = partial(_prd_parts, prd_trace, lists)
        title = f"{TITLE} · {_prd_label(prd_trace)}"
        scope = prd_trace.prd.id if prd_trace.prd is not None else None
        pages.append(ProductPage(name, title, render, parts=parts, listed=False, scope=scope))
    return pages


def prd_page_name(prd_trace: PrdTrace) -> str:
    """The page name of a PRD's trace, e.g. `trace/PRD-1`."""
    return f"trace/{prd_trace.prd.id}" if prd_trace.prd else NO_PRD


def _prd_label(prd_trace: PrdTrace) -> str:
    return f"{prd_trace.prd.id} · {prd_trace.prd.title}" if prd_trace.prd else "Outside any PRD"


def _criteria(number: int, adjective: str = "") -> str:
    # `plural` knows regular nouns only.
    return f"{number} {adjective}{'criterion' if number == 1 else 'criteria'}"


def _to(linker: Linker, own: str, other: str) -> str:
    """The relative link from page `own` (being rendered by `linker`) to page `other`."""
    current = linker.current
    root = current[: -len(f"{own}.md")] if current.endswith(f"{own}.md") else ""
    if root.endswith("all-"):  # a product file took our name; `_product_page` prefixed it
        root = root[: -len("all-")]
    return linker.to(posixpath.join(root, f"{other}.md") if root else f"{other}.md")


# --- The hub -------------------------------------------------------------------------------


def render_hub(trace: Trace, lists: TraceLists, linker: Linker, *, suspects: bool = False) -> str:
    """The hub: evidence read, figures, by PRD, by release, the gaps, then the suspects."""
    failing, untested = lists.failing, lists.untested
    parts = [
        f"# {TITLE}\n",
        "Every requirement, the stories implementing it, their acceptance criteria and the "
        "tests that verify them. A criterion is *verified* when it has tests and all of "
        "them pass. Each PRD's matrix is on a page of its own.\n",
        _evidence_summary(trace),
        "## Coverage\n\n" + figures_table(trace.coverage, linker),
        f"[{_criteria(len(failing.criteria), 'failing ')}]"
        f"({_to(linker, HUB, FAILING)}) · "
        f"[{_criteria(len(untested.criteria), 'untested ')}]"
        f"({_to(linker, HUB, UNTESTED)})\n",
        _by_prd_table(trace, lists, linker),
        _by_release_table(lists, linker),
        "## Gaps\n\n" + placeholder("gaps"),
        "## Suspect links\n\n" + placeholder("suspects") if suspects else "",
    ]
    return "\n".join(part for part in parts if part)


def _hub_parts(
    trace: Trace, history: History | None, repo_url: str | None, href: Href
) -> dict[str, str]:
    parts = {"gaps": gaps_html(trace, href)}
    if history is not None:
        parts["suspects"] = suspects_table(history, HtmlLinker(href), repo_url)
    return parts


def _by_prd_table(trace: Trace, lists: TraceLists, linker: Linker) -> str:
    failing = {group.key: len(group.criteria) for group in lists.failing.by_prd}
    untested = {group.key: len(group.criteria) for group in lists.untested.by_prd}
    rows = []
    for prd_trace in trace.prds:
        key = prd_trace.prd.id if prd_trace.prd else None
        label = text(key) if key else "*outside any PRD*"
        page = _to(linker, HUB, prd_page_name(prd_trace))
        rows.append(
            [
                f"[{label}]({page})",
                *(f.describe() for f in prd_trace.coverage.figures),
                str(failing.get(key, 0)),
                str(untested.get(key, 0)),
            ]
        )
    if not rows:
        return ""
    headers = ["PRD", *(f.label for f in trace.coverage.figures), "Failing", "Untested"]
    return "## By PRD\n\n" + table(headers, rows)


def _by_release_table(lists: TraceLists, linker: Linker) -> str:
    failing = {group.key: len(group.criteria) for group in lists.failing.by_release}
    untested = {group.key: len(group.criteria) for group in lists.untested.by_release}
    keys = [group.key for group in lists.failing.by_release]
    keys += [group.key for group in lists.untested.by_release if group.key not in failing]
    if not keys or keys == [None]:
        return ""  # no release is planned: the lists say it all
    rows = [
        [
            linker.link(key) if key else "*no release*",
            f"[{failing.get(key, 0)}]({_to(linker, HUB, FAILING)})",
            f"[{untested.get(key, 0)}]({_to(linker, HUB, UNTESTED)})",
        ]
        for key in _in_release_order(keys, lists)
    ]
    return "## By release\n\n" + table(["Release", "Failing", "Untested"], rows)


def _in_release_order(keys: list[str | None], lists: TraceLists) -> list[str | None]:
    # Each list is in release order; merged, a release missing from one keeps its place.
    order = [g.key for g in lists.failing.by_release] + [g.key for g in lists.untested.by_release]
    rank: dict[str | None, int] = {}
    for key in order:
        rank.setdefault(key, len(rank))
    return sorted(dict.fromkeys(keys), key=lambda key: (key is None, rank[key]))


def gaps_html(trace: Trace, href: Href) -> str:
    """The four gap lists, each a collapsible list of links."""
    coverage = trace.coverage
    linker = HtmlLinker(href)
    lists = (
        ("Requirements with no story", [clause_link(c, linker) for c in
                                        coverage.requirements_without_story]),
        ("Stories with no criteria", [linker.link(s.id) for s in
                                      coverage.stories_without_criteria]),
        ("Criteria with no test", [clause_link(c, linker)
                                   for c in coverage.criteria_without_test]),
        ("Failing criteria", [clause_link(c, linker) for c in coverage.failing_criteria]),
    )  # fmt: skip
    return "\n".join(_gap(title, links) for title, links in lists)


def _gap_items(trace: Trace) -> frozenset[str]:
    """The items the gaps name (they show ids and addresses only). One comes or goes with
    an edit of its own, or of a story implementing its requirement (a neighbour)."""
    coverage = trace.coverage
    clauses = (
        *coverage.requirements_without_story,
        *coverage.criteria_without_test,
        *coverage.failing_criteria,
    )
    found = {clause.owner for clause in clauses}
    found.update(story.id for story in coverage.stories_without_criteria)
    return frozenset(found)


def _hub_key(trace: Trace, history: History | None, repo_url: str | None) -> Hashable:
    """What the hub's parts are made of: the gap lists' clauses, kept as they are (an
    unchanged item keeps its clause objects, so keys compare mostly by identity, where
    picking the addresses of every clause cost as much as the parts), the stories listed,
    and the history's own values that the suspect links show (`suspects_table`)."""
    coverage = trace.coverage
    clauses = (
        coverage.requirements_without_story,
        coverage.criteria_without_test,
        coverage.failing_criteria,
    )
    stories = tuple(story.id for story in coverage.stories_without_criteria)
    if history is None:
        return clauses, stories
    return clauses, stories, (history.available, history.reason, history.suspects, repo_url)


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
        files = ", ".join(_source(name, evidence.timestamps.get(name)) for name in evidence.sources)
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


def _source(name: str, timestamp: str | None) -> str:
    shown = f"<code>{escape(name)}</code>"
    return f"{shown} (run {report_time(timestamp)})" if timestamp else shown


def _problems(problems: Sequence[Problem]) -> str:
    items = "".join(
        f"<li><code>{escape(f'{p.path}:{p.line}')}</code> "
        f"<code>{escape(p.code)}</code>: {escape(p.message)}</li>"
        for p in problems
    )
    return admonition("failure", "Problems in the test results", f"<ul>{items}</ul>")


# --- The failing and untested lists --------------------------------------------------------


def _list_page(name: str, title: str, work: WorkList, results: bool) -> ProductPage:
    render = partial(render_list_page, name, title, work, results)
    return ProductPage(name, title, render, parts=partial(_list_parts, work), listed=False)


def render_list_page(name: str, title: str, work: WorkList, results: bool, linker: Linker) -> str:
    """Every criterion in one state, a section per release (in date order)."""
    intro = (
        f"{_criteria(len(work.criteria))} "
        + ("with a failed or errored test" if work.state == "failing" else "that no test verifies")
        + ", by release. Each PRD's are also on its own page, listed on the "
        + f"[hub]({_to(linker, name, HUB)}).\n"
    )
    if not results:
        hub = f"[hub]({_to(linker, name, HUB)})"
        intro = f"No test results were read, so none is listed. Back to the {hub}.\n"
    parts = [f"# {text(title)}\n", intro]
    for index, group in enumerate(work.by_release):
        heading = text(group.key) if group.key else "No release"
        parts.append(f"## {heading}\n\n" + placeholder(f"release-{index}"))
    return "\n".join(parts)


def _list_parts(work: WorkList, href: Href) -> dict[str, str]:
    linker = HtmlLinker(href)
    parts = {}
    for index, group in enumerate(work.by_release):
        table_id = f"roadmark-{work.state}-{index}"
        # The shared filter (`filters`, run by roadmark.js): a box, and the PRD column's
        # select; hidden without JavaScript, where the sections by release remain.
        prds = sorted({entry.prd for entry in group.criteria if entry.prd})
        controls = filter_controls(table_id, "criteria", [(2, "PRD", prds)] if prds else [])
        count = row_count(table_id, len(group.criteria), "criterion", "criteria")
        grid = criteria_table(group.criteria, linker, release=False, table_id=table_id)
        parts[f"release-{index}"] = controls + count + grid
    return parts


LIST_HEADERS = ("Criterion", "Story", "PRD", "Release", "Tests")


def criteria_table(
    listed: Sequence[ListedCriterion],
    linker: HtmlLinker,
    *,
    prd: bool = True,
    release: bool = True,
    table_id: str = "",
) -> str:
    """Listed criteria with their text, story, PRD, release and tests, one row each."""
    # An untested criterion has no tests to show.
    tests = any(entry.criterion.tests for entry in listed)
    shown = {"PRD": prd, "Release": release, "Tests": tests}
    headers = [h for h in LIST_HEADERS if shown.get(h, True)]
    rows = []
    for entry in listed:
        clause = entry.criterion.clause
        cells = [
            clause_cell(clause, linker, short=False),
            f"{linker.link(entry.story.id)} {escape(entry.story.title)}",
        ]
        if prd:
            cells.append(linker.link(entry.prd) if entry.prd else "–")
        if release:
            cells.append(linker.link(entry.release) if entry.release else "–")
        if tests:
            cells.append(tests_cell(entry.criterion.tests))
        rows.append(row(entry.criterion.state, cells))
    return table_html(headers, rows, table_id)


# --- A PRD's page --------------------------------------------------------------------------


def render_prd_page(prd_trace: PrdTrace, lists: TraceLists, linker: Linker) -> str:
    """A PRD's trace: its figures, its failing and untested criteria, then its matrix."""
    name = prd_page_name(prd_trace)
    hub = f"[{TITLE}]({_to(linker, name, HUB)})"
    if prd_trace.prd is not None:
        heading = f"# {text(prd_trace.prd.id)} · {text(prd_trace.prd.title)}\n"
        intro = f"{linker.link(prd_trace.prd.id, 'Open the PRD')} · back to {hub}.\n"
    else:
        heading = "# Stories outside any PRD\n"
        intro = f"Stories under no PRD's epics that implement no requirement · back to {hub}.\n"
    key = prd_trace.prd.id if prd_trace.prd else None
    parts = [heading, intro, "## Coverage\n\n" + figures_table(prd_trace.coverage, linker)]
    for title, work in (("Failing criteria", lists.failing), ("Untested criteria", lists.untested)):
        group = _group(work.by_prd, key)
        body = placeholder(f"{work.state}") if group else _none(lists)
        parts.append(f"## {title}\n\n{body}")
    if prd_trace.requirements or prd_trace.stories:
        parts.append("## Matrix\n\n" + placeholder("matrix"))
    return "\n".join(parts)


def _prd_parts(prd_trace: PrdTrace, lists: TraceLists, href: Href) -> dict[str, str]:
    linker = HtmlLinker(href)
    key = prd_trace.prd.id if prd_trace.prd else None
    parts = {"matrix": matrix_html(prd_trace, linker)}
    failing = _group(lists.failing.by_prd, key)
    if failing:
        parts["failing"] = criteria_table(failing.criteria, linker, prd=False)
    untested = _group(lists.untested.by_prd, key)
    if untested:
        # Links only: each one's text is in the matrix below, and untested criteria can be
        # most of a young product's (a table with their text would double the page).
        links = [clause_link(entry.criterion.clause, linker) for entry in untested.criteria]
        parts["untested"] = _gap("Untested criteria", links)
    return parts


def _none(lists: TraceLists) -> str:
    return "None.\n" if lists.results else "No test results were read.\n"


def _group(groups: Sequence[Group], key: str | None) -> Group | None:
    return next((group for group in groups if group.key == key), None)
