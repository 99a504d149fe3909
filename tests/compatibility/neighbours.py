"""The small product every compatibility test builds, and what it asserts of Roadmark's pages.

Each test module in this folder names one neighbour (`NEIGHBOUR`, read by
`test_works_with.py` to hold `docs/works-with.md` true) and builds this product with
the neighbour listed before Roadmark and after it (`ORDERS`), strictly, then checks
both what Roadmark adds (`assert_roadmark_content`) and what the neighbour does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sites import Site, build, md, mkdocs_config, section, spec, table, write_project

ORDERS = ("before", "after")
"""Where the neighbour is listed among the plugins: before `roadmark`, or after it."""

PRD = "product/prds/PRD-1.md"
EPIC = "product/epics/EPIC-1.md"
STORY_1 = "product/stories/STORY-1.md"
STORY_2 = "product/stories/STORY-2.md"
STORIES_INDEX = "product/stories.md"
TRACE = "product/trace.md"

PRODUCT: dict[str, str] = {
    PRD: spec(
        "PRD-1", "prd", "Share the plan", "approved",
        """
        ## Requirements

        - R-1: The system shall export the plan.
        """,
        owner="priya",
    ),
    EPIC: spec("EPIC-1", "epic", "Exporters", "in-progress", "Delivers PRD-1/R-1.\n", prd="PRD-1"),
    STORY_1: spec(
        "STORY-1", "story", "JSON export", "in-progress",
        """
        As a lead I want the plan as JSON.

        ## Acceptance criteria

        - AC-1: Given a product, when exported, then every item is in the JSON.
        """,
        epic="EPIC-1", implements=["PRD-1/R-1"], estimate=3, owner="alex",
    ),
    STORY_2: spec(
        "STORY-2", "story", "CSV export", "done",
        """
        Follows STORY-1.

        ## Acceptance criteria

        - AC-1: Given a product, when exported as CSV, then there is one row per item.
        """,
        epic="EPIC-1", implements=["PRD-1/R-1"], depends_on=["STORY-1"], estimate=2,
    ),
    "reports/junit.xml": md(
        """
        <?xml version="1.0" encoding="utf-8"?>
        <testsuite name="pytest" tests="1" timestamp="2026-11-30T09:15:02">
          <testcase classname="tests.test_export" name="test_json">
            <properties><property name="roadmark" value="STORY-1/AC-1"/></properties>
          </testcase>
        </testsuite>
        """
    ),
    "docs/index.md": "# Guide\n\nStart with STORY-1.\n",
}  # fmt: skip
"""A PRD, an epic, two stories (one depending on the other) and one test result."""

ROADMARK: dict[str, Any] = {"roadmark": {"test_results": ["reports/junit.xml"]}}


@dataclass(frozen=True)
class Neighbour:
    """A plugin people list beside Roadmark, as the Works-with page describes it."""

    name: str
    """How the docs name it."""
    distribution: str
    """The installed package whose version is tested (as in `constraints.txt`)."""
    checked: str
    """What its test asserts of the neighbour's own effect."""
    notes: str = ""
    """What a user should know: an order that matters, and why."""


def plugins_in_order(neighbour: Sequence[Any], order: str) -> list[Any]:
    """`search` (unless the neighbour is search), then the neighbour before or after Roadmark."""
    search = [] if "search" in neighbour else ["search"]
    if order == "before":
        return [*search, *neighbour, ROADMARK]
    assert order == "after", order
    return [*search, ROADMARK, *neighbour]


def build_beside(
    root: Path,
    neighbour: Sequence[Any],
    order: str,
    files: Mapping[str, str | bytes] | None = None,
    **config: Any,
) -> Site:
    """Write the product (plus `files`) and build it strictly beside `neighbour`."""
    plugins = plugins_in_order(neighbour, order)
    write_project(root, {**PRODUCT, **(files or {})}, mkdocs_config(plugins, **config))
    return build(root, strict=True)


def assert_roadmark_content(site: Site, prefix: str = "") -> None:
    """The card, trace panel, backlinks, children and index table of the product are there.

    `prefix` is where the product's pages are in the site (a language's folder, say).
    """
    story = site.article(prefix + STORY_1)
    card = story.find(cls="roadmark-card")
    assert card is not None, "no item card"
    assert "EPIC-1" in card.text and "alex" in card.text
    assert "ac-1" in story.ids
    assert "test_json" in section(story, "traceability").text, "no trace panel"
    assert "STORY-2" in section(story, "referenced-by").text, "no backlinks"
    children = section(site.article(prefix + EPIC), "stories").text
    assert "STORY-1" in children and "STORY-2" in children, "the epic lists no children"
    index = site.article(prefix + STORIES_INDEX).find(cls="roadmark-index")
    assert index is not None, "no index table"
    assert table(index).column("Id") == ["STORY-1", "STORY-2"]
    for page in (STORY_1, EPIC, STORIES_INDEX, TRACE):
        assert "roadmark:part" not in site.html(prefix + page), page
