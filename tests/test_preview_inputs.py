"""The preview tells which watched files changed since the last build (`site/inputs.py`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from roadmark.site.inputs import Inputs, changes, snapshot


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
