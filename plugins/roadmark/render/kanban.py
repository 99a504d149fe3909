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

from ..plan.kanban import BoardColumn
from ..spec.fields import is_bounded
from ..spec.model import Item
from ..text.words import count
from .html import Markup, attr, slug
from .markdown import Linker, badge


def kanban(columns: Sequence[BoardColumn], linker: Markup, label: str) -> str:
    """The board of `columns`; `label` names it for screen readers (plain text).

    With a Markdown `Linker` (a macro), the board is Markdown inside `markdown` blocks;
    with an `HtmlLinker` (a deferred part), plain HTML.
    """
    markdown = isinstance(linker, Linker)
    block = " markdown" if markdown else ""
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
        cards = [_card(story, linker) for story in column.stories]
        if not cards:
            parts.append('<p class="roadmark-kanban__empty">Nothing here.</p>')
        elif markdown:
            parts.append("\n" + "\n".join(f"- {card}" for card in cards) + "\n")
        else:
            parts.append("<ul>" + "".join(f"<li>{card}</li>" for card in cards) + "</ul>")
        parts.append("</div>")
    parts.append("</div>")
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
