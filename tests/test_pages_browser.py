"""Every kind of page of a generated product of 300 stories, in a real browser at a desktop
and a phone width: nothing leaves the machine, no raw diagram source shows, nothing
overflows sideways. A screenshot of each is kept under `reports/screenshots/` for review."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from browsers import keep_local, served
from sites import build, generated_corpus, write_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "reports" / "screenshots"
WIDTHS = (1400, 390)

KINDS = {
    "home": r"",
    "product": r"product/",
    "prd-index": r"product/prds/",
    "prd": r"product/prds/PRD-\d+/",
    "epic-index": r"product/epics/",
    "epic": r"product/epics/EPIC-\d+/",
    "story-index": r"product/stories/",
    "story": r"product/stories/STORY-\d+/",
    "release-index": r"product/releases/",
    "release": r"product/releases/[^/]+/",
    "roadmap": r"product/roadmap/",
    "dependencies": r"product/dependencies/",
    "trace": r"product/trace/",
    "trace-prd": r"product/trace/PRD-\d+/",
    "trace-failing": r"product/trace/failing-criteria/",
    "trace-untested": r"product/trace/untested-criteria/",
}
"""One page of each kind: the first page path, in sorted order, that matches."""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The 300-story benchmark corpus, built and served; with one page path per kind."""
    root = tmp_path_factory.mktemp("pages") / "project"
    generated_corpus(root, 300)
    # Material loads Google Fonts unless told not to (or given its privacy plugin): the
    # reader's choice, not Roadmark's; every other request must stay on the machine.
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["font"] = False
    write_project(root, {}, config)
    site = build(root)
    # Every page's path, in a stable order (without site_url, the sitemap lists none).
    paths = sorted(
        ""
        if page.parent == site.site_dir
        else page.parent.relative_to(site.site_dir).as_posix() + "/"
        for page in site.site_dir.rglob("index.html")
    )
    chosen: dict[str, str] = {}
    for kind, pattern in KINDS.items():
        matching = [path for path in paths if re.fullmatch(pattern, path)]
        assert matching, f"no {kind} page in the sitemap"
        chosen[kind] = matching[0]
    with served(site.site_dir) as url:
        yield url, chosen


@pytest.mark.browser
@pytest.mark.roadmark("STORY-73/AC-2", "STORY-74/AC-1")
@pytest.mark.parametrize("width", WIDTHS)
def test_every_kind_of_page_stays_on_the_machine_and_fits_the_screen(
    browser: Browser, site_url: tuple[str, dict[str, str]], width: int
) -> None:
    base, pages = site_url
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    left = keep_local(page, base)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing: dict[str, tuple[int, int]] = {}
    try:
        for kind, path in pages.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            text = page.locator("article").inner_text()
            assert text.strip(), f"{kind} shows no content"
            for source in ("flowchart ", "gantt", "dateFormat"):
                assert source not in text, f"{kind} shows raw diagram source ({source!r})"
            scroll, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                overflowing[kind] = (scroll, inner)
            page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width}.png"))
    finally:
        context.close()
    assert left == [], "requests left the machine"
    assert errors == [], "script errors"
    assert overflowing == {}, "pages wider than the screen (page width, screen width)"


@pytest.mark.browser
@pytest.mark.roadmark("STORY-74/AC-2")
def test_the_story_index_of_300_stories_filters_by_text_and_by_team(
    browser: Browser, site_url: tuple[str, dict[str, str]]
) -> None:
    base, pages = site_url
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(base + pages["story-index"])
        rows = page.locator("#roadmark-index-story tbody tr:not([hidden])")
        assert page.inner_text(".roadmark-count").strip() == "300 of 300 stories"
        assert rows.count() == 300
        team = page.locator("label", has_text="Team").locator("select")
        team.select_option("checkout")
        teams = page.eval_on_selector_all(
            "#roadmark-index-story tbody tr:not([hidden])",
            "rows => rows.map(row => row.textContent)",
        )
        assert 0 < len(teams) < 300
        assert all("checkout" in text for text in teams)
        assert page.inner_text(".roadmark-count").strip() == f"{len(teams)} of 300 stories"
        page.fill("[data-roadmark-filter-text]", "STORY-1")
        narrowed = rows.count()
        assert 0 < narrowed < len(teams)
        assert page.inner_text(".roadmark-count").strip() == f"{narrowed} of 300 stories"
    finally:
        context.close()
