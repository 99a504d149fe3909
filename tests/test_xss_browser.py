"""Hostile spec text in headless Chromium: every field holds an XSS payload (STORY-62/AC-1).

Escaping text once is not enough where a theme reads text back and writes it as HTML:
Material's `content.tooltips` copies each `title` attribute into a tooltip's
`innerHTML`, its ellipsis patch copies a truncated navigation or table-of-contents
entry's text into such a title, and search renders index entries as HTML. So the
site is built with those features on (and `abbr`, `magiclink` and the macros plugin
next to ours), every page is opened, every element with a tooltip is hovered, search
is typed into and its highlighting followed, and then no dialog may have fired and no
payload may stand in the page as markup.

Spec bodies are the author's own Markdown, in which raw HTML stays HTML: their payloads
are in code spans, where the page shows them as text but a careless copy of the clause
text (a tooltip, the trace matrix) would not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pytest

from browsers import keep_local, served
from roadmark.render.html import WORD_JOINER
from sites import Site, build, md, mkdocs_config, spec, write_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

pytestmark = pytest.mark.browser

TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

FIELDS: dict[int, str] = {}
"""Which field holds payload number `n`: a dialog saying `n` names the field that leaked."""


def hostile(where: str) -> str:
    """Both markup payloads, numbered for the field `where`: a tag breaking out of an
    attribute, and a script element."""
    number = len(FIELDS) + 1
    FIELDS[number] = where
    return hostile_text(number)


def hostile_text(number: int) -> str:
    """Payload `number` of `hostile`, as a reader should see it."""
    return f'"><img src=x onerror=alert({number})> <script>alert({number})</script>'


def coded(where: str) -> str:
    """A payload in a code span: text on its own page, markup wherever it is copied raw."""
    number = len(FIELDS) + 1
    FIELDS[number] = where
    return f"`<img src=x onerror=alert({number})>`"


TEMPLATE = "{{ 7*7 }}"
JS_URL = "javascript:alert(0)"

PRD = "product/prds/PRD-1.md"
EPIC = "product/epics/EPIC-1.md"
STORY = "product/stories/STORY-1.md"
OPTED_IN = "product/stories/STORY-2.md"
RELEASE = "product/releases/R1.md"

FILES: dict[str, str] = {
    PRD: spec(
        "PRD-1", "prd", "A plan " + hostile("PRD title"), "approved",
        f"""
        Body prose keeps {TEMPLATE} and {coded("PRD body")}; see STORY-1.

        ## Requirements

        - R-1: The system shall keep {coded("requirement text")} as text.

        ## Success metrics
        """,
        owner=hostile("PRD owner"), team=hostile("PRD team"), theme=hostile("PRD theme"),
        tags=[hostile("PRD tag"), JS_URL], release="R1", customer=hostile("PRD custom field"),
        links=[JS_URL, hostile("PRD custom list")],
        description=hostile("PRD description"), subtitle=hostile("PRD subtitle"),
        metrics=[{"name": hostile("metric name"), "baseline": hostile("metric baseline"),
                  "target": TEMPLATE}],
    ),
    EPIC: spec(
        "EPIC-1", "epic", hostile("epic title"), "in-progress", "Delivers PRD-1/R-1.\n",
        prd="PRD-1", release="R1", owner=JS_URL, team=TEMPLATE, theme=hostile("epic theme"),
        start=date(2026, 9, 1), target=date(2026, 11, 30),
    ),
    STORY: spec(
        "STORY-1", "story", hostile("story title"), "in-progress",
        f"""
        As a reader I want text, not script: {coded("story body")}.

        ## Acceptance criteria

        - AC-1: Given {coded("criterion text")}, then it is text.
        - AC-2: Given a skipped test, then its message is text.
        """,
        epic="EPIC-1", release="R1", implements=["PRD-1/R-1"], estimate=3,
        owner=hostile("story owner"), team=hostile("story team"), sprint=hostile("sprint"),
        tags=[hostile("story tag")], customer=JS_URL, priority="P1", type="feature",
    ),
    OPTED_IN: spec(
        # Its author opted its body into macros; its title must stay text all the same.
        "STORY-2", "story", f"{TEMPLATE} " + hostile("opted-in title"), "ready",
        """
        A body its author made a template.

        ## Acceptance criteria

        - AC-1: Given a template title, then it is shown as written.
        """,
        epic="EPIC-1", depends_on=["STORY-1"], estimate=1, priority="P0", sprint=TEMPLATE,
        render_macros=True,
    ),
    RELEASE: spec(
        "R1", "release", hostile("release title"), "in-progress", "The first cut.\n",
        start=date(2026, 9, 1), date=date(2026, 12, 1), owner=hostile("release owner"),
    ),
    "reports/junit.xml": md(
        """
        <?xml version="1.0" encoding="utf-8"?>
        <testsuites><testsuite name="hostile" tests="2">
          <testcase classname="CLASS" name="NAME" file="FILE">
            <properties><property name="roadmark" value="STORY-1/AC-1"/></properties>
            <failure message="FAILURE">details</failure>
          </testcase>
          <testcase classname="tests.safe" name="test_skipped">
            <properties><property name="roadmark" value="STORY-1/AC-2"/></properties>
            <skipped message="SKIPPED"/>
          </testcase>
        </testsuite></testsuites>
        """
    ),
    "docs/index.md": md(
        f"""
        # Home

        Cross-links: STORY-1, STORY-1/AC-1, PRD-1/R-1, EPIC-1, R1 and STORY-2. The HTML
        spec is at https://example.com/spec; {TEMPLATE} is rendered here, in a docs page.

        *[HTML]: Hyper Text Markup Language

        {{{{ items(kind="story") }}}}

        {{{{ roadmap(views="board timeline") }}}}
        """
    ),
    "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n",
}  # fmt: skip
"""Two stories, one epic, one PRD, one release and test results, hostile everywhere."""


def _junit_attributes() -> dict[str, str]:
    """The JUnit payloads, escaped for an XML attribute (expat decodes them back)."""
    values = {
        "CLASS": hostile("JUnit classname"),
        "NAME": "test_" + hostile("JUnit name"),
        "FILE": hostile("JUnit file"),
        "FAILURE": hostile("JUnit failure message"),
        "SKIPPED": hostile("JUnit skip message"),
    }
    return {
        key: value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        for key, value in values.items()
    }


for _key, _value in _junit_attributes().items():
    FILES["reports/junit.xml"] = FILES["reports/junit.xml"].replace(f'"{_key}"', f'"{_value}"')

FIELDS_BY_NAME = {where: number for number, where in FIELDS.items()}

CONFIG = mkdocs_config(
    ["search", "tags", "roadmark", "macros"],
    markdown_extensions=["abbr", "attr_list", "md_in_html", "pymdownx.magiclink", "toc"],
    nav=[{"Home": "index.md"}, {"Tags": "tags.md"}],
)
CONFIG["theme"]["features"] = [
    "content.tooltips", "search.highlight", "navigation.instant", "navigation.sections",
]  # fmt: skip
CONFIG["plugins"][2] = {
    "roadmark": {
        "test_results": ["reports/junit.xml"],
        "fields": {"customer": {"type": "string"}, "links": {"type": "list"}},
    }
}
CONFIG["plugins"][3] = {"macros": {"modules": ["roadmark.macros"]}}

PAGES = (
    "index.md", "tags.md", PRD, EPIC, STORY, OPTED_IN, RELEASE,
    "product/index.md", "product/prds.md", "product/epics.md", "product/stories.md",
    "product/releases.md", "product/roadmap.md", "product/trace.md",
    "product/trace/PRD-1.md", "product/trace/failing-criteria.md",
    "product/trace/untested-criteria.md",
)  # fmt: skip
"""Every kind of page: docs pages with cross-links and macros, each kind's item page, the
overview, each index, the roadmap and the traceability pages (the hub, a PRD's matrix with
its test messages, the failing and untested lists)."""

LIVE = re.compile(r"""<img\b[^>]*\bonerror|<script>alert|href=["']?javascript:""", re.I)
"""A payload standing as markup in serialized HTML (escaped text has `&lt;` instead)."""

_HOVER = """() => {
  const hosts = document.querySelectorAll("[title], .md-ellipsis, a");
  for (const el of hosts) {
    el.dispatchEvent(new MouseEvent("mouseenter"));
    el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
  }
  return hosts.length;
}"""
"""Hover every element that has or may get a tooltip: Material listens for `mouseenter`."""

_INJECTED = """() => {
  const scripts = [...document.scripts].filter(s => s.text.includes("alert("));
  return [...document.querySelectorAll('img[src="x"]')].map(el => el.outerHTML)
    .concat(scripts.map(el => el.outerHTML));
}"""


@dataclass
class Visit:
    """A browser page on the hostile site, with every dialog that opened in it."""

    page: Page
    base: str
    site: Site
    dialogs: list[str] = field(default_factory=list)
    """Dialogs since the last check, by the field whose payload opened them."""
    leaks: list[str] = field(default_factory=list)
    """Everything found so far, by page: checked at the end, so one run lists them all."""

    def on_dialog(self, dialog: Dialog) -> None:
        """Record a dialog (by the field its number names) and close it."""
        number = int(dialog.message) if dialog.message.isdigit() else 0
        self.dialogs.append(f"{dialog.message}: {FIELDS.get(number, 'unknown field')}")
        dialog.dismiss()

    def open(self, src_uri: str, query: str = "") -> None:
        """Load the page built from `src_uri`, hover everything, and check it."""
        output = self.site.output(src_uri).removesuffix("index.html")
        self.page.goto(self.base + output + query)
        self.page.wait_for_load_state("load")
        self.hover_all(src_uri)

    def hover_all(self, where: str) -> None:
        """Hover every tooltip host twice: once as loaded, once after the ellipsis patch
        (which gives truncated entries their titles once they have been seen)."""
        for _ in range(2):
            assert self.page.evaluate(_HOVER) > 0
            self.page.wait_for_timeout(150)  # tooltips open after a debounce
        self.check(where)

    def check(self, where: str) -> None:
        """Note any dialog, injected element or payload standing as markup in the live DOM."""
        found = [f"dialog {message}" for message in sorted(set(self.dialogs))]
        found += [f"element {html}" for html in self.page.evaluate(_INJECTED)]
        markup = self.page.evaluate("() => document.documentElement.outerHTML")
        found += [f"markup {match}" for match in sorted(set(LIVE.findall(markup)))]
        self.leaks += [f"{where}: {leak}" for leak in found]
        self.dialogs.clear()

    def assert_inert(self) -> None:
        """Nothing was found on any page checked."""
        assert self.leaks == [], "\n".join(self.leaks)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("hostile")
    write_project(root, FILES, CONFIG)
    return build(root)


@pytest.fixture
def visit(browser: Browser, hostile_site: Site) -> Iterator[Visit]:
    """A fresh page on the served hostile site that may only talk to the test server."""
    with served(hostile_site.site_dir) as base:
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        visit = Visit(page, base, hostile_site)

        keep_local(page, base)  # offline, as a build is: no CDN's Mermaid is fetched
        page.on("dialog", visit.on_dialog)
        try:
            yield visit
        finally:
            context.close()


@pytest.mark.roadmark("STORY-62/AC-1")
def test_no_payload_runs_on_any_page_hovered_searched_or_navigated(visit: Visit) -> None:
    from playwright.sync_api import expect

    for src_uri in PAGES:
        visit.open(src_uri)
    page = visit.page
    # On a phone the header cuts a long page title short, and Material gives it its text
    # as a title, decoded: the one place a theme reads our text back for a tooltip.
    page.set_viewport_size(PHONE)
    for src_uri in (PRD, RELEASE, "product/roadmap.md"):
        visit.open(src_uri)
    page.set_viewport_size(DESKTOP)

    # Search: results are rendered as HTML from the index, titles and tags included.
    visit.open("index.md")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("onerror", delay=10)
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible()
    visit.hover_all("search results")
    # Following a result highlights the query on the page it opens (`?h=`), instantly.
    page.locator(".md-search-result__link").first.click()
    page.wait_for_url(re.compile(r"\?h="))
    expect(page.locator("mark[data-md-highlight]").first).to_be_attached()
    visit.hover_all("a page opened from search, highlighted")
    visit.open(STORY, "?h=img+src+onerror+script+alert")
    expect(page.locator("mark[data-md-highlight]").first).to_be_attached()

    # Instant navigation swaps the content in and mounts its tooltips again.
    visit.open("index.md")
    page.locator("article a.roadmark-ref", has_text="STORY-1/AC-1").first.click()
    page.wait_for_url(re.compile(r"STORY-1/#ac-1$"))
    visit.hover_all("STORY-1 reached by instant navigation")
    page.locator("article a.roadmark-ref, article a", has_text="EPIC-1").first.click()
    page.wait_for_url(re.compile(r"EPIC-1/$"))
    visit.hover_all("EPIC-1 reached by instant navigation")
    visit.assert_inert()


def seen(page: Page, selector: str) -> str:
    """The text of the first element matching `selector` as a reader sees it: the word
    joiners that keep a `<` from opening a tag are invisible."""
    return page.locator(selector).first.inner_text().replace(WORD_JOINER, "")


@pytest.mark.roadmark("STORY-62/AC-1")
def test_payloads_show_as_the_text_written(visit: Visit) -> None:
    """Not merely inert: a reader sees each value as written, template syntax unevaluated."""
    page = visit.page
    visit.open(OPTED_IN)
    title = hostile_text(FIELDS_BY_NAME["opted-in title"])
    assert seen(page, "article h1") == f"STORY-2 · {TEMPLATE} {title}"
    visit.open(STORY)
    rows = page.locator(".roadmark-card tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))"
    )
    card = {field: value.replace(WORD_JOINER, "") for field, value in rows}
    assert card["Owner"] == hostile_text(FIELDS_BY_NAME["story owner"])
    assert card["Sprint"] == hostile_text(FIELDS_BY_NAME["sprint"])
    assert card["Customer"] == JS_URL
    assert page.locator("a[href^='javascript:']").count() == 0
    # Hovering a cross-link shows its target's title, as text, in Material's tooltip.
    page.goto(visit.base)
    link = page.locator("article a.roadmark-ref", has_text="STORY-1").first
    link.hover()
    page.wait_for_function("el => el.hasAttribute('aria-describedby')", arg=link.element_handle())
    tooltip = f"#{link.get_attribute('aria-describedby')}"
    assert seen(page, tooltip) == hostile_text(FIELDS_BY_NAME["story title"])
    assert "49 is rendered here, in a docs page" in seen(page, "article")
    visit.check("a hovered cross-link")
    # Spec bodies are never templates unless their author says so.
    visit.open(PRD)
    assert f"Body prose keeps {TEMPLATE} and" in seen(page, "article")
    visit.assert_inert()
