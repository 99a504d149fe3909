"""Release notes: the done stories that ship in a release, by epic and by type, each with a
one-line summary, for stakeholders (the notes pages, the Atom feed, the Markdown export and
the `release_notes` macro all render one `ReleaseNotes`).

Which stories a release holds is the roadmap's answer (`graph.release_of`, through
`progress.stories_under`): a story's own release, else its epic's or PRD's; stories under a
cancelled epic or superseded PRD left the plan, and only the done ones have shipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..spec.graph import Graph
from ..spec.ids import LIST_ITEM
from ..spec.model import Item
from ..spec.settings import Settings
from .progress import is_done, stories_under

TYPE_TITLES = {"feature": "Features", "bug": "Fixes", "tech-debt": "Tech debt", "spike": "Spikes"}
"""The heading of each story type (the values of the built-in `type` field)."""

DEFAULT_TYPES = ("feature", "bug")
"""The types the notes list unless `release_notes_types` says otherwise."""

UNTYPED = "Other changes"
"""The heading of done stories without a `type`: never left out, since nothing says they are
tech debt or spikes."""

NO_EPIC = "Other stories"
"""The heading of the group of done stories that belong to no epic."""

SUMMARY_LIMIT = 200
"""The longest summary, in characters; a longer first sentence is clipped with `…`."""


@dataclass(frozen=True, slots=True)
class Note:
    """One done story as the notes show it."""

    id: str
    title: str
    summary: str
    """The first sentence of its first paragraph of prose, as plain text; may be empty."""


@dataclass(frozen=True, slots=True)
class TypeGroup:
    """The stories of one type within an epic's group."""

    type: str | None
    """The story type (`feature`, `bug`, …); None for stories without one."""
    title: str
    notes: tuple[Note, ...]


@dataclass(frozen=True, slots=True)
class EpicGroup:
    """The done stories of one epic (or of none), by type."""

    epic: str | None
    """The epic's id; None for the stories that belong to no epic."""
    title: str
    """The epic's title, or `NO_EPIC`."""
    types: tuple[TypeGroup, ...]


@dataclass(frozen=True, slots=True)
class ReleaseNotes:
    """What shipped in one release."""

    release: str
    title: str
    status: str
    released: bool
    """Whether the release is in the last state of its workflow (`released`)."""
    due: date | None
    """The release's `date`, if it has one."""
    epics: tuple[EpicGroup, ...]

    @property
    def notes(self) -> list[Note]:
        """Every story listed, in page order."""
        return [note for epic in self.epics for group in epic.types for note in group.notes]


def plan_release_notes(
    graph: Graph,
    settings: Settings,
    release_id: str,
    types: Sequence[str] = DEFAULT_TYPES,
    *,
    note: Callable[[Item], Note] | None = None,
) -> ReleaseNotes:
    """The notes of one release (KeyError when no release has that id).

    Epics in id order, the stories of no epic last; within an epic, the `types` in the
    order given, then stories without a type; stories in id order. Types not among `types`
    (by default `tech-debt` and `spike`) are left out. `note` makes a story's note (default:
    anew, see `KeptNotes`).
    """
    release = graph.items[release_id]
    if release.kind != "release":
        raise KeyError(release_id)
    done = [story for story in stories_under(release, graph) if is_done(story, settings)]
    by_epic: dict[str | None, list[Item]] = {}
    for story in sorted(done, key=graph.rank):
        parent = graph.parent(story)
        epic = parent.id if parent is not None and parent.kind == "epic" else None
        by_epic.setdefault(epic, []).append(story)
    order = sorted(by_epic, key=lambda epic: (epic is None, graph.ranks.get(epic or "", 0)))
    groups = []
    for epic in order:
        kept = _by_type(by_epic[epic], types, note or _note)
        if kept:
            title = graph.items[epic].title if epic is not None else NO_EPIC
            groups.append(EpicGroup(epic, title, kept))
    due = release.get("date")
    return ReleaseNotes(
        release.id,
        release.title,
        release.status,
        is_done(release, settings),
        due if isinstance(due, date) else None,
        tuple(groups),
    )


def plan_all_release_notes(
    graph: Graph,
    settings: Settings,
    types: Sequence[str] = DEFAULT_TYPES,
    *,
    kept: KeptNotes | None = None,
) -> list[ReleaseNotes]:
    """The notes of every release, newest first: by date, latest first, then undated
    releases; releases of one date in reverse id order. With `kept`, the notes of the stories
    that last planning saw are taken from it (see `KeptNotes`)."""
    releases = graph.of_kind("release")
    note = kept.note if kept is not None else None
    planned = [
        plan_release_notes(graph, settings, release.id, types, note=note)
        for release in sorted(releases, key=lambda item: _newest_first(item, graph))
    ]
    if kept is not None:
        kept.forget_unused()
    return planned


class KeptNotes:
    """Each done story's note, kept from one planning of the notes to the next (the preview
    plans them after every edit): a note is made from the story alone (its id, title and
    body), and an item is not changed once parsed, so a note is made again only when the
    parsed-spec cache hands back another object for the story (its file was read again)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[Item, Note]] = {}
        self._used: dict[str, tuple[Item, Note]] = {}

    def note(self, story: Item) -> Note:
        """The note of `story`."""
        kept = self._last.get(story.id) or self._used.get(story.id)
        if kept is None or kept[0] is not story:
            kept = (story, _note(story))
        self._used[story.id] = kept
        return kept[1]

    def forget_unused(self) -> None:
        """Keeps only the notes used since the last call: the stories of the notes planned
        last, so that stories gone or no longer done are not held on to."""
        self._last, self._used = self._used, {}


def _newest_first(release: Item, graph: Graph) -> tuple[bool, int, int]:
    due = release.get("date")
    dated = isinstance(due, date)
    return (not dated, -due.toordinal() if dated else 0, -graph.rank(release))


def _by_type(
    stories: Iterable[Item], types: Sequence[str], note: Callable[[Item], Note]
) -> tuple[TypeGroup, ...]:
    """The stories by type, in the order of `types`, then those without a type."""
    found: dict[str | None, list[Note]] = {}
    for story in stories:
        kind = story.get("type")
        key = kind if isinstance(kind, str) else None
        if key is None or key in types:
            found.setdefault(key, []).append(note(story))
    ordered: list[str | None] = [*types, None]
    return tuple(
        TypeGroup(key, TYPE_TITLES.get(key, key) if key else UNTYPED, tuple(found[key]))
        for key in ordered
        if key in found
    )


def _note(story: Item) -> Note:
    return Note(story.id, story.title, summary_line(story.body))


# --- The one-line summary --------------------------------------------------------------------

_SKIPPED = re.compile(r"(<!--|!!!|\?\?\?|>|\|)")
"""Blocks that are not prose besides lists (the criteria; `LIST_ITEM`), headings and fences:
comments, admonitions, quotes and tables."""
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MARKS = re.compile(r"`|~~|(?<!\w)[*_]+(?=\S)|(?<=\S)[*_]+(?!\w)")
"""Code, strike-through and emphasis marks (a run of `*` or `_` at a word's edge)."""
# A sentence ends at ., ! or ? before a capital letter or the end: "e.g. a" goes on.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z])")


def summary_line(body: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first sentence of the first paragraph of prose in a Markdown body, as plain text
    on one line (links become their text, emphasis and tags go), clipped to `limit`
    characters with `…`; empty when the body has no prose."""
    paragraph = _first_paragraph(body)
    if not paragraph:
        return ""
    flat = " ".join(paragraph.split())
    flat = _IMAGE.sub(r"\1", flat)
    flat = _LINK.sub(r"\1", flat)
    flat = _TAG.sub("", flat)
    flat = " ".join(_MARKS.sub("", flat).split())
    sentence = _SENTENCE_END.split(flat, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _first_paragraph(body: str) -> str:
    """The first block of consecutive non-blank lines that is prose (see `_SKIPPED`)."""
    lines: list[str] = []
    fenced = False
    for line in [*body.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        if stripped and not stripped.startswith("#"):
            lines.append(stripped)
            continue
        # A blank line or a heading ends a block.
        if lines and not _SKIPPED.match(lines[0]) and not LIST_ITEM.match(lines[0]):
            return " ".join(lines)
        lines = []
    return ""
