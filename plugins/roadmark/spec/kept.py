"""Answers kept from one planning to the next, made again only when their sources change.

The preview plans the whole product after every edit, yet an edit changes one file, and
the parsed-spec cache hands back the very same `Item` objects for every other file. An
answer made from some items alone (an epic's progress, a PRD's plan, a page's sections)
can be kept with those items and reused while each is still the same object. Sources are
compared as a tuple: identical objects first, which is nearly free, then by equality, so
an item parsed again into equal content keeps the answer too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


class Kept(Generic[K, V]):
    """Values by key, each with the sources it was made from.

    `forget_unused`, called once per planning, lets go of the keys that planning did not
    ask for, so a preview running all day holds only the answers of its latest product.
    """

    def __init__(self) -> None:
        self._last: dict[K, tuple[tuple[object, ...], V]] = {}
        self._used: dict[K, tuple[tuple[object, ...], V]] = {}
        self.made = 0
        """How many values were made rather than reused, for tests and measurements."""

    def get(self, key: K, sources: tuple[object, ...], make: Callable[[], V]) -> V:
        """The value kept for `key` if it was made from `sources`, else `make()`, kept."""
        kept = self._used.get(key) or self._last.get(key)
        if kept is None or kept[0] != sources:
            kept = (sources, make())
            self.made += 1
        self._used[key] = kept
        return kept[1]

    def forget_unused(self) -> None:
        """Keep only the values asked for since the last call."""
        self._last, self._used = self._used, {}


class Same(Generic[T]):
    """The value of the last call while equal to the one given: a source many kept answers
    share (the settings, the test evidence) is compared once here, and then by identity in
    each of their keys."""

    def __init__(self) -> None:
        self._value: tuple[T] | None = None

    def __call__(self, value: T) -> T:
        """`value`, or the equal value given before it."""
        kept = self._value
        if kept is None or (kept[0] is not value and kept[0] != value):
            self._value = kept = (value,)
        return kept[0]
