"""The loader remembers where each front matter field is written."""

from __future__ import annotations

import pytest

from roadmark.spec.loader import load_text
from roadmark.spec.model import Position
from roadmark.spec.settings import Settings


@pytest.mark.roadmark("STORY-2/AC-1")
def test_each_field_knows_the_line_and_column_of_its_value() -> None:
    text = (
        "---\n"
        "id: STORY-1\n"
        "kind: story\n"
        "status:   ready\n"
        "title: Café ☕ and more\n"
        "tags: [é, cli]\n"
        "---\n"
    )
    item = load_text("stories/STORY-1.md", text, Settings()).source.item
    assert item is not None
    assert item.position("status") == Position(4, 11)
    assert item.position("id") == Position(2, 5)
    assert item.position("title") == Position(5, 8)
    # Columns count characters, not UTF-8 bytes, after non-ASCII text on the line.
    assert item.position("tags", 1) == Position(6, 11)
