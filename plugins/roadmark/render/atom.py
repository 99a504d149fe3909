"""The Atom 1.0 feed (RFC 4287) of released releases, so stakeholders can subscribe to
what shipped.

Written with `xml.etree`, which escapes every text and attribute; characters XML cannot
carry at all are dropped first. Nothing reads the clock: each entry is dated by its
release's `date`, and the feed by its newest entry, so the same product writes the same
bytes. A released release without a `date` has no date to give and is left out.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from urllib.parse import quote

from ..plan.release_notes import ReleaseNotes
from ..spec.kept import Kept
from ..text.words import count
from .html import plain
from .release_notes import FEED_FILE, HUB_NAME, HUB_TITLE, release_notes_html

ATOM = "http://www.w3.org/2005/Atom"
TAG_AUTHORITY = "roadmark.invalid,2026"
"""The `tag:` URI authority of ids when the site's URL is unknown: `.invalid` is reserved
(RFC 2606), so it never claims someone else's name."""
EPOCH = date(1970, 1, 1)
"""The feed's `updated` while it has no entry (never the clock)."""

# XML 1.0 allows tab, LF, CR and these ranges only; anything else makes the feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class FeedSite:
    """Where the feed and the pages it points to are published."""

    title: str
    """The site's name (`site_name`): the feed's title and author."""
    prefix: str
    """The product pages' folder in the site (`page_prefix`); the feed is `FEED_FILE` in it."""
    site_url: str | None = None
    """The site's absolute URL (`site_url`); without it, links are relative to the feed and
    ids are `tag:` URIs."""
    directory_urls: bool = True
    """MkDocs' `use_directory_urls`: `release-notes/R1/` rather than `release-notes/R1.html`."""
    item_pages: Mapping[str, str] = field(default_factory=dict)
    """Source path of each item's page by id: with `site_url`, the stories in an entry link
    to their pages."""


def release_feed(
    all_notes: Sequence[ReleaseNotes], site: FeedSite, kept: Kept[None, str] | None = None
) -> str:
    """The Atom feed of the released, dated releases among `all_notes`, newest first; `kept`
    (under `serve`) keeps it while the notes (planned anew each time) and `site` are equal."""
    if kept is not None:
        return kept.get(None, (tuple(all_notes), site), partial(release_feed, all_notes, site))
    released = [notes for notes in all_notes if notes.released and notes.due is not None]
    released.sort(key=lambda notes: notes.due or EPOCH, reverse=True)  # stable for ties
    feed = ET.Element("feed", {"xmlns": ATOM})
    _add(feed, "id", _id(site, HUB_NAME))
    _add(feed, "title", plain(f"{site.title}: {HUB_TITLE}"))
    _add(feed, "updated", _stamp(released[0].due if released else None))
    author = ET.SubElement(feed, "author")
    _add(author, "name", plain(site.title))
    if site.site_url:
        ET.SubElement(feed, "link", {"rel": "self", "href": _absolute(site, _feed_path(site))})
    hub = _page_url(site, f"{HUB_NAME}.md")
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": hub})
    _add(feed, "generator", "Roadmark")
    for notes in released:
        _entry(feed, notes, site)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def _entry(feed: ET.Element, notes: ReleaseNotes, site: FeedSite) -> None:
    entry = ET.SubElement(feed, "entry")
    _add(entry, "id", _id(site, f"{HUB_NAME}/{notes.release}"))
    _add(entry, "title", plain(f"{notes.release} · {notes.title}"))
    _add(entry, "updated", _stamp(notes.due))
    url = _page_url(site, f"{HUB_NAME}/{notes.release}.md")
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": url})
    _add(entry, "summary", f"{count(len(notes.notes), 'story')} shipped.")
    # HTML as text: escaped once more by etree, as `type="html"` says (RFC 4287, 3.1.1.2).
    content = release_notes_html(notes, lambda item_id: _item_url(site, item_id))
    _add(entry, "content", content, type="html")


def _add(parent: ET.Element, tag: str, value: str, **attributes: str) -> None:
    """A child element with text: spec values come here through `html.plain`."""
    child = ET.SubElement(parent, tag, attributes)
    child.text = _NOT_XML.sub("", value)


def _stamp(day: date | None) -> str:
    """An RFC 3339 date-time: midnight UTC of the release's date."""
    return f"{(day or EPOCH).isoformat()}T00:00:00Z"


def _id(site: FeedSite, page: str) -> str:
    """A page's absolute URL, else a `tag:` URI made of the site's name and the page."""
    if site.site_url:
        return _absolute(site, _url_path(site, page + ".md"))
    return f"tag:{TAG_AUTHORITY}:{quote(site.title, safe='')}/{quote(page, safe='/')}"


def _page_url(site: FeedSite, page: str) -> str:
    """The URL of a page under the prefix: absolute, else relative to the feed."""
    path = _url_path(site, page)
    if site.site_url:
        return _absolute(site, path)
    relative = posixpath.relpath(path, posixpath.dirname(_feed_path(site)) or ".")
    return relative + "/" if path.endswith("/") else relative


def _item_url(site: FeedSite, item_id: str) -> str | None:
    """An item page's absolute URL; None without `site_url` (feed readers resolve relative
    links in content unreliably)."""
    source = site.item_pages.get(item_id)
    if source is None or not site.site_url:
        return None
    return _absolute(site, _url_path(site, source, under_prefix=False))


def _url_path(site: FeedSite, source: str, *, under_prefix: bool = True) -> str:
    """The URL path of a page from its source path, as MkDocs makes it."""
    if under_prefix and site.prefix:
        source = f"{site.prefix}/{source}"
    stem = posixpath.splitext(source)[0]
    if posixpath.basename(stem) in ("index", "README"):
        folder = posixpath.dirname(stem)
        return f"{folder}/" if folder else ""
    return f"{stem}/" if site.directory_urls else f"{stem}.html"


def _feed_path(site: FeedSite) -> str:
    return f"{site.prefix}/{FEED_FILE}" if site.prefix else FEED_FILE


def _absolute(site: FeedSite, path: str) -> str:
    base = (site.site_url or "").rstrip("/")
    return f"{base}/{quote(path, safe='/')}"
