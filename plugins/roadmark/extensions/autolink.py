"""Cross-links: turn every known id or address written in prose into a link.

`STORY-142` links to the story's page, `STORY-142/AC-1` to the criterion's anchor
on it. This is a Python-Markdown extension (as mkdocstrings does it) so it works
under MkDocs, under properdocs and in a plain `markdown.markdown()` call alike.

It is a tree processor, not an inline pattern: it runs on the finished tree, where
code, links and headings are plain to see by their tag, and after the extensions
whose syntax or context it must not disturb. Cost does not grow with the number of
ids: one scan of the page's text, in C, finds the known ids it names at all; each
text node is then searched for those few only, and a node holding one is split
where each occurrence stands as a whole word.

Under MkDocs each target knows the URL of its built page, and links are written
with their final relative URLs, kept out of sight of MkDocs' own "relpath" tree
processor: it would only look each one up again among the site's files, which
cost a third of our pass. Elsewhere links go to `base_url` + the page's source
path, or relative to `page` when that is given.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER, AtomicString

from ..render.html import plain
from ..spec.ids import REFERENCE_IN_PROSE
from .targets import LinkTargets, candidates

__all__ = ["PRIORITY", "AutolinkExtension", "AutolinkTreeprocessor", "LinkTarget", "makeExtension"]

PRIORITY = 1
"""Where the tree processor runs: after `inline` (20), `attr_list` (8), `abbr` (7) and
`smarty` (6), so their syntax is consumed and their context intact; before `unescape`
(0), so `STORY\\-1` (an escaped hyphen) still reads as no id."""

FINISH_PRIORITY = -1
"""Where our links become `<a>` elements: after MkDocs' `relpath` (0), which never sees them."""

_PENDING = "roadmark-link"
"""The tag of our links until `FINISH_PRIORITY`."""

SKIPPED_TAGS = frozenset(
    {"a", "code", "pre", "kbd", "samp", "script", "style", "textarea", "svg", "math"}
    | {f"h{level}" for level in range(1, 7)}  # a link in a heading disturbs the TOC
)
"""Elements whose text is never linked, nor the text of anything inside them."""

_PLACEHOLDER = re.escape(HTML_PLACEHOLDER).replace("%s", "(?P<index>[0-9]+)")
"""Where Python-Markdown kept raw HTML (or an entity) aside, e.g. `\\x02wzxhzdk:12\\x03`."""

# What may be an id or an address is the grammar's (REFERENCE_IN_PROSE); what stands
# around it, here: punctuation after it, and what may not touch it on either side.
_REF = (
    r"(?<![\w\x02./\\@#&=?%~+-]) (?P<ref>" + REFERENCE_IN_PROSE.pattern + r") [.-]*+ (?![\w/\\@])"
)
"""A candidate, not a piece of a longer word, path, query, e-mail address or placeholder."""
_URL = r"(?<![\w.+-]) (?:[A-Za-z][A-Za-z0-9+.-]*://|www\.|mailto:) \S*+"
"""A URL, skipped whole so that no id inside it can match."""

_FEW_KNOWN = 32
"""Up to how many ids a page names, each is looked for in each of its texts."""

_STASHED = re.compile(_PLACEHOLDER)
_REF_AT = re.compile(_REF, re.VERBOSE)
_SCAN = re.compile(rf"(?P<stash>{_PLACEHOLDER}) | {_REF}", re.VERBOSE)
# Trying the URL pattern at every word costs a third of the scan: only where one may be.
_SCAN_URLS = re.compile(rf"(?P<stash>{_PLACEHOLDER}) | {_URL} | {_REF}", re.VERBOSE)

_SKIPPED = "|".join(sorted(SKIPPED_TAGS))
_RAW_OPEN = re.compile(rf"<(?:{_SKIPPED})(?:\s[^>]*)?(?<!/)>", re.IGNORECASE)
_RAW_CLOSE = re.compile(rf"</(?:{_SKIPPED})\s*>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where an id or address links to."""

    page: str
    """Source path of the page relative to the docs root, e.g. `product/stories/STORY-142.md`."""
    anchor: str | None = None
    """Fragment on that page without `#`, e.g. `ac-1`; None links the page itself."""
    title: str = ""
    """Tooltip of the link (its `title` attribute); plain text, escaped on output."""
    url: str | None = None
    """URL of the built page relative to the site root (MkDocs' `File.url`), when known."""


class AutolinkExtension(markdown.Extension):
    """Link every known id and address written in prose to its page and anchor."""

    def __init__(
        self,
        targets: Mapping[str, LinkTarget],
        *,
        page: str | None = None,
        base_url: str = "/",
        css_class: str = "roadmark-ref",
    ) -> None:
        """Link the keys of `targets` (ids such as `STORY-142`, addresses such as `PRD-3/R-2`).

        `targets` is read while rendering, not copied, so a caller may update it
        between builds; pages are scanned faster for a `LinkTargets` than for other
        mappings. `page` is the source path of the page being rendered when not under
        MkDocs (MkDocs tells us itself); with neither, links are absolute: `base_url`
        followed by the target's source path.
        """
        super().__init__()
        self.targets = targets
        self.page = page
        self.base_url = base_url
        self.css_class = css_class

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Register the tree processors on `md`."""
        autolink = AutolinkTreeprocessor(md, self)
        md.treeprocessors.register(autolink, "roadmark_autolink", PRIORITY)
        finish = _FinishLinks(autolink)
        md.treeprocessors.register(finish, "roadmark_autolink_finish", FINISH_PRIORITY)


class AutolinkTreeprocessor(Treeprocessor):
    """Replace known ids in the text of the finished tree with links."""

    def __init__(self, md: markdown.Markdown, extension: AutolinkExtension) -> None:
        super().__init__(md)
        self.extension = extension
        self.links: list[etree.Element] = []
        """The links of the page being rendered, tagged `_PENDING` until they are finished."""

    def run(self, root: etree.Element) -> None:
        """Link the ids in `root`, in place."""
        self.links = []
        # The ids the page names anywhere, found with one scan in C; most name a handful.
        targets = self.extension.targets
        scan = candidates(targets)
        if scan is None:
            return
        known = targets.keys() & scan.findall("\n".join(root.itertext()))
        if not known:
            return
        file = rendered_file(self.md)
        if file is not None:
            linker = _Linker(self.extension, self.md, known, file.src_uri, file.url)
        else:
            linker = _Linker(self.extension, self.md, known, self.extension.page)
        linker.walk(root)
        self.links = linker.links


class _FinishLinks(Treeprocessor):
    """Make the pending links `<a>` elements, once MkDocs' `relpath` has run."""

    def __init__(self, autolink: AutolinkTreeprocessor) -> None:
        super().__init__(autolink.md)
        self.autolink = autolink

    def run(self, root: etree.Element) -> None:
        """Rename the links of this page, in place."""
        for link in self.autolink.links:
            link.tag = "a"
        self.autolink.links = []


def rendered_file(md: markdown.Markdown) -> Any | None:
    """The MkDocs `File` of the page `md` is rendering, or None outside MkDocs.

    MkDocs renders each page with a fresh `Markdown` whose "relpath" tree processor
    knows the page's file; it is registered after the extensions, so it is looked
    up while rendering, not in `extendMarkdown`.
    """
    if "relpath" not in md.treeprocessors:
        return None
    file = getattr(md.treeprocessors["relpath"], "file", None)
    known = isinstance(getattr(file, "src_uri", None), str)
    return file if known and isinstance(getattr(file, "url", None), str) else None


class _Linker:
    """One walk over one page's tree: the page, and whether raw HTML has opened a link."""

    def __init__(
        self,
        extension: AutolinkExtension,
        md: markdown.Markdown,
        known: set[str],
        page: str | None,
        page_url: str | None = None,
    ) -> None:
        self.targets = extension.targets
        self.known = known
        """The ids and addresses the page names somewhere."""
        self.base_url = extension.base_url
        self.css_class = extension.css_class
        self.stash = md.htmlStash.rawHtmlBlocks
        self.page = page
        self.page_url = page_url
        """The URL of the page being rendered (under MkDocs): links go to built URLs."""
        self.from_url = relative_to(page_url) if page_url is not None else None
        self.from_page = relative_to(page or "")
        """Paths relative to the page's URL or to its source path, worked out once per page."""
        self.links: list[etree.Element] = []
        self.raw_depth = 0
        """How many raw HTML elements we are inside that must not be linked (`<a>`, `<code>`…)."""
        self.hrefs: dict[LinkTarget, str | None] = {}

    def walk(self, parent: etree.Element) -> None:
        """Link the text of `parent` and its descendants, in document order."""
        children = list(parent)
        position = self.insert(parent, 0, parent, "text")
        for child in children:
            position += 1  # just after `child`, where the links of its tail go
            if isinstance(child.tag, str) and child.tag.lower() not in SKIPPED_TAGS:
                self.walk(child)
            position = self.insert(parent, position, child, "tail")

    def insert(self, parent: etree.Element, position: int, owner: etree.Element, attr: str) -> int:
        """Link `owner.text` or `owner.tail`, inserting links into `parent` at `position`.

        Returns the position just after the inserted links.
        """
        text = getattr(owner, attr)
        # Atomic: "process no further". Most text between elements is a bare line break.
        if not text or isinstance(text, AtomicString) or text.isspace():
            return position
        head, links = self.split(text)
        if links:
            setattr(owner, attr, head)
            for offset, link in enumerate(links):
                parent.insert(position + offset, link)
        return position + len(links)

    def split(self, text: str) -> tuple[str, list[etree.Element]]:
        """Text before the first link, and the links, each with the text that follows it."""
        if len(self.known) <= _FEW_KNOWN:
            known = [key for key in self.known if key in text]
        else:  # a roadmap names hundreds: read the words of each cell instead
            known = list(self.known.intersection(REFERENCE_IN_PROSE.findall(text)))
        if not known:
            if "\x02" in text:
                for match in _STASHED.finditer(text):
                    self.track(int(match["index"]))
            return text, []
        if "\x02" in text or _may_hold_url(text):
            return self.scan(text)
        if self.raw_depth:
            return text, []
        # Plain prose: look for those ids alone rather than at every word.
        found = []
        for key in known:
            start = text.find(key)
            while start >= 0:
                at = _REF_AT.match(text, start)
                if at is not None and at["ref"] == key:
                    found.append((start, key))
                start = text.find(key, start + len(key))
        found.sort()
        return self.linked(text, found)

    def scan(self, text: str) -> tuple[str, list[etree.Element]]:
        """`split` of text with raw HTML or URLs in it, which are followed in document order."""
        found = []
        scan = _SCAN_URLS if _may_hold_url(text) else _SCAN
        for match in scan.finditer(text):
            kind = match.lastgroup  # "ref", "stash", or None for a URL
            if kind == "stash":
                self.track(int(match["index"]))
            elif kind is not None and not self.raw_depth:
                found.append((match.start(), match["ref"]))
        return self.linked(text, found)

    def linked(self, text: str, found: list[tuple[int, str]]) -> tuple[str, list[etree.Element]]:
        """`split` of text whose candidate ids start where `found` says, in order."""
        head = text
        links: list[etree.Element] = []
        done = 0
        for start, key in found:
            target = self.targets.get(key)
            link = self.link(key, target) if target is not None else None
            if link is None:
                continue
            if links:
                links[-1].tail = text[done:start]
            else:
                head = text[:start]
            links.append(link)
            done = start + len(key)
        if links:
            links[-1].tail = text[done:]
        return head, links

    def track(self, index: int) -> None:
        """Follow a raw HTML tag kept aside by Python-Markdown, to leave `<a>…</a>` alone."""
        raw = self.stash[index] if index < len(self.stash) else None
        if not isinstance(raw, str):
            return
        if _RAW_OPEN.fullmatch(raw):
            self.raw_depth += 1
        elif _RAW_CLOSE.fullmatch(raw):
            self.raw_depth = max(0, self.raw_depth - 1)

    def link(self, text: str, target: LinkTarget) -> etree.Element | None:
        """A link to `target` reading `text`; None for the page being rendered itself."""
        if target not in self.hrefs:
            self.hrefs[target] = self.href(target)
        href = self.hrefs[target]
        if href is None:
            return None
        # A link to a source path is left to MkDocs (when we are under it) to resolve.
        final = self.page_url is not None and target.url is not None
        link = etree.Element(_PENDING if final else "a", {"href": href})
        if self.css_class:
            link.set("class", self.css_class)
        if target.title:
            # Plain: Material's tooltips write a title back into the page as HTML.
            link.set("title", " ".join(plain(target.title).split()))
        link.text = text
        if final:
            self.links.append(link)
        return link

    def href(self, target: LinkTarget) -> str | None:
        """The `href` of a link from the current page to `target`."""
        fragment = f"#{quote(target.anchor, safe='')}" if target.anchor else ""
        if self.page is None:
            return self.base_url.rstrip("/") + "/" + quote(target.page.lstrip("/")) + fragment
        if target.page == self.page:
            # Just the anchor; a page linking to itself as a whole would go nowhere.
            return fragment or None
        if self.from_url is not None and target.url is not None:
            return self.from_url(target.url) + fragment  # URLs come quoted
        return quote(self.from_page(target.page)) + fragment


def _may_hold_url(text: str) -> bool:
    # Three substring searches: a regex alternation would try each at every character.
    return "://" in text or "www." in text or "mailto:" in text


def relative_path(path: str, page: str) -> str:
    """Path `path` relative to the folder of `page`: source paths, or URLs of pages.

    Plain string work: `posixpath.relpath` consults the working directory, which
    costs more than all the rest of a link. MkDocs calls the site's root `./`.
    """
    return relative_to(page)(path)


def relative_to(page: str) -> Callable[[str], str]:
    """`relative_path(path, page)` as a function of `path`, for the many links of one page.

    The page's folder and each folder above it are worked out once: a path then only has
    to be tested for the deepest of them it lies in.
    """
    here = page.removeprefix("./").split("/")[:-1]
    # Deepest first: ("a/b/", 0), ("a/", 1), ("", 2) for the page `a/b/c`.
    folders = [
        ("/".join(here[:depth]) + "/" if depth else "", len(here) - depth)
        for depth in range(len(here), -1, -1)
    ]

    def relative(path: str) -> str:
        path = path.removeprefix("./")
        for folder, up in folders:
            if path.startswith(folder):
                return "../" * up + path[len(folder) :]
        return path  # not reached: every path lies in the root, the last folder

    return relative


# Python-Markdown looks this name up when an extension is given as a module path.
def makeExtension(**kwargs: Any) -> AutolinkExtension:
    """Build the extension by module path, with targets given as plain mappings."""
    targets = kwargs.pop("targets", {})
    kwargs["targets"] = LinkTargets(
        (key, value if isinstance(value, LinkTarget) else LinkTarget(**value))
        for key, value in targets.items()
    )
    return AutolinkExtension(**kwargs)
