"""Detect renamed items: an id that vanished and a new one whose file is nearly the same."""

from __future__ import annotations

from collections.abc import Mapping
from difflib import SequenceMatcher

from ..spec.model import Item

SIMILARITY = 0.8
"""Least line similarity (difflib ratio, ids masked) for a removal and an addition to pair up."""

TITLE_SIMILARITY = 0.6
"""Least title similarity: two stories from one template differ mostly in their titles."""

COMMON_LINE = 50
"""A line shared by more added files than this (`---`, `kind: story`) does not propose pairs."""

CANDIDATES = 5
"""Most additions compared in full with one removal, best line overlap first."""

_ID_MASK = "\0id\0"


def match_renames(
    removed: list[Item],
    added: list[Item],
    texts_before: Mapping[str, str],
    texts_after: Mapping[str, str],
) -> list[tuple[Item, Item]]:
    """Pairs (old, new) of the same kind whose texts match best, each item used at most once."""
    if not removed or not added:
        return []
    new_lines = [_lines(item, texts_after) for item in added]
    # An inverted index of distinctive lines keeps this near-linear for mass renames.
    index: dict[str, list[int]] = {}
    for number, lines in enumerate(new_lines):
        for line in set(lines):
            index.setdefault(line, []).append(number)
    scored: list[tuple[float, float, int, int]] = []
    for old_number, old in enumerate(removed):
        old_lines = _lines(old, texts_before)
        overlap: dict[int, int] = {}
        for line in set(old_lines):
            postings = index.get(line, ())
            if len(postings) <= COMMON_LINE:
                for number in postings:
                    overlap[number] = overlap.get(number, 0) + 1
        for number, _ in sorted(overlap.items(), key=lambda pair: -pair[1])[:CANDIDATES]:
            new = added[number]
            if new.kind != old.kind:
                continue
            score = SequenceMatcher(None, old_lines, new_lines[number], autojunk=False).ratio()
            title_score = SequenceMatcher(None, old.title, new.title).ratio()
            if score >= SIMILARITY and title_score >= TITLE_SIMILARITY:
                path_score = SequenceMatcher(None, old.path, new.path).ratio()
                scored.append((score, path_score, old_number, number))
    pairs: list[tuple[Item, Item]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, _, old_number, number in sorted(scored, reverse=True):
        if old_number not in used_old and number not in used_new:
            used_old.add(old_number)
            used_new.add(number)
            pairs.append((removed[old_number], added[number]))
    return pairs


def _lines(item: Item, texts: Mapping[str, str]) -> list[str]:
    """The item's file as stripped lines, its own id masked so the id change itself is free."""
    text = texts.get(item.path) or ""
    return [line.strip() for line in text.replace(item.id, _ID_MASK).split("\n") if line.strip()]
