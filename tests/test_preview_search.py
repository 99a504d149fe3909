"""The served site's search index: written from entries encoded once (`EncodedIndex`) and
our id entries added to its frame as Material writes it (`add_ids_to_frame`), it is the
index a full build writes, byte for byte, after each edit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from material.plugins.search.plugin import SearchIndex

from previews import Session, fresh_build, index_with_ids
from roadmark.extensions.autolink import LinkTarget
from roadmark.site import preview, search
from roadmark.site.search import INDEX_URI, IdEntries, add_ids_to_frame, add_ids_to_index
from sites import DOCS, PRODUCT, build, mkdocs_config

STORY = "product/stories/STORY-1.md"


class Odd:
    """A value JSON cannot encode: Material writes it through `default=str`."""

    def __str__(self) -> str:
        return "odd <value>"


def _material_index() -> Any:
    config = {"lang": ["en"], "separator": "[\\s\\-]+", "pipeline": ["stemmer"], "fields": {}}
    return SearchIndex(**config)


def _entry(location: str, title: str, **more: object) -> dict[str, object]:
    return {"location": location, "title": title, "text": "", **more}


def test_the_encoded_index_is_materials_text_after_entries_change() -> None:
    """Pins Material's `generate_search_index` (its frame with no entries, then a list)."""
    index = _material_index()
    original = index.generate_search_index
    index.entries[:] = [
        _entry("a/", "Été “quoted” <b>", tags=["x"], boost=2.5),
        _entry("a/#s", "Tab\there", text="line\nbreak \\ \u2028"),
        _entry("b/", "Odd", boost=Odd()),
    ]
    encoded = preview.EncodedIndex(index)
    index.generate_search_index = encoded
    assert encoded(None) == original(None)
    # An edit: page `a/` rendered again gives new entries; `b/` keeps its object.
    index.entries[:2] = [_entry("a/", "Renamed"), _entry("a/#t", "New section", text="ü")]
    text = encoded(None)
    assert text == original(None)
    assert [doc["title"] for doc in json.loads(text)["docs"]] == ["Renamed", "New section", "Odd"]
    index.entries[:] = []
    assert encoded(None) == original(None)
    assert original(None).endswith(',"docs":[]}')


def test_the_encoded_index_lets_go_of_entries_pages_no_longer_have() -> None:
    # A served site renders a page again after each edit: each time, its entries are new
    # objects. What the index holds stays within twice the index, and it stays right.
    index = _material_index()
    original = index.generate_search_index
    index.entries[:] = [_entry(f"p{n}/", "Title " * 50) for n in range(10)]
    encoded = preview.EncodedIndex(index)
    index.generate_search_index = encoded
    for edit in range(200):
        index.entries[0] = _entry("p0/", f"Edit {edit} " * 50)
        text = encoded(None)
        assert text == original(None)
        held = sum(len(encoding) for _, encoding in encoded._kept.values())
        assert held <= 2 * len(text)


def test_encoded_index_is_installed_once_on_materials_search(tmp_path: Path) -> None:
    """`encoded_index` finds Material's index on its plugin and puts itself in its place."""
    session = Session(tmp_path, {**PRODUCT, **DOCS}, mkdocs_config(plugins=["search"]))
    try:
        config = session.served._config
        first = preview.encoded_index(config)
        assert first is not None
        assert preview.encoded_index(config) is first
        assert first.index.entries is preview.search_entries(config)
    finally:
        session.close()


TARGETS = {
    "STORY-1": LinkTarget("s1.md", None, "One", "s1/"),
    "STORY-1/AC-1": LinkTarget("s1.md", "ac-1", "Shown <b>", "s1/"),
    "STORY-12": LinkTarget("s2.md", None, "Two", "s2/"),
    "STORY-7": LinkTarget("s7.md", None, "Not indexed", "s7/"),
}
WRITTEN = (
    '{"config":{"lang":["en"],"separator":"[\\\\s\\\\-]+","fields":{"tags":{"boost":1000000.0}}},'
    '"docs":[{"location":"s1/","title":"S1","text":""},{"location":"s2/","title":"S2","text":""}]}'
)


def test_ids_added_to_the_frame_are_those_added_after_parsing_the_index(tmp_path: Path) -> None:
    reference = tmp_path / INDEX_URI
    reference.parent.mkdir(parents=True)
    kept = IdEntries()
    renamed = {**TARGETS, "STORY-12": LinkTarget("s2.md", None, "Ü", "s2/")}
    longer = {**renamed, "STORY-123": LinkTarget("s2.md", "x", "Longer", "s2/")}
    unindexed = {**longer, "STORY-7": LinkTarget("s7.md", None, "Still not", "s7/")}
    moved = {**unindexed, "STORY-1/AC-1": LinkTarget("s2.md", "ac-9", "Moved", "s2/")}
    before: dict[str, LinkTarget] = {}
    for targets in (TARGETS, renamed, longer, unindexed, moved, renamed):
        reference.write_text(WRITTEN, encoding="utf-8")
        came = {
            name for name in before.keys() | targets.keys() if before.get(name) != targets.get(name)
        }
        before = targets
        framed = index_with_ids(WRITTEN, targets, kept, came)
        assert add_ids_to_index(tmp_path, targets)
        assert framed == reference.read_text(encoding="utf-8")
    docs = json.loads(framed)["docs"]
    assert [doc["location"] for doc in docs] == ["s1/", "s2/", "s1/#", "s1/#ac-1", "s2/#"]
    assert docs[-1]["title"] == "STORY-12" and docs[-1]["roadmark"].startswith("STORY- 12story12 ")


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_name_coming_or_going_changes_only_its_entry_unless_the_longest_number_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A criterion added or removed, an item added: its entry goes in among the others in
    name order, or leaves, the others kept; a name that changes the longest number (whose
    length sets every entry's count) makes all of them again. Written as a full build
    writes them, each time."""
    reference = tmp_path / INDEX_URI
    reference.parent.mkdir(parents=True)
    made: list[int] = []
    found_at = search._found_at
    monkeypatch.setattr(search, "_found_at", lambda *a: made.append(1) or found_at(*a))
    kept, before = IdEntries(), dict(TARGETS)
    criterion = LinkTarget("s1.md", "ac-2", "Added", "s1/")
    steps: list[tuple[dict[str, LinkTarget], bool]] = [
        (TARGETS, True),
        ({**TARGETS, "STORY-1/AC-2": criterion}, False),  # comes: 1 digit, the longest is 2
        ({**TARGETS, "STORY-1/AC-2": criterion, "STORY-3": TARGETS["STORY-1"]}, False),
        ({"STORY-1": TARGETS["STORY-1"], "STORY-12": TARGETS["STORY-12"]}, False),  # go
        ({"STORY-1": TARGETS["STORY-1"]}, True),  # the longest number goes
        ({"STORY-1": TARGETS["STORY-1"], "STORY-100": TARGETS["STORY-12"]}, True),  # longer
    ]
    for targets, anew in steps:
        moved = {n for n in before.keys() | targets.keys() if before.get(n) != targets.get(n)}
        before, made[:] = targets, []
        framed = index_with_ids(WRITTEN, targets, kept, moved)
        assert bool(made) is anew, sorted(targets)
        reference.write_text(WRITTEN, encoding="utf-8")
        assert add_ids_to_index(tmp_path, targets)  # the file parsed, as a full build does
        assert framed == reference.read_text(encoding="utf-8"), sorted(targets)
    titles = [doc["title"] for doc in json.loads(framed)["docs"]]
    assert titles == ["S1", "S2", "STORY-1", "STORY-100"]


@pytest.mark.parametrize(
    "frame",
    [
        '{"config": {"lang": ["en"]}, "docs": []}',  # not compact
        '{"config":{"lang":["en"]},"docs":[],"more":1}',  # more than config and entries
        '{"config":{"lang":["en"]},"docs":[',  # not JSON
    ],
)
def test_ids_are_not_added_to_a_frame_not_as_material_writes_it(frame: str) -> None:
    # `add_ids_to_site` then adds them to the file Material wrote, parsing it.
    assert add_ids_to_frame(frame, {"s1/"}, TARGETS, IdEntries(), ()) is None


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_served_search_index_is_a_full_builds_after_each_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Served, Material's search writes our entries with its own: nothing reads the index
    # back or writes it again. A one-shot build adds them to the file Material wrote.
    read_back: list[Path] = []
    from_file = search.add_ids_to_index

    def add_from_file(site_dir: Path, *args: Any) -> bool:
        read_back.append(site_dir)
        return from_file(site_dir, *args)

    monkeypatch.setattr(search, "add_ids_to_index", add_from_file)
    files = {**PRODUCT, **DOCS}
    session = Session(tmp_path, files, mkdocs_config(plugins=["search", "roadmark"]))
    try:
        edits = [
            ("JSON export", "JSON export, «renamed» <i>"),
            (
                "- AC-2: Given a problem",
                "- AC-3: Given a new clause, when read, then shown.\n- AC-2: Given a problem",
            ),
        ]
        current = dict(files)
        for number, (old, new) in enumerate(edits):
            current = {**current, STORY: current[STORY].replace(old, new)}
            _, log = session.apply(current)
            assert log is not None
            assert any("preview: rebuilt" in message for _, message in log), log
            served = (session.served.site_dir / INDEX_URI).read_bytes()
            reference = fresh_build(session.project, tmp_path / f"reference{number}")[INDEX_URI]
            assert served == reference
        locations = {doc["location"] for doc in json.loads(served)["docs"]}
        assert {"product/stories/STORY-1/#ac-3", "product/stories/STORY-1/#"} <= locations
        titles = {doc["title"] for doc in json.loads(served)["docs"]}
        assert {"STORY-1 · JSON export, «renamed» &lt;\u2060i&gt;", "STORY-1/AC-3"} <= titles
        assert read_back == []
        one_shot = build(session.project)
        assert (one_shot.site_dir / INDEX_URI).read_bytes() == served
        assert read_back == [one_shot.site_dir]
    finally:
        session.close()
