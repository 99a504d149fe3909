"""Sections written after MkDocs built a page: their place in its table of contents."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from markdown.extensions.toc import TocExtension, unique
from markdown.util import parseBoolValue
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from ..render.deferred import Permalinks, Section
from ..render.html import escape, slug


def permalinks_from(toc_options: Mapping[str, Any] | None) -> Permalinks:
    """Permalinks as the `toc` extension configured with `toc_options` writes them."""
    config = TocExtension(**(toc_options or {})).getConfigs()
    symbol = parseBoolValue(config["permalink"], False)
    if symbol is None:  # neither true nor false: the link's text
        symbol = config["permalink"]
    return Permalinks(
        symbol="&para;" if symbol is True else html.escape(str(symbol)) if symbol else None,
        css_class=config["permalink_class"],
        title=config["permalink_title"],
        leading=bool(parseBoolValue(config["permalink_leading"], False)),
    )


def add_sections(page: Page, sections: Sequence[Section]) -> dict[str, str]:
    """List `sections` at the end of the page's table of contents; their anchors by key.

    Each gets its title's slug as anchor, made unique among the page's ids as the
    `toc` extension makes them (`referenced-by_1`), and counts among the page's
    anchors, so links to it are validated like links to any heading.
    """
    taken: set[str] = set(page.present_anchor_ids or ())
    anchors: dict[str, str] = {}
    entries = []
    for section in sections:
        anchor = unique(slug(section.title), taken)
        anchors[section.key] = anchor
        entries.append(AnchorLink(escape(section.title), anchor, 2))
    page.present_anchor_ids = taken
    items = page.toc.items
    # The toc extension nests level-2 headings under a level-1 heading before them.
    if items and items[-1].level < 2:
        items[-1].children.extend(entries)
    else:
        items.extend(entries)
    return anchors
