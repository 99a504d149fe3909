"""An item's history on its page: when it entered each state, its cycle time, its slips,
its suspect links, and for a release its burn-up and forecast.

A deferred part of the item page (see `item_page.item_parts`), written as HTML from the
`History` read once per build; when history is unavailable, the section says so and why.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..history.model import History, ItemHistory, Slip, Suspect
from ..plan.schedule import as_date
from ..spec.model import Item
from ..text.words import count
from .burnup import burnup
from .history_notes import commit_link, slip_sentence, unavailable_note
from .html import HtmlLinker, escape
from .markdown import admonition, badge

TITLE = "History"


def history_section(item: Item, history: History, linker: HtmlLinker, repo_url: str | None) -> str:
    """The item's history section (its heading is the part's); a release's has its burn-up."""
    if not history.available:
        return unavailable_note(history)
    parts = []
    if item.kind == "release" and item.id in history.releases:
        due = as_date(item.get("date"))
        parts.append(burnup(history.releases[item.id], due, linker))
    own = history.items.get(item.id)
    if own is None:
        parts.append("<p>Not in git yet: its file has no commit on this branch.</p>\n")
        return "".join(parts)
    parts.append(_facts(own, item_slips(history, item.id), repo_url))
    parts.append(status_timeline(own, repo_url))
    return "".join(parts)


def item_slips(history: History, item_id: str) -> list[Slip]:
    """The slips of one item, in commit order."""
    if history.trends is None:
        return []
    return [slip for slip in history.trends.slips if slip.item == item_id]


def status_timeline(own: ItemHistory, repo_url: str | None) -> str:
    """When the item was created and entered each status, as an ordered list."""
    statuses = list(own.statuses)
    created = "created"
    if statuses and statuses[0].commit == own.created:
        # Its first status came with it: one line, not two for the same commit.
        created = f"created as {badge(statuses.pop(0).status)}"
    entries = [
        f'<li><span class="roadmark-history__day">{own.created.day.isoformat()}</span> '
        f"{created} in {commit_link(own.created, repo_url)}</li>"
    ]
    entries.extend(
        f'<li><span class="roadmark-history__day">{entry.commit.day.isoformat()}</span> '
        f"{badge(entry.status)} in {commit_link(entry.commit, repo_url)}</li>"
        for entry in statuses
    )
    return (
        '<ol class="roadmark-history" aria-label="Status timeline">\n'
        + "\n".join(entries)
        + "\n</ol>\n"
    )


def suspect_warning(
    item_id: str, suspects: Sequence[Suspect], linker: HtmlLinker, repo_url: str | None
) -> str:
    """The warning under an item's card naming what changed upstream of it, or nothing."""
    own = [suspect for suspect in suspects if suspect.item == item_id]
    if not own:
        return ""
    lines = "".join(f"<li>{suspect_line(suspect, linker, repo_url)}</li>\n" for suspect in own)
    body = (
        f"<ul>\n{lines}</ul>\n<p>Check this item still holds, then change its file "
        "(even its status or a word): that clears the flag.</p>"
    )
    return admonition("warning roadmark-suspect", "Suspect", body)


def suspect_line(suspect: Suspect, linker: HtmlLinker, repo_url: str | None) -> str:
    """`PRD-1/R-2`: requirement reworded, in `abc1234` on 2026-03-02."""
    return (
        f"{upstream_link(suspect.upstream, linker)}: {escape(suspect.reason)}, in "
        f"{commit_link(suspect.commit, repo_url)} on {suspect.commit.day.isoformat()}"
    )


def upstream_link(address: str, linker: HtmlLinker) -> str:
    """A link to an item, or to a clause of an item (`PRD-1/R-2`) at its anchor."""
    owner, _, local = address.partition("/")
    if not local:
        return linker.link(owner)
    return linker.link(owner, address, local.lower())


def _facts(own: ItemHistory, slips: Sequence[Slip], repo_url: str | None) -> str:
    lines = []
    if own.cycle_days is not None:
        lines.append(f"<li>Cycle time: <strong>{count(own.cycle_days, 'day')}</strong></li>")
    by_field: dict[str, list[Slip]] = {}
    for slip in slips:
        by_field.setdefault(slip.field, []).append(slip)
    for field, moves in sorted(by_field.items()):
        last = commit_link(moves[-1].commit, repo_url)
        lines.append(
            f'<li class="roadmark-history__slip">{escape(slip_sentence(field, moves))} '
            f"(last in {last})</li>"
        )
    touched = own.last_touched
    lines.append(
        f"<li>Last changed on {touched.day.isoformat()} in {commit_link(touched, repo_url)}</li>"
    )
    return '<ul class="roadmark-history__facts">\n' + "\n".join(lines) + "\n</ul>\n"


def suspects_table(history: History, linker: HtmlLinker, repo_url: str | None) -> str:
    """Every suspect link of the product, for the traceability hub."""
    if not history.available:
        return unavailable_note(history)
    if not history.suspects:
        return "<p>No suspect links: every item was touched after what it depends on changed.</p>\n"
    rows = [
        [
            f'<span class="roadmark-suspect">{linker.link(suspect.item)}</span>',
            upstream_link(suspect.upstream, linker),
            linker.text(suspect.reason),
            commit_link(suspect.commit, repo_url),
            suspect.commit.day.isoformat(),
        ]
        for suspect in history.suspects
    ]
    headers = ["Item", "Upstream", "What changed", "Commit", "Day"]
    return f'<div class="roadmark-suspects">\n{linker.table(headers, rows)}</div>\n'
