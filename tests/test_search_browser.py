"""Material's search over a generated product of 300 stories: an id or an address typed whole
comes first, and a partial id finds the items whose ids start with it.

The browser tests run Debian's `chromium` through Playwright's Python package, like
`test_site_browser.py`; the tests of the index itself need no browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from browsers import keep_local, served
from roadmark.extensions.autolink import LinkTarget
from roadmark.site.search import (
    DEFAULT_SEPARATOR,
    FIELD,
    INDEX_URI,
    _head,
    _splitter,
    add_ids_to_index,
    with_ids,
)
from roadmark.spec.ids import ADDRESS_PATTERN, ID_PATTERN
from sites import DOCS, PRODUCT, build, generated_corpus, mkdocs_config, write_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

TIMEOUT_MS = 15_000
RESULT = ".md-search-result__item"
LINK = "a.md-search-result__link"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The benchmark corpus of 300 stories (STORY-3 and STORY-30..39, 300), built and served."""
    root = tmp_path_factory.mktemp("search") / "project"
    generated_corpus(root, 300)
    site = build(root)
    with served(site.site_dir) as url:
        yield url


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh page on the site's home, which may only talk to the test server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    keep_local(page, base_url)
    page.goto(base_url)
    try:
        yield page
    finally:
        context.close()


def search(page: Page, query: str) -> Locator:
    """Type `query` into Material's search box; the result list (groups by page)."""
    box = page.locator("input.md-search__input")
    box.click()
    # Typed key by key: Material searches on keyboard input, not on a value set at once.
    box.press_sequentially(query, delay=20)
    return page.locator(RESULT)


def url(page: Page, path: str) -> re.Pattern[str]:
    """A pattern for the full URL of a site path (the test server's, with nothing after it)."""
    base = re.sub(r"^(https?://[^/]+/).*", r"\1", page.url)  # the site is served at the root
    return re.compile(re.escape(base + path) + "$")


@pytest.mark.browser
@pytest.mark.roadmark("STORY-72/AC-1")
@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("STORY-3", "product/stories/STORY-3/"),  # STORY-30..39 and STORY-300 start with it
        ("STORY-30", "product/stories/STORY-30/"),  # STORY-300 starts with it
        ("STORY-300", "product/stories/STORY-300/"),
        ("EPIC-1", "product/epics/EPIC-1/"),  # EPIC-10..19 start with it
        ("PRD-1", "product/prds/PRD-1/"),
    ],
)
def test_an_id_typed_whole_puts_its_item_first(page: Page, query: str, path: str) -> None:
    from playwright.sync_api import expect

    results = search(page, query)
    first = results.first.locator(LINK).first
    expect(first).to_have_attribute("href", url(page, path))
    expect(first.locator("h1")).to_contain_text(f"{query} · ")
    first.click()
    page.wait_for_url(url(page, path))


@pytest.mark.browser
@pytest.mark.roadmark("STORY-72/AC-1")
@pytest.mark.parametrize(
    ("query", "path", "anchor"),
    [
        ("PRD-1/R-2", "product/prds/PRD-1/", "r-2"),  # STORY-2 and PRD-2/R-2 end the same way
        ("STORY-3/AC-2", "product/stories/STORY-3/", "ac-2"),
    ],
)
def test_an_address_puts_its_item_first_with_its_clause_under_it(
    page: Page, query: str, path: str, anchor: str
) -> None:
    from playwright.sync_api import expect

    links = search(page, query).first.locator(LINK)
    expect(links.first).to_have_attribute("href", url(page, path))
    # The clause is the page's best match: shown under it, not folded into "more".
    clause = links.nth(1)
    expect(clause).to_have_attribute("href", url(page, f"{path}#{anchor}"))
    expect(clause.locator("h2")).to_have_text(query)
    clause.click()
    page.wait_for_url(url(page, f"{path}#{anchor}"))
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()


@pytest.mark.browser
@pytest.mark.roadmark("STORY-72/AC-2")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("STORY-29", ["STORY-29", *(f"STORY-{n}" for n in range(290, 300))]),
        ("EPIC-2", ["EPIC-2", *(f"EPIC-{n}" for n in range(20, 30))]),
    ],
)
def test_a_partial_id_finds_the_items_starting_with_it(
    page: Page, query: str, expected: list[str]
) -> None:
    from playwright.sync_api import expect

    results = search(page, query)
    expect(results.first.locator(LINK).first.locator("h1")).to_contain_text(f"{query} · ")
    # The exact id first, then the longer ones (in no set order) before anything else.
    heading = re.compile(r"^(\w+-\d+) · ")
    page.wait_for_function(
        f"document.querySelectorAll('{RESULT}').length >= {min(len(expected), 10)}"
    )
    shown = [
        match.group(1)
        for text in results.locator(f"{LINK} h1").all_inner_texts()
        if (match := heading.match(text))
    ]
    top = shown[: len(expected)]
    assert top[0] == query
    assert set(top) <= set(expected), top
    assert len(top) >= min(len(expected), 10)


# --- The index itself ------------------------------------------------------------------------


def material_index(separator: str | None = None) -> dict[str, Any]:
    """An index as Material writes it, with the entries of two item pages."""
    config: dict[str, Any] = {"lang": ["en"], "pipeline": ["stopWordFilter"]}
    config["fields"] = {"title": {"boost": 1e3}, "text": {"boost": 1.0}}
    if separator is not None:
        config["separator"] = separator
    docs = [
        {"location": "p/PRD-1/", "title": "PRD-1 · Export", "text": ""},
        {"location": "s/STORY-35/", "title": "STORY-35 · Import", "text": ""},
    ]
    return {"config": config, "docs": docs}


TARGETS = {
    "PRD-1": LinkTarget("p/PRD-1.md", None, "Export", "p/PRD-1/"),
    "PRD-1/R-2": LinkTarget("p/PRD-1.md", "r-2", "The system shall <export>.", "p/PRD-1/"),
    "STORY-35": LinkTarget("s/STORY-35.md", None, "Import", "s/STORY-35/"),
    "STORY-9": LinkTarget("s/STORY-9.md", None, "Hidden", None),  # no page in the site
    "STORY-8": LinkTarget("s/STORY-8.md", None, "Excluded", "s/STORY-8/"),  # not indexed
}


@pytest.mark.roadmark("STORY-72/AC-1")
def test_each_indexed_id_and_address_gets_an_entry_of_its_own_on_its_page() -> None:
    index = material_index()
    with_ids(index, TARGETS)
    added = {doc["location"]: doc for doc in index["docs"][2:]}
    assert list(added) == ["p/PRD-1/#", "p/PRD-1/#r-2", "s/STORY-35/#"]
    assert index["config"]["fields"][FIELD] == {"boost": 1e5}
    # Shorter numbers get more words of their own (PRD-1 beats a PRD-10 on `PRD-1`).
    assert added["p/PRD-1/#"][FIELD].split() == [
        "PRD-",
        "1prd1",
        "1prd1a",
        "1prd1ab",
        "1prd1abc",
        "1prd1abcd",
        "1prd1abcde",
    ]
    assert added["s/STORY-35/#"][FIELD].split()[:2] == ["STORY-", "35story35"]
    assert len(added["s/STORY-35/#"][FIELD].split()) == 1 + 5
    # An address weighs by its owner's kind only, one word lighter, and shows its text escaped.
    clause = added["p/PRD-1/#r-2"]
    assert clause[FIELD].split() == [
        "PRD",
        "2prd1r2",
        "2prd1r2a",
        "2prd1r2ab",
        "2prd1r2abc",
        "2prd1r2abcd",
    ]
    assert clause["title"] == "PRD-1/R-2"
    assert clause["text"] == "The system shall &lt;export&gt;."
    assert index["docs"][0] == material_index()["docs"][0]  # Material's entries stay as they were


def test_the_users_separator_is_kept_and_splits_the_ids_as_the_client_will() -> None:
    index = material_index(separator=r"[\s\-/]+")
    with_ids(index, TARGETS)
    assert index["config"]["separator"] == r"[\s\-/]+"
    clause = next(doc for doc in index["docs"] if doc["location"] == "p/PRD-1/#r-2")
    assert clause[FIELD].split()[1] == "2prd1r2"
    # A pattern Python cannot read still splits at hyphens, as lunr's query parser does.
    index = material_index(separator=r"(?<![\d])\p{Zs}+")
    with_ids(index, TARGETS)
    assert next(d for d in index["docs"] if d["location"] == "s/STORY-35/#")[FIELD].startswith(
        "STORY- 35story35 "
    )


@given(st.from_regex(ADDRESS_PATTERN, fullmatch=True) | st.from_regex(ID_PATTERN, fullmatch=True))
def test_the_default_separator_splits_an_id_where_its_pattern_does(name: str) -> None:
    """The shortcut for Material's default separator agrees with the pattern itself."""
    default = _splitter(DEFAULT_SEPARATOR)
    by_pattern = _splitter(DEFAULT_SEPARATOR + "|(?!)")  # the same pattern, not recognised
    assert default(name) == by_pattern(name)


@pytest.mark.roadmark("STORY-72/AC-1")
def test_the_built_index_holds_the_ids_and_addresses(tmp_path: Path) -> None:
    write_project(tmp_path, PRODUCT | DOCS, mkdocs_config())
    site = build(tmp_path)
    index = json.loads((site.site_dir / INDEX_URI).read_text(encoding="utf-8"))
    entries = {doc["location"]: doc for doc in index["docs"] if FIELD in doc}
    assert index["config"]["fields"][FIELD] == {"boost": 1e5}
    assert entries["product/stories/STORY-1/#"]["title"] == "STORY-1"
    assert entries["product/stories/STORY-1/#ac-2"]["title"] == "STORY-1/AC-2"
    assert "product/stories/STORY-1/" in {doc["location"] for doc in index["docs"]}


@pytest.mark.parametrize(
    "written",
    [
        pytest.param({"separators": (",", ":")}, id="as-material-writes-it"),
        pytest.param({"indent": 1, "ensure_ascii": False}, id="rewritten-by-another-plugin"),
        pytest.param({"separators": (",", ":")}, id="no-entries-yet"),
    ],
)
def test_the_index_file_is_the_index_with_the_entries_compact(
    tmp_path: Path, request: pytest.FixtureRequest, written: dict[str, Any]
) -> None:
    """Material's entries are kept as written (not encoded again) when the file is as
    Material writes it; either way the file is the whole index, compact."""
    index = material_index()
    index["docs"][0]["text"] = "Préférences \u2028 <b>"  # non-ASCII and escapes, as written
    if request.node.callspec.id == "no-entries-yet":
        index["docs"] = []
    path = tmp_path / INDEX_URI
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(index, **written), encoding="utf-8")
    assert add_ids_to_index(tmp_path, TARGETS)
    with_ids(index, TARGETS)
    assert path.read_text(encoding="utf-8") == json.dumps(index, separators=(",", ":"))


def test_material_writes_its_index_as_the_splice_expects(tmp_path: Path) -> None:
    """Fails when a Material release changes how it writes the index: the entries would then
    be encoded whole again (correct, but slower)."""
    write_project(tmp_path, DOCS, mkdocs_config(["search"]))  # no items: Material's own file
    written = (build(tmp_path).site_dir / INDEX_URI).read_text(encoding="utf-8")
    head = _head(json.loads(written))
    assert head is not None and written.startswith(head) and written.endswith("]}")


def test_the_built_index_is_the_same_as_encoded_whole(tmp_path: Path) -> None:
    write_project(tmp_path, PRODUCT | DOCS, mkdocs_config())
    written = (build(tmp_path).site_dir / INDEX_URI).read_text(encoding="utf-8")
    assert written == json.dumps(json.loads(written), separators=(",", ":"))


def test_mkdocs_own_search_index_is_left_alone(tmp_path: Path) -> None:
    config = mkdocs_config()
    config["theme"] = {"name": "mkdocs"}
    write_project(tmp_path, PRODUCT | DOCS, config)
    site = build(tmp_path)
    index = json.loads((site.site_dir / INDEX_URI).read_text(encoding="utf-8"))
    assert FIELD not in json.dumps(index["config"])
    assert not any(FIELD in doc for doc in index["docs"])
