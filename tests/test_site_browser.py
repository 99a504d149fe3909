"""The built site in headless Chromium: links PRD → epic → story → criterion, search, sorting.

Runs Debian's `chromium` through Playwright's Python package (Playwright's own
browser download is not used). Outside CI a missing browser skips these tests;
under CI (the `CI` variable set) it fails them, so they are never silently lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from browsers import keep_local, served, unavailable
from sites import DOCS, PRODUCT, USER_NAV, build, mkdocs_config, write_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page

pytestmark = pytest.mark.browser

TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small product built with Material's instant navigation, served on the loopback."""
    root = tmp_path_factory.mktemp("browser")
    config = mkdocs_config(nav=USER_NAV)
    config["theme"]["features"] = ["navigation.instant", "navigation.prune"]
    write_project(root, PRODUCT | DOCS, config)
    site = build(root)
    with served(site.site_dir) as url:
        yield url


@dataclass
class Tab:
    """A browser page on the site, with what went wrong in it."""

    page: Page
    base: str
    errors: list[str] = field(default_factory=list)
    """Uncaught script errors and console errors (such as a missing asset)."""
    outside: list[str] = field(default_factory=list)
    """Requests for anything but the test server; blocked, so the tests stay offline.

    Not an error here: Material fetches Mermaid from a CDN for pages with diagrams."""

    def page_error(self, error: Error) -> None:
        """Record an uncaught script error, unless it is about a blocked outside script."""
        # Material reports a CDN script it could not load (Mermaid) as "Invalid script: <url>";
        # that is the price of running offline, not an error of the site.
        if not any(url in error.message for url in self.outside):
            self.errors.append(f"pageerror: {error.message}")

    def url(self, path: str) -> re.Pattern[str]:
        """A pattern matching the full URL of a site path (and nothing after it)."""
        return re.compile(re.escape(self.base + path) + "$")

    def assert_clean(self) -> None:
        """No script errors, and no error loading the site's own pages and assets."""
        assert self.errors == [], f"blocked outside requests: {self.outside}"


@pytest.fixture
def tab(browser: Browser, base_url: str) -> Iterator[Tab]:
    """A fresh page that may only talk to the test server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    tab = Tab(page, base_url)

    def on_console(message: ConsoleMessage) -> None:
        # A blocked outside request is listed in `outside`; an error of our own site is not.
        source = message.location.get("url", "")
        if message.type == "error" and (not source or source.startswith(base_url)):
            tab.errors.append(f"console: {message.text} ({source})")

    tab.outside = keep_local(page, base_url)
    page.on("pageerror", tab.page_error)
    page.on("console", on_console)
    try:
        yield tab
    finally:
        context.close()


@pytest.mark.roadmark("STORY-22/AC-3")
def test_under_ci_a_missing_browser_fails_instead_of_skipping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`.ci/run` runs under CI=true, where these tests can never be silently skipped."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        unavailable("chromium is not installed")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        unavailable("chromium is not installed")


@pytest.mark.roadmark("STORY-22/AC-1")
def test_follow_links_from_prd_to_epic_to_story_to_criterion(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(tab.base + "product/prds/PRD-1/")
    expect(page.locator("h1")).to_have_text("PRD-1 · Export the plan")

    # The PRD's epics table links the epic; the epic's stories table links the story.
    page.locator("article table").get_by_role("link", name="EPIC-1", exact=True).first.click()
    page.wait_for_url(tab.url("product/epics/EPIC-1/"))
    expect(page.locator("article h1")).to_have_text("EPIC-1 · Exporters")
    page.locator("article table").get_by_role("link", name="STORY-1", exact=True).first.click()
    page.wait_for_url(tab.url("product/stories/STORY-1/"))
    expect(page.locator("article h1")).to_have_text("STORY-1 · JSON export")

    page.locator("article a.roadmark-clause", has_text="AC-2").click()
    page.wait_for_url(tab.url("product/stories/STORY-1/#ac-2"))
    criterion = page.locator("#ac-2")
    expect(criterion).to_have_count(1)
    expect(criterion).to_be_in_viewport()
    expect(page.locator("li", has=criterion)).to_contain_text("Given a problem, when exported")
    tab.assert_clean()


def test_a_cross_link_in_a_docs_page_lands_on_the_criterion(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(tab.base)
    page.locator("article a.roadmark-ref", has_text="STORY-1/AC-2").click()
    page.wait_for_url(tab.url("product/stories/STORY-1/#ac-2"))
    expect(page.locator("#ac-2")).to_be_in_viewport()
    tab.assert_clean()


@pytest.mark.roadmark("STORY-22/AC-2")
def test_materials_search_finds_a_story_by_its_id_and_by_its_title(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(tab.base)
    search = page.locator("input.md-search__input")
    first = page.locator(".md-search-result__item > a.md-search-result__link").first
    search.click()
    # Typed key by key: Material searches on keyboard input, not on a value set at once.
    search.press_sequentially("CSV import", delay=20)
    expect(first).to_have_attribute("href", tab.url("product/stories/STORY-4/"))
    search.fill("")
    search.press_sequentially("STORY-3", delay=20)
    expect(first).to_have_attribute("href", tab.url("product/stories/STORY-3/"))
    expect(first.locator("h1")).to_have_text("STORY-3 · JSON import")
    first.click()
    page.wait_for_url(tab.url("product/stories/STORY-3/"))
    tab.assert_clean()


@pytest.mark.roadmark("STORY-17/AC-1")
def test_clicking_a_column_heading_sorts_the_index(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(tab.base + "product/")
    # Reached through instant navigation, so sorting must hook Material's page loads.
    page.locator("article").get_by_role("link", name="Stories", exact=True).click()
    page.wait_for_url(tab.url("product/stories/"))
    ids = page.locator("article table tbody tr td:first-child")
    expect(ids).to_have_text(["STORY-1", "STORY-2", "STORY-3", "STORY-4"])

    heading = page.locator("article table thead th", has_text="Estimate")
    heading.click()
    expect(ids).to_have_text(["STORY-4", "STORY-1", "STORY-2", "STORY-3"])  # 2, 3, 5, 8 points
    expect(heading).to_have_attribute("aria-sort", "ascending")
    heading.click()
    expect(ids).to_have_text(["STORY-3", "STORY-2", "STORY-1", "STORY-4"])
    expect(heading).to_have_attribute("aria-sort", "descending")
    page.locator("article table thead th", has_text="Owner").click()
    expect(page.locator("article table tbody tr td:nth-child(5)")).to_have_text(
        ["alex", "alex", "bo", "bo"]
    )
    tab.assert_clean()
