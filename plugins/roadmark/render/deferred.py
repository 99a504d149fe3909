"""Parts of a page filled in after MkDocs built it: big tables and link-heavy panels.

Markdown costs milliseconds per table of links, and search would index every cell,
so such parts are placeholders in the Markdown and HTML in the built page, written
with the pages' real URLs (the Material tags plugin's "collect early, render late").
A placeholder is an HTML comment, as Material's own markers are: the cheapest raw
HTML for each parser on the way (Python-Markdown's, MkDocs' anchor scan, search's).

A part may open a section of the page: its heading is written with the part, not in
the Markdown, where each heading costs a pass of every inline pattern and of the
table of contents; the plugin adds the section to the page's table of contents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .html import attr, escape, title_attr

Href = Callable[[str, str | None], str | None]
"""The URL of an item's page (and anchor) from the page being filled, or None if it has none."""

Parts = Callable[[Href], Mapping[str, str]]
"""Renders a page's deferred parts, by key, once its links can be written."""

_PLACEHOLDER = "<!-- roadmark:part {key} -->"
_PLACEHOLDERS = re.compile(r"<!-- roadmark:part ([a-z0-9-]+) -->")
_MARKER = "<!-- roadmark:part "
_MARKER_END = " -->"
_KEY = re.compile("[a-z0-9-]+")


@dataclass(frozen=True, slots=True)
class Section:
    """A deferred part that opens with a level-2 heading listed in the table of contents."""

    key: str
    """The part it heads."""
    title: str
    """The heading, as plain text."""


@dataclass(frozen=True, slots=True)
class Permalinks:
    """How headings link to themselves: the `toc` extension's `permalink` options."""

    symbol: str | None = None
    """The link's text as HTML, or None for no link."""
    css_class: str = "headerlink"
    title: str = "Permanent link"
    leading: bool = False


def placeholder(key: str) -> str:
    """A block of Markdown that becomes part `key` of the built page."""
    return _PLACEHOLDER.format(key=key) + "\n"


def has_parts(page_html: str) -> bool:
    """Whether a built page has placeholders to fill (a cheap test, made on every page)."""
    return _MARKER in page_html


def part_keys(page_html: str) -> frozenset[str]:
    """The keys of the placeholders in a page, to tell later whether one went missing."""
    return frozenset(_PLACEHOLDERS.findall(page_html))


def fill_parts(page_html: str, parts: Mapping[str, str], found: set[str] | None = None) -> str:
    """The built page with its placeholders replaced by their HTML; the keys of the
    placeholders it held are added to `found`."""
    seen = found if found is not None else set()
    # Split at the marker rather than `_PLACEHOLDERS.sub`: the regex stops at every `<` of
    # the whole built page, the string search only at the few markers.
    pieces = page_html.split(_MARKER)
    filled = [pieces[0]]
    for piece in pieces[1:]:
        key, end, rest = piece.partition(_MARKER_END)
        if end and _KEY.fullmatch(key):
            seen.add(key)
            filled += (parts.get(key, ""), rest)
        else:  # not a placeholder after all: the text stays as it was
            filled += (_MARKER, piece)
    return "".join(filled)


def section_heading(title: str, anchor: str, permalinks: Permalinks) -> str:
    """A section's `<h2>`, with its permalink as the `toc` extension writes them."""
    shown = escape(title)
    if permalinks.symbol is not None:
        link = (
            f'<a class="{attr(permalinks.css_class)}" href="#{attr(anchor)}"'
            f"{title_attr(permalinks.title)}>"
            f"{permalinks.symbol}</a>"
        )
        shown = link + shown if permalinks.leading else shown + link
    return f'<h2 id="{attr(anchor)}">{shown}</h2>\n'
