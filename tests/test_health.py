"""Releases' health beyond the roadmap (STORY-71): the at-risk flag and its reasons on the
release's page, the release index, the pages of its epics and of the PRDs it delivers.

Today is 2026-11-22. REL-1 (due 2026-11-18, in progress) is four days overdue; REL-3 (due
2026-12-02, 0 of 5 points) is behind; REL-2 (due 2027-03-01) is healthy. PRD-1 delivers
EPIC-1 in REL-1 and EPIC-3 in REL-3; PRD-2 delivers EPIC-2 in REL-2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sites import Node, Site, build, mkdocs_config, spec, table, write_project

_CRITERIA = "## Acceptance criteria\n\n- AC-1: Given it, when it runs, then it works.\n"

FILES = {
    "docs/index.md": "# Home\n",
    "product/prds/PRD-1.md": spec("PRD-1", "prd", "Late things", "approved", "Late.\n"),
    "product/prds/PRD-2.md": spec("PRD-2", "prd", "Fine things", "approved", "Fine.\n"),
    "product/releases/REL-1.md": spec(
        "REL-1", "release", "Overdue", "in-progress", "", date=date(2026, 11, 18)
    ),
    "product/releases/REL-2.md": spec(
        "REL-2", "release", "Healthy", "planned", "", date=date(2027, 3, 1)
    ),
    "product/releases/REL-3.md": spec(
        "REL-3", "release", "Behind", "planned", "", date=date(2026, 12, 2)
    ),
    "product/epics/EPIC-1.md": spec(
        "EPIC-1", "epic", "Late epic", "in-progress", "", prd="PRD-1", release="REL-1"
    ),
    "product/epics/EPIC-2.md": spec(
        "EPIC-2", "epic", "Fine epic", "planned", "", prd="PRD-2", release="REL-2"
    ),
    "product/epics/EPIC-3.md": spec(
        "EPIC-3", "epic", "Slow epic", "planned", "", prd="PRD-1", release="REL-3"
    ),
    "product/stories/STORY-1.md": spec(
        "STORY-1", "story", "Late work", "in-progress", _CRITERIA, epic="EPIC-1", estimate=3
    ),
    "product/stories/STORY-2.md": spec(
        "STORY-2", "story", "Fine work", "ready", _CRITERIA, epic="EPIC-2", estimate=2
    ),
    "product/stories/STORY-3.md": spec(
        "STORY-3", "story", "Slow work", "ready", _CRITERIA, epic="EPIC-3", estimate=5
    ),
}

OVERDUE = "date passed: due 2026-11-18, 4 days ago, and not released"
BEHIND = "due in 10 days, within the 14-day window, at 0% progress, below the 50% threshold"


def config(**options: Any) -> dict[str, Any]:
    """Search and roadmark with today fixed at 2026-11-22."""
    roadmark = {"roadmark": {"today": "2026-11-22", "export": False, **options}}
    return mkdocs_config(["search", roadmark], markdown_extensions=["admonition", "tables", "toc"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The product above, built."""
    return build(write_project(tmp_path_factory.mktemp("health"), FILES, config()))


def card_rows(page: Node) -> dict[str, Node]:
    """An item page's card as {field: value cell}."""
    card = page.find(cls="roadmark-card")
    assert card is not None, "no card"
    return {row["Field"].text: row["Value"] for row in table(card).as_dicts()}


def warning(page: Node) -> Node | None:
    """The at-risk warning under the card, if any."""
    return page.find("div", cls="roadmark-risk")


def flags(node: Node) -> list[Node]:
    """The at-risk flags inside `node`."""
    return node.find_all("span", cls="roadmark-flag--at-risk")


def reasons(node: Node) -> list[str]:
    """The reasons listed in a warning."""
    return [item.text for item in node.find_all("li")]


# --- AC-1: a release at risk shows so on every page that shows it --------------------------


@pytest.mark.roadmark("STORY-71/AC-1")
def test_an_overdue_release_is_flagged_with_its_reason_on_its_page(site: Site) -> None:
    page = site.article("product/releases/REL-1.md")
    health = card_rows(page)["Health"]
    assert [flag.text for flag in flags(health)] == ["at risk"]
    risk = warning(page)
    assert risk is not None
    title = risk.find(cls="admonition-title")
    assert title is not None and title.text == "At risk"
    assert reasons(risk) == [OVERDUE]
    # The flag and warning look as they do on the roadmap page: the same classes.
    assert {"admonition", "warning"} <= risk.classes
    assert {"roadmark-flag"} <= flags(health)[0].classes


@pytest.mark.roadmark("STORY-71/AC-1")
def test_a_release_behind_says_why_on_its_page(site: Site) -> None:
    page = site.article("product/releases/REL-3.md")
    assert flags(card_rows(page)["Health"])
    risk = warning(page)
    assert risk is not None and reasons(risk) == [BEHIND]


@pytest.mark.roadmark("STORY-71/AC-1")
def test_the_reasons_are_the_roadmap_pages_own(site: Site) -> None:
    roadmap = site.article("product/roadmap.md")
    shown = {
        text for node in roadmap.find_all("div", cls="roadmark-risk") for text in reasons(node)
    }
    assert {OVERDUE, BEHIND} <= shown


@pytest.mark.roadmark("STORY-71/AC-1")
@pytest.mark.roadmark("STORY-71/AC-2")
def test_the_release_index_flags_each_release_at_risk_with_its_reasons(site: Site) -> None:
    index = table(site.article("product/releases.md"))
    assert index.headers[-1] == "Health"
    rows = {row["Id"].text: row["Health"] for row in index.as_dicts()}
    assert [flag.text for flag in flags(rows["REL-1"])] == ["at risk"]
    assert OVERDUE in rows["REL-1"].text
    assert BEHIND in rows["REL-3"].text
    assert rows["REL-2"].text == "" and not flags(rows["REL-2"])


@pytest.mark.roadmark("STORY-71/AC-1")
def test_an_epic_page_flags_the_release_it_ships_in(site: Site) -> None:
    page = site.article("product/epics/EPIC-1.md")
    delivered = card_rows(page)["Delivered in"]
    assert [link.text for link in delivered.links] == ["REL-1"]
    assert len(flags(delivered)) == 1
    risk = warning(page)
    assert risk is not None
    assert [link.text for link in risk.links] == ["REL-1"]
    assert reasons(risk) == [OVERDUE]


@pytest.mark.roadmark("STORY-71/AC-1")
def test_a_prd_page_flags_every_release_it_delivers_at_risk(site: Site) -> None:
    page = site.article("product/prds/PRD-1.md")
    delivered = card_rows(page)["Delivered in"]
    assert [link.text for link in delivered.links] == ["REL-1", "REL-3"]
    assert len(flags(delivered)) == 2
    risk = warning(page)
    assert risk is not None
    assert [link.text for link in risk.links] == ["REL-1", "REL-3"]
    assert reasons(risk) == [OVERDUE, BEHIND]


# --- AC-2: a healthy release shows no flag anywhere ----------------------------------------


@pytest.mark.roadmark("STORY-71/AC-2")
@pytest.mark.parametrize(
    "src_uri", ["product/releases/REL-2.md", "product/epics/EPIC-2.md", "product/prds/PRD-2.md"]
)
def test_pages_of_a_healthy_release_show_no_flag(site: Site, src_uri: str) -> None:
    page = site.article(src_uri)
    assert not flags(page)
    assert warning(page) is None
    assert "Health" not in card_rows(page)


@pytest.mark.roadmark("STORY-71/AC-2")
def test_the_epic_and_prd_of_a_healthy_release_still_name_it(site: Site) -> None:
    for src_uri in ("product/epics/EPIC-2.md", "product/prds/PRD-2.md"):
        delivered = card_rows(site.article(src_uri))["Delivered in"]
        assert [link.text for link in delivered.links] == ["REL-2"]
        assert delivered.text == "REL-2"


@pytest.mark.roadmark("STORY-71/AC-2")
def test_a_released_release_past_its_date_is_not_flagged(tmp_path: Path) -> None:
    files = dict(FILES)
    files["product/releases/REL-1.md"] = spec(
        "REL-1", "release", "Shipped", "released", "", date=date(2026, 11, 18)
    )
    built = build(write_project(tmp_path, files, config()))
    for src_uri in ("product/releases/REL-1.md", "product/epics/EPIC-1.md"):
        page = built.article(src_uri)
        assert not flags(page) and warning(page) is None
    index = {
        row["Id"].text: row["Health"]
        for row in table(built.article("product/releases.md")).as_dicts()
    }
    assert index["REL-1"].text == ""


def test_health_shows_with_the_roadmap_page_turned_off(tmp_path: Path) -> None:
    built = build(write_project(tmp_path, FILES, config(roadmap=False)))
    assert not (built.site_dir / "product/roadmap/index.html").exists()
    page = built.article("product/releases/REL-1.md")
    risk = warning(page)
    assert risk is not None and reasons(risk) == [OVERDUE]
