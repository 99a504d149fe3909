"""Release notes for stakeholders: a hub page listing every release, a page per release, the
same notes as GitHub-flavoured Markdown for a GitHub release, and as HTML for the Atom feed.

Every form walks one planned `ReleaseNotes` (`plan/release_notes.py`) with its own writer:
the site's Markdown (`markdown.text`, links by `Linker`), GitHub's (no links, mentions and
issue references made inert) and HTML (`html.escape`). The pages are whole Markdown, with no
deferred parts: an edit shows in their content, which the preview compares.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from ..plan.release_notes import Note, ReleaseNotes
from ..text.words import count
from .html import attr, escape
from .markdown import Linker, badge, table, text
from .site_pages import ProductPage

HUB_NAME = "release-notes"
"""The hub page's name: `release-notes.md` under the product prefix; each release's page is
`release-notes/<RELEASE-ID>.md` beside it."""
HUB_TITLE = "Release notes"
NOTHING_YET = "No done story ships in this release yet."
FEED_FILE = "release-notes.xml"
"""The Atom feed's file (`render/atom.py`), beside the hub page under the product prefix."""


@dataclass(frozen=True, slots=True)
class _Writer:
    """How one output form writes text, links, headings, emphasis and lists."""

    esc: Callable[[object], str]
    link: Callable[[str], str]
    """An item id, as a link to its page where this form has one."""
    heading: Callable[[int, str], str]
    """A heading of already escaped text."""
    strong: Callable[[str], str]
    items: Callable[[Sequence[str]], str]
    """A list of already escaped items."""
    para: Callable[[str], str]


def release_notes_pages(
    all_notes: Sequence[ReleaseNotes], *, feed: str | None = FEED_FILE
) -> list[ProductPage]:
    """The hub page (listed in the navigation) and one page per release (not listed).

    `all_notes` as `plan.release_notes.plan_all_release_notes` plans them, newest first;
    `feed` is the Atom feed's path relative to the product prefix (None: not linked).
    """
    notes = tuple(all_notes)
    hub = partial(render_hub, notes, feed=feed)
    pages = [ProductPage(HUB_NAME, HUB_TITLE, hub, made_of=(notes, feed))]
    pages.extend(
        ProductPage(
            f"{HUB_NAME}/{release.release}",
            f"{HUB_TITLE}: {release.release}",
            partial(render_release_page, release),
            listed=False,
            made_of=(release,),
        )
        for release in notes
    )
    return pages


def render_hub(all_notes: Sequence[ReleaseNotes], linker: Linker, feed: str | None) -> str:
    """The hub's Markdown: each release, newest first, with a link to its notes."""
    here = linker.current
    folder = posixpath.splitext(here)[0]  # the releases' pages are in the hub's own folder
    intro = "What shipped in each release, newest first: its done stories, by epic and by type."
    if feed is not None:
        target = linker.to(posixpath.join(posixpath.dirname(here), feed))
        intro += f" Released releases are also in an [Atom feed]({target}), for feed readers."
    parts = [f"# {HUB_TITLE}\n", intro + "\n"]
    if not all_notes:
        parts.append("*No releases yet.*\n")
        return "\n".join(parts)
    rows = [
        [
            f"[{text(notes.release)}]({linker.to(f'{folder}/{notes.release}.md')}) "
            + text(notes.title),
            badge(notes.status),
            notes.due.isoformat() if notes.due else "",
            str(len(notes.notes)),
        ]
        for notes in all_notes
    ]
    parts.append(table(["Release", "Status", "Date", "Stories"], rows))
    return "\n".join(parts)


def render_release_page(notes: ReleaseNotes, linker: Linker) -> str:
    """A release's notes page: its title, status and date, then the notes."""
    hub = posixpath.dirname(linker.current) + ".md"
    facts = [
        badge(notes.status),
        notes.due.isoformat() if notes.due else "no date yet",
        count(len(notes.notes), "story"),
        f"release {linker.link(notes.release)}",
        f"[all release notes]({linker.to(hub)})",
    ]
    return (
        f"# {HUB_TITLE}: {text(notes.release)} · {text(notes.title)}\n\n"
        + " · ".join(facts)
        + "\n\n"
        + render_release_notes(notes, linker)
    )


def render_release_notes(notes: ReleaseNotes, linker: Linker, *, level: int = 2) -> str:
    """The notes as site Markdown, epics under headings of `level`, types one level below;
    what the release pages and the `release_notes` macro show."""
    writer = _Writer(
        esc=text,
        link=lambda item_id: linker.link(item_id),
        heading=_markdown_heading,
        strong=lambda shown: f"**{shown}**" if shown else "",
        items=_markdown_items,
        para=lambda shown: f"*{shown}*\n",
    )
    return _notes(notes, writer, level)


def release_notes_markdown(notes: ReleaseNotes) -> str:
    """The notes as GitHub-flavoured Markdown for the body of a GitHub release.

    No links: the command line does not know where the site is published, and a relative
    link would resolve against the release's page on GitHub. Values are escaped as on the
    site, and `@name` and `#123` are kept from becoming mentions and issue links.
    """
    writer = _Writer(
        esc=_github_text,
        link=_github_text,
        heading=_markdown_heading,
        strong=lambda shown: f"**{shown}**" if shown else "",
        items=_markdown_items,
        para=lambda shown: f"*{shown}*\n",
    )
    day = notes.due.isoformat() if notes.due else "no date yet"
    stories = count(len(notes.notes), "story")
    if notes.released:
        head = f"Released on {day}: {stories}.\n\n"
    else:
        status = _github_text(notes.status)
        head = f"Not released yet (status: {status}; date: {day}): {stories} done so far.\n\n"
    return head + _notes(notes, writer, 2)


def release_notes_html(notes: ReleaseNotes, href: Callable[[str], str | None]) -> str:
    """The notes as HTML (the Atom feed's content): `href` gives an item's absolute URL, or
    None to leave it unlinked."""

    def link(item_id: str) -> str:
        url = href(item_id)
        return f'<a href="{attr(url)}">{escape(item_id)}</a>' if url else escape(item_id)

    writer = _Writer(
        esc=escape,
        link=link,
        heading=lambda level, shown: f"<h{level}>{shown}</h{level}>\n",
        strong=lambda shown: f"<strong>{shown}</strong>" if shown else "",
        items=lambda lines: "<ul>\n" + "".join(f"<li>{line}</li>\n" for line in lines) + "</ul>\n",
        para=lambda shown: f"<p>{shown}</p>\n",
    )
    return _notes(notes, writer, 2)


def _notes(notes: ReleaseNotes, writer: _Writer, level: int) -> str:
    if not notes.epics:
        return writer.para(writer.esc(NOTHING_YET))
    parts = []
    for epic in notes.epics:
        title = writer.esc(epic.title)
        if epic.epic is not None:
            title = f"{writer.link(epic.epic)} · {title}"
        parts.append(writer.heading(level, title))
        for group in epic.types:
            parts.append(writer.heading(level + 1, writer.esc(group.title)))
            parts.append(writer.items([_entry(note, writer) for note in group.notes]))
    return "\n".join(parts)


def _entry(note: Note, writer: _Writer) -> str:
    line = f"{writer.link(note.id)} {writer.strong(writer.esc(note.title))}"
    return f"{line}: {writer.esc(note.summary)}" if note.summary else line


def _markdown_heading(level: int, shown: str) -> str:
    return f"{'#' * level} {shown}\n"


def _markdown_items(lines: Sequence[str]) -> str:
    return "".join(f"- {line}\n" for line in lines)


_GITHUB_REFERENCE = re.compile(r"[@#](?=\w)")
"""Where GitHub would make a mention (`@team`) or an issue link (`#12`)."""
_ZERO_WIDTH = "&#8203;"


def _github_text(value: object) -> str:
    """`markdown.text`, with `~` (strikethrough) escaped and references broken by a
    zero-width space (GitHub links them after Markdown escapes are gone)."""
    escaped = text(value).replace("~", "\\~")
    return _GITHUB_REFERENCE.sub(lambda found: found[0] + _ZERO_WIDTH, escaped)
