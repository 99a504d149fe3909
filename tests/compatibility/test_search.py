"""Roadmark beside Material's search plugin, whose index Roadmark extends with ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compatibility.neighbours import ORDERS, Neighbour, assert_roadmark_content, build_beside

NEIGHBOUR = Neighbour(
    "search",
    "mkdocs-material",
    "the search index holds the item pages and an entry per item id and criterion address",
    "Either order: Roadmark adds its ids in `on_post_build` at priority -50, "
    "after search (0) has written its index.",
)


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_search_finds_items_by_id(tmp_path: Path, order: str) -> None:
    site = build_beside(tmp_path, ["search"], order)
    assert_roadmark_content(site)
    index = json.loads((site.site_dir / "search" / "search_index.json").read_text("utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert "product/stories/STORY-1/" in locations
    titles = {doc["title"] for doc in index["docs"]}
    assert {"STORY-1", "STORY-1/AC-1"} <= {title.split(" ")[0] for title in titles}
