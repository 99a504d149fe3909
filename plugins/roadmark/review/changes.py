"""The change to the plan between two snapshots of a product, as plain dataclasses.

Items are matched by id; what a reviewer needs (field changes, reworded
clauses, release scope, impact, new problems) is computed here once, and the
renderers only format it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

from ..plan.scope import release_scopes
from ..spec.graph import Graph, natural_key
from ..spec.ids import CLAUSE_ITEM_IN_WORDS
from ..spec.model import Clause, ClauseKind, Item, plain
from ..spec.problems import Problem, Severity
from ..spec.settings import Settings
from .renames import match_renames
from .revisions import Snapshot, unreadable_files

ChangeKind = Literal["added", "removed", "renamed", "moved", "modified"]
CHANGE_ORDER: tuple[ChangeKind, ...] = ("added", "removed", "renamed", "moved", "modified")

Side = Literal["base", "head"]


@dataclass(frozen=True, slots=True)
class WordSpan:
    """A run of words of a word-level diff: kept, deleted or inserted."""

    op: Literal["equal", "delete", "insert"]
    text: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A front matter field whose value changed; absent values are None."""

    name: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """A requirement or acceptance criterion added, removed or reworded."""

    kind: ClauseKind
    local_id: str
    change: Literal["added", "removed", "reworded"]
    before: str | None
    after: str | None
    words: list[WordSpan] = field(default_factory=list)
    """For a rewording: the word-level diff of the text."""


@dataclass(slots=True)
class ItemChange:
    """An item added, removed, renamed, moved to another file, or otherwise modified."""

    change: ChangeKind
    id: str
    kind: str
    title: str
    path: str
    """The file relative to the project root, on the side that has the item (HEAD if both)."""
    old_id: str | None = None
    """For a rename: the id in BASE."""
    old_path: str | None = None
    """For a rename or a move: the file in BASE."""
    fields: list[FieldChange] = field(default_factory=list)
    clauses: list[ClauseChange] = field(default_factory=list)
    text_changed: bool = False
    """Whether prose outside requirements and criteria changed."""


@dataclass(frozen=True, slots=True)
class ScopeChange:
    """A release's scope before and after; `release` None is the unscheduled backlog."""

    release: str | None
    title: str
    points_before: float
    points_after: float
    stories_before: int
    stories_after: int


@dataclass(frozen=True, slots=True)
class Impact:
    """An item affected by a change to something it refers to."""

    id: str
    title: str
    path: str
    cause: str
    """The id or requirement address that changed."""
    reason: str


@dataclass(frozen=True, slots=True)
class UnreadableFile:
    """A file that could not be read or parsed on one side; its item is not counted removed."""

    side: Side
    path: str
    reason: str
    item: str | None
    """The id the other side has in this file, if any."""


@dataclass(slots=True)
class SpecDiff:
    """Everything that changed in the plan between BASE and HEAD."""

    base: str
    head: str
    items: list[ItemChange] = field(default_factory=list)
    scope: list[ScopeChange] = field(default_factory=list)
    impact: list[Impact] = field(default_factory=list)
    new_problems: list[Problem] = field(default_factory=list)
    fixed_problems: list[Problem] = field(default_factory=list)
    unreadable: list[UnreadableFile] = field(default_factory=list)

    def of(self, change: ChangeKind) -> list[ItemChange]:
        """The item changes of one kind of change."""
        return [item for item in self.items if item.change == change]

    @property
    def new_errors(self) -> list[Problem]:
        """New problems of error severity."""
        return [p for p in self.new_problems if p.severity is Severity.ERROR]

    @property
    def empty(self) -> bool:
        """Whether nothing at all changed."""
        return not (
            self.items or self.scope or self.new_problems or self.fixed_problems or self.unreadable
        )


def compare(base: Snapshot, head: Snapshot) -> SpecDiff:
    """The change from `base` to `head`, which must share one configuration."""
    settings = head.product.settings
    before, after = base.product.graph, head.product.graph
    broken_before = unreadable_files(base.product)
    broken_after = unreadable_files(head.product)
    # An item whose file broke is not "removed": the file is reported as unreadable instead.
    removed = [i for k, i in before.items.items() if k not in after.items]
    removed = [i for i in removed if i.path not in broken_after]
    added = [i for k, i in after.items.items() if k not in before.items]
    added = [i for i in added if i.path not in broken_before]
    renames = match_renames(removed, added, _texts(base), _texts(head))
    renamed_old = {old.id for old, _ in renames}
    renamed_new = {new.id for _, new in renames}

    def where(item: Item) -> str:
        return settings.source_path(item.path)

    changes = [_listed("added", i, where) for i in added if i.id not in renamed_new]
    changes += [_listed("removed", i, where) for i in removed if i.id not in renamed_old]
    changes += [_compared("renamed", old, new, where) for old, new in renames]
    for key, new in after.items.items():
        old = before.items.get(key)
        # The parse cache hands both sides the same item when its file is unchanged.
        if old is None or old is new:
            continue
        change = _compared("moved" if old.path != new.path else "modified", old, new, where)
        if change.change == "moved" or change.fields or change.clauses or change.text_changed:
            changes.append(change)
    kinds = list(settings.kinds)
    changes.sort(
        key=lambda c: (
            CHANGE_ORDER.index(c.change),
            kinds.index(c.kind) if c.kind in kinds else len(kinds),
            natural_key(c.id),
        )
    )
    new_problems, fixed_problems = _problem_changes(base.product.problems, head.product.problems)
    return SpecDiff(
        base=base.label,
        head=head.label,
        items=changes,
        scope=_scope_changes(before, after, settings),
        impact=_impacts(changes, before, after, settings),
        new_problems=new_problems,
        fixed_problems=fixed_problems,
        unreadable=_unreadable("base", broken_before, after, settings)
        + _unreadable("head", broken_after, before, settings),
    )


def word_diff(before: str, after: str) -> list[WordSpan]:
    """Word-level diff of two texts; whitespace is normalised, so re-wrapping is no change."""
    old, new = before.split(), after.split()
    spans: list[WordSpan] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            spans.append(WordSpan("equal", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            spans.append(WordSpan("delete", " ".join(old[i1:i2])))
        if j2 > j1:
            spans.append(WordSpan("insert", " ".join(new[j1:j2])))
    return spans


def _texts(snapshot: Snapshot) -> dict[str, str]:
    return {s.path: s.text for s in snapshot.product.files if s.text is not None}


def _listed(change: ChangeKind, item: Item, where: Callable[[Item], str]) -> ItemChange:
    return ItemChange(change, item.id, item.kind, item.title, where(item))


def _compared(change: ChangeKind, old: Item, new: Item, where: Callable[[Item], str]) -> ItemChange:
    moved = old.path != new.path
    return ItemChange(
        change=change,
        id=new.id,
        kind=new.kind,
        title=new.title,
        path=where(new),
        old_id=old.id if old.id != new.id else None,
        old_path=where(old) if moved else None,
        fields=_field_changes(old, new),
        clauses=_clause_changes(old.clauses, new.clauses),
        text_changed=_prose(old) != _prose(new),
    )


def _field_changes(old: Item, new: Item) -> list[FieldChange]:
    names = [name for name in new.fields if name != "id"]
    names += [name for name in old.fields if name != "id" and name not in new.fields]
    changes: list[FieldChange] = []
    for name in names:
        before, after = plain(old.get(name)), plain(new.get(name))
        if before != after:
            changes.append(FieldChange(name, before, after))
    return changes


def _clause_changes(old: list[Clause], new: list[Clause]) -> list[ClauseChange]:
    before = {(c.kind, c.local_id): c for c in old}
    after = {(c.kind, c.local_id): c for c in new}
    changes: list[ClauseChange] = []
    for key, clause in after.items():
        previous = before.get(key)
        if previous is None:
            changes.append(ClauseChange(clause.kind, clause.local_id, "added", None, clause.text))
        elif _words(previous.text) != _words(clause.text):
            words = word_diff(previous.text, clause.text)
            changes.append(
                ClauseChange(
                    clause.kind, clause.local_id, "reworded", previous.text, clause.text, words
                )
            )
    for key, clause in before.items():
        if key not in after:
            changes.append(ClauseChange(clause.kind, clause.local_id, "removed", clause.text, None))
    return changes


def _words(text: str) -> str:
    return " ".join(text.split())


def _prose(item: Item) -> str:
    """The body with requirement and criterion list items taken out, whitespace normalised."""
    text = _words(item.body)
    clauses = {clause.local_id: _words(clause.text) for clause in item.clauses}
    kept: list[str] = []
    pos = 0
    for match in CLAUSE_ITEM_IN_WORDS.finditer(text):
        clause = clauses.get(match[1])
        if clause is not None and match.start() >= pos and text.startswith(clause, match.end()):
            kept.append(text[pos : match.start()])
            pos = match.end() + len(clause)
    kept.append(text[pos:])
    return _words(" ".join(kept))


def _scope_changes(before: Graph, after: Graph, settings: Settings) -> list[ScopeChange]:
    old, new = release_scopes(before, settings), release_scopes(after, settings)
    changes: list[ScopeChange] = []
    for release in sorted(old.keys() | new.keys(), key=_release_order):
        was, now = old.get(release), new.get(release)
        points_before, stories_before = (was.points, was.stories) if was else (0, 0)
        points_after, stories_after = (now.points, now.stories) if now else (0, 0)
        if (points_before, stories_before) == (points_after, stories_after):
            continue
        item = (after.get(release) or before.get(release)) if release else None
        title = item.title if item else ""
        changes.append(
            ScopeChange(release, title, points_before, points_after, stories_before, stories_after)
        )
    return changes


def _release_order(release: str | None) -> tuple[int, list[int | str]]:
    return (1, []) if release is None else (0, natural_key(release))


def _impacts(
    changes: list[ItemChange], before: Graph, after: Graph, settings: Settings
) -> list[Impact]:
    found: dict[tuple[str, str], Impact] = {}

    def add(item_id: str, cause: str, reason: str) -> None:
        item = after.get(item_id)
        if item is not None and (item_id, cause) not in found:
            path = settings.source_path(item.path)
            found[item_id, cause] = Impact(item_id, item.title, path, cause, reason)

    # HEAD's references to an id that no longer exists are exactly its unresolved ones.
    dangling = {(item.id, ref.target) for item, ref in after.unresolved}
    for change in changes:
        if change.change == "removed":
            for ref in before.referrers(change.id):
                add(ref.source, change.id, f"{ref.field} {change.id}, which was removed")
        if change.change == "renamed" and change.old_id:
            for ref in before.referrers(change.old_id):
                if (ref.source, change.old_id) in dangling:
                    reason = f"{ref.field} still names {change.old_id}, renamed to {change.id}"
                    add(ref.source, change.old_id, reason)
        for clause in change.clauses:
            if clause.kind != "requirement" or clause.change == "added":
                continue
            addresses = {f"{change.id}/{clause.local_id}"}
            if change.old_id:
                addresses.add(f"{change.old_id}/{clause.local_id}")
            for address in sorted(addresses):
                for implementer in _implementers(address, before, after):
                    add(implementer, address, f"implements {address}, which was {clause.change}")
    return sorted(found.values(), key=lambda i: (natural_key(i.id), i.cause))


def _implementers(address: str, before: Graph, after: Graph) -> Iterable[str]:
    seen = dict.fromkeys(item.id for item in after.implementers(address))
    seen.update(dict.fromkeys(item.id for item in before.implementers(address)))
    return seen


def _problem_changes(
    before: list[Problem], after: list[Problem]
) -> tuple[list[Problem], list[Problem]]:
    """Problems only in HEAD, and only in BASE, matched by code, message and file (not line)."""

    def key(problem: Problem) -> tuple[str, str, str]:
        return (problem.code, problem.message, problem.path)

    def only_in(these: list[Problem], others: list[Problem]) -> list[Problem]:
        remaining = Counter(key(p) for p in others)
        result: list[Problem] = []
        for problem in these:
            if remaining[key(problem)] > 0:
                remaining[key(problem)] -= 1
            else:
                result.append(problem)
        return result

    return only_in(after, before), only_in(before, after)


def _unreadable(
    side: Side, broken: dict[str, str], other: Graph, settings: Settings
) -> list[UnreadableFile]:
    by_path = {item.path: item.id for item in other.items.values()}
    return [
        UnreadableFile(side, settings.source_path(path), reason, by_path.get(path))
        for path, reason in sorted(broken.items())
    ]
