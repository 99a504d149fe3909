"""The graph answers each item's parent, chain, release and place in the plan from maps it
makes once, and answers exactly as walking the fields would, for its own items and others'."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from roadmark.plan.progress import Progress, progress_by_item, progress_of
from roadmark.spec.graph import Graph, build_graph, references
from roadmark.spec.model import Clause, Item, Position
from roadmark.spec.rules import check_items
from roadmark.spec.settings import Settings

SETTINGS = Settings()


class CountingFields(dict[str, Any]):
    """Front matter that counts how often it is read through `get`."""

    reads = 0

    def get(self, key: str, default: Any = None) -> Any:
        CountingFields.reads += 1
        return super().get(key, default)


def item(item_id: str, kind: str, status: str = "draft", **fields: Any) -> Item:
    return Item(item_id, kind, item_id, status, f"{item_id}.md", CountingFields(fields))


def product() -> list[Item]:
    return [
        item("PRD-1", "prd"),
        item("PRD-2", "prd", "superseded"),
        item("R1", "release", "planned", date=date(2026, 3, 1)),
        item("R2", "release", "planned", date=date(2026, 6, 1)),
        item("EPIC-1", "epic", "planned", prd="PRD-1", release="R1"),
        item("EPIC-2", "epic", "cancelled", prd="PRD-1", release="R2"),
        item("EPIC-3", "epic", "planned", prd="PRD-2"),
        item("STORY-1", "story", "done", epic="EPIC-1", estimate=3),
        item("STORY-2", "story", "ready", epic="EPIC-1", release="R2", estimate=5),
        item("STORY-3", "story", "ready", epic="EPIC-2", estimate=2),
        item("STORY-4", "story", "ready", epic="EPIC-3", estimate=1),
        item("STORY-5", "story", "ready", epic="EPIC-404"),
    ]


def answers(graph: Graph, of: Item) -> tuple[str | None, list[str], str | None, bool]:
    parent = graph.parent(of)
    chain = [up.id for up in graph.ancestors(of)]
    return (parent.id if parent else None, chain, graph.release_of(of), graph.in_plan(of))


def test_each_item_has_its_parent_chain_release_and_place_in_the_plan() -> None:
    graph = build_graph(product(), SETTINGS)
    found = {item_id: answers(graph, graph.items[item_id]) for item_id in graph.items}
    assert found == {
        "PRD-1": (None, [], None, True),
        "PRD-2": (None, [], None, True),
        "R1": (None, [], None, True),
        "R2": (None, [], None, True),
        "EPIC-1": ("PRD-1", ["PRD-1"], "R1", True),
        "EPIC-2": ("PRD-1", ["PRD-1"], "R2", True),
        "EPIC-3": ("PRD-2", ["PRD-2"], None, False),
        "STORY-1": ("EPIC-1", ["PRD-1", "EPIC-1"], "R1", True),
        "STORY-2": ("EPIC-1", ["PRD-1", "EPIC-1"], "R2", True),
        "STORY-3": ("EPIC-2", ["PRD-1", "EPIC-2"], "R2", False),
        "STORY-4": ("EPIC-3", ["PRD-2", "EPIC-3"], None, False),
        "STORY-5": (None, [], None, True),
    }
    assert {key: [i.id for i in value] for key, value in graph.children.items()} == {
        "PRD-1": ["EPIC-1", "EPIC-2"],
        "PRD-2": ["EPIC-3"],
        "EPIC-1": ["STORY-1", "STORY-2"],
        "EPIC-2": ["STORY-3"],
        "EPIC-3": ["STORY-4"],
    }
    assert {key: [i.id for i in value] for key, value in graph.scheduled.items()} == {
        "R1": ["EPIC-1", "STORY-1"],
        "R2": ["EPIC-2", "STORY-2", "STORY-3"],
    }


def test_asking_again_reads_no_front_matter() -> None:
    graph = build_graph(product(), SETTINGS)
    first = {item_id: answers(graph, graph.items[item_id]) for item_id in graph.items}
    CountingFields.reads = 0
    for _ in range(100):
        again = {item_id: answers(graph, graph.items[item_id]) for item_id in graph.items}
    assert CountingFields.reads == 0
    assert again == first


def test_a_chain_asked_for_is_the_callers_own_list() -> None:
    graph = build_graph(product(), SETTINGS)
    story = graph.items["STORY-1"]
    graph.ancestors(story).clear()
    assert [up.id for up in graph.ancestors(story)] == ["PRD-1", "EPIC-1"]


def test_a_duplicate_is_answered_from_its_own_fields_not_the_indexed_items() -> None:
    duplicate = item("STORY-1", "story", "ready", epic="EPIC-3", path="b.md")
    graph = build_graph([*product(), duplicate], SETTINGS)
    assert graph.items["STORY-1"] is not duplicate
    assert answers(graph, duplicate) == ("EPIC-3", ["PRD-2", "EPIC-3"], None, False)
    assert answers(graph, graph.items["STORY-1"]) == ("EPIC-1", ["PRD-1", "EPIC-1"], "R1", True)


def test_an_item_of_the_graph_before_an_edit_is_answered_in_the_graph_after() -> None:
    # The preview asks the graph after an edit about the items of the graph before it.
    before = build_graph(product(), SETTINGS)
    moved = [
        item("STORY-1", "story", "done", epic="EPIC-3") if i.id == "STORY-1" else i
        for i in product()
    ]
    after = build_graph(moved, SETTINGS)
    old = before.items["STORY-1"]
    assert answers(after, after.items["STORY-1"]) == ("EPIC-3", ["PRD-2", "EPIC-3"], None, False)
    assert answers(after, old) == ("EPIC-1", ["PRD-1", "EPIC-1"], "R1", True)
    assert after.parent(old) is after.items["EPIC-1"]
    assert answers(before, old) == ("EPIC-1", ["PRD-1", "EPIC-1"], "R1", True)


def test_a_parent_cycle_ends_the_chain_as_a_walk_does() -> None:
    items = [
        item("EPIC-1", "epic", epic="EPIC-2"),
        item("EPIC-2", "epic", epic="EPIC-1", release="R1"),
        item("R1", "release", "planned"),
    ]
    graph = build_graph(items, SETTINGS)
    # The chain stops before the item itself; the release is the first found going up.
    assert answers(graph, graph.items["EPIC-1"]) == ("EPIC-2", ["EPIC-2"], "R1", True)
    assert answers(graph, graph.items["EPIC-2"]) == ("EPIC-1", ["EPIC-1"], "R1", True)


def test_references_are_in_field_order_with_their_positions_and_clauses() -> None:
    story = item(
        "STORY-9",
        "story",
        epic="EPIC-1",
        depends_on=["STORY-1", "STORY-2"],
        implements=["PRD-1/R-2", "not an address"],
        sprint="S1",
    )
    found = [(r.field, r.index, r.address, r.target_kind) for r in references(story, SETTINGS)]
    assert found == [
        ("epic", None, "EPIC-1", "epic"),
        ("implements", 0, "PRD-1/R-2", "prd"),
        ("depends_on", 0, "STORY-1", "story"),
        ("depends_on", 1, "STORY-2", "story"),
        ("sprint", None, "S1", "sprint"),
    ]
    # A sprint is only a reference once the product has sprints.
    assert [r.field for r in references(story, SETTINGS, {"story"})] == [
        "epic",
        "implements",
        "depends_on",
        "depends_on",
    ]


def test_resolved_references_are_linked_both_ways_and_the_rest_unresolved() -> None:
    story = item("STORY-9", "story", epic="EPIC-1", depends_on=["STORY-1", "EPIC-2", "NOPE"])
    graph = build_graph([*product(), story], SETTINGS)
    assert [(r.source, r.field, r.target) for r in graph.outgoing["STORY-9"]] == [
        ("STORY-9", "epic", "EPIC-1"),
        ("STORY-9", "depends_on", "STORY-1"),
    ]
    assert [r.source for r in graph.incoming["STORY-1"]] == ["STORY-9"]
    assert [(i.id, r.target) for i, r in graph.unresolved] == [
        ("STORY-5", "EPIC-404"),
        ("STORY-9", "EPIC-2"),
        ("STORY-9", "NOPE"),
    ]


def test_a_clause_address_is_its_owner_and_local_id_also_when_replaced() -> None:
    clause = Clause("criterion", "AC-2", "Given", "STORY-3", Position(4))
    assert clause.address == "STORY-3/AC-2"
    assert replace(clause, owner="STORY-4").address == "STORY-4/AC-2"
    assert clause == Clause("criterion", "AC-2", "Given", "STORY-3", Position(4))


def test_progress_leaves_out_closed_stories_and_counts_done_points() -> None:
    stories = [
        item("STORY-1", "story", "done", estimate=3),
        item("STORY-2", "story", "ready", estimate=5),
        item("STORY-3", "story", "cancelled", estimate=8),
        item("STORY-4", "story", "done", estimate=0.5),
    ]
    assert progress_of(stories, SETTINGS) == Progress(3.5, 8.5, "points", 3)
    unestimated = [*stories, item("STORY-5", "story", "done")]
    assert progress_of(unestimated, SETTINGS) == Progress(3, 4, "stories", 4)
    assert progress_of([stories[2]], SETTINGS) == Progress(0, 0, "stories", 0)


def test_progress_by_item_counts_only_planned_stories() -> None:
    graph = build_graph(product(), SETTINGS)
    progress = progress_by_item(graph.items.values(), graph, SETTINGS)
    assert progress == {
        "PRD-1": Progress(3, 8, "points", 2),
        "PRD-2": Progress(0, 1, "points", 1),
        "R1": Progress(3, 3, "points", 1),
        "R2": Progress(0, 5, "points", 1),
        "EPIC-1": Progress(3, 8, "points", 2),
        # A cancelled epic's page still shows its own stories' progress.
        "EPIC-2": Progress(0, 2, "points", 1),
        "EPIC-3": Progress(0, 1, "points", 1),
    }


def test_the_same_placeholder_text_in_two_items_is_found_in_both() -> None:
    def story(item_id: str) -> Item:
        found = item(item_id, "story", "ready")
        found.criteria = [
            Clause("criterion", "AC-1", "Given …, when …, then …", item_id, Position(9))
        ]
        return found

    findings = check_items([story("STORY-1"), story("STORY-2")], Graph(), SETTINGS)
    assert [(f.item.id, f.code, f.position.line) for f in findings] == [
        ("STORY-1", "RM024", 9),
        ("STORY-1", "RM014", 1),
        ("STORY-2", "RM024", 9),
        ("STORY-2", "RM014", 1),
    ]


def test_items_of_a_kind_are_in_id_order_and_the_callers_own_list() -> None:
    graph = build_graph(product(), SETTINGS)
    graph.of_kind("epic").clear()
    assert [i.id for i in graph.of_kind("epic")] == ["EPIC-1", "EPIC-2", "EPIC-3"]
    assert [i.id for i in graph.of_kind("release")] == ["R1", "R2"]
    assert graph.of_kind("sprint") == []
