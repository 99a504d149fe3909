"""'Did you mean' suggestions for misspelt names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MANY_CHOICES = 100
"""Above this many choices (the ids of a large product), only near typos are suggested.

difflib compares the word with every choice, about 20 µs each: with thousands of ids and
dozens of dangling references that would cost seconds. One edit away is found by lookup.
"""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix for the closest choice, or an empty string."""
    lowered = {choice.lower(): choice for choice in choices}
    key = word.lower()
    if len(lowered) > MANY_CHOICES:
        near = [variant for variant in _one_edit(key, lowered) if variant in lowered]
        match = difflib.get_close_matches(key, near, n=1, cutoff=0.6)
    else:
        match = difflib.get_close_matches(key, list(lowered), n=1, cutoff=0.6)
    return f" (did you mean '{lowered[match[0]]}'?)" if match else ""


def _one_edit(word: str, choices: Iterable[str]) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away from `word`."""
    alphabet = set().union(*choices)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    variants = {a + b[1:] for a, b in splits if b}
    variants |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    variants |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    variants |= {a + c + b for a, b in splits for c in alphabet}
    variants.discard(word)
    return variants
