"""The roadmap page: releases with progress and risks, the now/next/later board, the
timeline, the backlog, and a section per PRD.

`render_roadmap` renders one planned `Roadmap` (the whole product or one PRD) as
Markdown for the macros; `roadmap_page` is the generated site page, its headings in
Markdown and the same views under them as deferred HTML parts. Both are given the plan:
they never plan themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

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
from .html import HtmlLinker, Markup
from .markdown import badge, progress_bar, text
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
    prefix; with `history` (read or not), the burn-up of each release not yet released.

    Its headings are Markdown, for the table of contents; what is under them (2 MB of
    tables, cards and bars at 10,000 stories) is deferred parts, written as HTML."""
    sections = _page_sections(product_roadmap)
    releases = product_roadmap.whole.releases
    unreleased = [(plan.release.id, plan.due) for plan in releases if not plan.released]

    def parts(href: Href) -> dict[str, str]:
        linker = HtmlLinker(href)
        made = {section.key: section.body(linker) for section in sections}
        if history is not None:
            made["burnup"] = burnup_section(history, unreleased, linker)
        return made

    burnup = history is not None
    return ProductPage(
        "roadmap",
        "Roadmap",
        lambda linker: _page_markdown(product_roadmap.whole, sections, burnup),
        parts=parts,
        # A story's title edit leaves what it shows equal, unless the story is on the board
        # or in the backlog.
        key=lambda: (product_roadmap.shown(), history),
    )


def _page_markdown(roadmap: Roadmap, sections: list[_Section], burnup: bool) -> str:
    """The page's Markdown: its headings and the places of its parts; `burnup` leaves the
    burn-ups' place."""
    whole = [section for section in sections if not section.key.startswith("prd-")]
    by_prd = sections[len(whole) :]
    parts = [
        "# Roadmap\n",
        summary(roadmap),
        *(section.placed() for section in whole),
        *(["## Burn-up\n\n" + placeholder("burnup")] if burnup else []),
        "## By PRD\n",
        "Each PRD's releases, epics and backlog: only the work that delivers it.\n",
    ]
    parts.extend(section.placed() for section in by_prd)
    if not by_prd:
        parts.append("*No PRDs yet.*\n")
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class _Section:
    """A heading of the roadmap page and what is under it, a deferred part."""

    key: str
    heading: str
    """Its Markdown, for the table of contents."""
    body: Callable[[Markup], str]

    def placed(self) -> str:
        """The heading and the place of the part, as the page's Markdown has them."""
        return f"{self.heading}\n{placeholder(self.key)}"


def _page_sections(product_roadmap: ProductRoadmap) -> list[_Section]:
    """The page's sections in order: the whole product's views, then one per PRD."""
    roadmap = product_roadmap.whole
    views = _views(roadmap, 3)
    sections = []
    for view in VIEWS:
        title, body = views[view]
        if view != "releases" or not roadmap.releases:
            sections.append(_Section(view, f"## {title}\n", body))
            continue
        for index, plan in enumerate(roadmap.releases, 1):
            heading = (f"## {title}\n\n" if index == 1 else "") + _release_heading(plan, 3)
            sections.append(_Section(f"release-{index}", heading, partial(_release_body, plan)))
    for index, entry in enumerate(product_roadmap.by_prd, 1):
        body = partial(_prd_section, entry)
        sections.append(_Section(f"prd-{index}", _prd_heading(entry), body))
    return sections


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
    roadmap: Roadmap, linker: Markup, *, level: int = 2, views: Sequence[str] = VIEWS
) -> str:
    """The chosen views of a roadmap, each under a heading of `level`."""
    heading = "#" * level
    renderers = _views(roadmap, level + 1)
    parts = []
    for view in views:
        title, render = renderers[view]
        parts.append(f"{heading} {title}\n\n{render(linker)}")
    return "\n".join(parts)


def _views(roadmap: Roadmap, level: int) -> dict[str, tuple[str, Callable[[Markup], str]]]:
    """Each view's title and renderer; releases' headings are of `level`."""
    return {
        "releases": ("Releases", partial(_releases, roadmap, level)),
        "board": ("Now, next, later", partial(_board, roadmap)),
        "timeline": ("Timeline", partial(render_timeline, roadmap)),
        "backlog": ("Backlog", partial(_backlog, roadmap)),
    }


def _releases(roadmap: Roadmap, level: int, linker: Markup) -> str:
    if not roadmap.releases:
        return linker.paragraph(linker.em("No releases yet."))
    return "\n".join(
        f"{_release_heading(plan, level)}\n{_release_body(plan, linker)}"
        for plan in roadmap.releases
    )


def _release_heading(plan: ReleasePlan, level: int) -> str:
    release = plan.release
    return f"{'#' * level} {text(release.id)} · {text(release.title)}\n"


def _release_body(plan: ReleasePlan, linker: Markup) -> str:
    release = plan.release
    facts = [linker.link(release.id, "Release page"), badge(release.status)]
    if plan.at_risk:
        facts.append(_flag("at-risk", "at risk"))
    facts.append(_dates(plan.start, plan.due))
    if plan.column:
        facts.append(f"on the board: {_COLUMN_TITLES[plan.column]}")
    parts = [
        f'<p class="roadmark-release"{linker.markdown_attr(span=True)}>{" · ".join(facts)}</p>\n',
        linker.paragraph(_progress(plan.progress, linker)),
    ]
    if plan.risks:
        parts.append(_risks(plan, linker))
    if plan.epics:
        rows = [
            [
                linker.link(share.epic.id) if share.epic else linker.em("no epic"),
                linker.text(share.epic.title) if share.epic else "",
                badge(share.epic.status) if share.epic else "",
                _progress(share.progress, linker),
                ", ".join(linker.link(other) for other in share.elsewhere),
            ]
            for share in plan.epics
        ]
        parts.append(linker.table(["Epic", "Title", "Status", "In this release", "Also in"], rows))
    else:
        parts.append(linker.paragraph(linker.em("Nothing scheduled yet.")))
    return "\n".join(parts)


def _risks(plan: ReleasePlan, linker: Markup) -> str:
    shown = [linker.text(risk.reason) for risk in plan.risks[:MAX_REASONS]]
    if len(plan.risks) > MAX_REASONS:
        shown.append(f"and {len(plan.risks) - MAX_REASONS} more dependencies like these")
    return (
        f'<div class="admonition warning roadmark-risk"{linker.markdown_attr()}>\n'
        f'<p class="admonition-title">At risk</p>\n\n{linker.bullets(shown)}\n</div>\n'
    )


def _board(roadmap: Roadmap, linker: Markup) -> str:
    today = roadmap.options.today.isoformat()
    lines = [
        linker.paragraph(
            f"Columns follow release dates as of {today}: {linker.em('now')} is the release "
            f"under way, {linker.em('next')} the one after, {linker.em('later')} the rest and "
            "planned work in no release. An item's <code>horizon</code> overrides its release."
        ),
        f'<div class="roadmark-board"{linker.markdown_attr()}>',
    ]
    for column in COLUMNS:
        cards = roadmap.board[column]
        releases = [plan.release.id for plan in roadmap.releases if plan.column == column]
        where = " · " + ", ".join(linker.link(release) for release in releases) if releases else ""
        lines += [
            f'<div class="roadmark-board__column roadmark-board__column--{column}"'
            f"{linker.markdown_attr()}>",
            f'<p class="roadmark-board__title"{linker.markdown_attr(span=True)}>'
            f"{linker.strong(_COLUMN_TITLES[column])}{where}</p>\n",
        ]
        shown = [_card(card, linker) for card in cards]
        lines += [linker.bullets(shown) if shown else linker.paragraph(linker.em("Nothing here."))]
        lines += ["</div>"]
    lines.append("</div>")
    return "\n".join(lines) + "\n"


def _card(card: Card, linker: Markup) -> str:
    item = card.item
    facts = [badge(item.status)]
    if card.progress is not None and card.progress.stories:
        facts.append(_progress(card.progress, linker))
    elif isinstance(item.get("estimate"), int | float):
        facts.append(count(item.get("estimate"), "point"))
    if card.release:
        facts.append(linker.link(card.release))
    if card.overridden:
        facts.append(linker.em("set by horizon"))
    return (
        f"{linker.link(item.id)} {linker.text(item.title)} "
        f'<span class="roadmark-board__facts">{" · ".join(facts)}</span>'
    )


def _backlog(roadmap: Roadmap, linker: Markup) -> str:
    if not roadmap.backlog:
        return linker.paragraph(linker.em("Every unfinished story is scheduled in a release."))
    options = roadmap.options
    rule = (
        f"{' or '.join(options.quick_win_priorities)} "
        f"and at most {options.quick_win_max_estimate:g} points"
    )
    parts = [
        linker.paragraph(
            f"{count(roadmap.backlog_size, 'unfinished story')} in no "
            f"release, by epic, highest priority first. Quick wins are {rule}."
        )
    ]
    wins = roadmap.quick_wins
    if wins:
        items = [f"{linker.link(win.story.id)} {linker.text(win.story.title)}" for win in wins]
        parts.append(
            f'<div class="admonition tip roadmark-quick-wins"{linker.markdown_attr()}>\n'
            f'<p class="admonition-title">Quick wins ({len(wins)})</p>\n\n'
            f"{linker.bullets(items)}\n</div>\n"
        )
    parts.extend(_backlog_group(group, linker) for group in roadmap.backlog)
    return "\n".join(parts)


def _backlog_group(group: BacklogGroup, linker: Markup) -> str:
    if group.epic is not None:
        title = linker.strong(f"{linker.link(group.epic.id)} · {linker.text(group.epic.title)}")
    else:
        title = linker.strong("No epic")
    rows = [
        [
            linker.link(entry.story.id),
            linker.text(entry.story.title),
            linker.text(entry.story.get("priority") or ""),
            number(entry.story.get("estimate")),
            _kind_of_work(entry, linker),
            badge(entry.story.status),
        ]
        for entry in group.stories
    ]
    headers = ["Story", "Title", "Priority", "Estimate", "Type", "Status"]
    stories = count(len(group.stories), "story")
    return (
        f'<p class="roadmark-backlog__epic"{linker.markdown_attr(span=True)}>'
        f"{title} · {stories}</p>\n\n" + linker.table(headers, rows)
    )


def _kind_of_work(entry: BacklogStory, linker: Markup) -> str:
    flags = []
    if entry.tech_debt:
        flags.append(_flag("tech-debt", "tech debt"))
    elif entry.story.get("type"):
        flags.append(linker.text(entry.story.get("type")))
    if entry.quick_win:
        flags.append(_flag("quick-win", "quick win"))
    return " ".join(flags)


def _prd_heading(entry: PrdRoadmap) -> str:
    prd = entry.prd
    return f"### {text(prd.id)} · {text(prd.title)}\n" if prd is not None else "### No PRD\n"


def _prd_section(entry: PrdRoadmap, linker: Markup) -> str:
    prd, roadmap = entry.prd, entry.roadmap
    if prd is not None:
        parts = [linker.paragraph(linker.link(prd.id, "PRD page"))]
    else:
        parts = [linker.paragraph("Epics that name no PRD, and stories in no epic.")]
    if roadmap.releases:
        rows = [
            [
                linker.link(plan.release.id),
                _dates(plan.start, plan.due),
                badge(plan.release.status),
                _progress(plan.progress, linker),
                "; ".join(linker.text(risk.reason) for risk in plan.risks[:MAX_REASONS]),
            ]
            for plan in roadmap.releases
        ]
        parts.append(linker.table(["Release", "Dates", "Status", "Progress", "At risk"], rows))
    else:
        parts.append(linker.paragraph(linker.em("Nothing scheduled in a release yet.")))
    cards = [card for column in COLUMNS for card in roadmap.board[column]]
    if cards:
        rows = [
            [
                linker.link(card.item.id),
                linker.text(card.item.title),
                _COLUMN_TITLES[card.column],
                linker.link(card.release) if card.release else "",
                _progress(card.progress, linker) if card.progress and card.progress.stories else "",
            ]
            for card in cards
        ]
        parts.append(linker.table(["Item", "Title", "Column", "Release", "Progress"], rows))
    wins = len(roadmap.quick_wins)
    parts.append(
        linker.paragraph(
            f"Backlog: {count(roadmap.backlog_size, 'story')} in no release, "
            f"{count(wins, 'quick win')}."
        )
    )
    return "\n".join(parts)


def _progress(progress: Progress, linker: Markup) -> str:
    return progress_bar(progress) if progress.stories else linker.em("no stories")


def _dates(start: date | None, due: date | None) -> str:
    if due is None:
        return "no date"
    return f"{start.isoformat()} → {due.isoformat()}" if start else f"due {due.isoformat()}"
