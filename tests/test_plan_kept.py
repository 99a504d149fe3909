"""What planning keeps between the plannings of a served site (`KeptProgress`, `KeptRoadmap`)
plans exactly what planning afresh plans, after each edit, and is reused where nothing it
read changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sprint_products
from roadmaps import FILES, OPTIONS
from roadmark.plan.progress import KeptProgress, progress_by_item, progress_of, stories_under
from roadmark.plan.roadmap import ProductRoadmap, plan_product
from roadmark.plan.roadmap_kept import KeptRoadmap
from roadmark.plan.sprints import KeptSprints, SprintsPlan, plan_sprints
from roadmark.spec.loader import SpecCache
from roadmark.spec.product import Product, load_product
from roadmark.spec.settings import Settings
from sites import spec, write_project


class Edited:
    """The roadmap fixture written once and loaded through one parsed-spec cache, as the
    preview loads it: files not edited come back as the very same item objects."""

    def __init__(self, root: Path, files: dict[str, str] = FILES) -> None:
        self.root = write_project(root, files)
        self.cache, self.settings = SpecCache(), Settings()
        self._stamp = 0

    def load(self) -> Product:
        return load_product(self.root, self.settings, self.cache)

    def edit(self, path: str, old: str, new: str) -> Product:
        """Replace `old` by `new` in `path` (a later stamp, as an editor's save) and reload."""
        file = self.root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        self._stamp = max(file.stat().st_mtime_ns, self._stamp) + 1_000_000
        os.utime(file, ns=(self._stamp, self._stamp))
        return self.load()


def _planned(product: Product, kept: KeptRoadmap | None) -> ProductRoadmap:
    return plan_product(product.graph, product.settings, OPTIONS, None, kept)


def _same(one: ProductRoadmap, two: ProductRoadmap) -> None:
    assert one.whole == two.whole
    assert one.by_prd == two.by_prd


EDITS = [
    # A story's status: its release's, its epic's share's and its epic card's progress.
    ("product/stories/STORY-1.md", "status: backlog", "status: done"),
    # An estimate, read by the same progress.
    ("product/stories/STORY-3.md", "estimate: 8", "estimate: 1"),
    # A story leaves its epic's release for another: both releases' shares change.
    ("product/stories/STORY-12.md", "epic: EPIC-3", "epic: EPIC-3\nrelease: R5"),
    # An epic cancelled: its stories leave every total.
    ("product/epics/EPIC-2.md", "status: planned", "status: cancelled"),
    # What STORY-13 (in R4) waits on, STORY-13 unchanged: STORY-30 scheduled, in a later
    # release; done; or scheduled through its epic (STORY-30 unchanged too).
    ("product/stories/STORY-30.md", "epic: EPIC-4", "epic: EPIC-4\nrelease: R5"),
    ("product/stories/STORY-30.md", "status: backlog", "status: done"),
    ("product/epics/EPIC-4.md", "status: proposed", "status: proposed\nrelease: R5"),
    # R5 before R4: STORY-12 (R4) no longer waits on STORY-20 (R5), a later release.
    ("product/releases/R5.md", "date: 2027-03-01", "date: 2026-12-20"),
    # R4 later, its order kept: its span and due date on PRD-2's roadmap, nothing else.
    ("product/releases/R4.md", "date: 2027-01-25", "date: 2027-01-29"),
    # PRD-1 in R5: EPIC-2, with no release of its own, ships in it; its stories do not.
    ("product/prds/PRD-1.md", "status: approved", "status: approved\nrelease: R5"),
    # STORY-13 ships with EPIC-3 in R2 now (STORY-13 unchanged), and is renamed.
    ("product/epics/EPIC-3.md", "release: R4", "release: R2"),
    ("product/stories/STORY-13.md", "title: Winter d", "title: Winter d, renamed"),
]


@pytest.mark.roadmark("STORY-89/AC-2")
@pytest.mark.parametrize(("path", "old", "new"), EDITS)
def test_the_kept_roadmap_is_the_roadmap_after_an_edit(
    tmp_path: Path, path: str, old: str, new: str
) -> None:
    edited, kept = Edited(tmp_path), KeptRoadmap()
    before = edited.load()
    _same(_planned(before, kept), _planned(before, None))
    after = edited.edit(path, old, new)
    planned = _planned(after, kept)
    _same(planned, _planned(after, None))
    assert planned.whole != _planned(before, None).whole, "the edit changes the roadmap"


def test_the_kept_roadmap_makes_again_only_what_an_edit_reached(tmp_path: Path) -> None:
    edited, kept = Edited(tmp_path), KeptRoadmap()
    product = edited.load()
    _planned(product, kept)
    first = kept.progress.made
    _planned(edited.load(), kept)
    assert kept.progress.made == first, "nothing changed: every progress is reused"
    plans = kept.plans.made
    before = _planned(edited.load(), kept)
    after = _planned(edited.edit(*EDITS[0]), kept)
    # R2 (the same stories on the whole roadmap as on PRD-1's), EPIC-1's share of it, and
    # EPIC-1's card; and PRD-1's share of R4, which PRD-1's roadmap, made again, asks for.
    assert kept.progress.made - first == 4
    assert kept.plans.made - plans == 1  # PRD-1's roadmap: PRD-2's is kept
    assert after.by_prd[1].roadmap is before.by_prd[1].roadmap
    assert after.by_prd[0].roadmap is not before.by_prd[0].roadmap


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_kept_progress_is_the_progress_after_an_edit(tmp_path: Path) -> None:
    edited, kept = Edited(tmp_path), KeptProgress()

    def progress(product: Product, keeper: KeptProgress | None) -> dict[str, object]:
        graph = product.graph
        return dict(progress_by_item(graph.items.values(), graph, product.settings, keeper))

    before = edited.load()
    assert progress(before, kept) == progress(before, None)
    made = kept.made
    after = edited.edit(*EDITS[0])
    fresh = progress(after, None)
    assert progress(after, kept) == fresh
    assert fresh["EPIC-1"] != progress(before, None)["EPIC-1"]
    assert kept.made - made == 3  # EPIC-1, PRD-1 and R2: the items above the story


def _sprints(product: Product, kept: KeptSprints | None) -> SprintsPlan:
    capacity, today = sprint_products.CAPACITY, sprint_products.TODAY
    return plan_sprints(product.graph, product.settings, capacity, today, kept)


SPRINT_EDITS = [
    # SPRINT-1's figures, and SPRINT-2's carry-over (read from SPRINT-1, SPRINT-2 unchanged).
    ("product/stories/STORY-2.md", "status: in-progress", "status: done"),
    # SPRINT-3 closed on its last day: SPRINT-4 now carries its unfinished stories over.
    ("product/sprints/SPRINT-3.md", "status: active", "status: closed"),
    # A story moves to another sprint: both sprints' stories and boards.
    ("product/stories/STORY-3.md", "sprint: SPRINT-2", "sprint: SPRINT-3"),
]


@pytest.mark.roadmark("STORY-89/AC-2")
@pytest.mark.parametrize(("path", "old", "new"), SPRINT_EDITS)
def test_the_kept_sprints_are_the_sprints_after_an_edit(
    tmp_path: Path, path: str, old: str, new: str
) -> None:
    edited, kept = Edited(tmp_path, sprint_products.FILES), KeptSprints()
    before = edited.load()
    assert _sprints(before, kept) == _sprints(before, None)
    made = kept.plans.made
    assert _sprints(edited.load(), kept) == _sprints(before, None)
    assert kept.plans.made == made, "nothing changed: every sprint's plan is reused"
    after = edited.edit(path, old, new)
    planned = _sprints(after, kept)
    assert planned == _sprints(after, None)
    assert planned != _sprints(before, None), "the edit changes the sprints"
    assert planned.sprints["SPRINT-5"] is _sprints(before, kept).sprints["SPRINT-5"]


def test_each_items_stories_are_those_its_walk_finds(tmp_path: Path) -> None:
    """`progress_by_item` finds an item's stories from its children's (two levels at most);
    deeper trees and cycles are walked, as `stories_under` walks them."""
    files = {
        **FILES,
        # A story under a story under EPIC-1: three levels below PRD-1.
        "product/stories/STORY-70.md": spec("STORY-70", "story", "Nested", "ready", epic="STORY-1"),
        # Two epics each other's parent, and an epic its own.
        "product/epics/EPIC-8.md": spec("EPIC-8", "epic", "Loop a", "planned", prd="EPIC-9"),
        "product/epics/EPIC-9.md": spec("EPIC-9", "epic", "Loop b", "planned", prd="EPIC-8"),
        "product/epics/EPIC-7.md": spec("EPIC-7", "epic", "Self", "planned", prd="EPIC-7"),
        "product/stories/STORY-71.md": spec(
            "STORY-71", "story", "In a loop", "ready", epic="EPIC-8"
        ),
        "product/stories/STORY-72.md": spec("STORY-72", "story", "In self", "ready", epic="EPIC-7"),
    }
    product = Edited(tmp_path, files).load()
    graph, settings = product.graph, product.settings
    planned = progress_by_item(graph.items.values(), graph, settings)
    walked = {
        item.id: progress_of(stories_under(item, graph), settings)
        for item in graph.items.values()
        if item.kind != "story" and stories_under(item, graph)
    }
    assert planned == walked
    assert planned["PRD-1"].stories == 12  # STORY-70 among them, three levels down
    assert {"EPIC-7", "EPIC-8", "EPIC-9"} <= planned.keys()
