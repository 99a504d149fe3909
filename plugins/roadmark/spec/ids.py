"""The grammar of ids, addresses and clause items, defined once.

An id names an item (`STORY-142`, `PRD-3`, `R2026.2`); kind and field names are
written the same way. A local id names a requirement or criterion within its item
(`R-2`, `AC-1`), and an address joins the two (`PRD-3/R-2`). A clause is a list
item under a clause heading whose text opens with its local id (`- AC-1: Given …`).

The checker, the schema, the cross-links, the changes report and the test markers
all read ids with these patterns, so they cannot disagree. Every pattern is built
from the few character classes below rather than written out again.

Imports only the standard library: the pytest plugin, loaded in every pytest run of
every user, imports this module, and must not pull in YAML, Markdown or MkDocs.
"""

from __future__ import annotations

import re

# The pieces, as the inside of a character class.
_LETTER = "A-Za-z"
"""What an id and a local id start with: an ASCII letter."""
_ALNUM = "A-Za-z0-9"
_WORD = "A-Za-z0-9_"
"""The characters of an id that never end a word in prose."""
_SEPARATORS = ".-"
"""The characters of an id that, at its end in prose, are punctuation (`see STORY-1.`)."""
_ID_CHARS = _WORD + _SEPARATORS  # `-` last, so it is itself, not a range

ID_SYNTAX = rf"[{_LETTER}][{_ID_CHARS}]*"
"""What an id looks like, unanchored, for building other patterns."""

ID_PATTERN = re.compile(rf"^{ID_SYNTAX}$")
"""Ids, kind and field names. Check with `fullmatch` (or `is_id`): with `match`, `$` also
matches before a final newline, and `STORY-1\\n` would pass as another id than `STORY-1`
that prints the same. The text is also the JSON schema's pattern, where (in ECMA-262) `$`
is the end of the text."""

ID_CHARACTER = re.compile(f"[{_ID_CHARS}]")
"""One character that may be part of an id, for scanning back to where one starts."""

LOCAL_ID_SYNTAX = rf"[{_LETTER}][{_ALNUM}]*-[0-9][{_ALNUM}.]*"
"""What a local id looks like (`R-2`, `AC-1`, `NFR-3.1`), unanchored."""

LOCAL_ID_PATTERN = re.compile(rf"^{LOCAL_ID_SYNTAX}$")
"""A local id; check with `fullmatch` (or `is_local_id`), as ID_PATTERN."""

ADDRESS_PATTERN = re.compile(rf"^({ID_SYNTAX})/({LOCAL_ID_SYNTAX})$")
"""A requirement or criterion address such as `PRD-1/R-2`: groups 1 and 2 are the item's id
and the local id. Check with `fullmatch` (or `split_address`), as ID_PATTERN; the text is
also the JSON schema's pattern of addresses."""

LOCAL_ID_IN_TEXT = re.compile(rf"/({LOCAL_ID_SYNTAX})(?![{_ALNUM}])")
"""The second half of an address written in other text (a test name, `test_x[STORY-1/AC-1]`):
`/` and a local id (group 1). The owner's id is found by scanning back with ID_CHARACTER."""

_ID_TAIL_IN_PROSE = rf"[{_WORD}]*+(?:[{_SEPARATORS}]++[{_WORD}]++)*+"
_ID_IN_PROSE = rf"[{_LETTER}]{_ID_TAIL_IN_PROSE}"
REFERENCE_IN_PROSE = re.compile(rf"{_ID_IN_PROSE}(?:/{_ID_IN_PROSE})?+")
"""What may be an id or an address in prose, for the cross-links: an id whose `.` and `-`
stand inside it (`R2026.2`), never at its end, where they are punctuation; so an id that
itself ends in `.` or `-` is never linked. Possessive, so a rejected word is not retried
from a shorter prefix. Wider than the grammar (`e.g/x`): what it finds is then looked up
among the known ids, and its text is embedded in the cross-links' own scanning patterns."""


def references_starting_with(letters: str) -> re.Pattern[str]:
    """REFERENCE_IN_PROSE for the references whose first letter is one of `letters` (ASCII
    letters, e.g. `EPRS`): from such a letter it reads what REFERENCE_IN_PROSE reads there,
    and it passes over every word opening with another, far faster than it reads one."""
    return re.compile(rf"[{letters}]{_ID_TAIL_IN_PROSE}(?:/{_ID_IN_PROSE})?+")


_LIST_MARKER = r"(?:[-*+]|\d{1,9}[.)])"
"""A bullet or an ordered list's number, as CommonMark reads them."""
_STRONG = r"\*\*|__"
"""Bold, which may wrap a clause's local id (`- **AC-1**: …`)."""

LIST_ITEM = re.compile(rf"^( {{0,3}}){_LIST_MARKER}([ \t]+)(.*)$")
"""A line opening a list item: groups are its indent, the gap after its marker, its text.
Use `match` on one line without its line break."""

LIST_ITEM_START = frozenset("-*+0123456789")
"""The characters a LIST_ITEM's marker starts with: a line whose first character after its
indent is none of them is not tried, which is most lines."""

CLAUSE_HEAD = re.compile(
    rf"^({_STRONG})?({LOCAL_ID_SYNTAX})(?:\1)?[ \t]*:(?:{_STRONG})?[ \t]*(.*)$"
)
"""The text of a clause's list item (what follows LIST_ITEM's marker): group 1 is the bold
around the local id if any, group 2 the local id, group 3 the clause's first line."""

CLAUSE_ITEM_IN_WORDS = re.compile(
    rf"{_LIST_MARKER} (?:{_STRONG})?({LOCAL_ID_SYNTAX})(?:{_STRONG})? ?:(?:{_STRONG})? ?"
)
"""A clause's list marker and local id (group 1), as LIST_ITEM and CLAUSE_HEAD read them,
in text whose whitespace is normalised to single spaces."""

CLAUSE_LEAD = re.compile(rf"\s*({LOCAL_ID_SYNTAX})")
"""The local id (group 1) opening the text of a rendered clause's list item."""

_ID_NUMBER = re.compile(r"[0-9.]+\Z")

JUNIT_PROPERTY = "roadmark"
"""The JUnit property that lists the addresses a test verifies, comma-separated
(`STORY-1/AC-1, PRD-1/R-2`): the pytest plugin writes it, `trace/evidence.py` reads it."""


def is_id(text: str) -> bool:
    """Whether `text` is an id (or a kind or field name): the whole of it, no final newline."""
    return ID_PATTERN.fullmatch(text) is not None


def is_local_id(text: str) -> bool:
    """Whether `text` is a local id such as `AC-1`, the whole of it."""
    return LOCAL_ID_PATTERN.fullmatch(text) is not None


def is_address(text: str) -> bool:
    """Whether `text` is an address such as `STORY-1/AC-1`, the whole of it."""
    return ADDRESS_PATTERN.fullmatch(text) is not None


def split_address(text: str) -> tuple[str, str] | None:
    """The item's id and the local id of address `text` (`PRD-1/R-2` gives `PRD-1`, `R-2`);
    None when `text` is not an address."""
    match = ADDRESS_PATTERN.fullmatch(text)
    return (match[1], match[2]) if match else None


def id_prefix(item_id: str) -> str:
    """`item_id` without the number it ends in: `STORY-` of `STORY-12`, `R` of `R2026.2`."""
    return _ID_NUMBER.sub("", item_id)
