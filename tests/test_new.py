"""`roadmark new`: a spec from a template, with the next free id, never overwriting."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

MKDOCS = {"site_name": "Test", "plugins": [{"roadmark": {"product_dir": "product"}}]}


def spec(item_id: str, kind: str, status: str, **fields: str) -> str:
    front = {"id": item_id, "kind": kind, "title": f"Title of {item_id}", "status": status}
    return "---\n" + yaml.safe_dump(front | fields, sort_keys=False) + "---\n\nText.\n"


@pytest.fixture
def product(write_product: WriteProduct) -> Path:
    """A product whose highest story id is STORY-941, with an epic EPIC-90."""
    return write_product(
        {
            "product/epics/EPIC-90.md": spec("EPIC-90", "epic", "planned"),
            "product/releases/R0.9.md": spec("R0.9", "release", "released"),
            "product/releases/R1.0.md": spec("R1.0", "release", "planned"),
            "product/stories/STORY-7.md": spec("STORY-7", "story", "backlog"),
            "product/stories/STORY-941.md": spec("STORY-941", "story", "backlog"),
            "product/stories/STORY-95.md": spec("STORY-95", "story", "backlog"),
        },
        MKDOCS,
    )


def front_matter(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.mark.roadmark("STORY-46/AC-1")
def test_new_story_gets_the_next_id_title_and_epic(product: Path, run_cli: RunCli) -> None:
    result = run_cli("new", "story", "--title", "Export CSV", "--epic", "EPIC-90")
    assert result.code == 0, result.output
    created = product / "product/stories/STORY-942.md"
    assert result.out.strip() == "product/stories/STORY-942.md"
    assert front_matter(created) == {
        "id": "STORY-942",
        "kind": "story",
        "title": "Export CSV",
        "status": "backlog",
        "epic": "EPIC-90",
    }
    assert "\n## Acceptance criteria\n" in created.read_text(encoding="utf-8")
    checked = run_cli("check")
    assert checked.code == 0, checked.output
    assert "0 errors, 0 warnings" in checked.err


@pytest.mark.roadmark("STORY-46/AC-2")
def test_new_refuses_to_overwrite_an_existing_file(product: Path, run_cli: RunCli) -> None:
    # A plain page (not a spec) holds the name the next story would get.
    page = product / "product/stories/STORY-942.md"
    page.write_text("# Notes\n", encoding="utf-8")
    result = run_cli("new", "story", "--title", "Export CSV")
    assert result.code == 2
    assert "product/stories/STORY-942.md already exists; nothing written" in result.err
    assert page.read_text(encoding="utf-8") == "# Notes\n"


@pytest.mark.roadmark("STORY-46/AC-3")
def test_new_with_an_unknown_epic_writes_nothing(product: Path, run_cli: RunCli) -> None:
    before = sorted(product.rglob("*"))
    result = run_cli("new", "story", "--title", "Export CSV", "--epic", "EPIC-99")
    assert result.code == 2
    assert "error RM009: epic: no item has id 'EPIC-99'" in result.err
    assert "nothing written" in result.err
    assert sorted(product.rglob("*")) == before


def test_new_refuses_a_used_id(product: Path, run_cli: RunCli) -> None:
    result = run_cli("new", "story", "--id", "EPIC-90")
    assert result.code == 2
    assert "id 'EPIC-90' is already used" in result.err


def test_release_ids_continue_the_numbering(product: Path, run_cli: RunCli) -> None:
    result = run_cli("new", "release", "--title", "Next")
    assert result.code == 0, result.output
    created = product / "product/releases/R1.1.md"
    assert front_matter(created)["status"] == "planned"


def test_first_item_of_a_kind_goes_to_its_own_folder(product: Path, run_cli: RunCli) -> None:
    result = run_cli("new", "prd", "--title", "Exports", "--release", "R1.0")
    assert result.code == 0, result.output
    created = product / "product/prds/PRD-1.md"
    assert front_matter(created)["release"] == "R1.0"
    assert "\n- R-1: The system shall …\n" in created.read_text(encoding="utf-8")
    assert run_cli("check").code == 0


def test_new_files_go_where_the_kind_lives(write_product: WriteProduct, run_cli: RunCli) -> None:
    product = write_product({"product/backlog/US-3.md": spec("US-3", "story", "backlog")}, MKDOCS)
    result = run_cli("new", "story", "--title", "Search")
    assert result.code == 0, result.output
    assert (product / "product/backlog/US-4.md").is_file()


def test_titles_are_written_as_safe_yaml(product: Path, run_cli: RunCli) -> None:
    title = "Export: 'CSV' # not a comment, [yes]"
    assert run_cli("new", "story", "--title", title).code == 0
    assert front_matter(product / "product/stories/STORY-942.md")["title"] == title
    assert run_cli("check").code == 0


def test_configured_kinds_get_an_id_folder_and_first_status(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    config = textwrap.dedent("""\
        site_name: Test
        plugins:
          - roadmark:
              kinds:
                bug:
                  statuses: [open, fixed]
    """)
    product = write_product({"product/index.md": "# Plan\n"}, config)
    result = run_cli("new", "bug", "--title", "Crash on save")
    assert result.code == 0, result.output
    assert front_matter(product / "product/bugs/BUG-1.md")["status"] == "open"
    assert run_cli("check").code == 0


def test_unknown_kind_and_missing_product_are_usage_errors(
    write_product: WriteProduct, run_cli: RunCli, tmp_path: Path
) -> None:
    write_product({"product/index.md": "# Plan\n"}, MKDOCS)
    unknown = run_cli("new", "widget")
    assert unknown.code == 2
    assert "unknown kind 'widget'; known: prd, epic, story, release" in unknown.err
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "mkdocs.yml").write_text("site_name: Empty\n", encoding="utf-8")
    missing = run_cli("new", "story", cwd=empty)
    assert missing.code == 2
    assert "run `roadmark init`" in missing.err
    assert "Traceback" not in unknown.output + missing.output
