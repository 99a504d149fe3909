"""The hub pages cost an edit what the edit changed, not what the product holds (issue 12).

Under `mkdocs serve` every rebuild plans the hub pages again. What is made of one story
alone (its line in the release notes) is kept by story object and made again only for a
story whose file was read again; the board places each story once per schedule, not once
per roadmap that shows it; each team's board finds what it reads once, and the product
board reads what its teams' boards read. The outputs are those made without any of this.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from roadmark.plan.kanban import open_work
from roadmark.plan.release_notes import KeptNotes, plan_all_release_notes
from roadmark.render.boards import board_pages
from roadmark.spec.loader import SpecCache
from roadmark.spec.product import Product, load_product
from roadmark.spec.settings import Settings
from sites import spec, write_project

TODAY = date(2026, 11, 1)


def product_files(title: str = "Ship the parser") -> dict[str, str]:
    """Two PRDs with an epic each in two releases; done stories in R1 (two of them in
    EPIC-1), open stories of teams web and api, and one without a team."""
    found = {
        "product/prds/PRD-1.md": spec("PRD-1", "prd", "Plans", "approved"),
        "product/prds/PRD-2.md": spec("PRD-2", "prd", "Sharing", "approved"),
        "product/releases/R1.md": spec("R1", "release", "One", "planned", date=date(2026, 12, 1)),
        "product/releases/R2.md": spec("R2", "release", "Two", "planned", date=date(2027, 3, 1)),
        "product/epics/EPIC-1.md": spec(
            "EPIC-1", "epic", "Exporters", "in-progress", prd="PRD-1", release="R1"
        ),
        "product/epics/EPIC-2.md": spec(
            "EPIC-2", "epic", "Importers", "in-progress", prd="PRD-2", release="R2"
        ),
    }
    stories: dict[str, tuple[str, str, str | None, str]] = {
        "STORY-1": (title, "done", "api", "EPIC-1"),
        "STORY-2": ("Export plans", "done", "web", "EPIC-1"),
        "STORY-3": ("Import plans", "ready", "api", "EPIC-2"),
        "STORY-4": ("Read plans", "in-progress", "web", "EPIC-2"),
        "STORY-5": ("Style the export", "backlog", None, "EPIC-1"),
    }
    for item_id, (shown, status, team, epic) in stories.items():
        body = f"The {shown.lower()} story. More prose.\n"
        fields: dict[str, Any] = {"epic": epic, "type": "feature", "estimate": 2}
        if team is not None:
            fields["team"] = team
        found[f"product/stories/{item_id}.md"] = spec(
            item_id, "story", shown, status, body, **fields
        )
    return found


def loaded(root: Path, cache: SpecCache) -> Product:
    """The product written, loaded through `cache`."""
    return load_product(write_project(root, product_files()), Settings(), cache)


def edited(root: Path, path: str, old: str, new: str, cache: SpecCache) -> Product:
    """The product with one file edited (the others untouched), loaded through `cache`."""
    target = root / path
    target.write_text(target.read_text("utf-8").replace(old, new), "utf-8")
    return load_product(root, Settings(), cache)


@pytest.mark.roadmark("STORY-89/AC-2")
def test_release_notes_are_made_again_only_for_a_story_read_again(tmp_path: Path) -> None:
    cache, kept = SpecCache(), KeptNotes()
    first = loaded(tmp_path, cache)
    before = plan_all_release_notes(first.graph, first.settings, kept=kept)
    story = "product/stories/STORY-1.md"
    again = edited(tmp_path, story, "Ship the parser", "Ship the new parser", cache)
    after = plan_all_release_notes(again.graph, again.settings, kept=kept)
    # The notes are those planned without keeping anything.
    assert after == plan_all_release_notes(again.graph, again.settings)
    assert [notes.release for notes in after] == ["R2", "R1"]
    old = {note.id: note for note in before[1].notes}
    new = {note.id: note for note in after[1].notes}
    assert list(new) == ["STORY-1", "STORY-2"]
    # STORY-2's file was not read again: its note is the one made before, not a copy.
    assert new["STORY-2"] is old["STORY-2"]
    assert new["STORY-1"] is not old["STORY-1"]
    assert (new["STORY-1"].title, new["STORY-1"].summary) == (
        "Ship the new parser",
        "The ship the parser story.",
    )


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_story_no_longer_done_is_not_kept(tmp_path: Path) -> None:
    cache, kept = SpecCache(), KeptNotes()
    first = loaded(tmp_path, cache)
    plan_all_release_notes(first.graph, first.settings, kept=kept)
    story = "product/stories/STORY-2.md"
    again = edited(tmp_path, story, "status: done", "status: in-progress", cache)
    after = plan_all_release_notes(again.graph, again.settings, kept=kept)
    assert [note.id for notes in after for note in notes.notes] == ["STORY-1"]
    assert sorted(kept._last) == ["STORY-1"]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_product_board_reads_what_its_teams_boards_read(tmp_path: Path) -> None:
    product = loaded(tmp_path, SpecCache())
    graph, settings = product.graph, product.settings
    stories = open_work(graph, settings, ())
    pages = {page.name: page for page in board_pages(stories, graph, settings)}
    assert list(pages) == ["board", "board-api", "board-web"]
    # A card's story, its epic and PRD, and for a done story the release keeping it there.
    assert pages["board-api"].reads == {
        "STORY-1",
        "STORY-3",
        "EPIC-1",
        "EPIC-2",
        "PRD-1",
        "PRD-2",
        "R1",
    }
    assert pages["board-web"].reads == {
        "STORY-2",
        "STORY-4",
        "EPIC-1",
        "EPIC-2",
        "PRD-1",
        "PRD-2",
        "R1",
    }
    assert pages["board"].reads == pages["board-api"].reads | pages["board-web"].reads | {"STORY-5"}
