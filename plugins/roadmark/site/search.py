"""Ids and addresses in Material's search: typed whole, the item (or its clause) comes first.

Material's search client can neither be told to keep `STORY-3` whole nor to rank an
exact word above a longer one, so the fix lives in the index it downloads (written
by its search plugin; we add to it after, and before its offline plugin copies it):

- Its query parser always splits a query at hyphens and makes the last word a prefix:
  `STORY-3` becomes the words `story` and `3*`. A `separator` that keeps ids whole in
  the index would find nothing (the index would have `story-3`, the query `3*`), so
  the separator is left as the user set it.
- `3*` matches `3`, `35` and `300` alike, and lunr weighs a match by the rarity of the
  word matched: `35` is rarer than `3` (a number prose uses), so STORY-35 used to win.

So each item gets an entry of its own on its page (at `#`, the page's top), whose
`roadmark` field holds the id's leading words (`STORY-`, split by the client just as
it splits the query) and words made for it alone that start with its last word
(`3story3`, `3story3a`, ...). Each such word is in one entry only, so all weigh the
same, and an id gets one more of them for each digit its number is shorter than the
longest: on `STORY-3`, STORY-3 beats STORY-35, which beats STORY-350, and STORY-35's
own query does not match STORY-3 at all. Each clause (`PRD-1/R-2`) gets an entry at
its anchor, with its text, one word lighter than an id, and with only the owner's kind
(`PRD`) among its heavy words: the rest (`1/r`) weighs in its title only, or the `3*`
of `STORY-3` would rank STORY-38/AC-3 first. The entries are sections of the item's
page, as Material groups them, so the page itself stays the first link of its result.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..extensions.autolink import LinkTarget
from .config import enabled_plugins
from .preview import SearchEntry, encoded_index

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

FIELD = "roadmark"
"""The field of Material's index that holds the id words of our entries."""
BOOST = 1e5
"""Above a title (1e3), so an id typed whole outweighs the titles that mention it;
below Material's tags (1e6)."""
ADDRESS_WORDS = 4
"""Own words of an address whose last word is as long as the longest; an id gets one more.

Enough for `STORY-3/AC-2` to beat `STORY-2`, which matches two of its three words."""
INDEX_URI = "search/search_index.json"
"""Where Material's search plugin writes its index, relative to the site folder."""
DEFAULT_SEPARATOR = r"[\s\-]+"
_HYPHENS = re.compile(r"-+")
"""Where lunr's query parser always splits a query, whatever the separator."""
_SUFFIXES = "abcdefghijklmnopqrstuvwxyz"
_NOT_ALNUM = str.maketrans("", "", string.punctuation + string.whitespace)
"""Deletes what is not a letter or a digit from an id or an address (ASCII by grammar)."""


def material_search_enabled(config: MkDocsConfig) -> bool:
    """Whether Material's search plugin runs in this build (MkDocs' own search is left alone)."""
    return bool(enabled_plugins(config, "material.plugins.search"))


def offer_ids(
    config: MkDocsConfig,
    targets: Mapping[str, LinkTarget],
    kept: IdEntries,
    moved: Collection[str],
) -> None:
    """Served, before Material's search writes its index: have it write the id words with
    its own entries (`add_ids_to_frame`), so that an edit writes the index once and parses
    none of it. What it did not take, `add_ids_to_site` adds after it, from the file.

    `moved` holds every name whose target came, went or changed since the last call (see
    `IdEntries.added`).
    """
    index = encoded_index(config)
    if index is not None:
        index.ours = partial(_ours, targets, kept, moved)


def _ours(
    targets: Mapping[str, LinkTarget],
    kept: IdEntries,
    moved: Collection[str],
    frame: str,
    entries: list[SearchEntry],
) -> tuple[str, str] | None:
    locations = {entry.get("location") for entry in entries}
    return add_ids_to_frame(frame, locations, targets, kept, moved)


def add_ids_to_frame(
    frame: str,
    locations: set[object],
    targets: Mapping[str, LinkTarget],
    kept: IdEntries,
    moved: Collection[str],
) -> tuple[str, str] | None:
    """The index's frame as Material writes it (its config, no entries) with our field in
    its config, and our entries for the pages at `locations`, encoded and joined; None when
    the frame is not as Material writes it."""
    try:
        head = json.loads(frame)
    except ValueError:
        return None
    if not isinstance(head, dict) or _head(head) != frame[:-2] or head["docs"] != []:
        return None
    added = kept.added(head["config"], locations, targets, moved)
    return _spliced(head["config"], "", ""), added


def add_ids_to_site(
    config: MkDocsConfig, targets: Mapping[str, LinkTarget], kept: IdEntries | None
) -> None:
    """Add the id words to the index Material wrote for this build, from the file, unless
    Material's search wrote them with its own (served: `offer_ids`)."""
    index = encoded_index(config) if kept is not None else None
    if index is not None and index.took_ours():
        return
    if kept is not None:
        kept.forget()  # the next `moved` will not tell what changed since its last entries
    add_ids_to_index(Path(config.site_dir), targets, kept)


def add_ids_to_index(
    site_dir: Path, targets: Mapping[str, LinkTarget], kept: IdEntries | None = None
) -> bool:
    """Add the id words to the index Material wrote into `site_dir`; False when there is none.

    With `kept`, the entries encoded for the last build are reused where unchanged.
    """
    path = site_dir / INDEX_URI
    try:
        written = path.read_text(encoding="utf-8")
        index = json.loads(written)
    except (OSError, ValueError):
        return False
    if not isinstance(index, dict) or not isinstance(index.get("docs"), list):
        return False
    head = _head(index)  # before `_found` adds our field to the config
    found = _found(index, targets)
    if head is None or not written.startswith(head) or not written.endswith("]}"):
        index["docs"].extend(_entry(*key) for key in found)
        path.write_text(_compact(index), encoding="utf-8")  # compact, as Material writes it
        return True
    # Encoding the whole index again would cost more than all our entries: the same JSON,
    # spliced, when the file is as Material writes it (compact, config then entries).
    if kept is not None:
        added = kept.joined(found)
    else:  # one call for all, not one per entry: each `json.dumps` builds an encoder
        added = _compact([_entry(*key) for key in found])[1:-1]
    path.write_text(_spliced(index["config"], written[len(head) : -2], added), encoding="utf-8")
    return True


def _spliced(config: object, material: str, ours: str) -> str:
    """The index as Material writes it (compact, config then entries), from its config, its
    entries already encoded and joined, and ours."""
    entries = ",".join(part for part in (material, ours) if part)
    return '{"config":' + _compact(config) + ',"docs":[' + entries + "]}"


class IdEntries:
    """Our entries of the last build, encoded, kept for the next rebuild of a served site:
    an edit changes a few of them (a title, a new clause), not the thousands of others."""

    def __init__(self) -> None:
        self._kept: dict[_Key, str] = {}
        self._last: _Last | None = None

    def joined(self, found: list[_Key]) -> str:
        """The entries of `found`, encoded and joined as in a compact JSON list."""
        kept, self._kept = self._kept, {}
        for key in found:
            encoded = kept.get(key)
            self._kept[key] = _ENCODER.encode(_entry(*key)) if encoded is None else encoded
        return ",".join(self._kept.values())

    def added(
        self,
        config: dict[str, Any],
        indexed: set[object],
        targets: Mapping[str, LinkTarget],
        moved: Collection[str],
    ) -> str:
        """`joined(_found_at(config, indexed, targets))`, at the cost of the targets that
        changed since the last call when no entry comes or goes and no location does.

        Those are `moved`: the names whose target came, went or changed since the last call
        (more does no harm, fewer would).
        """
        config.setdefault("fields", {})[FIELD] = {"boost": BOOST}
        last, separator = self._last, config.get("separator")
        if (
            last is not None
            and (last.separator, last.indexed) == (separator, indexed)
            and last.patched(moved, targets)
        ):
            if last.joined is None:
                last.joined = ",".join(encoded for _, encoded in last.entries.values())
            return last.joined
        found = _found_at(config, indexed, targets)
        text = self.joined(found)
        entries = {key[0]: (key, encoded) for key, encoded in self._kept.items()}
        longest = _longest(key[3] for key in found)
        self._last = _Last(separator, indexed, entries, text, _splitter(separator), longest)
        return text

    def forget(self) -> None:
        """Forget what the last call made: the index it went into was written over."""
        self._last = None


@dataclass
class _Last:
    """What `IdEntries.added` made last: from what, and each entry by name, in order."""

    separator: object
    indexed: set[object]
    entries: dict[str, tuple[_Key, str]]
    joined: str | None
    """The entries, encoded and joined; None once one of them changed."""
    split: Callable[[str], tuple[str, str]]
    longest: int
    """The length of the longest number ending a name, which every entry's count reads."""

    def patched(self, changed: Collection[str], targets: Mapping[str, LinkTarget]) -> bool:
        """Encode the entries of the `changed` names again, add those that come and drop
        those that go; False, changing nothing, when the longest number may change with
        them (then every entry's count may)."""
        fresh: dict[str, tuple[_Key, str]] = {}
        gone: list[str] = []
        for name in changed:
            target, known = targets.get(name), self.entries.get(name)
            if target is None or target.url not in self.indexed:
                if known is not None and self._holds_longest(known[0][3]):
                    return False
                if known is not None:
                    gone.append(name)
                continue  # an id whose page has no entries, before or now
            if known is not None:
                head, last, count = known[0][2:]
            else:
                head, last = self.split(name)
                if last.isdigit() and len(last) > self.longest:
                    return False
                count = _count(last, self.longest)
            key = (name, target, head, last, count)
            fresh[name] = (key, _ENCODER.encode(_entry(*key)))
        came = fresh.keys() - self.entries.keys()
        for name in gone:
            del self.entries[name]
        self.entries.update(fresh)  # in place: the order of the names stays
        if came:
            self.entries = dict(sorted(self.entries.items()))
        if fresh or gone:
            self.joined = None
        return True

    def _holds_longest(self, last: str) -> bool:
        return last.isdigit() and len(last) >= self.longest


def _longest(lasts: Iterable[str]) -> int:
    """The length of the longest number among names' last words (1 without any)."""
    # Only numbers count: a release's `R2026.3` has no longer neighbours to lose against.
    return max((len(last) for last in lasts if last.isdigit()), default=1)


def _count(last: str, longest: int) -> int:
    """How many words of its own a name ending in `last` gets, beside names whose longest
    number is `longest` digits long: a shorter number gets as many more."""
    return ADDRESS_WORDS + max(0, longest - len(last))


_Key = tuple[str, LinkTarget, str, str, int]
"""What an entry is made of: the name, its target, its leading words, its last word and
how many words of its own it gets."""
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def _head(index: dict[str, Any]) -> str | None:
    """How the index starts when written as Material writes it, up to its first entry;
    None when it holds more than its config and its entries."""
    if list(index) != ["config", "docs"]:
        return None
    return '{"config":' + _compact(index["config"]) + ',"docs":['


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def with_ids(index: dict[str, Any], targets: Mapping[str, LinkTarget]) -> None:
    """Add an entry per id and per address to Material's `index`, on the page they lead to."""
    found = _found(index, targets)
    index["docs"].extend(_entry(*key) for key in found)


def _found(index: dict[str, Any], targets: Mapping[str, LinkTarget]) -> list[_Key]:
    """What each entry to add is made of, in the order of the names; adds our field to the
    index's config."""
    docs: list[dict[str, Any]] = index["docs"]
    indexed = {doc.get("location") for doc in docs if isinstance(doc, dict)}
    return _found_at(index.setdefault("config", {}), indexed, targets)


def _found_at(
    config: dict[str, Any], indexed: Collection[object], targets: Mapping[str, LinkTarget]
) -> list[_Key]:
    """`_found`, for an index whose config and entries' locations are known."""
    config.setdefault("fields", {})[FIELD] = {"boost": BOOST}
    split = _splitter(config.get("separator"))
    found = [
        (name, target, *split(name))
        for name, target in sorted(targets.items())
        if target.url in indexed
    ]
    longest = _longest(last for *_, last in found)
    return [(name, target, head, last, _count(last, longest)) for name, target, head, last in found]


def _entry(name: str, target: LinkTarget, head: str, last: str, count: int) -> dict[str, Any]:
    """The entry of an id on its page's top, or of an address at its anchor."""
    if target.anchor is None:
        words, location = id_words(name, head, last, count + 1), f"{target.url}#"
    else:
        # Only the owner's kind weighs: `38/ac` (of STORY-38/AC-3) would otherwise be
        # matched by the `3*` of `STORY-3`; it still counts, lightly, in the title.
        kind = _HYPHENS.split(name, maxsplit=1)[0]
        words, location = id_words(name, kind, last, count), f"{target.url}#{target.anchor}"
    return {
        "location": location,
        "title": html.escape(name),
        "text": html.escape(target.title) if target.anchor else "",
        FIELD: words,
    }


def id_words(name: str, head: str, last: str, count: int) -> str:
    """The id's leading words as written, then `count` words of its own starting with `last`."""
    own = last.lower() + name.lower().translate(_NOT_ALNUM)
    words = [own + _SUFFIXES[:n] for n in range(count)]  # "3story3", "3story3a", "3story3ab"
    return " ".join([head, *words]).strip()


def _splitter(separator: object) -> Callable[[str], tuple[str, str]]:
    """Split an id into its leading text and its last word, as the search client would."""
    if separator is None or separator == DEFAULT_SEPARATOR:
        return _split_at_hyphens
    try:
        pattern = re.compile(separator if isinstance(separator, str) else DEFAULT_SEPARATOR)
    except re.error:  # a JavaScript-only pattern: hyphens still split a query
        pattern = _HYPHENS

    def split(name: str) -> tuple[str, str]:
        cut = 0
        for splitter in (pattern, _HYPHENS):
            for match in splitter.finditer(name):
                end = match.end()
                if cut < end < len(name):
                    cut = end
        return name[:cut], name[cut:]

    return split


def _split_at_hyphens(name: str) -> tuple[str, str]:
    """`split` for Material's default separator: ids and addresses hold no whitespace, so
    the last word starts after the last hyphen that some other character follows."""
    cut = name.rstrip("-").rfind("-") + 1
    return name[:cut], name[cut:]
