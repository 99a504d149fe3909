"""The dependency page under `serve` keeps each dependant's links and share of the page
(`KeptDependencyPage`) from one planning to the next: whatever the edit, the page made
with what was kept is the page made afresh.

Each step loads the product again from files, so an item left alone is an equal object,
not the same one: a kept answer is reused only when its sources compare equal, and an
edit of anything it reads (a story, its target, its epic's title or release, a release's
date) must make it again, or the page differs from the fresh one.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from roadmark.plan.dependencies import plan_dependencies
from roadmark.plan.schedule import RoadmapOptions, Schedule
from roadmark.render.dependencies import KeptDependencyPage, dependencies_page
from roadmark.render.markdown import Linker
from roadmark.render.site_pages import ProductPage
from roadmark.spec.product import load_product
from roadmark.spec.settings import Settings
from sites import spec, write_project

EPICS = ["EPIC-1", "EPIC-2", None]


def _items(rng: random.Random) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {
        "PRD-1": {"kind": "prd", "title": "P", "status": "approved", "release": "R2"},
        "R1": {"kind": "release", "title": "R1", "status": "planned", "date": date(2026, 12, 1)},
        "R2": {"kind": "release", "title": "R2", "status": "planned", "date": date(2027, 3, 1)},
        "EPIC-1": {"kind": "epic", "title": "One", "status": "planned", "release": "R1"},
        "EPIC-2": {"kind": "epic", "title": "Two", "status": "planned"},
        "EPIC-3": {"kind": "epic", "title": "Three", "status": "planned", "depends_on": ["EPIC-1"]},
    }
    names = [f"STORY-{n}" for n in range(1, 9)]
    for name in names:
        items[name] = {"kind": "story", "title": name.lower(), "status": "ready", "team": "a"}
        items[name]["epic"] = rng.choice(EPICS)
        # Half of them depend on the other half: those are only ever targets.
        if name in names[:4]:
            items[name]["depends_on"] = rng.sample(names[4:], 2)
    return items


def _edit(items: dict[str, dict[str, Any]], rng: random.Random, step: int) -> None:
    """One edit of a kind that changes what a kept answer reads."""
    names = [name for name in items if name.startswith("STORY-")]
    story = items[rng.choice(names)]
    epic = items[rng.choice(["EPIC-1", "EPIC-2", "EPIC-3"])]
    edit = rng.choice(["title", "status", "team", "epic", "depends_on", "epic title",
                       "epic release", "epic prd", "prd release", "date"])  # fmt: skip
    if edit in ("title", "team"):
        story[edit] = f"{edit} {step}"
    elif edit == "status":
        story["status"] = rng.choice(["ready", "done", "in-progress"])
    elif edit == "epic":
        story["epic"] = rng.choice(EPICS)
    elif edit == "depends_on":
        story["depends_on"] = rng.sample(names[4:], 2) if story is not items[names[-1]] else []
    elif edit == "epic title":
        epic["title"] = f"Epic {step}"
    elif edit == "epic release":
        epic["release"] = rng.choice(["R1", "R2", None])
    elif edit == "epic prd":  # the epic's stories inherit their release, and read the PRD
        epic["prd"] = rng.choice(["PRD-1", None])
    elif edit == "prd release":
        items["PRD-1"]["release"] = rng.choice(["R1", "R2"])
    else:
        items["R1"]["date"] = rng.choice([date(2026, 12, 1), date(2027, 6, 1)])


def _page(
    folder: Path, items: dict[str, dict[str, Any]], kept: KeptDependencyPage | None
) -> tuple[object, ...]:
    written = {
        f"product/{name}.md": spec(name, **{k: v for k, v in fields.items() if v is not None})
        for name, fields in items.items()
    }
    product = load_product(write_project(folder, written), Settings())
    schedule = Schedule(product.graph, product.settings, RoadmapOptions(date(2026, 10, 1)))
    plan = plan_dependencies(schedule, kept.plan if kept is not None else None)
    page: ProductPage = dependencies_page(plan, product.graph, kept)
    assert page.key is not None and page.parts is not None
    markdown = page.render(Linker({}, "product/dependencies.md"))
    parts = page.parts(lambda item, anchor: f"{item}.html#{anchor}")
    return page.key(), page.reads, markdown, parts


@pytest.mark.roadmark("STORY-89/AC-2")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_dependency_page_is_the_fresh_one_after_any_edit(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    items, kept = _items(rng), KeptDependencyPage()
    for step in range(40):
        if step:
            _edit(items, rng, step)
        fresh = _page(tmp_path / f"fresh-{step}", items, None)
        assert _page(tmp_path / f"kept-{step}", items, kept) == fresh, step
    # Most steps reused most dependants' answers: they were kept, not made again.
    assert kept.units.made < 40 * 8 / 2, kept.units.made
    assert kept.plan.by_item.made < 40 * 8 / 2, kept.plan.by_item.made


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_kept_dependency_reads_its_targets_lineage_anew(tmp_path: Path) -> None:
    # STORY-2 is only a target, in EPIC-1: when the epic joins PRD-1, the page reads PRD-1
    # (whose release STORY-2 may inherit), though neither story was edited.
    items: dict[str, dict[str, Any]] = {
        "PRD-1": {"kind": "prd", "title": "P", "status": "approved"},
        "EPIC-1": {"kind": "epic", "title": "One", "status": "planned"},
        "STORY-1": {"kind": "story", "title": "a", "status": "ready", "depends_on": ["STORY-2"]},
        "STORY-2": {"kind": "story", "title": "b", "status": "ready", "epic": "EPIC-1"},
    }
    kept = KeptDependencyPage()
    _, reads, *_ = _page(tmp_path / "before", items, kept)
    assert reads == {"STORY-1", "STORY-2", "EPIC-1"}
    items["EPIC-1"]["prd"] = "PRD-1"
    fresh = _page(tmp_path / "fresh", items, None)
    assert fresh[1] == {"STORY-1", "STORY-2", "EPIC-1", "PRD-1"}
    assert _page(tmp_path / "after", items, kept) == fresh
