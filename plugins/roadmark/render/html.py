"""Markup for deferred parts: the same calls as `markdown.Linker`, written as HTML."""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass

from .deferred import Href
from .markdown import Linker, attr, slug


@dataclass(frozen=True, slots=True)
class HtmlLinker:
    """Links and markup written as HTML, with URLs from the built site."""

    url_of: Href

    def href(self, item_id: str, anchor: str | None = None) -> str | None:
        """The URL of an item's page (and anchor), or None when it has no page."""
        return self.url_of(item_id, anchor)

    def link(self, item_id: str, label: str | None = None, anchor: str | None = None) -> str:
        """A link to an item, or its escaped label when it has no page."""
        shown = self.text(label if label is not None else item_id)
        url = self.url_of(item_id, anchor)
        return f'<a href="{attr(url)}">{shown}</a>' if url is not None else shown

    def text(self, value: object) -> str:
        """A value shown as text."""
        return _escaped(str(value))

    def heading(self, level: int, title: str) -> str:
        """A heading of already escaped text, anchored as `roadmark-<slug>`.

        Written after the page was rendered, so not among the ids the `toc` extension
        made unique: a bare slug could repeat the id of one of the body's headings.
        """
        return f'<h{level} id="roadmark-{slug(html.unescape(title))}">{title}</h{level}>\n'

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
        """A table of already escaped cells."""
        head = "".join(f"<th>{header}</th>" for header in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows
        )
        return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


Markup = Linker | HtmlLinker
"""Where links and text are written: Markdown for a page, HTML for its deferred parts."""


@functools.lru_cache(maxsize=8192)  # titles and statuses recur on page after page
def _escaped(value: str) -> str:
    return html.escape(" ".join(value.split()), quote=False)
