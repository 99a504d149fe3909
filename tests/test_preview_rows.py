"""What the preview's own bookkeeping keeps from one edit to the next (issue 12).

A served site keeps each index table's rows (`render.indexes.IndexRows`): after an edit
only the rows whose item, progress or health changed are made again, and the table joined
from kept rows, with its selects, is the table made afresh, byte for byte. Values kept
from the last build compare as unchanged by identity first (`site.affected.changed_ids`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from roadmark.plan.health import Health, plan_health
from roadmark.plan.progress import progress_by_item
from roadmark.plan.roadmap import plan_product
from roadmark.plan.schedule import RoadmapOptions
from roadmark.render.health import AT_RISK
from roadmark.render.html import HtmlLinker
from roadmark.render.indexes import IndexRows, kind_index_table
from roadmark.render.site_pages import KeptPages
from roadmark.site.affected import changed_ids
from roadmark.spec.loader import SpecCache
from roadmark.spec.product import Product, load_product
from roadmark.spec.settings import Settings
from sites import PRODUCT, write_project

TODAY = date(2026, 11, 20)


class Counted:
    """An `Href` that counts the ids it is asked for: one per link a made row writes."""

    def __init__(self) -> None:
        self.asked: Counter[str] = Counter()

    def __call__(self, item_id: str, anchor: str | None = None) -> str | None:
        self.asked[item_id] += 1
        return f"../{item_id.lower()}/"


def _table(
    kind: str,
    product: Product,
    kept: IndexRows | None,
    href: Counted | None = None,
    threshold: float = 0.5,
) -> str:
    graph, settings = product.graph, product.settings
    progress = progress_by_item(graph.items.values(), graph, settings)
    health = _health(product, threshold)
    linker = HtmlLinker(href or Counted())
    return kind_index_table(kind, graph, settings, progress, linker, health, None, kept)


def _health(product: Product, threshold: float = 0.5) -> Health:
    options = RoadmapOptions(TODAY, threshold=threshold)
    return plan_health(plan_product(product.graph, product.settings, options))


def _edit(root: Path, path: str, old: str, new: str) -> None:
    spec = root / path
    text = spec.read_text(encoding="utf-8")
    assert old in text
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_project(tmp_path, PRODUCT)
    return tmp_path


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_title_edit_makes_one_row_again_and_the_table_is_the_fresh_one(project: Path) -> None:
    cache, settings, kept = SpecCache(), Settings(), IndexRows()
    first = load_product(project, settings, cache)
    assert _table("story", first, kept) == _table("story", first, None)

    _edit(project, "product/stories/STORY-4.md", "title: CSV import", "title: CSV import, renamed")
    second = load_product(project, settings, cache)
    href = Counted()
    table = _table("story", second, kept, href)
    assert table == _table("story", second, None)
    assert "<td>CSV import, renamed</td>" in table
    # Only STORY-4's row is made again: its id and the epic it links to.
    assert href.asked == Counter({"STORY-4": 1, "EPIC-2": 1})

    unchanged = Counted()
    assert _table("story", second, kept, unchanged) == table
    assert not unchanged.asked


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_status_edit_makes_again_the_rows_whose_progress_changed(project: Path) -> None:
    cache, settings, kept = SpecCache(), Settings(), IndexRows()
    first = load_product(project, settings, cache)
    before = _table("epic", first, kept)

    _edit(project, "product/stories/STORY-3.md", "status: backlog", "status: done")
    second = load_product(project, settings, cache)
    href = Counted()
    table = _table("epic", second, kept, href)
    assert table == _table("epic", second, None)
    assert table != before
    # EPIC-2's progress changed (STORY-3 is done): its row links its id, PRD and release.
    assert href.asked == Counter({"EPIC-2": 1, "PRD-1": 1, "R2": 1})


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_selects_offer_the_values_the_kept_rows_show(project: Path) -> None:
    cache, settings, kept = SpecCache(), Settings(), IndexRows()
    first = load_product(project, settings, cache)
    assert '<option value="ready">ready</option>' in _table("story", first, kept)

    # STORY-4, the one story ready, is done: "ready" leaves the status select.
    _edit(project, "product/stories/STORY-4.md", "status: ready", "status: done")
    second = load_product(project, settings, cache)
    table = _table("story", second, kept)
    assert table == _table("story", second, None)
    assert '<option value="ready">' not in table

    # Back, and a new owner: both are offered again, and "bo" still (STORY-3).
    _edit(project, "product/stories/STORY-4.md", "status: done", "status: ready")
    _edit(project, "product/stories/STORY-4.md", "owner: bo", "owner: cy")
    third = load_product(project, settings, cache)
    table = _table("story", third, kept)
    assert table == _table("story", third, None)
    assert '<option value="ready">ready</option>' in table
    assert '<option value="cy">cy</option>' in table
    assert '<option value="bo">bo</option>' in table


def test_the_release_index_follows_health_and_a_change_of_columns(project: Path) -> None:
    cache, settings, kept = SpecCache(), Settings(), IndexRows()
    first = load_product(project, settings, cache)
    before = _table("release", first, kept)
    assert AT_RISK not in before  # R1, due in 11 days, is 62% done: on track

    # Nothing read again, only planned anew: R1 is now at risk, its row made again.
    href = Counted()
    flagged = _table("release", first, kept, href, threshold=0.9)
    assert flagged == _table("release", first, None, threshold=0.9)
    assert AT_RISK in flagged
    assert href.asked == Counter({"R1": 1})

    # STORY-2 reopened: R1 and its progress, in the release index, as made afresh.
    _edit(project, "product/stories/STORY-2.md", "status: done", "status: in-progress")
    second = load_product(project, settings, cache)
    table = _table("release", second, kept)
    assert table == _table("release", second, None)
    assert "0 of 8 points (0%)" in table
    assert AT_RISK in table

    # Other columns: every row is made again, as the columns show them.
    graph = second.graph
    progress = progress_by_item(graph.items.values(), graph, settings)
    href = Counted()
    linker, health = HtmlLinker(href), _health(second)
    shown = ("status", "date")
    narrow = kind_index_table("release", graph, settings, progress, linker, health, shown, kept)
    fresh = HtmlLinker(Counted())
    assert narrow == kind_index_table("release", graph, settings, progress, fresh, health, shown)
    assert href.asked == Counter({"R1": 1, "R2": 1})


def test_a_served_site_keeps_one_memo_per_kind() -> None:
    kept = KeptPages()
    assert kept.index_rows("story") is kept.index_rows("story")
    assert kept.index_rows("story") is not kept.index_rows("epic")


def test_a_value_kept_from_the_last_build_is_unchanged_and_an_equal_one_too() -> None:
    same, equal = ["a"], ["a"]
    before: dict[str, object] = {"kept": same, "equal": ["a"], "edited": ["a"], "gone": 1}
    after: dict[str, object] = {"kept": same, "equal": equal, "edited": ["b"], "new": None}
    assert changed_ids(before, after) == {"edited", "gone", "new"}
