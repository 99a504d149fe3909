"""English for messages and pages: plurals, articles, counts and numbers."""

from __future__ import annotations

from typing import Any


def plural(word: str) -> str:
    """An English plural good enough for kinds and nouns: story → stories, process → processes."""
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def with_article(noun: str) -> str:
    """`noun` with its indefinite article: 'an epic', 'a story'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def count(number: float, noun: str) -> str:
    """`1 story`, `3 stories`: a number and its noun, plural unless it is one."""
    return f"{number:g} {noun if number == 1 else plural(noun)}"


def number(value: Any) -> str:
    """A number as written by hand (`3`, `0.5`); empty for anything else, such as no estimate."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return ""


def clipped(text: str, limit: int) -> str:
    """`text` as a message quotes it: past `limit` characters, its start and "..." (a value
    may be thousands of characters long)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
