"""A sprint's section on its page, under its card (which shows the goal): its dates,
committed and completed points, the capacity warning, its board, the stories carried over
from the team's previous sprint, and, with git history, its burndown (`sprint_history.py`).

Every figure is planned in `plan/sprints.py`; this module only words and draws them, as
HTML for the page's deferred part.
"""

from __future__ import annotations

from ..history.model import History
from ..plan.sprints import SprintPlan
from ..text.words import count, number
from .html import HtmlLinker, escape
from .kanban import kanban
from .markdown import admonition, badge
from .sprint_history import sprint_history_html

TITLE = "Sprint"


def sprint_section(plan: SprintPlan, linker: HtmlLinker, history: History | None = None) -> str:
    """The section's HTML; with `history` read, the burndown and scope changes too."""
    sprint = plan.sprint
    parts = []
    # The goal is in the card above, with the other fields; the dates repeat as one span.
    facts = [badge(sprint.status), _dates(plan)]
    if plan.team is not None:
        facts.append(f"team {escape(plan.team)}")
    parts.append(f'<p class="roadmark-sprint__facts">{" · ".join(facts)}</p>')
    parts.append(f'<p class="roadmark-sprint__points">{points_line(plan)}</p>')
    warning = capacity_warning(plan)
    if warning:
        parts.append(warning)
    parts.append(linker.heading(3, "Board"))
    parts.append(kanban(plan.board, linker, f"Board of {sprint.id}"))
    parts.append(_carry_over(plan, linker))
    if history is not None and history.available:
        parts.append(sprint_history_html(sprint.id, history, linker))
    return "\n".join(part for part in parts if part)


def points_line(plan: SprintPlan) -> str:
    """Committed and completed points, and how many stories have no estimate, as HTML."""
    line = (
        f"Committed: <strong>{count(plan.committed, 'point')}</strong> in "
        f"{count(len(plan.stories), 'story')}"
    )
    if plan.unestimated:
        line += f" ({count(plan.unestimated, 'story')} without an estimate)"
    return line + f" · Completed: <strong>{count(plan.completed, 'point')}</strong>"


def capacity_warning(plan: SprintPlan) -> str:
    """The warning of a sprint committed beyond its team's capacity, with both figures."""
    if not plan.over_capacity or plan.capacity is None or plan.team is None:
        return ""
    body = (
        f"<p>{number(plan.committed)} points committed, over the capacity of team "
        f"{escape(plan.team)} for this sprint: {number(plan.capacity)} points.</p>"
    )
    return admonition("warning roadmark-capacity", "Over capacity", body)


def _dates(plan: SprintPlan) -> str:
    start = plan.start.isoformat() if plan.start else "no start"
    end = plan.end.isoformat() if plan.end else "no end"
    return f"{start} → {end}"


def _carry_over(plan: SprintPlan, linker: HtmlLinker) -> str:
    if plan.previous is None:
        return ""
    heading = linker.heading(3, "Carry-over")
    previous = linker.link(plan.previous)
    if plan.carry_over is None:
        return f"{heading}<p>{previous}, the team's previous sprint, has not ended yet.</p>"
    if not plan.carry_over:
        return f"{heading}<p>Nothing left unfinished in {previous}.</p>"
    rows = [
        [
            linker.link(story.id),
            linker.text(story.title),
            badge(story.status),
            escape(number(story.get("estimate"))),
        ]
        for story in plan.carry_over
    ]
    lead = (
        f"<p>Left unfinished in {previous}, the team's previous sprint: "
        f"{count(len(plan.carry_over), 'story')}.</p>\n"
    )
    return heading + lead + linker.table(["Story", "Title", "Status", "Estimate"], rows)
