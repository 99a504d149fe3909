"""Parts of a page filled in after MkDocs built it: big tables and link-heavy panels.

Markdown costs milliseconds per table of links, and search would index every cell,
so such parts are placeholders in the Markdown and HTML in the built page, written
with the pages' real URLs (the Material tags plugin's "collect early, render late").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

Href = Callable[[str, str | None], str | None]
"""The URL of an item's page (and anchor) from the page being filled, or None if it has none."""

Parts = Callable[[Href], Mapping[str, str]]
"""Renders a page's deferred parts, by key, once its links can be written."""

_PLACEHOLDER = '<div class="roadmark-deferred" data-roadmark-part="{key}"></div>'
_PLACEHOLDERS = re.compile(
    r'<div class="roadmark-deferred" data-roadmark-part="([a-z0-9-]+)"></div>'
)


def placeholder(key: str) -> str:
    """A block of Markdown that becomes part `key` of the built page."""
    return _PLACEHOLDER.format(key=key) + "\n"


def has_parts(page_html: str) -> bool:
    """Whether a built page has placeholders to fill (a cheap test, made on every page)."""
    return 'data-roadmark-part="' in page_html


def fill_parts(page_html: str, parts: Mapping[str, str]) -> str:
    """The built page with its placeholders replaced by their HTML."""
    return _PLACEHOLDERS.sub(lambda match: parts.get(match[1], ""), page_html)
