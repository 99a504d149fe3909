"""Spec text as HTML, and markup for deferred parts (the same calls as `markdown.Linker`).

Every value from a spec or a test report that reaches a page passes through `plain`:
here, through `escape` and `attr`, or through `markdown.text`, which builds on them.
Escaping once is not always enough: a theme may read text back and write it as HTML.
Material's `content.tooltips` copies each `title` attribute into a tooltip's
`innerHTML`, and its ellipsis patch copies a truncated navigation or table-of-contents
entry's text into such a title. So `plain` also breaks every `<` that would open a
tag with an invisible word joiner: read as HTML once more, such text is still text,
and it looks the same to a reader, in a native tooltip and to a screen reader.
(Escaping twice would show `&lt;` wherever a theme does not decode the value again.)
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from .deferred import Href
    from .markdown import Linker

WORD_JOINER = "\u2060"
"""Invisible and zero-width; after `<` it keeps an HTML parser from reading a tag."""

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. HTML forbids them
# (NUL becomes U+FFFD, BEL is a parse error), and a terminal would act on them.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Where an HTML parser starts a tag, an end tag, a comment or a declaration.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_SLUG = re.compile(r"[^a-z0-9]+")


def strip_controls(text: str) -> str:
    """`text` without control characters; the rest as written (for a spec's Markdown body)."""
    return _CONTROLS.sub("", text)


def plain(value: object) -> str:
    """A spec value as text that stays text even if HTML-decoded once more: no control
    characters, and no `<` that opens a tag. Not yet escaped."""
    text = str(value)
    if not text.isprintable():  # rare, and the test is far cheaper than the substitution
        text = _CONTROLS.sub("", text)
    return _TAG_OPEN.sub("<" + WORD_JOINER, text) if "<" in text else text


def escape(value: object) -> str:
    """A spec value as HTML text on one line (runs of whitespace become one space)."""
    return _escaped(str(value))


def attr(value: object) -> str:
    """A value for a double-quoted HTML attribute."""
    return _attr(str(value))


def title_attr(value: object) -> str:
    """A ` title="…"` attribute (a tooltip) on one line, or nothing for an empty value."""
    shown = " ".join(plain(value).split())
    return f' title="{html.escape(shown, quote=True)}"' if shown else ""


@functools.lru_cache(maxsize=1024)  # statuses, kinds and results, on every row and badge
def slug(value: str) -> str:
    """A CSS-class-safe form of a status or kind, e.g. `in-progress`."""
    return _SLUG.sub("-", value.lower()).strip("-") or "none"


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

    def em(self, shown: str) -> str:
        """Already escaped text, emphasised."""
        return f"<em>{shown}</em>"

    def strong(self, shown: str) -> str:
        """Already escaped text, in bold."""
        return f"<strong>{shown}</strong>"

    def bullets(self, items: Sequence[str]) -> str:
        """A list of already escaped items."""
        return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>\n"

    def paragraph(self, shown: str) -> str:
        """A paragraph of already escaped text."""
        return f"<p>{shown}</p>\n"

    def markdown_attr(self, span: bool = False) -> str:
        """Nothing: HTML is written as it is shown (see `Linker.markdown_attr`)."""
        return ""


Markup: TypeAlias = "Linker | HtmlLinker"
"""Where links and text are written: Markdown for a page, HTML for its deferred parts."""


@functools.lru_cache(maxsize=8192)  # links to the same pages recur on page after page
def _attr(value: str) -> str:
    return html.escape(plain(value), quote=True)


@functools.lru_cache(maxsize=8192)  # titles and statuses recur on page after page
def _escaped(value: str) -> str:
    return html.escape(" ".join(plain(value).split()), quote=False)
