"""The navigation section of hub pages that the plugin adds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from mkdocs.structure import StructureItem
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from ..render.markdown import kind_label
from ..render.site_pages import HUB_KINDS, SiteLayout, SitePage

PageOf = Callable[[SitePage], Page | None]


def hub_section(title: str, layout: SiteLayout, page_of: PageOf) -> Section:
    """Overview, one index per kind, and the PRDs and releases themselves."""
    children: list[StructureItem] = []
    overview = page_of(layout.overview)
    if overview is not None:
        children.append(overview)
    children.extend(page for page in map(page_of, layout.product_pages) if page is not None)
    for kind, index in layout.indexes.items():
        index_page = page_of(index)
        if index_page is None:
            continue
        if kind in HUB_KINDS:
            members = [page_of(page) for page in _by_date(layout.hub(kind))]
            section = Section(kind_label(kind, plural=True), [index_page])
            section.children.extend(page for page in members if page is not None)
            children.append(section)
        else:
            children.append(index_page)
    return Section(title, children)


def with_section(nav: Navigation, section: Section) -> Navigation:
    """`nav` itself, with `section` appended and its parents and previous/next links redone.

    The same object, changed in place: a plugin that kept the nav it saw (section-index
    checks it has not been replaced) still holds the one MkDocs renders.
    """
    nav.items.append(section)
    pages: list[Page] = []
    _collect(nav.items, None, pages)
    for before, page, after in zip([None, *pages[:-1]], pages, [*pages[1:], None], strict=True):
        page.previous_page, page.next_page = before, after
    nav.pages[:] = pages
    return nav


def _collect(items: list[StructureItem], parent: Section | None, pages: list[Page]) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Page):
            pages.append(item)
        elif isinstance(item, Section):
            _collect(item.children, item, pages)


def _by_date(pages: list[SitePage]) -> list[SitePage]:
    """Releases in date order (undated last); other kinds keep id order."""

    def key(page: SitePage) -> tuple[bool, date]:
        when = page.item.get("date") if page.item else None
        return (when is None, when or date.min)

    return sorted(pages, key=key)
