"""A sprint's burndown from git, the scope added and removed after its start, its carry-over.

Shown on the sprint's page. The figures are the history reader's (`history/sprints.py`):
nothing is computed here but the drawing and the words.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..history.model import History, ScopeChange, SprintHistory
from .charts import Mark, Series, data_table, day_chart, figure_text
from .history_notes import unavailable_note
from .html import HtmlLinker, escape, title_attr


def sprint_history_html(sprint_id: str, history: History, linker: HtmlLinker) -> str:
    """The burndown chart of `sprint_id` with its data table, its scope changes and the
    stories carried over into it; the "History unavailable" note without history, and ""
    when the history has nothing for that sprint."""
    if not history.available:
        return unavailable_note(history)
    sprint = history.sprints.get(sprint_id)
    if sprint is None:
        return ""
    return _burndown(sprint) + _scope_changes(sprint, linker) + _carried_over(sprint, linker)


def _burndown(sprint: SprintHistory) -> str:
    points = sprint.points
    if not points:
        return ""
    unit = sprint.unit
    series = [
        Series(f"Remaining ({unit})", tuple(point.remaining for point in points)),
        Series(f"Scope ({unit})", tuple(point.scope for point in points)),
    ]
    # The end drawn even while the sprint runs, so the chart shows the days still to go.
    marks = [Mark(sprint.end, f"end {sprint.end.isoformat()}")] if sprint.end else []
    chart = day_chart(
        f"Burndown of {sprint.sprint}", [point.day for point in points], series, marks=marks
    )
    rows = [
        [point.day.isoformat(), figure_text(point.remaining), figure_text(point.scope)]
        for point in points
    ]
    return chart + data_table(["Day", f"Remaining ({unit})", f"Scope ({unit})"], rows)


def _scope_changes(sprint: SprintHistory, linker: HtmlLinker) -> str:
    lines = []
    if sprint.scope_added:
        lines.append(f"<li>Added after the start: {_changes(sprint.scope_added, linker)}</li>")
    if sprint.scope_removed:
        lines.append(f"<li>Removed after the start: {_changes(sprint.scope_removed, linker)}</li>")
    if not lines:
        return ""
    return '<ul class="roadmark-scope-changes">\n' + "\n".join(lines) + "\n</ul>\n"


def _changes(changes: Sequence[ScopeChange], linker: HtmlLinker) -> str:
    """Each story linked, with its day (the commit's subject as the day's tooltip)."""
    shown = []
    for change in changes:
        tooltip = title_attr(change.commit.subject) if change.commit else ""
        day = f"<span{tooltip}>{escape(change.day.isoformat())}</span>"
        shown.append(f"{linker.link(change.item)} ({day})")
    return ", ".join(shown)


def _carried_over(sprint: SprintHistory, linker: HtmlLinker) -> str:
    if not sprint.carried_over:
        return ""
    shown = ", ".join(
        f"{linker.link(carry.item)} from {linker.link(carry.sprint)}"
        for carry in sprint.carried_over
    )
    return f'<p class="roadmark-carried-over">Carried over: {shown}.</p>\n'
