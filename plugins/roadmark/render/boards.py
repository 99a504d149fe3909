"""The product board: the open work on a kanban board (`kanban.py`), with a page per team.

`board.md` holds every story of the open work; `board-<team>.md` (not in the navigation,
linked from it) a team's. Stories without a team are on the product board only. The
boards are deferred parts, written once per page as HTML.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from functools import partial

from ..plan.kanban import plan_kanban, teams_of
from ..plan.progress import is_done
from ..spec.graph import Graph
from ..spec.kept import Kept
from ..spec.model import Item
from ..spec.settings import Settings
from ..text.words import count
from .deferred import Href, placeholder
from .html import HtmlLinker, slug
from .kanban import KeptCards, kanban
from .markdown import Linker, text
from .site_pages import ProductPage

NAME = "board"
TITLE = "Board"
OPEN_WORK = (
    "Open work: every planned story neither done nor cancelled, and the done stories of "
    "releases not yet released and of sprints not yet closed."
)


def board_pages(
    stories: Sequence[Item], graph: Graph, settings: Settings, cards: KeptCards | None = None
) -> list[ProductPage]:
    """The product board (`board.md`, listed) over `stories` (the open work, as
    `plan.kanban.open_work` finds it), and a page per team (`board-<team>.md`, not listed);
    `cards`, under `serve`, each board's cards from its last rendering."""
    team_pages = _team_names(teams_of(stories))
    by_team = _by_team(stories)
    # Each story's reads are found once: the product board reads what its teams' boards do.
    reads = {team: _read(by_team.get(team, ()), graph, settings) for team in (*team_pages, None)}
    pages = [
        ProductPage(
            NAME,
            TITLE,
            partial(_render_hub, tuple(team_pages.items()), len(stories)),
            parts=partial(_parts, tuple(stories), graph, settings, TITLE, _kept(cards, NAME)),
            shows=frozenset(),
            reads=frozenset().union(*reads.values()),
        )
    ]
    for team, name in team_pages.items():
        mine = by_team[team]
        pages.append(
            ProductPage(
                name,
                f"{TITLE}: {team}",
                partial(_render_team, team, len(mine)),
                parts=partial(
                    _parts, mine, graph, settings, f"{TITLE} of team {team}", _kept(cards, name)
                ),
                listed=False,
                shows=frozenset(),
                reads=reads[team],
            )
        )
    return pages


def _by_team(stories: Sequence[Item]) -> dict[str | None, tuple[Item, ...]]:
    """The stories by team, in their order; those without a team (or with one that is not a
    string) under None."""
    found: dict[str | None, list[Item]] = {}
    for story in stories:
        team = story.get("team")
        found.setdefault(team if isinstance(team, str) else None, []).append(story)
    return {team: tuple(mine) for team, mine in found.items()}


def _read(stories: Sequence[Item], graph: Graph, settings: Settings) -> frozenset[str]:
    """The items whose fields a board reads: its stories (a card shows its story's own
    fields), their ancestors (a story under a cancelled epic leaves the board, and
    inherits its release), and for a done story the release and sprint that keep it on
    the board while open (`open_work`). A story that comes reads these after the edit,
    one that goes read them before, and the edit is of one of them."""
    found = graph.lineage(stories)
    for story in stories:
        if is_done(story, settings):
            sprint, release = story.get("sprint"), graph.release_of(story)
            found.update(name for name in (sprint, release) if isinstance(name, str))
    return frozenset(found)


def _team_names(teams: Sequence[str]) -> dict[str, str]:
    """Each team's page name, `board-<slug>`, made unique when two teams slug alike."""
    names: dict[str, str] = {}
    for team in teams:
        name = f"{NAME}-{slug(team)}"
        suffix = 2
        while name in names.values():
            name = f"{NAME}-{slug(team)}-{suffix}"
            suffix += 1
        names[team] = name
    return names


def _render_hub(teams: Sequence[tuple[str, str]], size: int, linker: Linker) -> str:
    folder = posixpath.dirname(linker.current)
    parts = [f"# {TITLE}\n", f"{OPEN_WORK} {count(size, 'story')}.\n"]
    if teams:
        links = " · ".join(
            f"[{text(team)}]({linker.to(posixpath.join(folder, name + '.md'))})"
            for team, name in teams
        )
        parts.append(f"By team: {links}. Stories without a team are on this board only.\n")
    parts.append(placeholder("board"))
    return "\n".join(parts)


def _render_team(team: str, size: int, linker: Linker) -> str:
    hub = posixpath.join(posixpath.dirname(linker.current), f"{NAME}.md")
    return (
        f"# {TITLE}: {text(team)}\n\n"
        f"The open work of team {text(team)}: {count(size, 'story')}. "
        f"[All teams]({linker.to(hub)})\n\n" + placeholder("board")
    )


def _kept(cards: KeptCards | None, name: str) -> Kept[str, str] | None:
    return cards.of(name) if cards is not None else None


def _parts(
    stories: Sequence[Item],
    graph: Graph,
    settings: Settings,
    label: str,
    kept: Kept[str, str] | None,
    href: Href,
) -> dict[str, str]:
    columns = plan_kanban(stories, graph, settings)
    return {"board": kanban(columns, HtmlLinker(href), label, kept)}
