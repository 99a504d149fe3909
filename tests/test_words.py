"""Plurals, counts and numbers: one rule for index pages, folders, reports and roadmaps."""

from __future__ import annotations

import pytest

from roadmark.cli.scaffold import kind_folder
from roadmark.render.markdown import kind_label
from roadmark.text.words import clipped, count, number, plural, with_article


@pytest.mark.parametrize(
    ("word", "expected"),
    [("story", "stories"), ("epic", "epics"), ("process", "processes"), ("key", "keys")],
)
def test_a_kinds_index_title_and_its_folder_use_the_same_plural(word: str, expected: str) -> None:
    assert plural(word) == expected
    assert kind_label(word, plural=True) == expected.capitalize()
    assert kind_folder(word, []) == expected


def test_counts_and_numbers_read_as_written_by_hand() -> None:
    assert [count(1, "story"), count(3, "unfinished story"), count(0.5, "point")] == [
        "1 story",
        "3 unfinished stories",
        "0.5 points",
    ]
    assert [number(3), number(2.0), number(0.5), number(None), number(True)] == [
        "3",
        "2",
        "0.5",
        "",
        "",
    ]


def test_a_noun_takes_the_article_its_first_letter_asks_for() -> None:
    assert [with_article("epic"), with_article("story"), with_article("Item")] == [
        "an epic",
        "a story",
        "an Item",
    ]


def test_a_long_value_is_clipped_to_the_limit_with_an_ellipsis() -> None:
    assert clipped("x" * 60, 60) == "x" * 60
    assert clipped("x" * 61, 60) == "x" * 57 + "..."
    assert len(clipped("0x" + "f" * 5000, 60)) == 60
