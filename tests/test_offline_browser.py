"""The built site offline (STORY-73/AC-2): every page of the sitemap opened in Chromium
with every request but the local server's blocked, and no page showing diagram source.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest

from browsers import chromium, keep_local, served
from sites import build, mkdocs_config, write_project
from test_dependencies import FILES

if TYPE_CHECKING:
    pass

pytestmark = pytest.mark.browser

SITE_URL = "https://docs.example.invalid/"
"""The configured site URL: the sitemap lists pages under it, the test serves them locally."""
TIMEOUT_MS = 15_000
RAW_SOURCE = re.compile(r"\b(flowchart|graph) (LR|TD|TB|RL)\b|\bgantt\b|\bdateFormat\b")
"""What Mermaid source looks like when no script drew it."""


@pytest.mark.roadmark("STORY-73/AC-2")
def test_every_page_renders_with_no_request_leaving_the_machine(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = tmp_path_factory.mktemp("offline")
    # No web fonts (`font: false`): Material would otherwise ask Google Fonts for them.
    config = mkdocs_config(
        ["search", {"roadmark": {"today": "2026-09-21", "export": False}}], site_url=SITE_URL
    )
    site = build(write_project(root, FILES, config))
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.parse(site.site_dir / "sitemap.xml")
    locs = [loc.text or "" for loc in tree.iterfind(".//s:loc", namespace)]
    paths = sorted(loc.removeprefix(SITE_URL) for loc in locs)
    assert "product/dependencies/" in paths and "product/epics/EPIC-1/" in paths
    with served(site.site_dir) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        blocked = keep_local(context, base)
        page = context.new_page()
        for path in paths:
            page.goto(base + path, wait_until="networkidle")
            shown = page.inner_text("article")
            assert shown.strip(), f"{path} shows no content"
            assert not RAW_SOURCE.search(shown), f"{path} shows diagram source"
            assert page.locator("pre.mermaid").count() == 0, path
        page.goto(base + "product/epics/EPIC-1/", wait_until="networkidle")
        chart = page.locator("svg.roadmark-deps__chart")
        assert chart.is_visible()
        # Drawn at its natural size: text no smaller than 12px on screen.
        sizes = page.eval_on_selector_all(
            "svg.roadmark-deps__chart text",
            "els => els.map(e => e.getBoundingClientRect().height)",
        )
        assert sizes and min(sizes) >= 12
        context.close()
    assert blocked == []
