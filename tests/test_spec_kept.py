"""Loading after an edit updates the last graph and problems (`spec/recheck.py`,
`spec/regraph.py`) and must give exactly what a fresh load of the same files gives.

Each test edits one file of a small product loaded through a `SpecCache`, loads again, and
compares the graph and the problems with a load without the cache; it also checks that the
update path ran, so a test cannot pass by falling back to the whole build. Each names what
the updated answer reads beyond the edited item (the sources of its key): leaving one out
makes that test fail.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from roadmark.spec.graph import Graph
from roadmark.spec.kept import Same
from roadmark.spec.loader import SpecCache
from roadmark.spec.product import Product, load_product
from roadmark.spec.settings import Settings
from sites import md, spec, write_project

SETTINGS = Settings().as_of(date(2026, 6, 1))

CRITERIA = "## Acceptance criteria\n\n- AC-1: Given a cart, when paid, then a receipt is sent.\n"


def _files() -> dict[str, str]:
    return {
        "product/prds/PRD-1.md": spec(
            "PRD-1", "prd", "Checkout", "draft", "## Requirements\n\n- R-1: Pay by card.\n"
        ),
        "product/releases/R1.md": spec("R1", "release", "One", "planned", date="2026-07-01"),
        "product/releases/R2.md": spec("R2", "release", "Two", "planned", date="2026-09-01"),
        "product/sprints/S1.md": spec(
            "S1", "sprint", "Sprint one", "active", start="2026-05-25", end="2026-06-05"
        ),
        "product/epics/EPIC-1.md": spec(
            "EPIC-1", "epic", "Cards", "planned", prd="PRD-1", release="R1"
        ),
        "product/epics/EPIC-2.md": spec(
            "EPIC-2", "epic", "Wallets", "planned", prd="PRD-1", release="R2"
        ),
        "product/stories/STORY-1.md": spec(
            "STORY-1", "story", "Pay", "ready", CRITERIA, epic="EPIC-1", depends_on=["STORY-2"]
        ),
        "product/stories/STORY-2.md": spec(
            "STORY-2", "story", "Refund", "ready", CRITERIA, epic="EPIC-1", implements=["PRD-1/R-1"]
        ),
        "product/stories/STORY-3.md": spec(
            "STORY-3", "story", "Receipt", "done", CRITERIA, epic="EPIC-2", sprint="S1"
        ),
        "product/stories/STORY-4.md": spec(
            "STORY-4", "story", "Wallet", "ready", CRITERIA, epic="EPIC-2", release="R1"
        ),
    }


def _edit(root: Path, path: str, old: str, new: str) -> None:
    """Replace `old` in a file, keeping its stamp distinct from the last load's."""
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert old in text, text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _ids(items: Any) -> list[str]:
    return [item.id for item in items]


def _shape(graph: Graph) -> dict[str, Any]:
    """Everything a graph holds, by value and in order, items by id."""
    return {
        "items": list(graph.items),
        "clauses": {address: (c.text, c.position) for address, c in graph.clauses.items()},
        "links": list(graph.links),
        "incoming": dict(sorted(graph.incoming.items())),
        "outgoing": dict(sorted(graph.outgoing.items())),
        "kinds": graph.kinds,
        "children": {key: _ids(group) for key, group in sorted(graph.children.items())},
        "scheduled": {key: _ids(group) for key, group in sorted(graph.scheduled.items())},
        "unresolved": [(item.id, ref) for item, ref in graph.unresolved],
        "closed": graph.closed,
        "ranks": graph.ranks,
        "broken": graph.broken,
    }


def _own_items(graph: Graph) -> bool:
    """Whether every item the graph groups is the one it indexes, not one from before."""
    own = {id(item) for item in graph.items.values()}
    grouped = [*graph.children.values(), *graph.scheduled.values()]
    clauses_own = all(
        any(clause is mine for mine in graph.items[clause.owner].clauses)
        for clause in graph.clauses.values()
    )
    return clauses_own and all(id(item) in own for group in grouped for item in group)


def _reload(root: Path, cache: SpecCache, *, updated: bool = True) -> Product:
    """Load through `cache`, check it equals a fresh load, and that it updated (or not)."""
    before = cache.checks.updates
    product = load_product(root, SETTINGS, cache)
    fresh = load_product(root, SETTINGS)
    assert cache.checks.updates == before + (1 if updated else 0)
    assert _shape(product.graph) == _shape(fresh.graph)
    assert _own_items(product.graph)
    assert [str(p) for p in product.problems] == [str(p) for p in fresh.problems]
    return product


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, SpecCache, Product]:
    root = write_project(tmp_path, _files())
    cache = SpecCache()
    return root, cache, _reload(root, cache, updated=False)


Loaded = tuple[Path, SpecCache, Product]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_title_edit_updates_the_graph_and_keeps_the_one_before(loaded: Loaded) -> None:
    root, cache, first = loaded
    shape = _shape(first.graph)
    _edit(root, "product/stories/STORY-2.md", "title: Refund", "title: Refund later")
    product = _reload(root, cache)
    assert product.graph.items["STORY-2"].title == "Refund later"
    assert [item.title for item in product.graph.children["EPIC-1"]] == ["Pay", "Refund later"]
    assert product.graph.incoming["STORY-2"] == first.graph.incoming["STORY-2"]
    # The preview compares the graphs before and after an edit: the one before is untouched.
    assert _shape(first.graph) == shape
    assert first.graph.items["STORY-2"].title == "Refund"


@pytest.mark.roadmark("STORY-89/AC-2")
def test_epic_release_moves_its_stories(loaded: Loaded) -> None:
    """Reads the descendants: STORY-1 and STORY-2 ship in EPIC-1's release."""
    root, cache, first = loaded
    assert _ids(first.graph.scheduled["R1"]) == ["EPIC-1", "STORY-1", "STORY-2", "STORY-4"]
    _edit(root, "product/epics/EPIC-1.md", "release: R1", "release: R2")
    product = _reload(root, cache)
    scheduled = product.graph.scheduled
    assert _ids(scheduled["R1"]) == ["STORY-4"]
    assert _ids(scheduled["R2"]) == ["EPIC-1", "EPIC-2", "STORY-1", "STORY-2", "STORY-3"]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_story_moves_to_another_epic(loaded: Loaded) -> None:
    root, cache, _ = loaded
    _edit(root, "product/stories/STORY-1.md", "epic: EPIC-1", "epic: EPIC-2")
    product = _reload(root, cache)
    assert _ids(product.graph.children["EPIC-1"]) == ["STORY-2"]
    assert _ids(product.graph.children["EPIC-2"]) == ["STORY-1", "STORY-3", "STORY-4"]
    assert _ids(product.graph.scheduled["R2"]) == ["EPIC-2", "STORY-1", "STORY-3"]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_sprint_start_edit_flags_done_story(loaded: Loaded) -> None:
    """RM026 of STORY-3 reads its sprint's start: editing the sprint alone must redo it."""
    root, cache, first = loaded
    assert first.problems == []
    _edit(root, "product/sprints/S1.md", "start: '2026-05-25'", "start: '2026-06-02'")
    product = _reload(root, cache)
    assert [(p.code, p.path, p.line) for p in product.problems] == [
        ("RM026", "product/stories/STORY-3.md", 7)
    ]
    _edit(root, "product/sprints/S1.md", "start: '2026-06-02'", "start: '2026-05-26'")
    assert _reload(root, cache).problems == []


@pytest.mark.roadmark("STORY-89/AC-2")
def test_dependency_cycle_comes_and_goes(loaded: Loaded) -> None:
    """The cycles read every `depends_on`: editing one must look for cycles again."""
    root, cache, _ = loaded
    _edit(
        root, "product/stories/STORY-2.md", "status: ready", "status: ready\ndepends_on:\n- STORY-1"
    )
    product = _reload(root, cache)
    assert [(p.code, p.path) for p in product.problems] == [("RM011", "product/stories/STORY-2.md")]
    # A line added above the dependency moves the finding: the kept one must follow.
    _edit(root, "product/stories/STORY-2.md", "status: ready", "status: ready\nowner: ann")
    moved = _reload(root, cache)
    assert moved.problems[0].line == product.problems[0].line + 1
    _edit(root, "product/stories/STORY-2.md", "- STORY-1", "- STORY-4")
    assert _reload(root, cache).problems == []


@pytest.mark.roadmark("STORY-89/AC-2")
def test_dangling_reference_and_the_file_that_would_declare_it(loaded: Loaded) -> None:
    """RM009 reads which unparsable file seems to declare the missing id."""
    root, cache, _ = loaded
    _edit(root, "product/stories/STORY-4.md", "release: R1", "release: R9")
    product = _reload(root, cache)
    assert [(p.code, p.message) for p in product.problems] == [
        ("RM009", "release: no item has id 'R9'")
    ]
    (root / "product/notes.md").write_text(
        md("""
        ---
        id: R9
        title: [unclosed
        ---
    """)
    )
    broken = _reload(root, cache)  # no item came with it: still an update
    assert "declared in product/notes.md" in broken.problems[-1].message
    _edit(root, "product/notes.md", "id: R9", "id: R8")
    product = _reload(root, cache)
    assert [p.message for p in product.problems if p.code == "RM009"] == [
        "release: no item has id 'R9'"
    ]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_closed_status_and_placeholder_rules(loaded: Loaded) -> None:
    root, cache, _ = loaded
    _edit(root, "product/epics/EPIC-2.md", "status: planned", "status: cancelled")
    product = _reload(root, cache)
    assert "EPIC-2" in product.graph.closed
    _edit(
        root, "product/stories/STORY-4.md", "Given a cart, when paid, then a receipt is sent.", ""
    )
    assert [p.code for p in _reload(root, cache).problems] == ["RM014", "RM024"]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_requirement_text_edit_and_address_change(loaded: Loaded) -> None:
    root, cache, _ = loaded
    _edit(root, "product/prds/PRD-1.md", "Pay by card.", "Pay by card or wallet.")
    assert _reload(root, cache).graph.clauses["PRD-1/R-1"].text == "Pay by card or wallet."
    # An address going or coming changes what resolves elsewhere: STORY-2 implements R-1.
    _edit(root, "product/prds/PRD-1.md", "- R-1:", "- R-2:")
    product = _reload(root, cache)
    assert [p.code for p in product.problems] == ["RM013"]
    assert [ref.address for ref in product.graph.incoming["PRD-1"] if ref.clause] == []
    _edit(root, "product/prds/PRD-1.md", "- R-2:", "- R-1: Pay.\n- R-2:")
    product = _reload(root, cache)
    assert product.problems == []
    assert [ref.address for ref in product.graph.incoming["PRD-1"] if ref.clause] == ["PRD-1/R-1"]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_requirement_named_before_it_exists_resolves_when_it_comes(loaded: Loaded) -> None:
    root, cache, _ = loaded
    _edit(root, "product/stories/STORY-4.md", "release: R1", "release: R1\nimplements: [PRD-1/R-2]")
    product = _reload(root, cache)
    assert [p.code for p in product.problems] == ["RM013"]
    _edit(
        root, "product/prds/PRD-1.md", "- R-1: Pay by card.", "- R-1: Pay by card.\n- R-2: Refund."
    )
    product = _reload(root, cache)  # STORY-4, not edited, links to R-2 now
    assert product.problems == []
    assert [ref.source for ref in product.graph.incoming["PRD-1"] if ref.clause == "R-2"] == [
        "STORY-4"
    ]
    _edit(root, "product/prds/PRD-1.md", "\n- R-2: Refund.", "")
    product = _reload(root, cache)
    assert [p.code for p in product.problems] == ["RM013"]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_id_change_and_new_settings_build_anew(loaded: Loaded) -> None:
    root, cache, _ = loaded
    _edit(root, "product/stories/STORY-4.md", "id: STORY-4", "id: STORY-5")
    _reload(root, cache, updated=False)
    product = load_product(root, SETTINGS.as_of(date(2026, 6, 2)), cache)
    assert cache.checks.updates == 0
    assert _ids(product.graph.items.values())[-1] == "STORY-5"


def test_trusted_stamps_spare_the_stat(loaded: Loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stamps given by the caller stand in for the stat of each file, only while trusted."""
    root, cache, first = loaded
    story = root / "product/stories/STORY-2.md"
    stat = story.stat()
    given = {str(story): (stat.st_mtime_ns, stat.st_size)}
    _edit(root, "product/stories/STORY-2.md", "title: Refund", "title: Refund later")
    with cache.trusting(given):  # taken before the edit: the parse cached stands
        kept = load_product(root, SETTINGS, cache).graph.items["STORY-2"]
    assert kept is first.graph.items["STORY-2"]
    stats: list[str] = []
    real_stat = os.stat

    def counted(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        stats.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counted)
    with cache.trusting({str(story): (1, 1)}):
        assert load_product(root, SETTINGS, cache).graph.items["STORY-2"].title == "Refund later"
    assert str(story) not in stats
    # Every other spec was stat-ed, and the folder (`is_dir`).
    assert len([path for path in stats if path.endswith(".md")]) == 9
    stats.clear()
    load_product(root, SETTINGS, cache)
    assert str(story) in stats


def _answers(graph: Graph) -> dict[str, tuple[Any, ...]]:
    """Each item's parent, chain, release and planned-ness, as the graph answers them; and
    each parent and ancestor must be the graph's own object, not one from before the edit."""
    found: dict[str, tuple[Any, ...]] = {}
    for item in graph.items.values():
        parent, chain = graph.parent(item), graph.ancestors(item)
        assert all(up is graph.items[up.id] for up in [*chain, *([parent] if parent else [])])
        parent_id = None if parent is None else parent.id
        found[item.id] = (parent_id, _ids(chain), graph.release_of(item), graph.in_plan(item))
    return found


@pytest.mark.roadmark("STORY-89/AC-2")
@pytest.mark.parametrize(
    ("path", "old", "new", "stale"),
    [
        # Each reaches the stories under the edited item, whose answers read it.
        ("product/epics/EPIC-1.md", "title: Cards", "title: Cards now", "EPIC-1 STORY-1 STORY-2"),
        ("product/epics/EPIC-1.md", "release: R1", "release: R2", "EPIC-1 STORY-1 STORY-2"),
        (
            "product/epics/EPIC-2.md",
            "status: planned",
            "status: cancelled",
            "EPIC-2 STORY-3 STORY-4",
        ),
        (
            "product/prds/PRD-1.md",
            "title: Checkout",
            "title: Pay",
            "PRD-1 EPIC-1 EPIC-2 STORY-1 STORY-2 STORY-3 STORY-4",
        ),
        ("product/stories/STORY-1.md", "epic: EPIC-1", "epic: EPIC-2", "STORY-1"),
    ],
)
def test_answers_kept_from_the_graph_before_follow_the_edit(
    loaded: Loaded, path: str, old: str, new: str, stale: str
) -> None:
    """The updated graph keeps the answers the graph before worked out, but for the edited
    item and its descendants (`regraph._keep_answers`): each must equal a fresh graph's."""
    root, cache, first = loaded
    _answers(first.graph)  # every answer worked out, as a planning does, so some are kept
    _edit(root, path, old, new)
    graph = _reload(root, cache).graph
    kept = set(graph._chains)
    assert kept == set(graph.items) - set(stale.split())
    assert _answers(graph) == _answers(load_product(root, SETTINGS).graph)


def test_same_hands_back_the_equal_value_given_before_and_follows_a_change() -> None:
    same: Same[dict[str, int]] = Same()
    first = {"STORY-1": 0}
    assert same(first) is first
    assert same({"STORY-1": 0}) is first  # equal: the first, so keys compare by identity
    changed = {"STORY-1": 0, "STORY-2": 1}
    assert same(changed) is changed
    assert same({"STORY-1": 0}) == {"STORY-1": 0}  # not the value before the last
