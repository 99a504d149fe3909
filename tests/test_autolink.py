"""Cross-links: any known id or address written in prose becomes a link (issue 3, item 3)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import markdown
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin
from mkdocs.utils import get_relative_url

from roadmark.extensions.autolink import AutolinkExtension, LinkTarget, relative_path
from roadmark.extensions.targets import LinkTargets

STORY = "product/stories/STORY-142.md"
PRD = "product/prds/PRD-3.md"

TARGETS = {
    "STORY-142": LinkTarget(STORY, None, "Export the roadmap as CSV"),
    "STORY-142/AC-1": LinkTarget(STORY, "ac-1", "Given a roadmap, when exported, then…"),
    "STORY-1": LinkTarget("product/stories/STORY-1.md", None, "First story"),
    "PRD-3": LinkTarget(PRD, None, "Roadmaps"),
    "PRD-3/R-2": LinkTarget(PRD, "r-2", "The system shall export"),
    "R0.1": LinkTarget("product/releases/R0.1.md", None, "Release 0.1"),
    "R2026.2": LinkTarget("product/releases/R2026.2.md", None, "Release 2026.2"),
}


class _Links(HTMLParser):
    """Collects the `<a>` elements of an HTML fragment: their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = {name: value or "" for name, value in attrs} | {"text": ""}
            self.links.append(self._open)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data


def links(html: str) -> list[dict[str, str]]:
    """Every link in `html`, as its attributes plus `text`."""
    parser = _Links()
    parser.feed(html)
    return parser.links


def refs(html: str) -> list[tuple[str, str]]:
    """The autolinks in `html`, as (text, href)."""
    return [(a["text"], a["href"]) for a in links(html) if a.get("class") == "roadmark-ref"]


def render(text: str, *extensions: str, **options: str) -> str:
    """Convert `text` standalone with the autolinks and the given extensions."""
    return markdown.markdown(
        textwrap.dedent(text), extensions=[AutolinkExtension(TARGETS, **options), *extensions]
    )


# --- What becomes a link ---------------------------------------------------------------


@pytest.mark.roadmark("STORY-16/AC-4")
def test_an_id_links_to_its_page_with_class_and_title() -> None:
    [link] = links(render("Blocked by STORY-142 for now."))
    assert link == {
        "href": "/product/stories/STORY-142.md",
        "class": "roadmark-ref",
        "title": "Export the roadmap as CSV",
        "text": "STORY-142",
    }


@pytest.mark.roadmark("STORY-16/AC-4")
@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("STORY-142/AC-1", "/product/stories/STORY-142.md#ac-1"),
        ("PRD-3/R-2", "/product/prds/PRD-3.md#r-2"),
    ],
)
def test_an_address_links_to_the_clause_anchor(text: str, href: str) -> None:
    assert refs(render(f"Covers {text} fully.")) == [(text, href)]


def test_the_title_is_escaped() -> None:
    hostile = {"STORY-9": LinkTarget("s.md", None, '<script>alert("x")</script> & co')}
    html = markdown.markdown("STORY-9", extensions=[AutolinkExtension(hostile)])
    assert "<script>" not in html
    # Escaped, and each `<` that opens a tag broken by a word joiner: Material's tooltips
    # write the decoded title back into the page as HTML.
    assert 'title="&lt;\u2060script&gt;alert(&quot;x&quot;)&lt;\u2060/script&gt; &amp; co"' in html


def test_every_mention_in_every_block_is_linked() -> None:
    html = render(
        """\
        STORY-142 and PRD-3, then STORY-142 again.

        - a list item on STORY-1
          > quoted PRD-3/R-2

        | id | note |
        | --- | --- |
        | STORY-142 | *emphasised R0.1* |

        A footnote.[^1]

        !!! note "About PRD-3"
            Admonition body: R2026.2.

        [^1]: It explains STORY-142/AC-1.
        """,
        "tables",
        "footnotes",
        "admonition",
    )
    assert [text for text, _ in refs(html)] == [
        "STORY-142",
        "PRD-3",
        "STORY-142",
        "STORY-1",
        "PRD-3/R-2",
        "STORY-142",
        "R0.1",
        "PRD-3",  # an admonition's title is prose, not a heading
        "R2026.2",
        "STORY-142/AC-1",
    ]


# --- Boundaries and punctuation ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "STORY-12",  # a longer id is another id
        "STORY-1420",
        "XSTORY-142",  # nor inside a longer word
        "STORY-142x",
        "STORY-142é",
        "STORY-142_b",
        "STORY-142-beta",
        "STORY-142.md",  # a file name
        "STORY-142.2",
        "docs/STORY-142",  # a path
        "STORY-142/",
        "#STORY-142",
        "R2026",  # a prefix of a dotted id
        "R2026.2.1",
        "STORY-999",  # unknown ids stay text
        "story-142",  # ids are case-sensitive
        "STORY-142/AC-9",  # an unknown address stays text, whole
        "STORY-142/STORY-1",
        r"STORY\-142",  # an escaped hyphen is the author's way to say "not a link"
    ],
)
def test_only_whole_known_ids_are_linked(text: str) -> None:
    html = render(f"See {text} here.")
    assert refs(html) == []
    assert text.replace("\\", "") in html


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("STORY-142.", "STORY-142"),
        ("STORY-142,", "STORY-142"),
        ("STORY-142...", "STORY-142"),
        ("STORY-142:", "STORY-142"),
        ("STORY-142;", "STORY-142"),
        ("STORY-142?", "STORY-142"),
        ("(STORY-142)", "STORY-142"),
        ("[STORY-142]", "STORY-142"),
        ('"STORY-142"', "STORY-142"),
        ("STORY-142's", "STORY-142"),
        ("STORY-142—", "STORY-142"),
        ("R0.1,", "R0.1"),
        ("R0.1.", "R0.1"),
        ("R2026.2", "R2026.2"),
        ("(R2026.2).", "R2026.2"),
        ("STORY-142/AC-1.", "STORY-142/AC-1"),
        ("(PRD-3/R-2)", "PRD-3/R-2"),
    ],
)
def test_punctuation_around_an_id_is_not_part_of_it(text: str, linked: str) -> None:
    assert [text for text, _ in refs(render(f"See {text}"))] == [linked]
    assert [text for text, _ in refs(render(f"See {text}", "smarty"))] == [linked]


def test_ids_at_the_edges_of_text_and_next_to_markup() -> None:
    html = render("STORY-142 **PRD-3**STORY-1\nR0.1")
    assert [text for text, _ in refs(html)] == ["STORY-142", "PRD-3", "STORY-1", "R0.1"]
    assert "<strong>" in html


# --- What is left alone ------------------------------------------------------------------


@pytest.mark.roadmark("STORY-16/AC-2")
def test_code_spans_are_left_alone() -> None:
    html = render("Run `roadmark check STORY-142` and ``STORY-142/AC-1``, then STORY-1.")
    assert "<code>roadmark check STORY-142</code>" in html
    assert "<code>STORY-142/AC-1</code>" in html
    assert [text for text, _ in refs(html)] == ["STORY-1"]


@pytest.mark.roadmark("STORY-16/AC-2")
@pytest.mark.parametrize(
    "extensions",
    [
        ("fenced_code",),
        ("fenced_code", "codehilite"),
        ("pymdownx.superfences",),
        ("pymdownx.highlight", "pymdownx.superfences"),
    ],
)
def test_code_blocks_are_left_alone(extensions: tuple[str, ...]) -> None:
    html = render(
        """\
        ```yaml
        implements: [PRD-3/R-2]
        epic: STORY-142
        ```

            indented: STORY-1
        """,
        *extensions,
    )
    assert refs(html) == []
    assert "STORY-142" in html
    assert "STORY-1" in html


def test_inline_highlighted_code_is_left_alone() -> None:
    html = render(
        "Use `#!yaml epic: STORY-142` here.", "pymdownx.highlight", "pymdownx.inlinehilite"
    )
    assert refs(html) == []


@pytest.mark.roadmark("STORY-16/AC-2")
@pytest.mark.parametrize(
    "text",
    [
        "[STORY-142](https://example.com)",
        "[see **STORY-142** now](other.md)",
        "[STORY-142][ref]\n\n[ref]: https://example.com",
        "<https://example.com/STORY-142>",
        '<a href="https://example.com">STORY-142</a>',
        '<a href="https://example.com">see <em>STORY-142</em></a>',
        "<code>STORY-142</code>",
        "<kbd>STORY-142</kbd>",
    ],
)
def test_existing_links_and_inline_html_code_are_left_alone(text: str) -> None:
    html = render(text)
    assert refs(html) == []
    assert "STORY-142" in html


def test_text_after_inline_html_links_is_linked_again() -> None:
    html = render('<a href="x">STORY-142</a> and STORY-1, <b>PRD-3</b>')
    assert [text for text, _ in refs(html)] == ["STORY-1", "PRD-3"]


@pytest.mark.roadmark("STORY-16/AC-2")
@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/STORY-142",
        "https://example.com/board?id=STORY-142",
        "https://example.com/board#STORY-142",
        "https://example.com/a,STORY-142",
        "http://example.com/PRD-3/R-2",
        "example.com/STORY-142",
        "www.example.com/STORY-142",
        "mailto:STORY-142@example.com",
        "STORY-142@example.com",
        "pm@STORY-142",
    ],
)
def test_urls_and_email_addresses_are_left_alone(url: str) -> None:
    html = render(f"Go to {url} now")
    assert refs(html) == []
    assert url in html


def test_urls_linked_by_magiclink_are_left_alone() -> None:
    html = render("Go to https://example.com/STORY-142 for STORY-1", "pymdownx.magiclink")
    assert [text for text, _ in refs(html)] == ["STORY-1"]


@pytest.mark.parametrize("level", range(1, 7))
def test_headings_are_left_alone(level: int) -> None:
    html = render(f"{'#' * level} About STORY-142/AC-1\n\nBody STORY-1.", "toc")
    assert [text for text, _ in refs(html)] == ["STORY-1"]
    assert f'<h{level} id="about-story-142ac-1">About STORY-142/AC-1</h{level}>' in html


def test_setext_headings_are_left_alone() -> None:
    assert refs(render("About STORY-142\n===============\n\nPRD-3\n-----")) == []


def test_image_alt_text_and_attribute_values_are_left_alone() -> None:
    html = render(
        """\
        ![STORY-142](shot.png "STORY-1")

        A paragraph with a title.
        {: title="STORY-142" data-id="PRD-3" }

        <span title="STORY-142">inline HTML attribute</span>
        """,
        "attr_list",
    )
    assert refs(html) == []
    assert 'alt="STORY-142"' in html
    assert '<p data-id="PRD-3" title="STORY-142">' in html
    assert '<span title="STORY-142">' in html


def test_raw_html_blocks_are_left_alone() -> None:
    html = render(
        """\
        <div class="card">
        STORY-142 in raw HTML
        </div>

        After it, STORY-1.
        """
    )
    assert '<div class="card">\nSTORY-142 in raw HTML\n</div>' in html
    assert [text for text, _ in refs(html)] == ["STORY-1"]


def test_markdown_inside_html_is_linked() -> None:
    html = render('<div markdown="1">\nInside STORY-142.\n</div>', "md_in_html")
    assert [text for text, _ in refs(html)] == ["STORY-142"]


# --- Where links point -------------------------------------------------------------------


def test_links_are_relative_to_the_page_being_rendered() -> None:
    html = render("STORY-142, PRD-3/R-2 and R0.1", page="product/stories/STORY-1.md")
    assert refs(html) == [
        ("STORY-142", "STORY-142.md"),
        ("PRD-3/R-2", "../prds/PRD-3.md#r-2"),
        ("R0.1", "../releases/R0.1.md"),
    ]
    assert refs(render("STORY-142", page="index.md")) == [("STORY-142", STORY)]


def test_a_link_to_the_page_itself_is_just_the_anchor() -> None:
    html = render("STORY-142/AC-1 is met; STORY-142 is done.", page=STORY)
    assert refs(html) == [("STORY-142/AC-1", "#ac-1")]
    assert "STORY-142 is done." in html  # linking the page to itself as a whole goes nowhere


PAGE_URLS = {
    # use_directory_urls: the URLs MkDocs gives pages
    True: ["./", "guide/", "guide/page/", "product/", "product/stories/STORY-1/", "a/b/c/d/"],
    False: ["index.html", "guide/index.html", "guide/page.html", "product/stories/STORY-1.html"],
}


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_relative_urls_resolve_as_mkdocs_resolves_them(use_directory_urls: bool) -> None:
    base = "https://example.com/site/"
    urls = PAGE_URLS[use_directory_urls]
    for page in urls:
        for target in urls:
            if target != page:
                expected = urljoin(base + page, get_relative_url(target, page))
                assert urljoin(base + page, relative_path(target, page)) == expected, (page, target)


def test_absolute_links_use_the_base_url() -> None:
    html = render("STORY-142/AC-1", base_url="https://example.com/site/")
    assert refs(html) == [("STORY-142/AC-1", "https://example.com/site/" + STORY + "#ac-1")]


def test_paths_are_quoted() -> None:
    targets = {"EPIC-1": LinkTarget("product/my epics/EPIC 1.md", "r-1?", "t")}
    html = markdown.markdown("EPIC-1", extensions=[AutolinkExtension(targets)])
    assert refs(html) == [("EPIC-1", "/product/my%20epics/EPIC%201.md#r-1%3F")]


def test_the_class_is_configurable() -> None:
    html = markdown.markdown("PRD-3", extensions=[AutolinkExtension(TARGETS, css_class="x")])
    assert links(html)[0]["class"] == "x"


def test_targets_are_read_when_rendering() -> None:
    targets: dict[str, LinkTarget] = {}
    md = markdown.Markdown(extensions=[AutolinkExtension(targets)])
    assert refs(md.convert("STORY-7")) == []
    targets["STORY-7"] = LinkTarget("s7.md")
    assert refs(md.reset().convert("STORY-7")) == [("STORY-7", "/s7.md")]


def test_link_targets_know_the_letters_their_keys_start_with() -> None:
    target = LinkTarget("s.md")
    targets = LinkTargets({"STORY-1": target})
    targets["epic-2"] = target
    targets.setdefault("R1", target)
    targets |= {"Z-1": target}
    targets.update([("A-1", target)], B=target)
    targets["1-x"] = target  # no id starts with a digit: nothing to scan for
    assert targets.initials == {"S", "e", "R", "Z", "A", "B"}
    del targets["Z-1"]  # a letter kept too many only scans a few more words
    assert "Z" in targets.initials
    targets.clear()
    assert targets.initials == set()


def test_link_targets_are_read_when_rendering() -> None:
    targets = LinkTargets()
    md = markdown.Markdown(extensions=[AutolinkExtension(targets)])
    assert refs(md.convert("STORY-7 x-1")) == []
    targets.update({"x-1": LinkTarget("x.md")})
    assert refs(md.reset().convert("STORY-7 x-1")) == [("x-1", "/x.md")]


@pytest.mark.parametrize(
    "text",
    [
        "STORY-142, PRD-3/R-2 and R2026.2.",
        "XSTORY-142 aSTORY-1 a/STORY-1 STORY-142/STORY-1 x.PRD-3 PRD-3/R-2/x",
        "see https://example.com/STORY-1 <code>STORY-1</code> STORY-1",
        "see https://example.com<a href='x'>STORY-1</a> STORY-142",
        "`STORY-1` **R0.1** _PRD-3_ STORY-142—STORY-1 (STORY-142/AC-1).",
        "<div markdown>STORY-1 <em>PRD-3</em></div>",
        "mailto:x@STORY-1.org STORY-1@x STORY-1",
    ],
)
def test_link_targets_link_as_any_mapping_does(text: str) -> None:
    def html(targets: dict[str, LinkTarget]) -> str:
        return markdown.markdown(text, extensions=[AutolinkExtension(targets), "md_in_html"])

    assert html(LinkTargets(TARGETS)) == html(dict(TARGETS))
    assert html(LinkTargets()) == html({})


@pytest.mark.roadmark("STORY-16/AC-4")
def test_the_extension_loads_by_name_with_plain_data() -> None:
    html = markdown.markdown(
        "STORY-7/AC-1",
        extensions=["roadmark.extensions.autolink"],
        extension_configs={
            "roadmark.extensions.autolink": {
                "targets": {"STORY-7/AC-1": {"page": "s7.md", "anchor": "ac-1", "title": "t"}},
                "base_url": "/docs/",
            }
        },
    )
    assert refs(html) == [("STORY-7/AC-1", "/docs/s7.md#ac-1")]


def test_ten_thousand_known_ids() -> None:
    many = {f"STORY-{n}": LinkTarget(f"s/STORY-{n}.md") for n in range(10_000)}
    text = " ".join(f"word STORY-{n * 7}," for n in range(1_000))
    html = markdown.markdown(text, extensions=[AutolinkExtension(many)])
    assert len(refs(html)) == 1_000


# --- In a real MkDocs build ------------------------------------------------------------------

SITE_TARGETS = {
    "STORY-1": LinkTarget("product/stories/STORY-1.md", None, "First story"),
    "STORY-1/AC-1": LinkTarget("product/stories/STORY-1.md", "ac-1", "Exports"),
    "PRD-3/R-2": LinkTarget("product/prds/PRD-3.md", "r-2", "Shall export"),
}

PAGES = {
    "index.md": """\
        # Home

        Start with STORY-1, then STORY-1/AC-1 and PRD-3/R-2. Not `STORY-1`.

        ```text
        STORY-1/AC-1
        ```
        """,
    "guide/deep/page.md": """\
        # Deep

        See STORY-1/AC-1 and [the story](../../product/stories/STORY-1.md).
        """,
    "product/stories/STORY-1.md": """\
        # STORY-1: Export

        Implements PRD-3/R-2.

        ## Acceptance criteria

        - AC-1: Given a roadmap, when exported, then a CSV is written.
          { #ac-1 }

        As STORY-1/AC-1 says.
        """,
    "product/prds/PRD-3.md": """\
        # PRD-3

        ## Requirements

        - R-2: The system shall export.
          { #r-2 }
        """,
}

MKDOCS_YML = """\
site_name: Autolink test
theme: {theme}
markdown_extensions: [attr_list, pymdownx.superfences]
validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
"""

EXPECTED = {
    # use_directory_urls: {page: [(text, href), ...]}
    True: {
        "index.html": [
            ("STORY-1", "product/stories/STORY-1/"),
            ("STORY-1/AC-1", "product/stories/STORY-1/#ac-1"),
            ("PRD-3/R-2", "product/prds/PRD-3/#r-2"),
        ],
        "guide/deep/page/index.html": [("STORY-1/AC-1", "../../../product/stories/STORY-1/#ac-1")],
        "product/stories/STORY-1/index.html": [
            ("PRD-3/R-2", "../../prds/PRD-3/#r-2"),
            ("STORY-1/AC-1", "#ac-1"),
        ],
    },
    False: {
        "index.html": [
            ("STORY-1", "product/stories/STORY-1.html"),
            ("STORY-1/AC-1", "product/stories/STORY-1.html#ac-1"),
            ("PRD-3/R-2", "product/prds/PRD-3.html#r-2"),
        ],
        "guide/deep/page.html": [("STORY-1/AC-1", "../../product/stories/STORY-1.html#ac-1")],
        "product/stories/STORY-1.html": [
            ("PRD-3/R-2", "../prds/PRD-3.html#r-2"),
            ("STORY-1/AC-1", "#ac-1"),
        ],
    },
}


class _AutolinkPlugin(BasePlugin):
    """A test-only plugin doing what Roadmark's plugin does: add the extension in `on_config`."""

    def __init__(self, targets: dict[str, LinkTarget]) -> None:
        super().__init__()
        self.targets = targets

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.markdown_extensions.append(AutolinkExtension(self.targets))  # type: ignore[arg-type]
        return config


def write_project(root: Path, theme: str = "mkdocs") -> Path:
    """A two-section site under `root`; returns its mkdocs.yml."""
    for name, text in PAGES.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(theme=theme), encoding="utf-8")
    return config


def build_site(
    root: Path, targets: dict[str, LinkTarget], *, use_directory_urls: bool
) -> MkDocsConfig:
    """Build the project under `root` in this process, strictly, with the autolinks."""
    config = load_config(
        config_file=str(write_project(root)), strict=True, use_directory_urls=use_directory_urls
    )
    config.plugins["autolink-test"] = _AutolinkPlugin(targets)
    build(config)
    return config


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_mkdocs_turns_the_links_into_urls(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, use_directory_urls: bool
) -> None:
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        config = build_site(tmp_path, SITE_TARGETS, use_directory_urls=use_directory_urls)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    site = Path(config.site_dir)
    for page, expected in EXPECTED[use_directory_urls].items():
        html = (site / page).read_text(encoding="utf-8")
        assert refs(html) == expected, page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<code>STORY-1</code>" in home
    assert "<code>STORY-1/AC-1\n</code>" in home
    assert 'title="Exports"' in home


def test_a_link_to_a_missing_anchor_fails_a_strict_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    targets = SITE_TARGETS | {"PRD-3/R-2": LinkTarget("product/prds/PRD-3.md", "r-9", "gone")}
    with caplog.at_level(logging.INFO, logger="mkdocs"), pytest.raises(Abort):
        build_site(tmp_path, targets, use_directory_urls=True)
    assert "does not contain an anchor '#r-9'" in caplog.text


HOOKS = f"""\
from roadmark.extensions.autolink import AutolinkExtension, LinkTarget

TARGETS = {SITE_TARGETS!r}


def on_config(config):
    config.markdown_extensions.append(AutolinkExtension(TARGETS))
    return config
"""


@pytest.mark.parametrize(
    ("tool", "theme"),
    [("mkdocs", "mkdocs"), ("mkdocs", "material"), ("properdocs", "material")],
)
def test_build_strict_has_no_warnings(tmp_path: Path, tool: str, theme: str) -> None:
    config = write_project(tmp_path, theme=theme)
    config.write_text(config.read_text() + "hooks: [hooks.py]\n", encoding="utf-8")
    (tmp_path / "hooks.py").write_text(HOOKS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", tool, "build", "--strict", "-f", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    html = (tmp_path / "site" / "guide" / "deep" / "page" / "index.html").read_text()
    assert refs(html) == EXPECTED[True]["guide/deep/page/index.html"]
