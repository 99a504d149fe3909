"""Which pages name an id, kept between the live preview's rebuilds, free of MkDocs.

A page's autolinks carry their targets' titles, so when an id's link changes, every page
whose Markdown names it (as a whole word) is rendered again. Scanning every page's
Markdown for the ids on each edit grows with the site; `Mentions` reads each page once
(on the first edit that needs it) for the names it holds, and again only when the page
is rendered again, so that an edit looks its ids up.

A name is named where it stands as a whole word: not preceded by a letter, digit, `_`, `.`
or `-`, and followed by none of a letter, digit, `_` or `-`, nor by a `.` that a word
character follows (`R2026.1.` names `R2026.1`, `R2026.1.5` does not). An address names its
item too (`STORY-1/AC-2` names `STORY-1`), and a `/` may open a name (`x/STORY-1`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

_WORD = re.compile(r"\w")
_INDEXED = re.compile(r"[\w.-][\w./-]*")
"""The names a page is read for once: those made of what ids and addresses are made of
(`spec/ids.py`). Any other (an invalid id) is looked for on every edit that needs it."""

Markdown = Callable[[], Mapping[str, str]]
"""Every page's Markdown by source path, asked for only when the pages must be read."""


class Mentions:
    """The names (among those it was told of) each page's Markdown holds as whole words."""

    def __init__(self) -> None:
        self._names: _Names | None = None
        """The names looked for; None until the pages are first read."""
        self._of_page: dict[str, frozenset[str]] = {}
        self._pages_of: dict[str, set[str]] = {}

    def naming(self, ids: set[str], known: Iterable[str], markdown: Markdown) -> set[str]:
        """The source paths of the pages that name one of `ids`. On the first call every
        page of `markdown` is read for the `known` names (every link target, so that later
        edits find theirs) and `ids`; a name not looked for yet is looked for then."""
        indexed = {name for name in ids if _INDEXED.fullmatch(name)}
        found = scan(ids - indexed, markdown()) if ids - indexed else set()
        if not indexed:
            return found
        if self._names is None:
            self.read([*known, *indexed], markdown())
        assert self._names is not None
        new = indexed - self._names.names
        if new:
            self._add_names(new, markdown())
        for name in indexed:
            found.update(self._pages_of.get(name, ()))
        return found

    def read(self, known: Iterable[str], markdown: Mapping[str, str]) -> None:
        """Read every page of `markdown` for the `known` names, unless they were read."""
        if self._names is None:
            self._names = _Names({name for name in known if _INDEXED.fullmatch(name)})
            for src_uri, text in markdown.items():
                self._note(src_uri, text)

    def update(self, src_uri: str, text: str | None) -> None:
        """Page `src_uri` was rendered again from `text`: read it again."""
        if self._names is None:
            return
        for name in self._of_page.pop(src_uri, ()):
            self._pages_of[name].discard(src_uri)
        self._note(src_uri, text or "")

    def _note(self, src_uri: str, text: str) -> None:
        assert self._names is not None
        named = self._names.in_text(text)
        if named:
            self._of_page[src_uri] = named
            for name in named:
                self._pages_of.setdefault(name, set()).add(src_uri)

    def _add_names(self, new: set[str], markdown: Mapping[str, str]) -> None:
        """Look for `new` names too, in every page (a criterion added: rare)."""
        assert self._names is not None
        self._names = _Names(self._names.names | new)
        only = _Names(new)
        for src_uri, text in markdown.items():
            # The substring test first: it runs at C speed, and few pages pass it.
            named = only.in_text(text) if any(name in text for name in new) else None
            if named:
                self._of_page[src_uri] = self._of_page.get(src_uri, frozenset()) | named
                for name in named:
                    self._pages_of.setdefault(name, set()).add(src_uri)


class _Names:
    """Names to find in text as whole words, with the pattern of the runs they stand in."""

    def __init__(self, names: set[str]) -> None:
        self.names = names
        letters = "".join(sorted({name[0] for name in names}))
        # From a first character of a name, not inside a word, to the end of the run of
        # name characters: every name standing there is a piece of the run (`_pieces`).
        self._runs = re.compile(rf"(?<![\w.-])[{re.escape(letters)}][\w./-]*")

    def in_text(self, text: str) -> frozenset[str]:
        """The names that `text` holds as whole words (see the module's docstring)."""
        names, found = self.names, set()
        for run in self._runs.findall(text):
            if "/" not in run and "." not in run:
                if run in names:
                    found.add(run)
            else:
                found.update(piece for piece in _pieces(run) if piece in names)
        return frozenset(found)


def _pieces(run: str) -> list[str]:
    """The whole words of a run of name characters that opens a word: each starts at the
    run's start or after a `/`, and ends at its end, before a `/`, or before a `.` that
    no word character follows."""
    starts = [0] + [at + 1 for at, char in enumerate(run) if char == "/"]
    ends = [len(run)] + [
        at
        for at, char in enumerate(run)
        if char == "/" or (char == "." and not (at + 1 < len(run) and _WORD.match(run[at + 1])))
    ]
    return [run[start:end] for start in starts for end in ends if end > start]


def scan(ids: set[str], markdown: Mapping[str, str]) -> set[str]:
    """The pages of `markdown` that name one of `ids` as a whole word, read afresh."""
    # Whole words only, or STORY-1 would name every page of STORY-10 to STORY-1999; an
    # address (STORY-1/AC-2) names its item too, and the words are longest first.
    names = "|".join(re.escape(name) for name in sorted(ids, key=len, reverse=True))
    mention = re.compile(rf"(?<![\w.-])(?:{names})(?![\w-]|\.\w)")
    # The substring test first: it runs at C speed, and few pages pass it.
    return {
        src_uri
        for src_uri, text in markdown.items()
        if text and any(name in text for name in ids) and mention.search(text)
    }
