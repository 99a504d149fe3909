"""Roadmark beside Material's privacy plugin, offline (nothing is fetched)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import ORDERS, Neighbour, assert_roadmark_content, build_beside

NEIGHBOUR = Neighbour(
    "privacy",
    "mkdocs-material",
    "external links get the configured attributes and `rel=noopener`; nothing is downloaded",
    "Tested offline (`assets_fetch: false`): Roadmark's pages and assets are all local.",
)


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_privacy_rewrites_external_links(tmp_path: Path, order: str) -> None:
    plugin = {
        "privacy": {
            "assets_fetch": False,
            "cache_dir": str(tmp_path / "cache"),
            "links_attr_map": {"target": "_blank"},
            # Material's own bundle names Mermaid's CDN; not fetched, so not reported either.
            "assets_exclude": ["unpkg.com/*"],
        }
    }
    files = {
        "docs/index.md": "# Guide\n\nStart with STORY-1; see [the vendor](https://example.com/).\n"
    }
    site = build_beside(tmp_path, [plugin], order, files)
    assert_roadmark_content(site)
    link = next(
        a for a in site.article("index.md").links if a.get("href") == "https://example.com/"
    )
    assert link.get("target") == "_blank" and "noopener" in link.get("rel")
    assert not (site.site_dir / "assets" / "external").exists()
