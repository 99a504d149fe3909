"""The preview tells which watched files changed since the last build (`site/inputs.py`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from roadmark.site import inputs as inputs_module
from roadmark.site.inputs import Heard, Inputs, changes, look, restamped, snapshot


@pytest.mark.roadmark("STORY-89/AC-3")
def test_a_snapshot_tells_files_modified_added_and_removed(tmp_path: Path) -> None:
    specs, config = tmp_path / "product", tmp_path / "mkdocs.yml"
    (specs / "stories").mkdir(parents=True)
    kept, edited, gone = (specs / "stories" / f"STORY-{n}.md" for n in (1, 2, 3))
    for path in (kept, edited, gone, config):
        path.write_text("a\n", encoding="utf-8")
    inputs = Inputs((specs,), (config, tmp_path / "reports" / "junit.xml"))
    before = snapshot(inputs)
    assert set(before) == {
        str(path) for path in (kept, edited, gone, config)
    }  # a result file not written yet is absent

    edited.write_text("b\n", encoding="utf-8")  # same size, later time: still a change
    os.utime(edited, ns=(before[str(edited)][0] + 1_000_000, before[str(edited)][0] + 1_000_000))
    gone.unlink()
    added = specs / "stories" / "STORY-4.md"
    added.write_text("a\n", encoding="utf-8")
    found = changes(before, snapshot(inputs))

    assert found.modified == {edited}
    assert found.added == {added}
    assert found.removed == {gone}
    assert not changes(before, before)


def test_a_dangling_link_is_watched_and_counts_as_changed_once_mended(tmp_path: Path) -> None:
    specs = tmp_path / "product"
    specs.mkdir()
    link = specs / "STORY-1.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    before = snapshot(Inputs((specs,)))
    assert str(link) in before

    (tmp_path / "elsewhere.md").write_text("now it reads\n", encoding="utf-8")
    assert changes(before, snapshot(Inputs((specs,)))).modified == {link}


def bump(path: Path, text: str) -> None:
    """Rewrite `path` with a later modification time, however coarse the file system's."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_files_heard_of_are_stamped_again_as_a_snapshot_would_stamp_them(
    tmp_path: Path,
) -> None:
    """Modified, added, removed, a link, a single file and a path heard without a change:
    `restamped` gives the stamps and the changes a snapshot of every file would."""
    specs, config = tmp_path / "product", tmp_path / "mkdocs.yml"
    (specs / "stories").mkdir(parents=True)
    kept, edited, gone = (specs / "stories" / f"STORY-{n}.md" for n in (1, 2, 3))
    for path in (kept, edited, gone, config, tmp_path / "target.md"):
        path.write_text("a\n", encoding="utf-8")
    link = specs / "stories" / "STORY-5.md"
    link.symlink_to(tmp_path / "target.md")
    inputs = Inputs((specs,), (config,))
    before = snapshot(inputs)

    bump(edited, "b\n")
    bump(config, "site_name: B\n")
    bump(tmp_path / "target.md", "through the link\n")
    gone.unlink()
    added = specs / "stories" / "STORY-4.md"
    added.write_text("a\n", encoding="utf-8")
    heard = [str(path) for path in (kept, edited, gone, added, link, config)]
    found = restamped(before, inputs, heard)

    assert found is not None
    assert found[0] == snapshot(inputs)
    assert found[1] == changes(before, snapshot(inputs))
    assert found[1].modified == {edited, link, config}
    assert restamped(before, inputs, []) == (before, changes(before, before))


def test_a_path_heard_outside_the_files_or_a_folder_needs_a_snapshot(tmp_path: Path) -> None:
    """What lies outside the watched files (a theme's folder, a symlinked path) or is a
    folder (whose files came with it) only a walk of every file can tell."""
    specs = tmp_path / "product"
    (specs / "stories").mkdir(parents=True)
    inputs = Inputs((specs,), (tmp_path / "mkdocs.yml",))
    before = snapshot(inputs)
    assert restamped(before, inputs, [str(tmp_path / "theme" / "main.html")]) is None
    assert restamped(before, inputs, [str(tmp_path / "mkdocs.yml.bak")]) is None
    assert restamped(before, inputs, [str(specs / "stories")]) is None


def test_a_change_is_found_from_what_was_heard_and_else_from_a_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`look` stamps only the files heard of; when nothing was heard, or something no path
    tells (a folder moved), it stamps them all."""
    specs = tmp_path / "product"
    specs.mkdir()
    story = specs / "STORY-1.md"
    story.write_text("a\n", encoding="utf-8")
    inputs = Inputs((specs,))
    before = snapshot(inputs)
    bump(story, "b\n")
    walks: list[Inputs] = []
    monkeypatch.setattr(inputs_module, "snapshot", lambda given: walks.append(given) or {})

    heard = Heard()
    heard.hear(str(story))
    assert look(heard, before, inputs)[1].modified == {story}
    assert not walks

    assert look(heard, before, inputs)[1].removed == {story}  # nothing heard: the walk's {}
    heard.hear(str(story))
    heard.lose()
    assert look(heard, before, inputs)[1].removed == {story}
    assert walks == [inputs, inputs]
    assert heard.take() is None  # taken: nothing since
