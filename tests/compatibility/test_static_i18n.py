"""Roadmark beside mkdocs-static-i18n, which builds the site once per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import (
    ORDERS,
    STORY_1,
    Neighbour,
    assert_roadmark_content,
    build_beside,
)

NEIGHBOUR = Neighbour(
    "static-i18n",
    "mkdocs-static-i18n",
    "a French page is built under `fr/` beside the English one; both link to the item pages",
    "Either order: Roadmark adds its pages last in `on_files` (priority -110), after "
    "static-i18n (-100) re-creates the docs files; the product pages are published once, "
    "at the site's root, and every language links to them.",
)
PLUGIN = [
    {
        "i18n": {
            "docs_structure": "suffix",
            "languages": [
                {"locale": "en", "default": True, "name": "English", "build": True},
                {"locale": "fr", "name": "Français", "build": True},
            ],
        }
    }
]


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_each_language_is_built_and_links_to_the_product(tmp_path: Path, order: str) -> None:
    files = {"docs/index.fr.md": "# Guide\n\nCommencez par STORY-1.\n"}
    site = build_beside(tmp_path, PLUGIN, order, files)
    assert_roadmark_content(site)
    french = site.article("fr/index.md")
    assert "Commencez par" in french.text
    assert site.links_to("fr/index.md", french.find_all(cls="roadmark-ref")) == [
        ("STORY-1", site.output(STORY_1), "")
    ]
    assert "Start with" in site.article("index.md").text
