"""Kanban boards as static HTML: a column per workflow state, a card per story (its id
linked, title, estimate and team), for a release's or a sprint's page, the product board
(`boards.py`) and the `sprint_board` macro.

No script: the columns sit side by side in a container that scrolls sideways on its own,
so a phone scrolls the board, never the page. Site pages get the board as a deferred
part, written once as HTML (a card per story as Markdown would cost a Markdown pass per
card); a macro's board lands in a docs page's Markdown, so it is written with Markdown
links inside `markdown` blocks, which MkDocs resolves like any other link.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ..plan.kanban import BoardColumn
from ..spec.fields import is_bounded
from ..spec.kept import Kept
from ..spec.model import Item
from ..text.words import count
from .html import Markup, attr, slug
from .markdown import badge


class KeptCards:
    """Under `serve`, each board's cards from its last rendering, kept while their story is
    the same object: a card shows its story's own fields alone, and links from the board's
    page, whose URLs hold until the next full build (which starts with new keepers)."""

    def __init__(self) -> None:
        self._boards: dict[str, Kept[str, str]] = {}

    def of(self, board: str) -> Kept[str, str]:
        """The cards of the board on page `board`, by story id."""
        return self._boards.setdefault(board, Kept())


def kanban(
    columns: Sequence[BoardColumn], linker: Markup, label: str, kept: Kept[str, str] | None = None
) -> str:
    """The board of `columns`; `label` names it for screen readers (plain text); `kept`,
    under `serve`, the board's cards from its last rendering (`KeptCards`).

    With a Markdown `Linker` (a macro), the board is Markdown inside `markdown` blocks;
    with an `HtmlLinker` (a deferred part), plain HTML.
    """
    block = linker.markdown_attr()
    parts = [
        f'<div class="roadmark-kanban" role="region" aria-label="{attr(label)}" '
        f'tabindex="0"{block}>'
    ]
    for column in columns:
        parts.append(
            f'<div class="roadmark-kanban__column roadmark-kanban__column--{slug(column.state)}"'
            f"{block}>"
        )
        parts.append(
            f'<p class="roadmark-kanban__state">{badge(column.state)} '
            f'<span class="roadmark-kanban__count">{len(column.stories)}</span></p>'
        )
        if kept is None:
            cards = [_card(story, linker) for story in column.stories]
        else:  # a 10,000-story board would write its 9,000 cards again after each edit
            made = partial(_card, linker=linker)
            cards = [kept.get(story.id, (story,), partial(made, story)) for story in column.stories]
        if not cards:
            parts.append('<p class="roadmark-kanban__empty">Nothing here.</p>')
        else:  # a blank line first, or Markdown would not start a list after the `<p>`
            parts.append(("\n" if block else "") + linker.bullets(cards))
        parts.append("</div>")
    parts.append("</div>")
    if kept is not None:
        kept.forget_unused()  # the cards of this rendering, the next one's to reuse
    return "\n".join(parts) + "\n"


def _card(story: Item, linker: Markup) -> str:
    facts = []
    estimate = story.get("estimate")
    if is_bounded(estimate):
        facts.append(count(estimate, "point"))
    team = story.get("team")
    if isinstance(team, str) and team:
        facts.append(linker.text(team))
    shown = f'<span class="roadmark-kanban__facts">{" · ".join(facts)}</span>' if facts else ""
    return f"{linker.link(story.id)} {linker.text(story.title)} {shown}".rstrip()
