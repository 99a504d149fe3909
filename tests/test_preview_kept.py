"""What a served site keeps from one build to the next (`ItemJson`, `IdEntries`) writes
exactly what a build that keeps nothing writes, after an edit as before it."""

from __future__ import annotations

import json
from pathlib import Path

from roadmark.extensions.autolink import LinkTarget
from roadmark.render.export import ItemJson, export_json
from roadmark.site.search import INDEX_URI, IdEntries, add_ids_to_index
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
