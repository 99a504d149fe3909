"""The roadmap's timeline in headless Chromium, offline (STORY-27/AC-3).

Runs Debian's `chromium` through Playwright's Python package (Playwright's own browser
download is not used). Every request that does not go to the local test server is
blocked. Outside CI a missing browser skips; with `CI` set it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from browsers import open_offline, served
from roadmaps import FILES, ROADMAP, roadmap_config
from sites import build, write_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

RELEASES = ["R1", "R2", "R3", "R4", "R5"]


@pytest.fixture(scope="module")
def roadmap_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture's site (light and dark palettes) served on the loopback; the roadmap's URL."""
    root = tmp_path_factory.mktemp("roadmap-browser")
    config = roadmap_config()
    config["theme"]["palette"] = [{"scheme": "default"}, {"scheme": "slate"}]
    write_project(root, FILES | {"docs/index.md": "# Home\n"}, config)
    site = build(root, strict=True)
    with served(site.site_dir) as base:
        yield base + site.output(ROADMAP)


@pytest.mark.roadmark("STORY-27/AC-3")
def test_the_timeline_shows_a_bar_per_release_offline_without_script_errors(
    browser: Browser, roadmap_url: str
) -> None:
    page, errors, blocked = open_offline(browser, roadmap_url)
    try:
        timeline = page.locator(".roadmark-timeline")
        assert timeline.is_visible()
        chart = timeline.bounding_box()
        assert chart is not None and chart["width"] > 0 and chart["height"] > 0
        releases = page.locator(".roadmark-timeline__bar--release")
        assert releases.count() == len(RELEASES)
        lefts = []
        for index, release in enumerate(RELEASES):
            bar = page.locator(f'.roadmark-timeline__bar[data-roadmark-id="{release}"]')
            assert bar.is_visible(), release
            box = bar.bounding_box()
            assert box is not None, release
            assert box["width"] > 0 and box["height"] > 0, (release, box)
            # Inside the chart, and in date order from left to right.
            assert (
                chart["x"] <= box["x"]
                and box["x"] + box["width"] <= chart["x"] + chart["width"] + 1
            ), (release, box, chart)
            assert releases.nth(index).get_attribute("data-roadmark-id") == release
            lefts.append(box["x"])
        assert lefts == sorted(lefts)
        assert page.locator(".roadmark-timeline__bar--epic").count() == 2
        assert errors == []
        assert blocked == []
    finally:
        page.close()


def test_the_timeline_follows_the_dark_palette(browser: Browser, roadmap_url: str) -> None:
    page, errors, _ = open_offline(browser, roadmap_url)
    try:
        label = page.locator(".roadmark-timeline__tick").first

        def colour() -> str:
            return str(label.evaluate("node => getComputedStyle(node).color"))

        light = colour()
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        dark = colour()
        assert light != dark
        bar = page.locator('.roadmark-timeline__bar[data-roadmark-id="R5"]').bounding_box()
        assert bar is not None and bar["width"] > 0
        assert errors == []
    finally:
        page.close()
