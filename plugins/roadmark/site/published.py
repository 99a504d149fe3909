"""Each item's link targets and clause anchors, kept from one build to the next of a served
site: an edit makes those of the items it changed again, and leaves the thousands of others.
A one-shot build makes them all once, through the same path.

The cross-links read where each id and address links to (`files.item_targets`), the clause
anchors how each clause id is shown on its page (`item_page.clause_anchors`). Both are
made of the item, its page and that page's URL (and the anchors of its criteria's tests),
so an item that is the same object on the same page keeps the very same entries: the
search's id entries then see them unchanged at the cost of an identity check.
"""

from __future__ import annotations

from collections.abc import Container, MutableMapping
from dataclasses import dataclass

from mkdocs.structure.files import Files

from ..extensions.autolink import LinkTarget
from ..extensions.clause_anchors import ClauseAnchor
from ..render.item_page import clause_anchors, clause_anchors_made_of
from ..render.site_pages import SiteLayout
from ..spec.model import Item
from ..spec.product import Product
from ..trace.coverage import Trace
from .files import item_targets

Published = tuple[MutableMapping[str, LinkTarget], MutableMapping[str, dict[str, ClauseAnchor]]]
"""The link targets by id and address, and the clause anchors by page, as published."""


@dataclass
class _Published:
    """What one item published last, and from what."""

    item: Item
    url: str | None
    names: dict[str, LinkTarget]
    shown: bool
    """Whether its clause anchors were published (its page is in the site, with clauses)."""
    anchors_of: tuple[object, ...] | None


class PublishedTargets:
    """The link targets and clause anchors of the last build, by item, for the next."""

    def __init__(self) -> None:
        self._kept: dict[str, _Published] = {}
        self._pages: dict[str, str] = {}
        self._moved: set[str] = set()

    def take_moved(self) -> set[str]:
        """The names whose target came, went or changed since the last call (and maybe a
        few more whose target was made again the same), for the search's id entries."""
        moved, self._moved = self._moved, set()
        return moved

    def publish(
        self,
        published: Published,
        product: Product,
        layout: SiteLayout,
        files: Files,
        shown: Container[str],
        trace: Trace | None,
    ) -> None:
        """Publish every item page's link targets, and the clause anchors of those of its
        pages in `shown` (in the site) that have clauses, touching only the entries of the
        items changed since the last call."""
        targets, anchors = published
        if layout.item_pages != self._pages:  # pages come, go or move: all made again
            self._moved.update(targets)
            targets.clear()
            anchors.clear()
            self._kept.clear()
            self._pages = dict(layout.item_pages)
        items, src_uris, kept = product.graph.items, files.src_uris, self._kept
        for item_id, src_uri in layout.item_pages.items():
            item = items[item_id]
            file = src_uris.get(src_uri)  # page paths are clean: MkDocs would parse each again
            url = file.url if file is not None else None
            last = kept.get(item_id)
            remade = last is None or last.item is not item or last.url != url
            if last is None or remade:
                last = kept[item_id] = self._made(targets, last, item, src_uri, url)
            # `clauses` would join two lists for each item of the product.
            on_site = src_uri in shown and bool(item.requirements or item.criteria)
            made_of = clause_anchors_made_of(item, trace) if on_site else None
            if remade or on_site != last.shown or (on_site and made_of != last.anchors_of):
                if on_site:
                    anchors[src_uri] = clause_anchors(item, trace)
                else:
                    anchors.pop(src_uri, None)
                last.shown, last.anchors_of = on_site, made_of

    def _made(
        self,
        targets: MutableMapping[str, LinkTarget],
        last: _Published | None,
        item: Item,
        src_uri: str,
        url: str | None,
    ) -> _Published:
        """Publish the targets of `item` in place of those `last` published."""
        names = item_targets(item, src_uri, url)
        for name in (last.names.keys() - names.keys()) if last is not None else ():
            del targets[name]
            self._moved.add(name)
        targets.update(names)
        self._moved.update(names)
        return _Published(item, url, names, False, None)  # its anchors are made next
