"""Roadmark beside mkdocs-minify-plugin, which rewrites every page's HTML in `on_post_page`."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from compatibility.neighbours import (
    ORDERS,
    PRODUCT,
    ROADMARK,
    STORIES_INDEX,
    STORY_1,
    Neighbour,
    assert_roadmark_content,
    build_beside,
)
from sites import build, md, mkdocs_config, write_project

NEIGHBOUR = Neighbour(
    "minify",
    "mkdocs-minify-plugin",
    "pages are minified (`minify_html: true`, comments removed): no indentation, no comments",
    "Either order: Roadmark fills its deferred parts first (`on_post_page` at priority 100), "
    "so minify only ever sees finished pages.",
)
PLUGIN = [{"minify": {"minify_html": True, "htmlmin_opts": {"remove_comments": True}}}]


@pytest.mark.roadmark("STORY-76/AC-1", "STORY-76/AC-2")
@pytest.mark.parametrize("order", ORDERS)
def test_minified_pages_keep_cards_panels_backlinks_and_tables(tmp_path: Path, order: str) -> None:
    site = build_beside(tmp_path, PLUGIN, order)
    assert_roadmark_content(site)
    html = site.html(STORY_1)
    assert "\n    " not in html and "<!--" not in html  # minified: no indentation, no comments
    assert "roadmark-card" in html and "<table>" in html


# A neighbour that rewrites pages before Roadmark fills them: it strips every HTML comment,
# placeholders included, at a priority above Roadmark's own `on_post_page`.
EAGER_MINIFIER = md(
    """
    import re

    from mkdocs.plugins import event_priority


    @event_priority(200)
    def on_post_page(output, page, config):
        return re.sub(r"<!--.*?-->", "", output, flags=re.S)
    """
)


@pytest.mark.roadmark("STORY-76/AC-2")
def test_a_placeholder_lost_to_a_neighbour_fails_the_strict_build(tmp_path: Path) -> None:
    write_project(tmp_path, {**PRODUCT, "hooks/strip.py": EAGER_MINIFIER})
    config = mkdocs_config(["search", ROADMARK], hooks=["hooks/strip.py"])
    write_project(tmp_path, {}, config)
    site = build(tmp_path)  # not strict, to read what it says
    lost = [text for text in site.warnings if "before Roadmark could fill them" in text]
    assert any(text.startswith(f"roadmark: '{STORY_1}'") for text in lost), site.warnings
    assert any(f"'{STORIES_INDEX}'" in text and "(index)" in text for text in lost)
    with pytest.raises(Abort):
        build(tmp_path, strict=True)
