"""The macros pluglet (issue 4, STORY-30): `items`, `progress` and `roadmap` in any page,
and specs that quote templates left alone unless they opt in."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from roadmaps import FILES, ROADMAP, roadmap_config
from sites import Site, build, md, pluglet, spec, table, write_project

MACROS = {
    "macros": {"modules": ["roadmark.macros"], "on_undefined": "strict", "on_error_fail": True}
}
HELM = "{{ .Values.image }}"

SPECS = {
    "product/stories/STORY-70.md": spec(
        "STORY-70",
        "story",
        "Deploy " + HELM,
        "backlog",
        f"""
        Set `image: {HELM}` in the chart; the prose says {HELM} too, and {{% if x %}}.

        ```yaml
        image: {HELM}
        ```

        ## Acceptance criteria

        - AC-1: Given {HELM}, when deployed, then it runs.
        """,
        epic="EPIC-5",
        owner="dana",
        tags=["helm"],
    ),
    "product/prds/PRD-3.md": spec(
        "PRD-3",
        "prd",
        "Status report",
        "draft",
        """
        Exporters so far: {{ progress("EPIC-1") }}
        """,
        render_macros=True,
    ),
}
"""A spec quoting Helm templates, and a spec that opts in to macros."""

DOCS = {
    "docs/index.md": md(
        """
        # Home

        Exporters: {{ progress("EPIC-1") }}
        """
    ),
    "docs/reports/status.md": md(
        """
        # Status

        {{ items(kind="story", status="done") }}

        {{ roadmap(prd="PRD-2", views="board") }}
        """
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The roadmap fixture plus the specs and pages above, with macros, built strict."""
    root = tmp_path_factory.mktemp("macros")
    write_project(root, FILES | SPECS | DOCS, roadmap_config(MACROS))
    return build(root, strict=True)


def test_the_site_builds_strict_with_macros(site: Site) -> None:
    assert site.warnings == []


@pytest.mark.roadmark("STORY-30/AC-1")
def test_items_lists_exactly_the_done_stories(site: Site) -> None:
    # STORY-30/AC-1, from a page one folder down: links are relative to it.
    status = "reports/status.md"
    found = table(site.article(status))
    assert found.column("Id") == [
        "STORY-2", "STORY-5", "STORY-6", "STORY-10", "STORY-11", "STORY-41", "STORY-60",
    ]  # fmt: skip
    assert set(found.column("Status")) == {"done"}
    links = [row[0].find("a") for row in found.rows]
    targets = site.links_to(status, [a for a in links if a is not None])
    assert targets[0][1] == site.output("product/stories/STORY-2.md")
    assert all((site.site_dir / target).is_file() for _, target, _ in targets)


@pytest.mark.roadmark("STORY-30/AC-2")
def test_progress_shows_the_figures_of_the_roadmap(site: Site) -> None:
    # STORY-30/AC-2.
    bar = site.article("index.md").find(cls="roadmark-progress")
    assert bar is not None
    assert bar.get("aria-valuenow") == "31"
    assert "Exporters: 5 of 16 points (31%)" in site.article("index.md").text
    now = site.article(ROADMAP).find(cls="roadmark-board__column--now")
    assert now is not None
    assert "5 of 16 points (31%)" in now.text


def test_the_roadmap_macro_shows_one_prds_board(site: Site) -> None:
    board = site.article("reports/status.md").find(cls="roadmark-board")
    assert board is not None
    cards = [li.find("a").text for li in board.find_all("li")]
    assert cards == ["STORY-12", "EPIC-3", "EPIC-5"]


@pytest.mark.roadmark("STORY-30/AC-3")
def test_a_spec_quoting_helm_templates_is_published_as_written(site: Site) -> None:
    # STORY-30/AC-3.
    page = "product/stories/STORY-70.md"
    article = site.article(page)
    assert article.find("h1").text.startswith(f"STORY-70 · Deploy {HELM}")
    assert f"the prose says {HELM} too, and {{% if x %}}." in article.text
    assert f"image: {HELM}" in article.find("pre").text
    assert f"Given {HELM}, when deployed" in article.text
    assert f"Deploy {HELM}" in site.page(page).find("title").text


def test_a_spec_that_opts_in_is_rendered_as_a_template(site: Site) -> None:
    article = site.article("product/prds/PRD-3.md")
    assert "Exporters so far: 5 of 16 points (31%)" in article.text
    assert "progress(" not in article.text


@pytest.mark.roadmark("STORY-30/AC-4")
def test_without_the_macros_plugin_the_same_site_builds_strict(tmp_path: Path) -> None:
    # STORY-30/AC-4.
    write_project(tmp_path, FILES | SPECS | {"docs/index.md": "# Home\n"}, roadmap_config())
    site = build(tmp_path, strict=True)
    assert site.warnings == []
    assert f"the prose says {HELM} too" in site.article("product/stories/STORY-70.md").text


def test_a_wrong_id_fails_the_build(tmp_path: Path) -> None:
    files = FILES | {"docs/index.md": '# Home\n\n{{ progress("STORY-999") }}\n'}
    write_project(tmp_path, files, roadmap_config(MACROS))
    with pytest.raises(SystemExit):
        build(tmp_path)


# --- Without the running plugin, as under Zensical's macros shim -------------------------


@pytest.fixture
def render(tmp_path: Path) -> Any:
    """Render a template with the pluglet on an env offering only `conf`, `macro`, `filter`.

    The config names the roadmark plugin's options but no plugin instance runs, so the
    pluglet loads the product from the config file's folder.
    """
    write_project(tmp_path, FILES | SPECS, roadmap_config())
    return pluglet(tmp_path)


def test_without_the_plugin_the_product_is_loaded_from_the_config_folder(render: Any) -> None:
    out = render('{{ items(kind="story", release="R4") }}')
    assert "[STORY-10](product/stories/STORY-10.md)" in out
    assert [line.split(" | ")[0] for line in out.splitlines()[2:]] == [
        "| [STORY-10](product/stories/STORY-10.md)",
        "| [STORY-11](product/stories/STORY-11.md)",
        "| [STORY-12](product/stories/STORY-12.md)",
        "| [STORY-13](product/stories/STORY-13.md)",
    ]
    # `today` comes from the config's roadmark options.
    assert "as of 2026-11-22" in render('{{ roadmap(views="board") }}')


def test_links_are_relative_to_the_page_the_engine_names(render: Any) -> None:
    zensical_page = SimpleNamespace(path="reports/status.md")
    assert "(../product/stories/STORY-70.md)" in render('{{ items(owner="dana") }}', zensical_page)
    mkdocs_page = SimpleNamespace(file=SimpleNamespace(src_uri="a/b/c.md"))
    assert "(../../product/stories/STORY-70.md)" in render('{{ items(tag="helm") }}', mkdocs_page)


def test_items_filters_combine(render: Any) -> None:
    assert "*No items match.*" in render('{{ items(kind="epic", owner="dana") }}')
    out = render('{{ items(kind="epic", release="R4") }}')
    assert "EPIC-3" in out
    assert "EPIC-2" not in out  # its stories are in R4, it is not


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('{{ progress("NOPE") }}', "no item has the id 'NOPE'"),
        ('{{ roadmap(prd="EPIC-1") }}', "'EPIC-1' is not the id of a PRD"),
        ('{{ roadmap(views="board gantt") }}', "unknown view 'gantt'"),
        ('{{ items(kind="bug") }}', "'bug' is not a kind"),
    ],
)
def test_mistakes_in_a_call_are_errors_that_say_what_is_wrong(
    render: Any, call: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        render(call)
