"""The roadmap page: releases with progress and risks, the now/next/later board, the
timeline, the backlog, and a section per PRD.

`render_roadmap` renders one planned `Roadmap` (the whole product or one PRD) and is
what the macros call too; `render_roadmap_page` is the generated site page. Both are
given the plan: they never plan themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from ..history.model import History
from ..plan.backlog import BacklogGroup, BacklogStory
from ..plan.board import Card
from ..plan.horizons import COLUMNS
from ..plan.progress import Progress
from ..plan.roadmap import PrdRoadmap, ProductRoadmap, ReleasePlan, Roadmap
from ..text.words import count, number
from .burnup import burnup_section
from .deferred import Href, placeholder
from .health import MAX_REASONS
from .health import flag as _flag
from .html import HtmlLinker
from .markdown import Linker, badge, progress_bar, table, text
from .site_pages import ProductPage
from .timeline import render_timeline

VIEWS = ("releases", "board", "timeline", "backlog")
"""The parts of a roadmap, in page order."""

FORECAST_RULE = "; or when its forecast (p50) from git history is after its date"
CAPACITY_RULE = (
    "; or when the points left in it for a team exceed that team's capacity in its sprints "
    "ending by its date"
)

_COLUMN_TITLES = {"now": "Now", "next": "Next", "later": "Later"}


def roadmap_page(product_roadmap: ProductRoadmap, history: History | None = None) -> ProductPage:
    """The planned roadmap as a generated page of the site, `roadmap.md` under the product
    prefix; with `history` (read or not), the burn-up of each release not yet released."""
    if history is None:
        return ProductPage(
            "roadmap", "Roadmap", lambda linker: render_roadmap_page(product_roadmap, linker)
        )
    releases = product_roadmap.whole.releases
    unreleased = [(plan.release.id, plan.due) for plan in releases if not plan.released]

    def parts(href: Href) -> dict[str, str]:
        return {"burnup": burnup_section(history, unreleased, HtmlLinker(href))}

    return ProductPage(
        "roadmap",
        "Roadmap",
        lambda linker: render_roadmap_page(product_roadmap, linker, burnup=True),
        parts=parts,
    )


def render_roadmap_page(
    product_roadmap: ProductRoadmap, linker: Linker, *, burnup: bool = False
) -> str:
    """The Markdown of the generated roadmap page; `burnup` leaves the burn-ups' place."""
    roadmap, sections = product_roadmap.whole, product_roadmap.by_prd
    parts = [
        "# Roadmap\n",
        summary(roadmap),
        render_roadmap(roadmap, linker),
        *(["## Burn-up\n\n" + placeholder("burnup")] if burnup else []),
        "## By PRD\n",
        "Each PRD's releases, epics and backlog: only the work that delivers it.\n",
    ]
    parts.extend(_prd_section(entry, linker) for entry in sections)
    if not sections:
        parts.append("*No PRDs yet.*\n")
    return "\n".join(parts)


def summary(roadmap: Roadmap) -> str:
    """One paragraph: the date used, the releases at risk, the backlog, and the rules."""
    options = roadmap.options
    released = sum(plan.released for plan in roadmap.releases)
    at_risk = len(roadmap.at_risk)
    return (
        f"As of **{options.today.isoformat()}**: {count(len(roadmap.releases), 'release')} "
        f"({released} released), **{at_risk} at risk**; "
        f"{count(roadmap.backlog_size, 'story')} in the backlog, "
        f"{count(len(roadmap.quick_wins), 'quick win')}.\n\n"
        f"A release is at risk when its date has passed and it is not released; when it is "
        f"due within {options.window_days} days below {options.threshold * 100:g}% progress; "
        "or when its work depends on work scheduled later or not at all"
        + (FORECAST_RULE if options.forecasts else "")
        + (CAPACITY_RULE if roadmap.capacity else "")
        + ".\n"
    )


def render_roadmap(
    roadmap: Roadmap, linker: Linker, *, level: int = 2, views: Sequence[str] = VIEWS
) -> str:
    """The chosen views of a roadmap, each under a heading of `level`."""
    heading = "#" * level
    renderers: dict[str, tuple[str, Callable[[], str]]] = {
        "releases": ("Releases", lambda: _releases(roadmap, linker, level + 1)),
        "board": ("Now, next, later", lambda: _board(roadmap, linker)),
        "timeline": ("Timeline", lambda: render_timeline(roadmap, linker)),
        "backlog": ("Backlog", lambda: _backlog(roadmap, linker)),
    }
    parts = []
    for view in views:
        title, render = renderers[view]
        parts.append(f"{heading} {title}\n\n{render()}")
    return "\n".join(parts)


def _releases(roadmap: Roadmap, linker: Linker, level: int) -> str:
    if not roadmap.releases:
        return "*No releases yet.*\n"
    return "\n".join(_release(plan, linker, level) for plan in roadmap.releases)


def _release(plan: ReleasePlan, linker: Linker, level: int) -> str:
    release = plan.release
    facts = [linker.link(release.id, "Release page"), badge(release.status)]
    if plan.at_risk:
        facts.append(_flag("at-risk", "at risk"))
    facts.append(_dates(plan.start, plan.due))
    if plan.column:
        facts.append(f"on the board: {_COLUMN_TITLES[plan.column]}")
    parts = [
        f"{'#' * level} {text(release.id)} · {text(release.title)}\n",
        f'<p class="roadmark-release" markdown="span">{" · ".join(facts)}</p>\n',
        f"{_progress(plan.progress)}\n",
    ]
    if plan.risks:
        parts.append(_risks(plan))
    if plan.epics:
        rows = [
            [
                linker.link(share.epic.id) if share.epic else "*no epic*",
                text(share.epic.title) if share.epic else "",
                badge(share.epic.status) if share.epic else "",
                _progress(share.progress),
                ", ".join(linker.link(other) for other in share.elsewhere),
            ]
            for share in plan.epics
        ]
        parts.append(table(["Epic", "Title", "Status", "In this release", "Also in"], rows))
    else:
        parts.append("*Nothing scheduled yet.*\n")
    return "\n".join(parts)


def _risks(plan: ReleasePlan) -> str:
    shown = [f"- {text(risk.reason)}" for risk in plan.risks[:MAX_REASONS]]
    if len(plan.risks) > MAX_REASONS:
        shown.append(f"- and {len(plan.risks) - MAX_REASONS} more dependencies like these")
    return (
        '<div class="admonition warning roadmark-risk" markdown>\n'
        '<p class="admonition-title">At risk</p>\n\n' + "\n".join(shown) + "\n\n</div>\n"
    )


def _board(roadmap: Roadmap, linker: Linker) -> str:
    today = roadmap.options.today.isoformat()
    lines = [
        f"Columns follow release dates as of {today}: *now* is the release under way, "
        "*next* the one after, *later* the rest and planned work in no release. "
        "An item's `horizon` overrides its release.\n",
        '<div class="roadmark-board" markdown>',
    ]
    for column in COLUMNS:
        cards = roadmap.board[column]
        releases = [plan.release.id for plan in roadmap.releases if plan.column == column]
        where = " · " + ", ".join(linker.link(release) for release in releases) if releases else ""
        lines += [
            f'<div class="roadmark-board__column roadmark-board__column--{column}" markdown>',
            f'<p class="roadmark-board__title" markdown="span">'
            f"**{_COLUMN_TITLES[column]}**{where}</p>\n",
        ]
        lines += [_card(card, linker) for card in cards] or ["*Nothing here.*"]
        lines += ["", "</div>"]
    lines.append("</div>")
    return "\n".join(lines) + "\n"


def _card(card: Card, linker: Linker) -> str:
    item = card.item
    facts = [badge(item.status)]
    if card.progress is not None and card.progress.stories:
        facts.append(_progress(card.progress))
    elif isinstance(item.get("estimate"), int | float):
        facts.append(count(item.get("estimate"), "point"))
    if card.release:
        facts.append(linker.link(card.release))
    if card.overridden:
        facts.append("*set by horizon*")
    return (
        f"- {linker.link(item.id)} {text(item.title)} "
        f'<span class="roadmark-board__facts">{" · ".join(facts)}</span>'
    )


def _backlog(roadmap: Roadmap, linker: Linker) -> str:
    if not roadmap.backlog:
        return "*Every unfinished story is scheduled in a release.*\n"
    options = roadmap.options
    rule = (
        f"{' or '.join(options.quick_win_priorities)} "
        f"and at most {options.quick_win_max_estimate:g} points"
    )
    parts = [
        f"{count(roadmap.backlog_size, 'unfinished story')} in no "
        f"release, by epic, highest priority first. Quick wins are {rule}.\n"
    ]
    wins = roadmap.quick_wins
    if wins:
        items = "\n".join(
            f"- {linker.link(entry.story.id)} {text(entry.story.title)}" for entry in wins
        )
        parts.append(
            '<div class="admonition tip roadmark-quick-wins" markdown>\n'
            f'<p class="admonition-title">Quick wins ({len(wins)})</p>\n\n{items}\n\n</div>\n'
        )
    parts.extend(_backlog_group(group, linker) for group in roadmap.backlog)
    return "\n".join(parts)


def _backlog_group(group: BacklogGroup, linker: Linker) -> str:
    if group.epic is not None:
        title = f"**{linker.link(group.epic.id)} · {text(group.epic.title)}**"
    else:
        title = "**No epic**"
    rows = [
        [
            linker.link(entry.story.id),
            text(entry.story.title),
            text(entry.story.get("priority") or ""),
            number(entry.story.get("estimate")),
            _kind_of_work(entry),
            badge(entry.story.status),
        ]
        for entry in group.stories
    ]
    headers = ["Story", "Title", "Priority", "Estimate", "Type", "Status"]
    stories = count(len(group.stories), "story")
    return f'<p class="roadmark-backlog__epic" markdown="span">{title} · {stories}</p>\n\n' + table(
        headers, rows
    )


def _kind_of_work(entry: BacklogStory) -> str:
    flags = []
    if entry.tech_debt:
        flags.append(_flag("tech-debt", "tech debt"))
    elif entry.story.get("type"):
        flags.append(text(entry.story.get("type")))
    if entry.quick_win:
        flags.append(_flag("quick-win", "quick win"))
    return " ".join(flags)


def _prd_section(entry: PrdRoadmap, linker: Linker) -> str:
    prd, roadmap = entry.prd, entry.roadmap
    if prd is not None:
        heading = f"### {text(prd.id)} · {text(prd.title)}\n\n{linker.link(prd.id, 'PRD page')}"
    else:
        heading = "### No PRD\n\nEpics that name no PRD, and stories in no epic."
    parts = [heading + "\n"]
    if roadmap.releases:
        rows = [
            [
                linker.link(plan.release.id),
                _dates(plan.start, plan.due),
                badge(plan.release.status),
                _progress(plan.progress),
                "; ".join(text(risk.reason) for risk in plan.risks[:MAX_REASONS]),
            ]
            for plan in roadmap.releases
        ]
        parts.append(table(["Release", "Dates", "Status", "Progress", "At risk"], rows))
    else:
        parts.append("*Nothing scheduled in a release yet.*\n")
    cards = [card for column in COLUMNS for card in roadmap.board[column]]
    if cards:
        rows = [
            [
                linker.link(card.item.id),
                text(card.item.title),
                _COLUMN_TITLES[card.column],
                linker.link(card.release) if card.release else "",
                _progress(card.progress) if card.progress and card.progress.stories else "",
            ]
            for card in cards
        ]
        parts.append(table(["Item", "Title", "Column", "Release", "Progress"], rows))
    wins = len(roadmap.quick_wins)
    parts.append(
        f"Backlog: {count(roadmap.backlog_size, 'story')} in no release, "
        f"{count(wins, 'quick win')}.\n"
    )
    return "\n".join(parts)


def _progress(progress: Progress) -> str:
    return progress_bar(progress) if progress.stories else "*no stories*"


def _dates(start: date | None, due: date | None) -> str:
    if due is None:
        return "no date"
    return f"{start.isoformat()} → {due.isoformat()}" if start else f"due {due.isoformat()}"
