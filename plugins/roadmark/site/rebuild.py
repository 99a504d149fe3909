"""The live preview: after an edit, render again only the pages whose output can change.

`mkdocs serve` rebuilds the whole site after every save: at 2,000 stories as long as a
full build, to change a dozen pages. The plugin installs a `Preview` as the server's
builder. It keeps what the last build made (the config, files, navigation, Jinja
environment, our `SiteBuild` and the search index entries), finds which watched files
changed, plans the product again (cheap), and renders again only the pages whose output
can differ: the pages whose Markdown changed, the item pages `affected.py` names and the
hub pages, each compared with what it showed; the docs pages edited, and those that
mention an item whose link changed. Everything else on disk is already right.

What it cannot reason about it hands to MkDocs' own full rebuild, and says why in the
log: `mkdocs.yml` or the test results changed, files came or went, a page of the
navigation changed its title, a plugin it does not know is in use, or anything failed.
`docs/notes/preview.md` has the design; `site/preview.py` the MkDocs internals it uses.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import Abort
from mkdocs.structure.files import InclusionLevel

from ..spec.today import resolve_today
from ..trace.evidence import expand
from .affected import PlanState, affected_items, changed_ids, may_show, moved_names
from .build import SiteBuild, parts_digest
from .config import enabled_plugins
from .files import href_from
from .inputs import Changes, Heard, Inputs, Stamp, look, snapshot
from .log import log
from .mentions import Mentions
from .preview import (
    SearchEntry,
    entries_by_page,
    lists_pages_by_tag,
    render_page,
    replace_content,
    search_entries,
    strict_as_mkdocs,
    tag_plugins,
    write_tags,
)

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation

    from ..render.site_pages import SitePage


KNOWN_PLUGINS = (
    "material.plugins.search",
    "material.plugins.tags",
    "roadmark.",
    "mkdocs_macros.",
)
"""Modules of the plugins whose work is page by page, so that rendering one page again
is all they need (Material's tags plugin when it lists no pages by tag); with any other
plugin every rebuild is a full one."""


class FullRebuild(Exception):
    """The incremental path cannot reason about this change; the message says why."""


@dataclass
class _Built:
    """What a finished build left: everything the next incremental rebuild starts from."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: jinja2.Environment
    site: SiteBuild
    inputs: Inputs
    stamps: dict[str, Stamp]
    doc_files: Sequence[File] = ()
    """The pages `mkdocs serve` renders, in its order (files coming or going make a full build)."""
    entries: dict[str, list[SearchEntry]] = field(default_factory=dict)
    """Each page's search index entries, by URL, in page order."""


@dataclass
class _Work:
    """What one incremental rebuild found to do."""

    specs: bool = False
    docs: set[str] = field(default_factory=set)
    """Source paths of the docs pages edited."""
    copies: list[File] = field(default_factory=list)
    """Attachments to copy again."""


class Preview:
    """The server's builder under `mkdocs serve`; the plugin keeps one for the process."""

    def __init__(self) -> None:
        self.enabled = False
        """Off until `on_startup` says this is `mkdocs serve` without `--dirty`."""
        self._full: Callable[[], object] | None = None
        """MkDocs' own builder, once the preview is the server's (`builder`)."""
        self._stamps: dict[str, Stamp] = {}
        self._nav: Navigation | None = None
        self._env: tuple[jinja2.Environment, Files] | None = None
        self._carried: _Built | None = None
        """The build an incremental rebuild started from; None for a full build."""
        self._last: _Built | None = None
        self._mentions = Mentions()
        """Which pages name which ids, kept until the next full build (`mentions.py`)."""
        self.heard = Heard()  # which files changed, when the server's watches tell it

    # --- What a build tells the preview, through the plugin's events ---------------------------

    def starting(self, inputs: Inputs) -> None:
        """A build starts: stamp its inputs before it reads them, and forget the last one."""
        self._last = None
        self._carried = None
        self._mentions = Mentions()
        gc.unfreeze()  # the last full build's objects may go now (see `finished`)
        self.heard.take()  # what was heard until now, this snapshot stamps
        self._stamps = snapshot(inputs)

    def note_nav(self, nav: Navigation) -> None:
        """The navigation every page of this build is rendered with."""
        self._nav = nav

    def note_env(self, env: jinja2.Environment, files: Files) -> None:
        """The Jinja environment and the files of this build, as the pages are rendered."""
        self._env = (env, files)

    def finished(self, config: MkDocsConfig, site: SiteBuild, inputs: Inputs) -> None:
        """A build finished: keep what the next incremental rebuild starts from."""
        if not self.enabled or self._nav is None or self._env is None:
            return
        env, files = self._env
        built = _Built(config, files, self._nav, env, site, inputs, self._stamps)
        if self._carried is not None:  # an incremental rebuild: the same files and pages
            built.doc_files, built.entries = self._carried.doc_files, self._carried.entries
        else:
            built.doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
            built.entries = entries_by_page(config, built.doc_files)
            # Read now, while nobody waits, rather than on the first edit that needs it.
            self._mentions.read(site.targets.keys(), _markdown(built.doc_files))
            if self._full is not None:
                # What a full build made lives until the next one: out of the collector's
                # way, each incremental rebuild's passes skip its hundreds of thousands of
                # objects (a quarter of a rebuild's time). The next full build unfreezes
                # them (`starting`), so cyclic garbage among them is held one build at most.
                gc.freeze()
        self._last = built

    # --- The builder ---------------------------------------------------------------------------

    def builder(self, full: Callable[[], object]) -> Callable[[], None]:
        """The builder to install in the server: this preview, falling back on `full`."""
        self._full = full
        gc.freeze()  # the first build's objects, as `finished` does after every full build
        return self.rebuild

    def rebuild(self) -> None:
        """Render again what the last change can have changed, or rebuild all of it."""
        last, self._last = self._last, None  # a failure half way must not leave it standing
        started = time.perf_counter()
        try:
            if last is None:
                raise FullRebuild("the last build did not finish")
            # No cyclic collection while it runs: its passes over the young plan cost a fifth
            # of a rebuild; one pass after it (on the next allocation) finds what they would.
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                pages, total = self._incremental(last)
            finally:
                if was_enabled:
                    gc.enable()
        except FullRebuild as reason:
            log.info(f"preview: full rebuild: {reason}")
            self._rebuild_all()
            return
        except Abort:
            raise  # strict mode, as MkDocs: the server waits for the next edit
        except Exception as error:  # a full build reports it as MkDocs does, or recovers
            log.debug("the incremental rebuild failed", exc_info=True)
            log.info(f"preview: full rebuild: the incremental rebuild failed ({error!r})")
            self._rebuild_all()
            return
        took = time.perf_counter() - started
        log.info(f"preview: rebuilt {pages} of {total} pages in {took:.2f} s")

    def _rebuild_all(self) -> None:
        if self._full is not None:
            self._full()

    def _incremental(self, last: _Built) -> tuple[int, int]:
        """Bring the site up to date with the watched files; the number of pages rendered,
        and of pages in the site."""
        _refuse_unknown_plugins(last.config)
        now, found = look(self.heard, last.stamps, last.inputs)
        work = _work(last, found)
        site = last.site
        if resolve_today(site.options.today)[0] != site.today:
            raise FullRebuild("the date changed")
        with strict_as_mkdocs(last.config):
            pages = _pages_to_render(last, work, self._mentions, now)
            rendered = _render(last, pages, self._mentions)
            for plugin in tag_plugins(last.config):
                write_tags(plugin, last.env, last.config)
            self._carried = last
            for file in work.copies:
                file.copy_file()
            self._stamps = now
            last.config.plugins.on_post_build(config=last.config)  # keeps what `finished` is told
        return rendered, len(last.doc_files)


def watched_inputs(site: SiteBuild, config: MkDocsConfig) -> Inputs:
    """The folders and files a build reads: specs, docs, `mkdocs.yml` and test results."""
    results = [path for pattern in site.options.test_results for path in expand(site.root, pattern)]
    files = [Path(config.config_file_path)] if config.config_file_path else []
    # Not resolved: as MkDocs names the pages (`abs_src_path`) and watches them, links and all.
    folders = (site.product_dir, Path(config.docs_dir))
    return Inputs(folders, tuple(files + [path.resolve() for path in results]))


def _refuse_unknown_plugins(config: MkDocsConfig) -> None:
    unknown = [
        name
        for name, plugin in config.plugins.items()
        if not type(plugin).__module__.startswith(KNOWN_PLUGINS)
    ]
    if unknown:
        raise FullRebuild(f"plugin {', '.join(sorted(unknown))} may need every page")
    if any(lists_pages_by_tag(plugin) for plugin in tag_plugins(config)):
        raise FullRebuild("the tags plugin lists pages by tag")


def _work(last: _Built, found: Changes) -> _Work:
    """Sort the changed files into what the incremental path does about them."""
    if not found:
        raise FullRebuild("the change is outside the specs, the docs and mkdocs.yml")
    relevant = {path for path in found.added | found.removed if not _ignored(path)}
    if relevant:
        raise FullRebuild(f"{len(relevant)} file(s) added or removed")
    site = last.site
    work = _Work()
    by_source: dict[str, File] = {}
    product_dir = last.inputs.folders[0]
    for path in sorted(found.modified):
        if path in last.inputs.files:
            raise FullRebuild(f"{path.name} changed")
        if product_dir in path.parents and _is_spec(path, product_dir, site):
            work.specs = True
            continue
        if not by_source:  # only for a file not a spec; by string: a `Path` each cost more
            by_source = {file.abs_src_path: file for file in last.files if file.abs_src_path}
        file = by_source.get(str(path))
        if file is not None and file.is_documentation_page():
            work.docs.add(file.src_uri)
        elif file is not None:
            work.copies.append(file)
    return work


def _is_spec(path: Path, product_dir: Path, site: SiteBuild) -> bool:
    local, files = path.relative_to(product_dir).as_posix(), site.product and site.product.files
    return any(source.path == local for source in files or ())


def _ignored(path: Path) -> bool:
    """Editors' swap and backup files, which MkDocs and the product folder pass over too."""
    return path.name.startswith(".") or path.name.endswith("~")


def _pages_to_render(last: _Built, work: _Work, seen: Mentions, now: dict[str, Stamp]) -> set[str]:
    """The source paths of the pages whose output can have changed; `now` is the snapshot
    just taken, whose stamps loading trusts rather than stat every spec again."""
    site = last.site
    pages = set(work.docs)
    if not work.specs:
        return pages
    before_pages, before_targets = dict(site.pages), dict(site.targets)
    before_items = dict(site.item_pages)
    before = _plan_state(site)
    site.reload(last.files, now)
    # Items coming or going change the navigation and the indexes' shape; a criterion
    # coming or going is one link target more or less, for the pages naming it.
    if site.pages.keys() != before_pages.keys() or site.item_pages != before_items:
        raise FullRebuild("items came or went")
    after = _plan_state(site)
    items = affected_items(before, after, site.settings, site.settings.product_dir)
    reached = (items, changed_ids(before.graph.items, after.graph.items))
    item_pages = {site.item_pages[item_id] for item_id in items if item_id in site.item_pages}
    for src_uri, page in site.pages.items():
        file = site.files.get(src_uri)
        if file is None:
            continue  # a docs page hides it
        if page.content != before_pages[src_uri].content:
            replace_content(file, page.content)
            pages.add(src_uri)
        elif not may_show(page, before_pages[src_uri], item_pages, reached):
            continue  # none of the items its parts read was reached: they are as shown
        elif _parts_changed(site, before_pages[src_uri], file):
            pages.add(src_uri)
    _write_made(site, last.files)
    moved = moved_names(before_targets, site.targets, reached[1], before.graph, after.graph)
    mentioning = seen.naming(moved, site.targets.keys(), lambda: _markdown(last.doc_files))
    return pages | mentioning | _with_macros(last)


def _plan_state(site: SiteBuild) -> PlanState:
    product = site.product
    if product is None:
        raise FullRebuild("the product was not loaded")
    return PlanState.of(product, site.progress, site.health, site.sprints)


def _parts_changed(site: SiteBuild, before: SitePage, file: File) -> bool:
    """Whether a generated page's deferred parts differ from those it shows, which are made
    as `before` (the page as planned before the edit) makes them; the new ones are kept for
    the page to use when it is rendered. Made from equal keys, they are equal."""
    src_uri = before.src_uri
    page = site.pages[src_uri]
    if page.parts is None or site.layout is None:
        return False
    keyed = page.key is not None and before.key is not None and src_uri in site.shown_parts
    if keyed and page.key() == before.key():  # type: ignore[misc]  # keyed: both are set
        return False
    parts = page.parts(href_from(file, site.files, site.layout.item_pages))
    if parts_digest(parts) == site.shown_parts.get(src_uri):
        return False
    site.parts_ahead[src_uri] = parts
    return True


def _write_made(site: SiteBuild, files: Files) -> None:
    """Write again the files made from the product (`roadmark.json`, the release feed)
    whose content changed."""
    for uri, content in site.made_files().items():
        file = files.src_uris.get(uri)
        if file is not None and content != file.content_string:
            replace_content(file, content)
            file.copy_file()


def _with_macros(last: _Built) -> set[str]:
    """With mkdocs-macros, the pages that call a macro, which may show any item."""
    if not enabled_plugins(last.config, "mkdocs_macros."):
        return set()
    found = set()
    for file in last.doc_files:
        ours = last.site.pages.get(file.src_uri)
        source = ours.content if ours is not None else file.content_string
        if "{{" in source or "{%" in source:
            found.add(file.src_uri)
    return found


def _markdown(doc_files: Sequence[File]) -> dict[str, str]:
    """Each page's Markdown as last rendered, by source path."""
    pages = ((file.src_uri, file.page) for file in doc_files)
    return {src_uri: page.markdown for src_uri, page in pages if page and page.markdown}


def _render(last: _Built, pages: set[str], mentions: Mentions) -> int:
    """Render the pages again in site order, swap their search index entries, and note the
    ids their Markdown names now."""
    entries, doc_files = search_entries(last.config), last.doc_files
    in_nav = {id(page) for page in last.nav.pages}
    fresh: dict[str, list[SearchEntry]] = {}
    for file in doc_files:
        page = file.page
        if file.src_uri not in pages or page is None:
            continue
        title, url = page.title, page.url
        start = len(entries) if entries is not None else 0
        render_page(page, last.config, last.files, doc_files, last.nav, last.env)
        mentions.update(file.src_uri, page.markdown)
        if id(page) in in_nav and page.title != title:
            raise FullRebuild(f"the title of '{file.src_uri}' in the navigation changed")
        if entries is not None:
            fresh[url] = entries[start:]
            del entries[start:]
    if entries is not None:
        last.entries.update(fresh)
        entries[:] = [
            entry
            for file in doc_files
            if file.page is not None
            for entry in last.entries.get(file.page.url, ())
        ]
    return len(pages)
