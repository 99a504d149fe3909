"""Sprint pages, boards and the velocity page in headless Chromium (STORY-93/AC-3): offline,
no script errors, nothing wider than the window at a desktop's and a phone's width; the
board scrolls inside its own box, and its cards follow the dark scheme.

The product of `sprint_products.py`, built with Material's light and dark palettes and
served on the loopback; every request elsewhere is blocked and recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from browsers import luminance, open_offline, served
from sites import Site, build, spec, write_project
from sprint_products import FILES, sprint_config

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

SPRINT = "product/sprints/SPRINT-3.md"
RELEASE = "product/releases/R1.md"
BOARD = "product/board.md"
VELOCITY = "product/velocity.md"
PAGES = [SPRINT, RELEASE, BOARD, VELOCITY]
WIDTHS = [1400, 390]

_LONG = "A story title long enough to wrap on a card: " + "unbreakable" * 6
"""A title with a very long word, which must wrap inside its card, not widen the page."""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    """The site, light and dark palettes, served; (base URL, the built site)."""
    root = tmp_path_factory.mktemp("sprints-browser")
    config = sprint_config()
    config["theme"]["palette"] = [{"scheme": "default"}, {"scheme": "slate"}]
    long = spec(
        "STORY-30", "story", _LONG, "in-progress", "## Acceptance criteria\n\n- AC-1: x.\n",
        team="web", sprint="SPRINT-3", estimate=3, release="R1",
    )  # fmt: skip
    files = FILES | {"product/stories/STORY-30.md": long, "docs/index.md": "# Home\n"}
    write_project(root, files, config)
    site = build(root, strict=True)
    with served(site.site_dir) as url:
        yield url, site


@pytest.mark.roadmark("STORY-93/AC-3")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("src_uri", PAGES)
def test_boards_and_charts_open_offline_without_errors_or_overflow(
    browser: Browser, base: tuple[str, Site], src_uri: str, width: int
) -> None:
    url, site = base
    page, errors, blocked = open_offline(browser, url + site.output(src_uri), width)
    try:
        shown = ".roadmark-chart" if src_uri == VELOCITY else ".roadmark-kanban"
        assert page.locator(shown).first.is_visible()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= page.evaluate("window.innerWidth")
        for index in range(page.locator(".roadmark-kanban").count()):
            box = page.locator(".roadmark-kanban").nth(index).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert errors == []
        assert blocked == []
    finally:
        page.close()


@pytest.mark.roadmark("STORY-93/AC-3")
def test_on_a_phone_the_board_scrolls_inside_its_own_box(
    browser: Browser, base: tuple[str, Site]
) -> None:
    url, site = base
    page, errors, _ = open_offline(browser, url + site.output(BOARD), 390)
    try:
        board = page.locator(".roadmark-kanban").first
        inner, outer = board.evaluate("node => [node.scrollWidth, node.clientWidth]")
        assert inner > outer  # five columns do not fit: the board scrolls, not the page
        board.evaluate("node => { node.scrollLeft = node.scrollWidth; }")
        assert board.evaluate("node => node.scrollLeft") > 0
        assert page.evaluate("window.scrollX") == 0
        assert errors == []
    finally:
        page.close()


@pytest.mark.roadmark("STORY-93/AC-3")
def test_cards_are_readable_in_light_and_dark_schemes(
    browser: Browser, base: tuple[str, Site]
) -> None:
    url, site = base
    page, errors, _ = open_offline(browser, url + site.output(SPRINT), 1400)
    try:
        card = page.locator(".roadmark-kanban li").first

        def contrast() -> tuple[float, float]:
            text = card.evaluate("node => getComputedStyle(node).color")
            ground = card.evaluate("node => getComputedStyle(node).backgroundColor")
            return luminance(text), luminance(ground)

        light_text, light_ground = contrast()
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        dark_text, dark_ground = contrast()
        assert light_ground - light_text > 0.5  # dark text on a light card
        assert dark_text - dark_ground > 0.5  # light text on a dark card
        assert errors == []
    finally:
        page.close()
