"""Anchors for requirements and criteria: `AC-1` opening its list item becomes `#ac-1`.

A tree processor, not raw HTML written into the page's Markdown: every raw tag is
parsed again by Python-Markdown, by MkDocs' anchor scan and by the search index,
which made five anchors a story cost more than the rest of its page. Here the
anchor is an element from the start, so MkDocs records its id (its anchor scan runs
after us) and the cross-link pass leaves its text alone, as it does any link.

The same list items the clause parser reads are anchored: the first item of a list
under a `Requirements` or `Acceptance criteria` heading whose text opens with the
clause's local id, in bold or not.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from dataclasses import dataclass

import markdown
from markdown.treeprocessors import Treeprocessor

from ..render.html import plain
from ..spec.clauses import SECTIONS
from ..spec.ids import CLAUSE_LEAD
from .autolink import rendered_file

PRIORITY = 6
"""After `inline` (20), so list items hold their text; before `toc` and MkDocs' anchor
scan (5), which then see the ids, and before the cross-links (1), which skip links."""

_SECTION = re.compile(rf"(?:{'|'.join(SECTIONS)})\b", re.IGNORECASE)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_WRAPPERS = frozenset({"p", "strong", "b"})
"""What may stand between a list item and its clause id: a loose item's paragraph, bold."""


@dataclass(frozen=True, slots=True)
class ClauseAnchor:
    """How one clause's id is shown on its item's page."""

    anchor: str
    """The element id, e.g. `ac-1`."""
    title: str
    """Tooltip: the clause's address, e.g. `STORY-1/AC-1`."""
    after: str = ""
    """Raw HTML to put just after the id, such as a criterion's test verdict."""


class ClauseAnchorExtension(markdown.Extension):
    """Anchor the clause ids of item pages."""

    def __init__(self, pages: Mapping[str, Mapping[str, ClauseAnchor]]) -> None:
        """`pages` maps a page's source path to its clauses by local id; read while rendering."""
        super().__init__()
        self.pages = pages

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Register the tree processor on `md`."""
        md.treeprocessors.register(
            ClauseAnchorTreeprocessor(md, self.pages), "roadmark_clause_anchors", PRIORITY
        )


class ClauseAnchorTreeprocessor(Treeprocessor):
    """Turn the id opening each clause's list item into an anchor linking to itself."""

    def __init__(
        self, md: markdown.Markdown, pages: Mapping[str, Mapping[str, ClauseAnchor]]
    ) -> None:
        super().__init__(md)
        self.pages = pages

    def run(self, root: etree.Element) -> None:
        """Anchor the clauses of the page being rendered, in place."""
        file = rendered_file(self.md)
        clauses = self.pages.get(file.src_uri) if file is not None else None
        if not clauses:
            return
        placed: set[str] = set()
        for item in _section_items(root):
            holder = _lead(item)
            text = holder.text or ""
            match = CLAUSE_LEAD.match(text)
            clause = clauses.get(match[1]) if match else None
            # By anchor: `AC-1` and `ac-1` (reported as RM012) would give two `id="ac-1"`.
            if match is None or clause is None or clause.anchor in placed:
                continue
            placed.add(clause.anchor)
            link = etree.Element(
                "a", {"class": "roadmark-clause", "id": clause.anchor, "href": f"#{clause.anchor}"}
            )
            link.set("title", plain(clause.title))  # a theme may write it back as HTML
            link.text = match[1]
            rest = text[match.end() :]
            link.tail = (self.md.htmlStash.store(clause.after) if clause.after else "") + rest
            holder.text = text[: match.start(1)]
            holder.insert(0, link)


def _section_items(root: etree.Element) -> list[etree.Element]:
    """The list items under clause headings, in document order."""
    items: list[etree.Element] = []
    level = 0  # of the clause heading we are under; 0 when under none
    for child in root:
        heading = _HEADINGS.get(child.tag) if isinstance(child.tag, str) else None
        if heading is not None:
            if level and heading <= level:
                level = 0
            if not level and _SECTION.match("".join(child.itertext()).strip()):
                level = heading
        elif level and child.tag in ("ul", "ol"):
            items.extend(child.iter("li"))
    return items


def _lead(item: etree.Element) -> etree.Element:
    """The element whose text opens the list item: the item, its paragraph, or its bold."""
    node = item
    while not (node.text or "").strip() and len(node) and node[0].tag in _WRAPPERS:
        node = node[0]
    return node
