"""The history charts in headless Chromium: offline, no script errors, dark mode, a phone.

The scripted repository of `test_history_pages.py`, built with Material's light and dark
palettes and served on the loopback; every request elsewhere is blocked and recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from browsers import luminance, open_offline, served
from sites import build, write_project
from test_history_pages import RELEASE, STORY_1, TRENDS, config, git, scripted

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

PAGES = [TRENDS, RELEASE, STORY_1]
WIDTHS = [1400, 390]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The scripted site, light and dark palettes, served; (base URL, the built site)."""
    root = tmp_path_factory.mktemp("history-browser")
    scripted(root)
    themed = config()
    themed["theme"]["palette"] = [{"scheme": "default"}, {"scheme": "slate"}]  # type: ignore[index]
    write_project(root, {}, themed)
    git(root, "commit", "-q", "-am", "Palettes", day="2026-03-17")
    site = build(root, strict=True)
    with served(site.site_dir) as url:
        yield url, site


@pytest.mark.roadmark("STORY-85/AC-2")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("src_uri", PAGES)
def test_history_charts_render_offline_without_errors_or_overflow(
    browser: Browser, base: tuple[str, Any], src_uri: str, width: int
) -> None:
    url, site = base
    page, errors, blocked = open_offline(browser, url + site.output(src_uri), width)
    try:
        charts = page.locator("svg.roadmark-chart__svg")
        # The trends page and a release page have charts; a story its status timeline.
        assert charts.count() >= (0 if src_uri == STORY_1 else 1)
        assert page.locator("#history, .roadmark-chart").first.is_visible()
        for index in range(charts.count()):
            box = charts.nth(index).bounding_box()
            assert box is not None and 0 < box["width"] <= width, (index, box)
            assert box["height"] > 0
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        assert errors == []
        assert blocked == []
    finally:
        page.close()


@pytest.mark.roadmark("STORY-85/AC-2")
def test_the_charts_are_readable_in_dark_mode(browser: Browser, base: tuple[str, Any]) -> None:
    url, site = base
    page, errors, _ = open_offline(browser, url + site.output(TRENDS), 1400)
    try:
        tick = page.locator(".roadmark-chart__tick").first
        line = page.locator(".roadmark-chart__bar").first

        def colours() -> tuple[float, float, float]:
            text = tick.evaluate("node => getComputedStyle(node).fill")
            bar = line.evaluate("node => getComputedStyle(node).fill")
            ground = page.evaluate("getComputedStyle(document.body).backgroundColor")
            return luminance(text), luminance(bar), luminance(ground)

        light_text, _, light_ground = colours()
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        dark_text, dark_bar, dark_ground = colours()
        assert light_text < light_ground  # dark text on a light page
        assert dark_text > dark_ground + 0.3  # light text on a dark page
        assert dark_bar > dark_ground + 0.1  # bars stand out from the dark page
        assert errors == []
    finally:
        page.close()
