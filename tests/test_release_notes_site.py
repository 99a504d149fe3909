"""Release notes in a built site (STORY-91): the hub page, a page per release, the Atom feed
beside them, and the `release_notes` macro on a docs page."""

from __future__ import annotations

import feedparser  # type: ignore[import-untyped]  # it ships no type hints
import pytest

from sites import Site, build, md, mkdocs_config, write_project
from test_release_notes import FILES

MACROS = {"macros": {"modules": ["roadmark.macros"], "on_undefined": "strict"}}
PAGES = {
    "docs/status.md": md(
        """
        # Status

        {{ release_notes("R1", level=3) }}
        """
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("notes-site")
    config = mkdocs_config(["search", "roadmark", MACROS], site_url="https://example.org/")
    write_project(root, FILES | PAGES, config)
    return build(root)


@pytest.mark.roadmark("STORY-91/AC-1")
@pytest.mark.roadmark("STORY-91/AC-2")
def test_the_site_has_the_hub_a_page_per_release_and_the_feed(site: Site) -> None:
    hub = site.site_dir / "product" / "release-notes" / "index.html"
    release = site.site_dir / "product" / "release-notes" / "R1" / "index.html"
    feed = site.site_dir / "product" / "release-notes.xml"
    assert hub.is_file() and release.is_file() and feed.is_file()
    assert "Story 1" in site.article("product/release-notes/R1.md").text
    parsed = feedparser.parse(feed.read_text(encoding="utf-8"))
    assert parsed.bozo == 0
    assert [entry.title for entry in parsed.entries] == ["R2 · Second", "R1 · First"]


@pytest.mark.roadmark("STORY-91/AC-4")
def test_the_macro_shows_the_notes_on_a_docs_page(site: Site) -> None:
    article = site.article("status.md")
    headings = [node.text for node in article.iter() if node.tag == "h3"]
    assert headings[:3] == ["EPIC-1 · Search", "EPIC-10 · Sharing", "Other stories"]
    links = {a.text: a.get("href") for a in article.links}
    assert site.resolve("status.md", links["STORY-1"]) == ("product/stories/STORY-1/index.html", "")
    assert "Save a search and run it again." in article.text
    assert article.find("img") is None
