"""A board under `serve` keeps its cards from one rendering to the next (`KeptCards`):
whatever the edit, the board made with what was kept is the board made afresh, and only
the cards of the stories edited are written again.

Each step makes a new `Item` for every story edited and keeps the very object of every
other one, as the parsed-spec cache does: a card is reused only while its story is the
same object (or an equal one).
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from roadmark.plan.kanban import BoardColumn
from roadmark.render.html import HtmlLinker
from roadmark.render.kanban import KeptCards, kanban
from roadmark.spec.model import Item

STATES = ("ready", "in-progress", "done")


def _href(item_id: str, anchor: str | None = None) -> str:
    return f"../{item_id.lower()}/"


def _columns(stories: dict[str, Item]) -> list[BoardColumn]:
    return [
        BoardColumn(state, tuple(story for story in stories.values() if story.status == state))
        for state in STATES
    ]


def _edited(story: Item, rng: random.Random, step: int) -> Item:
    """A new object for `story`, changed in one of the fields a card shows or places by."""
    edit = rng.choice(["title", "estimate", "team", "status", "nothing"])
    fields = dict(story.fields)
    if edit == "title":
        return replace(story, title=f"Title {step} <b>&", fields=fields)
    if edit == "status":
        return replace(story, status=rng.choice(STATES), fields=fields)
    if edit == "estimate":
        fields["estimate"] = rng.choice([1, 3, 5, None])
    elif edit == "team":
        fields["team"] = rng.choice(["core", "web", "R&D"])
    return replace(story, fields=fields)  # "nothing": equal, yet not the same object


@pytest.mark.roadmark("STORY-89/AC-2")
@pytest.mark.parametrize("seed", range(5))
def test_a_board_with_kept_cards_is_the_board_made_afresh(seed: int) -> None:
    rng = random.Random(seed)
    stories = {
        f"STORY-{n}": Item(f"STORY-{n}", "story", f"Story {n}", rng.choice(STATES), "", {})
        for n in range(1, 30)
    }
    cards = KeptCards()
    linker = HtmlLinker(_href)
    for step in range(25):
        edited = rng.sample(sorted(stories), rng.randint(1, 3))
        for name in edited:
            stories[name] = _edited(stories[name], rng, step)
        kept = cards.of("board")
        made_before = kept.made
        board = kanban(_columns(stories), linker, "Board", kept)
        assert board == kanban(_columns(stories), linker, "Board"), f"step {step}"
        if step:  # the first rendering makes every card; later ones only those edited
            assert kept.made - made_before <= len(edited)


def test_each_board_keeps_its_own_cards() -> None:
    # The same story on two boards (the product's and its team's): links from each page.
    story = Item("STORY-1", "story", "One", "ready", "", {"team": "core"})
    cards = KeptCards()
    columns = [BoardColumn("ready", (story,))]
    product = kanban(columns, HtmlLinker(_href), "Board", cards.of("board"))
    team = kanban(columns, HtmlLinker(lambda i, a=None: f"x/{i}"), "Team", cards.of("board-core"))
    assert 'href="../story-1/"' in product
    assert 'href="x/STORY-1"' in team
