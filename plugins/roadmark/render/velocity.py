"""The velocity page: per team, a bar chart of the points completed in each closed sprint
beside the average of the last three, with its data table; then each open sprint's
committed points against its team's capacity.

Figures are planned in `plan/sprints.py`. The charts are inline SVG (`charts.py`) with no
links, so the `velocity` macro puts the same HTML into a docs page. A product without
sprint items has no velocity page: there is nothing to chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ..plan.sprints import AVERAGE_OF, SprintsPlan, Velocity
from ..text.words import number
from .charts import Series, bar_chart, data_table, figure_text
from .deferred import Href, placeholder
from .html import HtmlLinker, escape
from .markdown import Linker, text
from .site_pages import ProductPage

NAME = "velocity"
TITLE = "Velocity"
NO_TEAM = "No team"


def velocity_page(plan: SprintsPlan) -> ProductPage | None:
    """The velocity page, `velocity.md` under the product prefix; None without sprints."""
    if not plan.sprints:
        return None
    return ProductPage(NAME, TITLE, partial(_render_page, plan), parts=partial(_parts, plan))


def team_name(team: str | None) -> str:
    """A team as headings and charts name it."""
    return team if team is not None else NO_TEAM


def velocity_html(velocity: Velocity) -> str:
    """A team's chart and data table, and its average; no links, so Markdown may hold it."""
    name = team_name(velocity.team)
    if not velocity.sprints:
        return f"<p>{escape(name)}: no closed sprint yet.</p>\n"
    labels = [sprint_id for sprint_id, _ in velocity.sprints]
    completed = tuple(points for _, points in velocity.sprints)
    averages = rolling_averages(completed)
    series = [
        Series("Completed (points)", completed),
        Series(f"Average of the last {AVERAGE_OF} (points)", averages),
    ]
    chart = bar_chart(f"Velocity of {name}", labels, series)
    rows = [
        [label, figure_text(done), figure_text(average)]
        for label, done, average in zip(labels, completed, averages, strict=True)
    ]
    table = data_table(["Sprint", "Completed (points)", f"Average of the last {AVERAGE_OF}"], rows)
    average = velocity.average if velocity.average is not None else 0.0
    recent = min(AVERAGE_OF, len(completed))
    over = (
        "in its only closed sprint"
        if recent == 1
        else f"averaged over its last {recent} closed sprints"
    )
    summary = (
        f"<p>{escape(name)}: <strong>{escape(figure_text(average))} points</strong> per "
        f"sprint, {over}.</p>\n"
    )
    return summary + chart + table


def rolling_averages(values: Sequence[float]) -> tuple[float, ...]:
    """At each sprint, the average of it and the ones before, up to `AVERAGE_OF` of them."""
    found = []
    for index in range(len(values)):
        recent = values[max(0, index + 1 - AVERAGE_OF) : index + 1]
        found.append(sum(recent) / len(recent))
    return tuple(found)


def capacity_table(plan: SprintsPlan, linker: HtmlLinker) -> str:
    """Each open sprint of a team with a capacity: committed points against it."""
    rows = []
    for sprint in plan.sprints.values():
        if sprint.closed or sprint.capacity is None or sprint.team is None:
            continue
        flag = "over" if sprint.over_capacity else "within"
        rows.append(
            [
                linker.link(sprint.sprint.id),
                linker.text(sprint.team),
                escape(number(sprint.committed)),
                escape(number(sprint.capacity)),
                flag,
            ]
        )
    if not rows:
        return (
            "<p>No open sprint of a team with a capacity (the <code>capacity</code> option).</p>\n"
        )
    headers = ["Sprint", "Team", "Committed (points)", "Capacity (points)", "Against capacity"]
    return linker.table(headers, rows)


def _render_page(plan: SprintsPlan, linker: Linker) -> str:
    parts = [
        f"# {TITLE}\n",
        "Points completed in each closed sprint, per team, and the average of the last "
        f"{AVERAGE_OF}: what a team can be expected to complete in its next sprint.\n",
    ]
    for index, velocity in enumerate(plan.velocity, start=1):
        parts.append(f"## {text(team_name(velocity.team))}\n\n{placeholder(f'team-{index}')}")
    parts.append(f"## Capacity\n\n{placeholder('capacity')}")
    return "\n".join(parts)


def _parts(plan: SprintsPlan, href: Href) -> dict[str, str]:
    parts = {
        f"team-{index}": velocity_html(velocity)
        for index, velocity in enumerate(plan.velocity, start=1)
    }
    parts["capacity"] = capacity_table(plan, HtmlLinker(href))
    return parts
