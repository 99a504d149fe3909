"""Release notes for stakeholders (STORY-91): the done stories of a release by epic and by
type, with one-line summaries, on pages, in an Atom feed and through the macro."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import feedparser  # type: ignore[import-untyped]  # it ships no type hints
import markdown
import pytest

from roadmark.plan.release_notes import (
    ReleaseNotes,
    plan_all_release_notes,
    plan_release_notes,
    summary_line,
)
from roadmark.render.atom import FeedSite, release_feed
from roadmark.render.markdown import Linker
from roadmark.render.release_notes import (
    release_notes_markdown,
    release_notes_pages,
    render_release_notes,
)
from roadmark.spec.graph import Graph
from roadmark.spec.product import Product, load_product
from roadmark.spec.project import load_project
from sites import mkdocs_config, parse, pluglet, spec, write_project

HOSTILE = "<img src=x onerror=alert(1)>"


def _story(number: int, status: str, body: str = "", **fields: Any) -> tuple[str, str]:
    item_id = f"STORY-{number}"
    title = fields.pop("title", f"Story {number}")
    return f"product/stories/{item_id}.md", spec(item_id, "story", title, status, body, **fields)


RELEASES = {
    "product/releases/R1.md": spec("R1", "release", "First", "released", date="2026-03-31"),
    "product/releases/R2.md": spec("R2", "release", "Second", "released", date="2026-05-15"),
    "product/releases/R3.md": spec("R3", "release", "Third", "planned", date="2026-09-01"),
    "product/releases/R4.md": spec("R4", "release", "Undated", "released"),
}
EPICS = {
    "product/epics/EPIC-1.md": spec("EPIC-1", "epic", "Search", "done", release="R1"),
    "product/epics/EPIC-2.md": spec("EPIC-2", "epic", "Exports", "in-progress"),
    "product/epics/EPIC-3.md": spec("EPIC-3", "epic", "Dropped", "cancelled", release="R1"),
    "product/epics/EPIC-10.md": spec("EPIC-10", "epic", "Sharing", "done", release="R1"),
}
STORIES = dict(
    [
        _story(1, "done", "Save a search and run it again. It keeps its filters.\n", epic="EPIC-1",
               type="feature"),
        _story(2, "done", "## Why\n\nFixes the **crash** when [saving](x.md) twice.\n",
               epic="EPIC-1", type="bug", title=HOSTILE),
        _story(3, "done", "Refactor the index.\n", epic="EPIC-1", type="tech-debt"),
        _story(4, "in-progress", "Not done yet.\n", epic="EPIC-1", type="feature"),
        _story(5, "done", "Share a link.\n", epic="EPIC-10", type="feature"),
        _story(6, "done", "Try a parser.\n", epic="EPIC-2", type="spike", release="R1"),
        _story(7, "done", "- AC-1: only criteria, no prose.\n", type="bug", release="R1"),
        _story(8, "done", "Untyped change.\n", release="R1"),
        _story(9, "done", "Under a cancelled epic.\n", epic="EPIC-3", type="feature"),
        _story(10, "cancelled", "Cancelled.\n", epic="EPIC-1", type="feature"),
        _story(11, "done", "Export to CSV.\n", epic="EPIC-2", type="feature", release="R2"),
    ]
)  # fmt: skip
FILES = {"docs/index.md": "# Home\n", **RELEASES, **EPICS, **STORIES}


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Product:
    root = write_project(tmp_path_factory.mktemp("notes"), FILES, mkdocs_config())
    project = load_project(cwd=root)
    return load_product(project.root, project.settings)


def shape(notes: ReleaseNotes) -> list[tuple[str | None, list[tuple[str, list[str]]]]]:
    """The grouping alone: (epic, [(type heading, [story ids])])."""
    return [
        (epic.epic, [(group.title, [note.id for note in group.notes]) for group in epic.types])
        for epic in notes.epics
    ]


@pytest.mark.roadmark("STORY-91/AC-1")
def test_done_stories_are_grouped_by_epic_in_id_order_then_by_type(product: Product) -> None:
    notes = plan_release_notes(product.graph, product.settings, "R1")
    assert shape(notes) == [
        ("EPIC-1", [("Features", ["STORY-1"]), ("Fixes", ["STORY-2"])]),
        # EPIC-2 holds only a spike in R1: left out, group and all. EPIC-3 was cancelled.
        ("EPIC-10", [("Features", ["STORY-5"])]),
        (None, [("Fixes", ["STORY-7"]), ("Other changes", ["STORY-8"])]),
    ]
    assert [epic.title for epic in notes.epics] == ["Search", "Sharing", "Other stories"]
    assert (notes.release, notes.title, notes.released) == ("R1", "First", True)
    assert shape(plan_release_notes(product.graph, product.settings, "R2")) == [
        ("EPIC-2", [("Features", ["STORY-11"])])
    ]
    assert plan_release_notes(product.graph, product.settings, "R3").epics == ()


@pytest.mark.roadmark("STORY-91/AC-1")
def test_configured_types_are_listed_in_their_order(product: Product) -> None:
    types = ("spike", "tech-debt", "feature")
    notes = plan_release_notes(product.graph, product.settings, "R1", types)
    assert shape(notes) == [
        ("EPIC-1", [("Tech debt", ["STORY-3"]), ("Features", ["STORY-1"])]),
        ("EPIC-2", [("Spikes", ["STORY-6"])]),
        ("EPIC-10", [("Features", ["STORY-5"])]),
        (None, [("Other changes", ["STORY-8"])]),  # bugs are not among the types now
    ]


@pytest.mark.roadmark("STORY-91/AC-1")
def test_each_story_has_its_first_sentence_of_prose_as_summary(product: Product) -> None:
    notes = {n.id: n for n in plan_release_notes(product.graph, product.settings, "R1").notes}
    assert notes["STORY-1"].summary == "Save a search and run it again."
    assert notes["STORY-2"].summary == "Fixes the crash when saving twice."
    assert notes["STORY-2"].title == HOSTILE  # escaped where written, not here
    assert notes["STORY-7"].summary == ""  # criteria are not prose


SUMMARIES = [
    ("As a PM, I want notes, so that e.g. people learn. Then.", "As a PM, I want notes, so that "
     "e.g. people learn."),
    ("# Title\nFirst *line*\nof `one` paragraph.\n\nSecond.", "First line of one paragraph."),
    ("```\ncode. Here\n```\n\n!!! note\n    Aside.\n\n<b>Bold</b> snake_case!", "Bold "
     "snake_case!"),
    ("> quoted\n\n| a | b |\n\nProse ![diagram](d.svg) here.", "Prose diagram here."),
    ("", ""),
    ("word " * 100, "word " * 39 + "word…"),
]  # fmt: skip
"""Bodies and their summary lines: headings, fences, admonitions, quotes and tables are not
prose; links, images, emphasis, code and tags become their text."""


@pytest.mark.roadmark("STORY-91/AC-1")
@pytest.mark.parametrize(("body", "summary"), SUMMARIES)
def test_the_summary_line(body: str, summary: str) -> None:
    assert summary_line(body) == summary


def _pages(product: Product, **kwargs: Any) -> dict[str, str]:
    notes = plan_all_release_notes(product.graph, product.settings)
    pages = release_notes_pages(notes, **kwargs)
    items = {item.id: f"product/{item.path}" for item in product.graph.items.values()}
    rendered = {page.name: page.render(Linker(items, f"product/{page.name}.md")) for page in pages}
    return rendered | {f"{page.name}:listed": str(page.listed) for page in pages}


@pytest.mark.roadmark("STORY-91/AC-1")
def test_the_hub_lists_releases_newest_first_with_links_to_notes_and_feed(
    product: Product,
) -> None:
    pages = _pages(product)
    hub = parse(markdown.markdown(pages["release-notes"], extensions=["tables"]))
    links = [(a.text, a.get("href")) for a in hub.find_all("a")]
    assert links == [
        ("Atom feed", "release-notes.xml"),
        ("R3", "release-notes/R3.md"),  # planned, latest date
        ("R2", "release-notes/R2.md"),
        ("R1", "release-notes/R1.md"),
        ("R4", "release-notes/R4.md"),  # no date: last
    ]
    assert pages["release-notes:listed"] == "True"
    assert {pages[f"release-notes/R{n}:listed"] for n in range(1, 5)} == {"False"}
    assert "Atom feed" not in _pages(product, feed=None)["release-notes"]


@pytest.mark.roadmark("STORY-91/AC-1")
def test_a_release_page_shows_its_notes_by_epic_then_type_every_value_escaped(
    product: Product,
) -> None:
    source = _pages(product)["release-notes/R1"]
    page = parse(markdown.markdown(source, extensions=["tables"]))
    assert page.find("img") is None and "onerror" not in str(page.find_all("a"))
    headings = [(h.tag, h.text) for h in page.iter() if h.tag in ("h1", "h2", "h3")]
    assert headings == [
        ("h1", "Release notes: R1 · First"),
        ("h2", "EPIC-1 · Search"),
        ("h3", "Features"),
        ("h3", "Fixes"),
        ("h2", "EPIC-10 · Sharing"),
        ("h3", "Features"),
        ("h2", "Other stories"),
        ("h3", "Fixes"),
        ("h3", "Other changes"),
    ]
    items = [li.text for li in page.find_all("li")]
    assert items[:2] == [
        "STORY-1 Story 1: Save a search and run it again.",
        f"STORY-2 {HOSTILE}: Fixes the crash when saving twice.".replace("<", "<\u2060"),
    ]
    links = {a.text: a.get("href") for a in page.find_all("a")}
    assert links["STORY-1"] == "../stories/STORY-1.md"
    assert links["EPIC-1"] == "../epics/EPIC-1.md"
    assert links["all release notes"] == "../release-notes.md"
    empty = _pages(product)["release-notes/R3"]
    assert "No done story ships in this release yet." in empty


@pytest.mark.roadmark("STORY-91/AC-3")
def test_the_github_markdown_has_no_links_and_inert_mentions(tmp_path: Path) -> None:
    files = {
        **FILES,
        "product/stories/STORY-12.md": spec(
            "STORY-12", "story", "Thanks @octocat for #12 ~~x~~", "done", "Body.\n", release="R2"
        ),
    }
    root = write_project(tmp_path, files, mkdocs_config())
    product = load_product(root, load_project(cwd=root).settings)
    notes = plan_release_notes(product.graph, product.settings, "R2")
    out = release_notes_markdown(notes)
    assert out.startswith("Released on 2026-05-15: 2 stories.\n\n## EPIC-2 · Exports\n")
    assert "](" not in out
    assert "@&#8203;octocat" in out and "\\#&#8203;12" in out and "\\~\\~x\\~\\~" in out


def _feed(product: Product, **site: Any) -> str:
    notes = plan_all_release_notes(product.graph, product.settings)
    items = {item.id: f"product/{item.path}" for item in product.graph.items.values()}
    return release_feed(notes, FeedSite("Test <site>", "product", item_pages=items, **site))


@pytest.mark.roadmark("STORY-91/AC-2")
def test_the_feed_lists_released_releases_newest_first_and_parses(product: Product) -> None:
    text = _feed(product, site_url="https://example.org/docs/")
    feed = feedparser.parse(text)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    # A `<` that would open a tag is broken with a word joiner, as on every page (`html.plain`).
    assert feed.feed.title == "Test <\u2060site>: Release notes"
    assert feed.feed.id == "https://example.org/docs/product/release-notes/"
    assert feed.feed.updated == "2026-05-15T00:00:00Z"
    # R3 is planned and R4 has no date: neither is in the feed.
    assert [e.title for e in feed.entries] == ["R2 · Second", "R1 · First"]
    assert [e.link for e in feed.entries] == [
        "https://example.org/docs/product/release-notes/R2/",
        "https://example.org/docs/product/release-notes/R1/",
    ]
    assert [e.id for e in feed.entries] == [e.link for e in feed.entries]
    assert [e.updated for e in feed.entries] == ["2026-05-15T00:00:00Z", "2026-03-31T00:00:00Z"]
    assert feed.entries[0].updated_parsed[:3] == (2026, 5, 15)
    first = feed.entries[1].content[0]
    assert first.type == "text/html"
    assert '<a href="https://example.org/docs/product/stories/STORY-1/">STORY-1</a>' in first.value
    self_link = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == ["https://example.org/docs/product/release-notes.xml"]


@pytest.mark.roadmark("STORY-91/AC-2")
def test_the_feed_escapes_html_and_is_the_same_for_the_same_input(product: Product) -> None:
    text = _feed(product)
    assert text == _feed(product)
    root = ET.fromstring(text)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    content = root.findall("a:entry/a:content", ns)[1].text or ""
    assert "&lt;\u2060img src=x onerror=alert(1)&gt;" in content  # text inside the HTML
    assert "<img" not in content
    assert content.startswith("<h2>")  # HTML, escaped once more as the XML says
    assert root.findtext("a:entry/a:id", namespaces=ns) == (
        "tag:roadmark.invalid,2026:Test%20%3Csite%3E/release-notes/R2"
    )
    feed = feedparser.parse(text)
    assert feed.bozo == 0
    assert [e.link for e in feed.entries] == ["release-notes/R2/", "release-notes/R1/"]
    assert "self" not in [link.rel for link in feed.feed.links]
    flat = _feed(product, directory_urls=False)
    assert feedparser.parse(flat).entries[0].link == "release-notes/R2.html"


@pytest.mark.roadmark("STORY-91/AC-2")
def test_an_empty_feed_is_still_valid(tmp_path: Path) -> None:
    feed = feedparser.parse(release_feed([], FeedSite("Empty", "")))
    assert feed.bozo == 0 and feed.entries == []
    assert feed.feed.updated == "1970-01-01T00:00:00Z"


def _render(product: Product, tmp_path: Path, **options: Any) -> Any:
    """Macros over `product`'s folder as an engine without the plugin calls them."""
    config = mkdocs_config(["search", {"roadmark": options} if options else "roadmark"])
    write_project(tmp_path, FILES, config)
    run = pluglet(tmp_path)
    return lambda source: run(
        source, SimpleNamespace(file=SimpleNamespace(src_uri="reports/notes.md"))
    )


@pytest.mark.roadmark("STORY-91/AC-4")
def test_the_macro_shows_a_release_notes_on_any_page(product: Product, tmp_path: Path) -> None:
    render = _render(product, tmp_path)
    out = render('{{ release_notes("R1", level=3) }}')
    graph: Graph = product.graph
    expected = render_release_notes(
        plan_release_notes(graph, product.settings, "R1"),
        Linker({i.id: f"product/{i.path}" for i in graph.items.values()}, "reports/notes.md"),
        level=3,
    )
    assert out == expected
    assert out.startswith("### [EPIC-1](../product/epics/EPIC-1.md) · Search\n")
    with pytest.raises(ValueError, match=r"'R11' is not the id of a release \(did you mean 'R1'"):
        render('{{ release_notes("R11") }}')


@pytest.mark.roadmark("STORY-91/AC-4")
def test_the_macro_reads_the_configured_types(product: Product, tmp_path: Path) -> None:
    render = _render(product, tmp_path, release_notes_types=["spike"])
    out = render('{{ release_notes("R1") }}')
    assert "### Spikes" in out and "STORY-6" in out
    assert "### Features" not in out and "STORY-1" not in out
