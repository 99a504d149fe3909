"""The preview compares only the pages an edit can change, and serves what a full build
does: a story's edit reaches its sprint's page and, left unfinished, the carry-over of its
team's next sprint, but not the team's other sprints (`site/affected.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from previews import Session, first_difference, fresh_build
from roadmark.site import affected, rebuild
from sites import DOCS, PRODUCT, mkdocs_config
from sprint_products import FILES, sprint_config

SITE = {**FILES, "docs/index.md": "# Home\n"}
STORY_2 = "product/stories/STORY-2.md"
"""In progress in SPRINT-1 (closed): carried over into SPRINT-2, web's next sprint."""
STORY_6 = "product/stories/STORY-6.md"
"""In review in SPRINT-3 (active), estimated 5."""


def _edit(current: dict[str, str], path: str, old: str, new: str) -> dict[str, str]:
    assert old in current[path], (path, old)
    return {**current, path: current[path].replace(old, new)}


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_story_edit_reaches_the_sprint_it_is_carried_over_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[set[str]] = []

    def recording(*args: Any) -> set[str]:
        items = affected.affected_items(*args)
        asked.append(items)
        return items

    monkeypatch.setattr(rebuild, "affected_items", recording)
    session = Session(tmp_path, SITE, sprint_config())
    current = dict(SITE)

    edits = [
        (STORY_2, "title: Story 2", "title: Carried over, kept"),
        (STORY_6, "estimate: 5", "estimate: 2"),
        (STORY_2, "status: in-progress", "status: done"),
    ]
    try:
        for number, (path, old, new) in enumerate(edits):
            current = _edit(current, path, old, new)
            _, log = session.apply(current)
            assert log is not None and any("preview: rebuilt" in m for _, m in log), log
            served = session.served.output()
            reference = fresh_build(session.project, tmp_path / f"reference{number}")
            assert first_difference(served, reference) is None, (path, old)
            if number == 0:
                sprint_2 = served["product/sprints/SPRINT-2/index.html"].decode("utf-8")
                assert "Carried over, kept" in sprint_2
    finally:
        session.close()
    sprints = [{item for item in items if item.startswith("SPRINT-")} for items in asked]
    # Its sprint and the next, whose carry-over shows it; not SPRINT-3, SPRINT-4 (web too).
    assert sprints[0] == {"SPRINT-1", "SPRINT-2"}
    assert sprints[1] == {"SPRINT-3"}  # its figures; no sprint carries SPRINT-3's over yet
    assert sprints[2] == {"SPRINT-1", "SPRINT-2"}  # SPRINT-2 carries nothing over now


PRD_1, STORY_2_OF_PRODUCT, STORY_4 = (
    "product/prds/PRD-1.md",
    "product/stories/STORY-2.md",
    "product/stories/STORY-4.md",
)
KEPT_PAGE_EDITS = [
    # STORY-3, not edited, implements the requirement no longer there: a problem in its file.
    (PRD_1, "- R-3: The system shall import a plan.", "- R-4: The system shall import a plan."),
    # STORY-1, not edited, loses its only referrer: its "Referenced by" section goes.
    (STORY_2_OF_PRODUCT, "depends_on:\n- STORY-1\n", ""),
    # EPIC-2, not edited, is kept with its sections: its children's progress must be new.
    (STORY_4, "status: ready", "status: done"),
    # The guide names STORY-1: its link's title is the new one.
    ("product/stories/STORY-1.md", "title: JSON export", "title: JSON export, renamed"),
    (PRD_1, "- R-4: The system shall import a plan.", "- R-3: The system shall import a plan."),
]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_kept_item_pages_serve_what_a_full_build_does_after_edits_they_show(
    tmp_path: Path,
) -> None:
    roadmark = {"roadmark": {"today": "2026-06-01"}}
    session = Session(tmp_path, {**PRODUCT, **DOCS}, mkdocs_config(["search", roadmark]))
    current = {**PRODUCT, **DOCS}
    try:
        for number, (path, old, new) in enumerate(KEPT_PAGE_EDITS):
            current = _edit(current, path, old, new)
            _, log = session.apply(current)
            assert log is not None and any("preview: rebuilt" in m for _, m in log), log
            served = session.served.output()
            reference = fresh_build(session.project, tmp_path / f"reference{number}")
            assert first_difference(served, reference) is None, (path, old)
            story_1 = served["product/stories/STORY-1/index.html"].decode("utf-8")
            assert ("Referenced by" in story_1) is (number == 0)
        guide = served["index.html"].decode("utf-8")
        assert 'title="JSON export, renamed"' in guide
    finally:
        session.close()
