"""Roadmark beside mkdocs-macros-plugin, with Roadmark's own macros loaded as a pluglet."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import ORDERS, Neighbour, assert_roadmark_content, build_beside
from sites import table

NEIGHBOUR = Neighbour(
    "macros",
    "mkdocs-macros-plugin",
    "Roadmark's `items` macro, loaded as a pluglet, renders the stories table in a docs page",
)
PLUGIN = [
    {"macros": {"modules": ["roadmark.macros"], "on_undefined": "strict", "on_error_fail": True}}
]


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_macros_render_beside_generated_pages(tmp_path: Path, order: str) -> None:
    files = {"docs/index.md": "# Guide\n\n{{ items(kind='story') }}\n"}
    site = build_beside(tmp_path, PLUGIN, order, files)
    assert_roadmark_content(site)
    home = site.article("index.md")
    assert "{{" not in home.text
    assert [row[0].text for row in table(home).rows] == ["STORY-1", "STORY-2"]
