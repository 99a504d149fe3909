"""What a served site keeps from one build to the next (`ItemJson`, `IdEntries`) writes
exactly what a build that keeps nothing writes, after an edit as before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roadmark.extensions.autolink import LinkTarget
from roadmark.plan.progress import progress_by_item
from roadmark.plan.release_notes import plan_all_release_notes
from roadmark.render.atom import FeedSite, release_feed
from roadmark.render.export import ItemJson, export_json
from roadmark.render.release_notes import release_notes_pages
from roadmark.render.site_pages import KeptPages, plan_site
from roadmark.site.search import INDEX_URI, IdEntries, add_ids_to_index
from roadmark.spec.kept import Kept
from roadmark.spec.loader import SpecCache
from roadmark.spec.product import load_product
from roadmark.spec.settings import Settings
from sites import PRODUCT, write_project


def test_the_kept_export_is_the_export_after_an_edit(tmp_path: Path) -> None:
    write_project(tmp_path, PRODUCT)
    cache, kept, settings = SpecCache(), ItemJson(), Settings()
    first = load_product(tmp_path, settings, cache)
    assert export_json(first, None, kept) == export_json(first)
    story = tmp_path / "product/stories/STORY-4.md"
    story.write_text(story.read_text().replace("CSV import", "CSV import, renamed"))
    second = load_product(tmp_path, settings, cache)
    exported = export_json(second, None, kept)
    assert exported == export_json(second)
    titles = {item["id"]: item["title"] for item in json.loads(exported)["items"]}
    assert titles["STORY-4"] == "CSV import, renamed"


INDEX = {
    "config": {"lang": ["en"], "separator": "[\\s\\-]+"},
    "docs": [
        {"location": "s1/", "title": "S1", "text": ""},
        {"location": "s2/", "title": "S2", "text": ""},
    ],
}


def _index_with(site: Path, targets: dict[str, LinkTarget], kept: IdEntries | None) -> str:
    path = site / INDEX_URI
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(INDEX, separators=(",", ":")), encoding="utf-8")
    assert add_ids_to_index(site, targets, kept)
    return path.read_text(encoding="utf-8")


def test_the_kept_id_entries_are_the_entries_after_an_edit(tmp_path: Path) -> None:
    targets = {
        "STORY-1": LinkTarget("s1.md", None, "One", "s1/"),
        "STORY-1/AC-1": LinkTarget("s1.md", "ac-1", "Shown", "s1/"),
        "STORY-12": LinkTarget("s2.md", None, "Two", "s2/"),
    }
    kept = IdEntries()
    assert _index_with(tmp_path, targets, kept) == _index_with(tmp_path, targets, None)
    targets["STORY-1/AC-1"] = LinkTarget("s1.md", "ac-1", "Edited <b>", "s1/")
    del targets["STORY-12"]  # the longest number goes: STORY-1 gets fewer words
    written = _index_with(tmp_path, targets, kept)
    assert written == _index_with(tmp_path, targets, None)
    texts = {doc["location"]: doc["text"] for doc in json.loads(written)["docs"]}
    assert texts["s1/#ac-1"] == "Edited &lt;b&gt;"


def _release_notes_made(
    root: Path, cache: SpecCache, kept: KeptPages, feed: Kept[None, str]
) -> tuple[dict[str, str], str, str]:
    """The release notes pages' Markdown by path, and the feed kept and made afresh."""
    product = load_product(root, Settings(), cache)
    graph = product.graph
    notes = plan_all_release_notes(graph, product.settings)
    progress = progress_by_item(graph.items.values(), graph, product.settings)
    layout = plan_site(product, "product", progress, release_notes_pages(notes), kept=kept)
    site = FeedSite("Specs", "product", "https://example.com/", True, layout.item_pages)
    pages = {page.src_uri: page.content for page in layout.pages if "release-notes" in page.src_uri}
    return pages, release_feed(notes, site, feed), release_feed(notes, site)


@pytest.mark.roadmark("STORY-89/AC-2")
def test_release_notes_pages_and_feed_are_made_again_only_when_their_notes_change(
    tmp_path: Path,
) -> None:
    """A served site plans the notes after every edit; their pages' Markdown and the feed
    are kept while the notes are equal (an edit elsewhere), and made again, as afresh,
    when a shipped story changes."""
    write_project(tmp_path, PRODUCT)
    release = tmp_path / "product/releases/R1.md"
    release.write_text(release.read_text().replace("in-progress", "released"))
    cache, kept, feed = SpecCache(), KeptPages(), Kept[None, str]()
    pages, kept_feed, fresh_feed = _release_notes_made(tmp_path, cache, kept, feed)
    assert kept_feed == fresh_feed
    assert "CSV export" in pages["product/release-notes/R1.md"] and "CSV export" in fresh_feed

    story = tmp_path / "product/stories/STORY-4.md"  # not done: in no release's notes
    story.write_text(story.read_text().replace("CSV import", "CSV import, renamed"))
    again, kept_again, _ = _release_notes_made(tmp_path, cache, kept, feed)
    assert all(again[path] is pages[path] for path in pages)
    assert kept_again is kept_feed

    shipped = tmp_path / "product/stories/STORY-2.md"
    shipped.write_text(shipped.read_text().replace("CSV export", "CSV export, renamed"))
    edited, kept_edited, fresh_edited = _release_notes_made(tmp_path, cache, kept, feed)
    assert "CSV export, renamed" in edited["product/release-notes/R1.md"]
    assert edited["product/release-notes/R2.md"] is pages["product/release-notes/R2.md"]
    assert kept_edited == fresh_edited and "CSV export, renamed" in kept_edited
