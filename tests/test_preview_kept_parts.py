"""What a served site keeps per item from one build to the next writes exactly what a
build that keeps nothing writes: the export's items, links and trace (`ItemJson`), and
the link targets and clause anchors the Markdown extensions read (`PublishedTargets`),
after edits that change what other, unchanged items show; and the search's id entries,
told which targets moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from previews import Session, first_difference, fresh_build, index_with_ids
from roadmark.extensions.autolink import LinkTarget
from roadmark.render.export import ItemJson, export_json
from roadmark.site.search import INDEX_URI, IdEntries, add_ids_to_index
from roadmark.spec.loader import SpecCache
from roadmark.spec.product import Product, load_product
from roadmark.spec.settings import Settings
from roadmark.trace.coverage import Trace, build_trace
from roadmark.trace.evidence import read_evidence
from sites import DOCS, PRODUCT, mkdocs_config, write_project

JUNIT = "reports/junit.xml"
RESULTS = (
    '<testsuite name="t">'
    '<testcase classname="tests.t" name="test_json">'
    '<properties><property name="roadmark" value="STORY-1/AC-1"/></properties></testcase>'
    '<testcase classname="tests.t" name="test_csv"><failure message="no"/>'
    '<properties><property name="roadmark" value="STORY-2/AC-1"/></properties></testcase>'
    "</testsuite>\n"
)
PRD_1, STORY_1, STORY_2, STORY_4 = (
    "product/prds/PRD-1.md",
    "product/stories/STORY-1.md",
    "product/stories/STORY-2.md",
    "product/stories/STORY-4.md",
)
EDITS = [
    (STORY_4, "epic: EPIC-2\n", "epic: EPIC-2\nimplements:\n- PRD-1/R-4\n"),
    # PRD-1's R-3 becomes R-4: STORY-3 and STORY-4, not edited, lose and gain a link.
    (PRD_1, "- R-3: The system shall import a plan.", "- R-4: The system shall import a plan."),
    # STORY-2 no longer depends on STORY-1: STORY-1, not edited, loses a referrer.
    (STORY_2, "depends_on:\n- STORY-1\n", ""),
    # STORY-1's tested criterion is renamed: its verdict moves with it.
    (STORY_1, "- AC-1: Given a product", "- AC-3: Given a product"),
    (PRD_1, "The system shall export the plan as JSON.", "The system shall «export» <JSON>."),
]


def _loaded(root: Path, cache: SpecCache) -> tuple[Product, Trace]:
    settings = Settings()
    product = load_product(root, settings, cache)
    evidence = read_evidence(root, [JUNIT], product.graph, settings)
    return product, build_trace(product, evidence)


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_kept_export_is_the_export_after_edits_other_items_show(tmp_path: Path) -> None:
    write_project(tmp_path, {**PRODUCT, JUNIT: RESULTS})
    cache, kept = SpecCache(), ItemJson()
    product, trace = _loaded(tmp_path, cache)
    assert export_json(product, trace, kept) == export_json(product, trace)
    for path, old, new in EDITS:
        spec = tmp_path / path
        text = spec.read_text(encoding="utf-8")
        assert old in text, (path, old)
        spec.write_text(text.replace(old, new), encoding="utf-8")
        product, trace = _loaded(tmp_path, cache)
        assert export_json(product, trace, kept) == export_json(product, trace), (path, old)
    exported = json.loads(export_json(product, trace, kept))
    items = {item["id"]: item for item in exported["items"]}
    assert items["STORY-1"]["referenced_by"] == []  # STORY-2 named it before
    links = [(link["source"], link["target"], link.get("clause")) for link in exported["links"]]
    assert [link for link in links if link[0] in ("STORY-3", "STORY-4")] == [
        ("STORY-3", "R2", None),
        ("STORY-3", "EPIC-2", None),
        ("STORY-4", "EPIC-2", None),
        ("STORY-4", "PRD-1", "PRD-1/R-4"),
    ]
    criteria = {c["address"]: c["result"] for c in exported["trace"]["criteria"]}
    assert (criteria["STORY-1/AC-2"], criteria["STORY-1/AC-3"]) == ("untested", "untested")
    assert criteria["STORY-2/AC-1"] == "failing"


def test_the_kept_export_is_the_export_when_items_come_and_go(tmp_path: Path) -> None:
    write_project(tmp_path, {**PRODUCT, JUNIT: RESULTS})
    cache, kept = SpecCache(), ItemJson()
    product, trace = _loaded(tmp_path, cache)
    export_json(product, trace, kept)
    story = tmp_path / "product/stories/STORY-4.md"
    text = story.read_text(encoding="utf-8")
    story.unlink()
    product, trace = _loaded(tmp_path, cache)
    assert export_json(product, trace, kept) == export_json(product, trace)
    assert "STORY-4" not in {item["id"] for item in json.loads(export_json(product))["items"]}
    story.write_text(text, encoding="utf-8")
    product, trace = _loaded(tmp_path, cache)
    assert export_json(product, trace, kept) == export_json(product, trace)


@pytest.mark.roadmark("STORY-89/AC-2")
def test_kept_link_targets_and_anchors_link_as_a_full_build_after_edits(tmp_path: Path) -> None:
    roadmark = {"roadmark": {"test_results": [JUNIT], "today": "2026-06-01"}}
    files = {**PRODUCT, **DOCS, JUNIT: RESULTS}
    session = Session(tmp_path, files, mkdocs_config(["search", roadmark]))
    try:
        current = dict(files)
        for number, (path, old, new) in enumerate(EDITS):
            current = {**current, path: current[path].replace(old, new)}
            _, log = session.apply(current)
            assert log is not None and any("preview: rebuilt" in m for _, m in log), log
            served = session.served.output()
            reference = fresh_build(session.project, tmp_path / f"reference{number}")
            assert first_difference(served, reference) is None, (path, old)
        epic = served["product/epics/EPIC-1/index.html"].decode("utf-8")
        # EPIC-1 names PRD-1/R-1, whose text (the link's title) the last edit changed.
        assert 'title="The system shall «export» &lt;\u2060JSON&gt;."' in epic
    finally:
        session.close()


WRITTEN = (
    '{"config":{"lang":["en"],"separator":"[\\\\s\\\\-]+"},'
    '"docs":[{"location":"s1/","title":"S1","text":""},{"location":"s2/","title":"S2","text":""}]}'
)


def test_id_entries_told_which_targets_moved_are_those_found_by_comparing(tmp_path: Path) -> None:
    first = {
        "STORY-1": LinkTarget("s1.md", None, "One", "s1/"),
        "STORY-1/AC-1": LinkTarget("s1.md", "ac-1", "Shown", "s1/"),
    }
    edited = {**first, "STORY-1/AC-1": LinkTarget("s1.md", "ac-1", "Edited <b>", "s1/")}
    longer = {**edited, "STORY-12": LinkTarget("s2.md", None, "Two", "s2/")}
    # Told a name too many (STORY-9 is no target) does no harm; the others are exact.
    steps = [(first, set(first)), (edited, {"STORY-1/AC-1", "STORY-9"}), (longer, {"STORY-12"})]
    steps.append((edited, {"STORY-12"}))
    reference = tmp_path / INDEX_URI
    reference.parent.mkdir(parents=True)
    kept = IdEntries()
    for targets, moved in steps:
        reference.write_text(WRITTEN, encoding="utf-8")
        told = index_with_ids(WRITTEN, targets, kept, moved)
        assert add_ids_to_index(tmp_path, targets)
        assert told == reference.read_text(encoding="utf-8"), moved
    docs = json.loads(told)["docs"]
    assert [(doc["location"], doc["text"]) for doc in docs[2:]] == [
        ("s1/#", ""),
        ("s1/#ac-1", "Edited &lt;b&gt;"),
    ]
