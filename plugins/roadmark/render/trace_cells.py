"""The cells and tables of the traceability pages: clause text folded past a length, each
test with its result, class, report time and message, and a requirement's matrix."""

from __future__ import annotations

from collections.abc import Sequence

from ..spec.model import Clause
from ..trace.coverage import PrdTrace, RequirementTrace, StoryTrace, verdict
from ..trace.evidence import RecordedTest
from .html import HtmlLinker, attr, escape
from .trace import NO_CRITERIA, NO_STORY, result_badge, state_badge

FOLD_AT = 160
"""Clause text longer than this (in characters) is folded: its start shown, all of it a
click away."""


MATRIX_HEADERS = ("Story", "Criterion", "Result", "Tests")


def matrix_html(prd_trace: PrdTrace, linker: HtmlLinker) -> str:
    """The PRD's matrix: each requirement with its text, then a table of its stories'
    criteria and their tests; last, the stories implementing none of its requirements.

    A table per requirement shows its text once, however many rows it has, and each
    table sorts on its own.
    """
    blocks = [_requirement_block(requirement, linker) for requirement in prd_trace.requirements]
    unlinked = prd_trace.unlinked
    if unlinked:
        title = "Stories implementing none of its requirements" if prd_trace.prd else "Stories"
        blocks.append(
            f'<div class="roadmark-matrix"><p class="roadmark-matrix__requirement">'
            f"<strong>{title}</strong></p>{_stories_table(unlinked, linker)}</div>"
        )
    return "\n".join(blocks)


def _requirement_block(requirement: RequirementTrace, linker: HtmlLinker) -> str:
    clause = requirement.clause
    head = f'<p class="roadmark-matrix__requirement">{clause_cell(clause, linker, short=True)}</p>'
    rows = []
    if requirement.tests:  # tests naming the requirement itself, not one of its criteria
        state = verdict(requirement.tests)
        cells = ["<em>the requirement itself</em>", "", result_badge(state),
                 tests_cell(requirement.tests)]  # fmt: skip
        rows.append(row(state, cells))
    if requirement.stories:
        body = _stories_table(requirement.stories, linker, rows)
    else:
        body = table_html(MATRIX_HEADERS, rows) if rows else ""
        body += f'<p class="roadmark-matrix__none"><em>{NO_STORY}</em></p>'
    return f'<div class="roadmark-matrix">{head}{body}</div>'


def _stories_table(
    stories: Sequence[StoryTrace], linker: HtmlLinker, rows: Sequence[str] = ()
) -> str:
    out = list(rows)
    for story in stories:
        link = linker.link(story.story.id)
        # The title on the story's first row only: the rows below are the same story's.
        label = f"{link} {escape(story.story.title)}"
        if not story.criteria:
            out.append(row(None, [label, f"<em>{NO_CRITERIA}</em>", "", ""]))
        for index, criterion in enumerate(story.criteria):
            cells = [
                label if index == 0 else link,
                clause_cell(criterion.clause, linker, short=True),
                state_badge(criterion),
                tests_cell(criterion.tests),
            ]
            out.append(row(criterion.state, cells))
    return table_html(MATRIX_HEADERS, out)


# --- Cells ---------------------------------------------------------------------------------


def clause_cell(clause: Clause, linker: HtmlLinker, *, short: bool) -> str:
    """A requirement's or criterion's id as a link, its text beside it (folded when long)."""
    label = clause.local_id if short else clause.address
    return f"{linker.link(clause.owner, label, clause.anchor)} {clause_text(clause.text)}"


def clause_text(value: str) -> str:
    """Spec text, escaped; past `FOLD_AT` characters, its start with the whole of it folded."""
    flat = " ".join(value.split())
    if len(flat) <= FOLD_AT:
        return f'<span class="roadmark-text">{escape(flat)}</span>'
    start = flat[: FOLD_AT - 1].rstrip() + "…"
    return (
        f'<details class="roadmark-fold"><summary>{escape(start)}</summary>{escape(flat)}</details>'
    )


def tests_cell(tests: Sequence[RecordedTest]) -> str:
    """Each test: name, result, where it is (class and file, results file, report time), and
    its message folded."""
    return "".join(test_html(test) for test in tests)


def test_html(test: RecordedTest) -> str:
    # Its class (a JUnit 5 report's only clue to where a test is) and its file, each once:
    # jest-junit writes the test's full title as its class too, which says nothing more.
    classname = test.classname if test.classname != test.name else ""
    parts = dict.fromkeys((classname, test.file, test.source))
    where = [escape(part) for part in parts if part]
    if test.timestamp:
        where.append(report_time(test.timestamp))
    message = ""
    if test.message:
        skipped = test.result == "skipped"
        kind = "Skipped because" if skipped else "Message"
        # Material's admonition colours: a failure's message in red, a skip's in amber.
        colour = "warning" if skipped else "failure"
        message = (
            # The spaces keep the words apart for a reader of the text (a copy, a screen reader).
            f' <details class="{colour} roadmark-test__message"><summary>{kind}</summary> '
            f"<pre><code>{escape(test.message)}</code></pre></details>"
        )
    return (
        f'<div class="roadmark-test"><code>{escape(test.name)}</code> {result_badge(test.result)}'
        f' <small class="roadmark-test__where">{" · ".join(where)}</small>{message}</div>'
    )


def row(state: str | None, cells: Sequence[str]) -> str:
    # The row's class carries its verdict, so a failing row reads as an error at a glance.
    cls = f' class="roadmark-row roadmark-row--{state}"' if state else ""
    return f"<tr{cls}>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def table_html(headers: Sequence[str], rows: Sequence[str], table_id: str = "") -> str:
    head = "".join(f"<th>{header}</th>" for header in headers)
    named = f' id="{attr(table_id)}"' if table_id else ""
    return (
        # No class: Material styles only tables without one (`table:not([class])`).
        f"<table{named}><thead><tr>{head}</tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def clause_link(clause: Clause, linker: HtmlLinker) -> str:
    return linker.link(clause.owner, clause.address, clause.anchor)


def report_time(timestamp: str) -> str:
    """A report's time as a `<time>` element, shown to the minute (`2026-11-30 09:15`)."""
    shown = timestamp.replace("T", " ")[:16]
    return f'<time datetime="{attr(timestamp)}">{escape(shown)}</time>'
