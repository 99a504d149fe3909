"""The cross-links' targets, with the first letters of their keys known at any time.

Before linking a page, the cross-links scan its text once for what may be an id. Read
word by word, that scan costs as much as all the linking after it; told the letters the
known ids and addresses start with (a handful: `STORY-…`, `EPIC-…`, `PRD-…`), the scan
passes over every other word in C. A `LinkTargets` keeps those letters as it is filled;
any other mapping of targets is scanned word by word, with the same links as the result.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..spec.ids import REFERENCE_IN_PROSE, references_starting_with

if TYPE_CHECKING:
    from .autolink import LinkTarget

__all__ = ["LinkTargets", "candidates"]

_LETTERS = frozenset(string.ascii_letters)
"""The letters an id starts with (REFERENCE_IN_PROSE finds no other key)."""


class LinkTargets(dict[str, "LinkTarget"]):
    """Targets by id or address, with `initials`: every letter one of their keys starts with.

    Keys taken out leave their letter in `initials`, which then only scans a few more
    words; every way of putting a key in adds it.
    """

    def __init__(self, *args: Any, **kwargs: LinkTarget) -> None:
        super().__init__()
        self.initials: set[str] = set()
        self.update(*args, **kwargs)

    def __setitem__(self, key: str, value: LinkTarget) -> None:
        self._note((key,))
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: LinkTarget) -> None:
        """Add or replace targets, as `dict.update` does."""
        added: dict[str, LinkTarget] = dict(*args, **kwargs)
        self._note(added)
        super().update(added)

    def setdefault(self, key: str, default: LinkTarget) -> LinkTarget:
        """`dict.setdefault`, keeping `initials`."""
        self._note((key,))
        return super().setdefault(key, default)

    def __ior__(self, other: Any) -> LinkTargets:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        """Remove every target, and their letters."""
        super().clear()
        self.initials.clear()

    def _note(self, keys: Iterable[str]) -> None:
        self.initials.update(key[:1] for key in keys if key[:1] in _LETTERS)


def candidates(targets: Mapping[str, object]) -> re.Pattern[str] | None:
    """What, in a page's text, may be one of the keys of `targets`: every word that reads as
    an id or an address, or with `LinkTargets` only those starting with a key's letter.
    None when no key can be found at all."""
    if not isinstance(targets, LinkTargets):
        return REFERENCE_IN_PROSE
    letters = "".join(sorted(targets.initials))
    return references_starting_with(letters) if letters else None
