"""Building blocks for generated Markdown: escaping, links between pages, tables, badges."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..extensions.autolink import relative_path
from ..plan.progress import Progress
from ..text.words import plural as english_plural
from .html import attr, escape, slug, title_attr

# Characters that would start Markdown syntax inline, all in Python-Markdown's escapable set.
# Escaping braces also keeps a spec's `{{ … }}` away from template engines such as macros.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}!#])")


def text(value: object) -> str:
    """Escape a spec value so Markdown shows it literally and HTML cannot be injected."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escape(value))


@dataclass(frozen=True, slots=True)
class Linker:
    """Relative links from one generated page to the pages of items.

    Links are written to the target's Markdown source path (`../stories/STORY-1.md#ac-1`),
    so MkDocs (or another engine) validates them and turns them into URLs.
    """

    pages: Mapping[str, str]
    """Source path of each item's page by item id, relative to the docs root."""
    current: str
    """Source path of the page being rendered."""

    def href(self, item_id: str, anchor: str | None = None) -> str | None:
        """The relative link to an item (and anchor), or None when it has no page."""
        target = self.pages.get(item_id)
        if target is None:
            return None
        fragment = f"#{anchor}" if anchor else ""
        if target == self.current:
            return fragment or posixpath.basename(target)
        return relative_path(target, self.current) + fragment

    def to(self, target: str) -> str:
        """The relative link to any page by its source path."""
        return relative_path(target, self.current)

    def link(self, item_id: str, label: str | None = None, anchor: str | None = None) -> str:
        """A Markdown link to an item, or its escaped label when it has no page."""
        shown = text(label if label is not None else item_id)
        href = self.href(item_id, anchor)
        return f"[{shown}]({href})" if href else shown

    def text(self, value: object) -> str:
        """A value shown as text."""
        return text(value)

    def heading(self, level: int, title: str) -> str:
        """A heading of already escaped text."""
        return f"{'#' * level} {title}\n\n"

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
        """A table of already escaped cells."""
        return table(headers, rows)

    def em(self, shown: str) -> str:
        """Already escaped text, emphasised."""
        return f"*{shown}*"

    def strong(self, shown: str) -> str:
        """Already escaped text, in bold."""
        return f"**{shown}**"

    def bullets(self, items: Sequence[str]) -> str:
        """A list of already escaped items."""
        return "\n".join(f"- {item}" for item in items) + "\n"

    def paragraph(self, shown: str) -> str:
        """A paragraph of already escaped text."""
        return f"{shown}\n"

    def markdown_attr(self, span: bool = False) -> str:
        """The attribute that has Markdown read inside raw HTML: a block's (`markdown`) or,
        with `span`, a line's (`markdown="span"`)."""
        return ' markdown="span"' if span else " markdown"


@functools.lru_cache(maxsize=256)  # a handful of statuses, on every card and table row
def badge(status: str) -> str:
    """A status badge, styled by the `roadmark-status--<status>` class."""
    # HTML, not Markdown, inside: badges are also written into deferred HTML parts.
    return f'<span class="roadmark-status roadmark-status--{slug(status)}">{escape(status)}</span>'


def progress_bar(progress: Progress) -> str:
    """An accessible progress bar with its figures as text."""
    described = progress.describe()
    return (
        f'<span class="roadmark-progress" role="progressbar" aria-valuemin="0" '
        f'aria-valuemax="100" aria-valuenow="{progress.percent}"{title_attr(described)}>'
        f'<span class="roadmark-progress__bar" style="width: {progress.percent}%"></span>'
        f"</span> {escape(described)}"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table of already escaped cells; pipes in cells are escaped here."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    lines.extend(
        "| " + " | ".join(cell.replace("|", "\\|") or " " for cell in row) + " |" for row in rows
    )
    return "\n".join(lines) + "\n"


def admonition(kind: str, title: str, body_html: str) -> str:
    """An admonition in the HTML that Python-Markdown's extension makes, so it needs none."""
    return (
        f'<div class="admonition {attr(kind)}">\n'
        f'<p class="admonition-title">{escape(title)}</p>\n{body_html}\n</div>\n'
    )


_LABELS = {"prd": "PRD", "depends_on": "Depends on", "date": "Release date"}


def kind_label(kind: str, plural: bool = False) -> str:
    """A human name for a kind: `PRD`, `Epic`, `Stories`."""
    word = "PRD" if kind == "prd" else kind.replace("-", " ").replace("_", " ").capitalize()
    return english_plural(word) if plural else word


def field_label(name: str) -> str:
    """A human name for a field: `Depends on`, `Release date`."""
    return _LABELS.get(name, name.replace("_", " ").capitalize())
