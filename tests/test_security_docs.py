"""The security page (STORY-62/AC-4): built into this repository's site, in its navigation,
saying what Roadmark escapes and what a preview of an untrusted pull request can do."""

from __future__ import annotations

from pathlib import Path

import pytest

from sites import Node, Site, build_own_site, seen

ROOT = Path(__file__).resolve().parents[1]
PAGE = "security.md"


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """This repository's documentation and product, built `--strict` in a copy."""
    return build_own_site(tmp_path_factory.mktemp("own-site"))


def sections(article: Node) -> dict[str, str]:
    """The text under each level-2 heading, by the heading's text."""
    found: dict[str, str] = {}
    current = None
    for child in article.children:
        if not isinstance(child, Node):
            continue
        if child.tag == "h2":
            current = seen(child.text).rstrip("¶").strip()
            found[current] = ""
        elif current is not None:
            found[current] += " " + " ".join(seen(child.text).split())
    return found


@pytest.mark.roadmark("STORY-62/AC-4")
def test_the_security_page_says_what_an_untrusted_preview_can_and_cannot_do(
    own_site: Site,
) -> None:
    article = own_site.article(PAGE)
    parts = sections(article)
    assert list(parts) == [
        "What Roadmark escapes",
        "What stays as written: spec bodies",
        "Previewing an untrusted pull request",
    ]
    escapes = parts["What Roadmark escapes"]
    for words in ("titles", "JUnit", "content.tooltips", "word joiner", "NUL", "CSV"):
        assert words in escapes, words
    assert "raw HTML stays HTML" in parts["What stays as written: spec bodies"]
    preview = parts["Previewing an untrusted pull request"]
    for words in (
        "cannot read files outside the project through the product folder or docs_dir",
        "cannot run code through YAML",
        "can run script in readers' browsers",
        "hooks:",
        "render_macros: true",
        "cannot publish files of the build machine through docs_dir",
        "separate domain",
        "pull_request_target",
    ):
        assert words in preview, words
    # The rules it names are linked to their reference, and resolve.
    links = {a.text: own_site.resolve(PAGE, a.get("href")) for a in article.links}
    assert links["RM022"] == (own_site.output("authoring.md"), "rm022")
    assert links["RM023"] == (own_site.output("authoring.md"), "rm023")
    # Readers find it: in the navigation, from the home page and from the CI recipes.
    nav = own_site.page("index.md").find("nav", cls="md-nav--primary")
    assert nav is not None
    assert own_site.output(PAGE) in [
        target for _, target, _ in own_site.links_to("index.md", nav.links)
    ]
    for page in ("index.md", "ci.md"):
        local = [a for a in own_site.article(page).links if "://" not in a.get("href")]
        assert own_site.output(PAGE) in [target for _, target, _ in own_site.links_to(page, local)]
