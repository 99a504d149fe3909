"""Index pages fit for work (STORY-74): full width, the columns configured per kind, the
count of rows shown, filter controls, and sort keys in the order people think in."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmark.spec.columns import DEFAULT_COLUMNS, index_columns
from roadmark.spec.options import read_options
from roadmark.spec.settings import ConfigError, Settings
from sites import PRODUCT, Node, Site, build, mkdocs_config, table, write_project

STORIES = "product/stories.md"
EPICS = "product/epics.md"
RELEASES = "product/releases.md"
PRDS = "product/prds.md"

CONFIGURED = {"story": ["sprint", "status", "priority"], "release": ["date"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The small product with the default columns."""
    root = tmp_path_factory.mktemp("indexes")
    write_project(root, PRODUCT | {"docs/index.md": "# Home\n"}, mkdocs_config())
    return build(root)


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The same with `index_columns` set for stories and releases."""
    root = tmp_path_factory.mktemp("configured")
    config = mkdocs_config(["search", {"roadmark": {"index_columns": CONFIGURED}}])
    write_project(root, PRODUCT | {"docs/index.md": "# Home\n"}, config)
    return build(root)


def column(node: Node, header: str, attribute: str) -> list[str]:
    """One attribute of each cell of a column, top to bottom."""
    found = table(node)
    index = found.headers.index(header)
    return [row[index].get(attribute, "<none>") for row in found.rows]


def count(node: Node) -> str:
    counter = node.find("p", cls="roadmark-count")
    assert counter is not None
    return counter.text


@pytest.mark.roadmark("STORY-74/AC-1")
def test_each_kind_has_its_default_columns(site: Site) -> None:
    assert site.warnings == []
    assert table(site.article(STORIES)).headers == [
        "Id", "Title", "Status", "Priority", "Owner", "Team", "Epic", "Release", "Sprint", "Type",
        "Estimate",
    ]  # fmt: skip
    assert table(site.article(EPICS)).headers == [
        "Id", "Title", "Status", "Owner", "PRD", "Release", "Team", "Start", "Target", "Progress",
    ]  # fmt: skip
    assert table(site.article(RELEASES)).headers == [
        "Id", "Title", "Status", "Start", "Release date", "Progress", "Health",
    ]  # fmt: skip
    assert table(site.article(PRDS)).headers == [
        "Id", "Title", "Status", "Owner", "Release", "Theme", "Progress",
    ]  # fmt: skip
    first = table(site.article(STORIES)).as_dicts()[0]
    assert [first[name].text for name in ("Epic", "Sprint", "Type", "Estimate")] == [
        "EPIC-1", "2026-S40", "feature", "3",
    ]  # fmt: skip
    assert site.links_to(STORIES, first["Epic"].links) == [
        ("EPIC-1", "product/epics/EPIC-1/index.html", "")
    ]
    epic = table(site.article(EPICS)).as_dicts()[0]
    assert [epic[name].text for name in ("PRD", "Start", "Target")] == [
        "PRD-1", "2026-10-01", "2026-11-30",
    ]  # fmt: skip


@pytest.mark.roadmark("STORY-74/AC-1")
def test_an_index_takes_the_full_width_and_states_how_many_rows_it_shows(site: Site) -> None:
    page = site.page(STORIES)
    toc = page.find(cls="md-sidebar--secondary")
    assert toc is not None and "hidden" in toc.attrs  # its width goes to the table
    assert page.find(cls="md-sidebar--primary") is not None  # the navigation stays
    assert page.find("div", cls="roadmark-index") is not None  # widened by the stylesheet
    assert count(site.article(STORIES)) == "4 of 4 stories"
    assert count(site.article(RELEASES)) == "2 of 2 releases"


@pytest.mark.roadmark("STORY-74/AC-1")
def test_the_option_chooses_the_columns_of_a_kind(configured: Site) -> None:
    assert table(configured.article(STORIES)).headers == [
        "Id",
        "Title",
        "Sprint",
        "Status",
        "Priority",
    ]
    assert table(configured.article(RELEASES)).headers == ["Id", "Title", "Release date"]
    # Kinds not configured keep their defaults.
    assert table(configured.article(EPICS)).headers[-1] == "Progress"


@pytest.mark.roadmark("STORY-74/AC-2")
def test_filter_controls_are_static_html_hidden_until_the_script_runs(site: Site) -> None:
    article = site.article(STORIES)
    controls = article.find(cls="roadmark-filters")
    assert controls is not None and "hidden" in controls.attrs
    assert controls.get("data-roadmark-filters") == table_id(article)
    assert controls.find("input", type="search") is not None
    selects = {
        select.get("data-roadmark-filter-column"): [
            option.text for option in select.find_all("option")
        ]
        for select in controls.find_all("select")
    }
    headers = table(article).headers
    assert selects == {
        str(headers.index("Status")): ["All", "backlog", "ready", "in-progress", "done"],
        str(headers.index("Owner")): ["All", "alex", "bo"],
        str(headers.index("Release")): ["All", "R1", "R2"],
    }  # no team in this product: no select that offers only "All"
    assert len(table(article).rows) == 4  # without JavaScript every row is there


def table_id(article: Node) -> str:
    element = article.find("table")
    assert element is not None
    return element.get("id")


@pytest.mark.roadmark("STORY-74/AC-3")
def test_sort_keys_follow_workflow_priority_percentage_and_dates(site: Site) -> None:
    stories = site.article(STORIES)
    # STORY-1..4 are in-progress, done, backlog, ready: ranks in the story workflow.
    assert column(stories, "Status", "data-sort") == ["2", "4", "0", "1"]
    assert column(stories, "Priority", "data-sort") == ["0", "1", "2", "3"]
    epics = site.article(EPICS)
    assert column(epics, "Progress", "data-sort") == ["62.50", "0.00"]
    assert column(epics, "Start", "data-sort") == ["20261001", ""]
    releases = site.article(RELEASES)
    assert column(releases, "Release date", "data-sort") == ["20261201", "20270301"]
    assert column(releases, "Status", "data-sort") == ["1", "0"]


def test_the_option_is_checked_against_the_kinds_and_their_fields() -> None:
    settings = Settings()
    assert index_columns({}, settings)["story"] == DEFAULT_COLUMNS["story"]
    with pytest.raises(ConfigError, match=r"unknown kind 'storey' .*'story'"):
        index_columns({"storey": ["status"]}, settings)
    with pytest.raises(
        ConfigError, match=r"'estimat' is no column of the story index .*'estimate'"
    ):
        index_columns({"story": ["estimat"]}, settings)
    with pytest.raises(ConfigError, match="'progress' is no column of the story index"):
        index_columns({"story": ["progress"]}, settings)
    with pytest.raises(ConfigError, match="'health' is no column of the epic index"):
        index_columns({"epic": ["health"]}, settings)
    with pytest.raises(ConfigError, match="repeat"):
        read_options({"index_columns": {"story": ["status", "status"]}})


def test_the_same_input_builds_the_same_index(site: Site, tmp_path: Path) -> None:
    root = write_project(tmp_path, PRODUCT | {"docs/index.md": "# Home\n"}, mkdocs_config())
    assert build(root).html(STORIES) == site.html(STORIES)
