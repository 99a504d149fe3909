"""The MkDocs internals the live preview relies on, all in this one module.

`tests/test_preview.py` pins each of them, so that a release of MkDocs or Material that
changes one fails there loudly instead of serving stale pages.

**Problems do not stall the preview.** The live preview keeps serving while specs have
problems, even under `strict: true`.

`mkdocs build` counts every warning and error logged under the `mkdocs` logger through a
`mkdocs.utils.CountHandler` that it attaches before the plugins' `on_config` and checks
after `on_post_build`; in strict mode any count aborts the build. Under `mkdocs serve` an
aborted rebuild is worse than a failed CI job: the live-reload server holds every request
until a build succeeds, so one broken YAML edit stalls every page of the preview.

So under `serve` the problems Roadmark logs are marked, and this build's counter is told
to pass over marked records. They are still logged at their own level, shown on their
pages, and fail `mkdocs build --strict` as before.

**Hearing of an edit.** MkDocs' `LiveReloadServer` keeps its watchdog observer in
`observer` and its watches in `_watched_paths` (path to count) and `_watch_refs` (path
to watch); `follow_folders_by_events` moves the folders to file events (`watch.py`).

**Rebuilding some pages.** `mkdocs serve` calls the `builder` attribute of its
`LiveReloadServer` after each change; the preview (`rebuild.py`) puts its own there. To
render one page again it runs MkDocs' own two steps for a page
(`mkdocs.commands.build._populate_page` and `_build_page`), so every plugin sees the
page's events as in a full build. Material's search plugin keeps the index entries of
the build in `search_index.entries`, in page order; the preview swaps those of the pages
it renders again before the plugin writes the index. Under `serve` that index is written
by `EncodedIndex`, which encodes each entry once rather than the whole index again after
every edit, into the same text as Material's `generate_search_index`.

Material's tags plugin gathers each page's tags as it is read and, in `on_env`, fills its
listings and writes `tags.json`: without listings, running its `on_env` again after the
pages is all it needs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.exceptions import Abort
from mkdocs.utils import CountHandler

from .config import enabled_plugins

if TYPE_CHECKING:  # as in mkdocs.plugins: only `mkdocs serve` loads the server (and watchdog)
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from .inputs import Heard

SearchEntry = dict[str, Any]
"""One entry of Material's search index: `location`, `title`, `text` and more."""

MARK = "roadmark_problem"
"""The log record attribute that marks a problem found in the specs or the test results."""

EXTRA = {MARK: True}
"""Pass as `extra=` when logging a problem, so the preview's strict counter can spare it."""


def _not_a_problem(record: logging.LogRecord) -> bool:
    return not getattr(record, MARK, False)


def spare_problems_from_strict() -> bool:
    """Make this build's strict-mode counter skip marked problems; False if none was found.

    Call from `on_config`: MkDocs attaches a new counter to each build, and only in strict mode.
    """
    counters = [
        handler
        for handler in logging.getLogger("mkdocs").handlers
        if isinstance(handler, CountHandler)
    ]
    for counter in counters:
        if _not_a_problem not in counter.filters:
            counter.addFilter(_not_a_problem)
    return bool(counters)


@contextmanager
def strict_as_mkdocs(config: MkDocsConfig) -> Iterator[None]:
    """Under `strict: true`, abort when the work inside logs a warning that is not a spec
    problem, as `mkdocs build` does after its last event."""
    if not config.strict:
        yield
        return
    counter = CountHandler()
    counter.setLevel(logging.WARNING)
    counter.addFilter(_not_a_problem)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        yield
    finally:
        logger.removeHandler(counter)
    if counts := counter.get_counts():
        found = ", ".join(f"{number} {level.lower()}s" for level, number in counts)
        raise Abort(f"Aborted with {found} in strict mode!")


def install_builder(server: LiveReloadServer, builder: Callable[[], None]) -> None:
    """Make `server` call `builder` after each change of a watched file."""
    server.builder = builder


def follow_folders_by_events(server: LiveReloadServer, heard: Heard | None = None) -> bool:
    """Have `server` learn of changes in the folders it watches from the system's file
    events rather than by polling them (`watch.py`), each watch telling `heard` which files
    changed; whether this system has file events.

    MkDocs watches `docs_dir` and `mkdocs.yml` before `on_serve`, so those watches move to
    the new observer (`mkdocs.yml` stays polled); later ones (the product folder, `watch:`
    entries) go through it.
    """
    from .watch import FolderEvents, has_file_events  # only `mkdocs serve` loads watchdog

    if not has_file_events():
        return False
    watches = {
        path: (server._watched_paths.pop(path), watch.is_recursive)
        for path, watch in list(server._watch_refs.items())
    }
    for path in watches:
        server.observer.unschedule(server._watch_refs.pop(path))
    server.observer = FolderEvents(server.observer, heard)  # type: ignore[assignment]  # answers what the server calls
    for path, (count, recursive) in watches.items():
        for _ in range(count):
            server.watch(path, recursive=recursive)
    return True


def render_page(
    page: Page,
    config: MkDocsConfig,
    files: Files,
    doc_files: Sequence[File],
    nav: Navigation,
    env: jinja2.Environment,
) -> None:
    """Read, render and write one page again, as `mkdocs build` does for every page."""
    mkdocs_build._populate_page(page, config, files)
    excluded: bool = page.file.inclusion.is_excluded()  # type: ignore[no-untyped-call]  # MkDocs leaves it untyped
    mkdocs_build._build_page(page, config, doc_files, nav, env, excluded=excluded)


def replace_content(file: File, text: str) -> None:
    """Give a generated page new Markdown, keeping the source file it names (for git dates)."""
    source = file.abs_src_path
    file.content_string = text
    file.abs_src_path = source


def tag_plugins(config: MkDocsConfig) -> list[Any]:
    """The enabled instances of Material's tags plugin."""
    return enabled_plugins(config, "material.plugins.tags")


def lists_pages_by_tag(plugin: Any) -> bool:
    """Whether a tags plugin fills listings of pages by tag (which any page's tags change)."""
    return any(True for _ in getattr(plugin, "listings", ()))


def write_tags(plugin: Any, env: jinja2.Environment, config: MkDocsConfig) -> None:
    """Let a tags plugin export the tags of the pages as they are now."""
    plugin.on_env(env, config=config)


def search_entries(config: MkDocsConfig) -> list[SearchEntry] | None:
    """The entries Material's search plugin holds for the index it writes; None without it."""
    for plugin in enabled_plugins(config, "material.plugins.search"):
        entries = getattr(getattr(plugin, "search_index", None), "entries", None)
        return entries if isinstance(entries, list) else None
    return None


def entries_by_page(
    config: MkDocsConfig, doc_files: Sequence[File]
) -> dict[str, list[SearchEntry]]:
    """Split the search index entries by page URL: Material adds a page's entries together,
    as it renders the page, and the pages in site order."""
    entries = search_entries(config) or []
    found: dict[str, list[SearchEntry]] = {}
    position = 0
    for file in doc_files:
        page = file.page
        if page is None:
            continue
        start = position
        while position < len(entries) and _page_url(entries[position]) == page.url:
            position += 1
        found[page.url] = entries[start:position]
    return found


def _page_url(entry: SearchEntry) -> str:
    return str(entry.get("location", "")).partition("#")[0]


Ours = Callable[[str, list[SearchEntry]], tuple[str, str] | None]
"""What another plugin adds to Material's index as it is written: from the frame Material
writes (its config and no entries) and its entries, the frame to write instead and the
entries to add after Material's, encoded and joined; or None to add nothing."""
_ENCODER = json.JSONEncoder(separators=(",", ":"), default=str)
"""Encodes an entry as Material's `json.dumps(data, separators=(",", ":"), default=str)` does
within its list (one encoder for all: `json.dumps` builds one per call)."""


class EncodedIndex:
    """Material's `generate_search_index` for one build, keeping each entry's encoding: an edit
    renders a few pages again, whose entries are new objects, and leaves the others alone.

    The text is Material's byte for byte: its own call with no entries gives the config and
    the frame (`{"config":...,"docs":[]}`), and a list encodes as its items joined by ",".
    """

    def __init__(self, index: Any) -> None:
        self.index = index
        self._original: Callable[[Any], str] = index.generate_search_index
        self._kept: dict[int, tuple[SearchEntry, str]] = {}
        self.ours: Ours | None = None
        """Set before Material writes a build's index: what it adds (see `Ours`), once."""
        self._took_ours = False
        self._size = 0
        """The length of the encodings kept, which may hold entries of pages since rendered
        again, up to as much again as the index."""

    def __call__(self, prev: Any) -> str:
        """The index as Material writes it (`prev` is its index of a dirty reload's last build)."""
        ours, self.ours, self._took_ours = self.ours, None, False  # one build's, taken or not
        if prev:  # `--dirty` merges with the last build's entries: Material's own way
            return self._original(prev)
        entries = self.index.entries
        self.index.entries = []
        try:
            frame = self._original(prev)
        finally:
            self.index.entries = entries
        if not frame.endswith(',"docs":[]}'):  # not the frame this class knows
            return self._original(prev)
        added = ours(frame, entries) if ours is not None else None
        self._took_ours = added is not None
        if added is not None:
            frame, added_entries = added
        kept, encode, size = self._kept, _ENCODER.encode, self._size
        parts = []
        for entry in entries:
            # Each entry is held with its encoding, so no other object can have its id: the
            # same id is the same entry, which nothing changes once Material made it.
            known = kept.get(id(entry))
            if known is None:
                known = kept[id(entry)] = (entry, encode(entry))
                size += len(known[1])
            parts.append(known[1])
        if added is not None and added_entries:
            parts.append(added_entries)
        # One join, the frame around it: at 10,000 stories each copy of the index is 48 MB.
        parts[:1] = [frame[:-2] + (parts[0] if parts else "")]
        parts[-1] += "]}"
        text = ",".join(parts)
        self._size = size
        if size > 2 * len(text):  # the entries of pages rendered since: let them go
            self._kept = {id(entry): kept[id(entry)] for entry in entries}
            self._size = len(text)
        return text

    def took_ours(self) -> bool:
        """Whether the index last written holds what `ours` added; asked once per build."""
        took, self._took_ours = self._took_ours, False
        return took


def encoded_index(config: MkDocsConfig) -> EncodedIndex | None:
    """The `EncodedIndex` of Material's search for this build, put in place on first call;
    None without Material's search or when its index is not the one this module knows."""
    for plugin in enabled_plugins(config, "material.plugins.search"):
        index: Any = getattr(plugin, "search_index", None)
        generate = getattr(index, "generate_search_index", None)
        if isinstance(generate, EncodedIndex):
            return generate
        if not callable(generate) or not isinstance(getattr(index, "entries", None), list):
            return None
        encoded = EncodedIndex(index)
        index.generate_search_index = encoded  # the instance's, for the plugin's `on_post_build`
        return encoded
    return None
