"""Index pages in headless Chromium (STORY-74): the filter box and column filters narrow the
rows and update the count, status sorts in workflow order, and the page never scrolls sideways.

Screenshots of the story index at 1400 and 390 pixels go to `$ROADMARK_SCREENSHOTS` when set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browsers import keep_local, served
from sites import PRODUCT, build, mkdocs_config, spec, write_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

STATUSES = ("backlog", "ready", "in-progress", "review", "done")
TEAMS = ("core", "site", "data")


def more_stories(count: int) -> dict[str, str]:
    """Stories with long titles and every default column filled, as a real backlog has."""
    return {
        f"product/stories/STORY-{n}.md": spec(
            f"STORY-{n}", "story",
            f"Story {n}: a title long enough to wrap in a narrow column of a squeezed table",
            STATUSES[n % len(STATUSES)],
            "## Acceptance criteria\n\n- AC-1: Given a, when b, then c.\n",
            epic="EPIC-1", release="R1", estimate=n % 8, owner=f"owner-{n % 4}",
            team=TEAMS[n % 3], priority=f"P{n % 4}", type="feature", sprint=f"2026-S{40 + n % 3}",
        )
        for n in range(10, 10 + count)
    }  # fmt: skip


TOTAL = 4 + 30


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("indexes-browser")
    config = mkdocs_config()
    config["theme"]["features"] = ["navigation.instant"]
    write_project(root, PRODUCT | more_stories(30) | {"docs/index.md": "# Home\n"}, config)
    site = build(root)
    with served(site.site_dir) as url:
        yield url


def open_stories(browser: Browser, base_url: str, width: int, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    page = context.new_page()
    keep_local(page, base_url)  # offline: anything but the test server is refused
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(error.message))
    page.goto(base_url + "product/stories/")
    page.wait_for_selector(".roadmark-filters:not([hidden])")
    assert errors == []
    return page


def shown_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#roadmark-index-story tbody tr:not([hidden]) td:first-child",
        "cells => cells.map(cell => cell.textContent.trim())",
    )


def count(page: Page) -> str:
    return page.inner_text(".roadmark-count").strip()


@pytest.mark.roadmark("STORY-74/AC-2")
def test_the_filter_box_and_a_status_filter_narrow_the_rows_and_the_count(
    browser: Browser, base_url: str
) -> None:
    page = open_stories(browser, base_url, 1400)
    assert count(page) == f"{TOTAL} of {TOTAL} stories"
    page.fill("[data-roadmark-filter-text]", "json")
    assert shown_ids(page) == ["STORY-1", "STORY-3"]
    assert count(page) == f"2 of {TOTAL} stories"
    page.fill("[data-roadmark-filter-text]", "")
    status = page.locator("label", has_text="Status").locator("select")
    status.select_option("done")
    done = shown_ids(page)
    assert "STORY-2" in done and "STORY-1" not in done
    cells = page.eval_on_selector_all(
        "#roadmark-index-story tbody tr:not([hidden]) td:nth-child(3)",
        "cells => cells.map(cell => cell.textContent.trim())",
    )
    assert set(cells) == {"done"}
    assert count(page) == f"{len(done)} of {TOTAL} stories"
    page.fill("[data-roadmark-filter-text]", "story 15:")  # done, and 15 % 5 == 0 is backlog
    assert shown_ids(page) == []
    assert count(page) == f"0 of {TOTAL} stories"
    page.context.close()


@pytest.mark.roadmark("STORY-74/AC-3")
def test_sorting_by_status_follows_the_workflow(browser: Browser, base_url: str) -> None:
    page = open_stories(browser, base_url, 1400)
    page.click("#roadmark-index-story th:has-text('Status')")
    statuses = page.eval_on_selector_all(
        "#roadmark-index-story tbody td:nth-child(3)",
        "cells => cells.map(cell => cell.textContent.trim())",
    )
    ranks = [STATUSES.index(status) for status in statuses]
    assert ranks == sorted(ranks) and statuses[0] == "backlog" and statuses[-1] == "done"
    page.click("#roadmark-index-story th:has-text('Priority')")
    priorities = page.eval_on_selector_all(
        "#roadmark-index-story tbody td:nth-child(4)",
        "cells => cells.map(cell => cell.textContent.trim())",
    )
    assert priorities == sorted(priorities)
    page.context.close()


@pytest.mark.roadmark("STORY-74/AC-1")
@pytest.mark.parametrize("width", [1400, 390])
def test_the_page_never_scrolls_sideways(browser: Browser, base_url: str, width: int) -> None:
    page = open_stories(browser, base_url, width)
    folder = os.environ.get("ROADMARK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"stories-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    table_width = page.evaluate(
        "document.getElementById('roadmark-index-story').getBoundingClientRect().width"
    )
    if width == 1400:
        # The content column is wider than Material's text column (about 780 px at this size).
        assert table_width > 1000
        title = page.locator("#roadmark-index-story tbody tr").nth(5).locator("td").nth(1)
        assert title.bounding_box()["height"] < 60  # two lines at most, not four to six
    page.context.close()
