"""The `roadmark` MkDocs plugin: a product folder of specs becomes pages of the site.

The plugin only orchestrates: each build's work and state live in a `SiteBuild`
(`build.py`), created in `on_config`, to which every later event is handed. What
outlives a build stays here: the parsed-spec cache, the history last read, whether we
are serving, and the live preview (`rebuild.py`), which renders again only what an edit
changes.

Events used, in build order:
- `on_startup`: notes whether this is `mkdocs serve` (the preview stays off with
  `--dirty`); defining it also makes MkDocs keep this instance across rebuilds, which
  keeps the parsed-spec cache warm (a one-file edit re-parses one file).
- `on_config`: starts this build from the options (validated by MkDocs through their one
  declaration, `spec/options.py`) and reads them into the model's settings; adds the
  cross-link Markdown extension (and `md_in_html`, which the roadmap page uses) and our
  CSS/JS; under `serve`, keeps spec problems from aborting a strict rebuild (`preview.py`)
  and stamps the files the build will read, for the preview to tell what changed next.
- `on_files`: first of all plugins, takes docs pages that are links out of the project
  or special files out of the site (MkDocs would publish them); then, last of all (after
  static-i18n re-creates the file list), loads and checks the whole product once, reads
  the test results once, logs every problem through MkDocs (so `--strict` fails on
  them), and adds the
  generated pages with `File.generated`, an item page naming its spec as its source
  (for git-date plugins); nothing is written into `docs_dir` or the product folder.
- `on_nav`: appends a section of hub pages, in place, when the user's nav does not place
  ours: after awesome-nav makes the nav, before section-index and static-i18n rework it;
  then, last, notes the nav the pages are rendered with, for the preview.
- `on_env`: last, notes the Jinja environment and the files, for the preview.
- `on_page_content`: first, frames an item page's rendered body with its title and the
  places of its deferred parts, lists its sections in the table of contents, and notes
  the placeholders of each generated page.
- `on_post_page`: first of all plugins (before minify, glightbox, privacy or i18n rewrite
  the HTML), fills the deferred parts of our pages (placeholders until then), and warns
  when a placeholder noted earlier has gone, so `--strict` fails instead of losing it.
  The parts are cards, backlinks, children, trace panels, indexes and matrices, rendered as HTML
  rather than Markdown because they are made of links; search does not index them.
- `on_post_build`: after Material's search plugin has written its index (and before its
  offline plugin copies it), adds an entry per item and per clause on its page, so that
  an id or an address typed into the search comes first (`search.py`); under `serve`,
  keeps what the preview's next rebuild starts from.
- `on_serve`: watches the product folder and the test results, follows the folders
  through the system's file events rather than MkDocs' polling (`watch.py`), and installs
  the preview as the server's builder, with MkDocs' full rebuild as its fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files

from ..history.reader import HistoryMemo
from ..plan.schedule import RoadmapOptions
from ..plan.sprints import SprintsPlan
from ..spec.loader import SpecCache
from ..spec.product import Product
from .build import SiteBuild
from .config import RoadmarkConfig, options_of
from .log import log
from .preview import follow_folders_by_events, install_builder
from .rebuild import Preview, watched_inputs

if TYPE_CHECKING:  # as in mkdocs.plugins: only `mkdocs serve` loads the server (and watchdog)
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page


class RoadmarkPlugin(BasePlugin[RoadmarkConfig]):
    """Check, cross-link and publish the specs of a product folder."""

    def __init__(self) -> None:
        self._cache = SpecCache()
        """Parsed specs by file stamp, kept across the rebuilds of `mkdocs serve`."""
        self._history = HistoryMemo()
        """The plan's history last read, kept across the rebuilds of the same commit."""
        self._serving = False
        self._preview = Preview()
        """Under `mkdocs serve`, the server's builder: renders again only what an edit changes."""
        self._build: SiteBuild | None = None
        """The build under way; a new one at each `on_config`."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note whether this process serves a preview (and so rebuilds) or builds once."""
        self._serving = command == "serve"
        # `--dirty` is MkDocs' own partial rebuild; the preview's would fight it.
        self._preview.enabled = self._serving and not dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Start this build: read the settings, register the Markdown extensions and assets."""
        self._build = None  # if this build fails to start, the last one must not stand in
        build = SiteBuild(
            options_of(self.config), config, (self._cache, self._history), serving=self._serving
        )
        build.configure(config)
        self._build = build
        if self._preview.enabled:
            self._preview.starting(watched_inputs(build, config))
        return config

    @event_priority(100)  # first, before any plugin reads a docs page
    def _refuse_foreign_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Take links out of the project and special files out of the docs pages."""
        self._current.drop_foreign_files(files)
        return files

    # Last: static-i18n (-100) re-creates every file from docs_dir, dropping generated content.
    @event_priority(-110)
    def _add_product(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Load and check the product once, and add what the site gets from it."""
        build = self._current
        build.load_product()
        build.read_test_results()
        build.plan_pages()
        build.add_pages(files)
        build.add_product_assets(files)
        build.publish_link_targets(files)
        build.add_own_files(files)
        return files

    on_files = CombinedEvent(_refuse_foreign_files, _add_product)

    @event_priority(50)  # after awesome-nav (100) makes the nav; before section-index (0)
    def _add_hub(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Add the hub section unless the user's nav already places the product pages."""
        return self._current.nav(nav)

    @event_priority(-100)  # last: the nav every page is rendered with, for the preview
    def _note_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._preview.note_nav(nav)
        return nav

    on_nav = CombinedEvent(_add_hub, _note_nav)

    @event_priority(-100)  # last: the environment every page is rendered with, for the preview
    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        """Note the Jinja environment and the files of this build for the preview."""
        self._preview.note_env(env, files)
        return env

    @event_priority(100)  # first: frame and count our placeholders before others rewrite HTML
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Frame an item page's body with its title and parts, listing its sections in the TOC."""
        return self._current.page_content(html, page)

    @event_priority(100)  # first: fill our parts before minify, glightbox or privacy rewrite it
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Fill the deferred parts of our pages, now that every page has its URL."""
        return self._current.post_page(output, page)

    @event_priority(10)  # before Material's search (0) writes its index
    def _offer_ids(self, *, config: MkDocsConfig) -> None:
        """Served, hand Material's search our id entries to write with its own."""
        self._current.index_ids(early=True)

    @event_priority(-50)  # after Material's search (0) writes its index; before offline (-100)
    def _index_ids(self, *, config: MkDocsConfig) -> None:
        """Let Material's search find items by id and clauses by address (if it did not)."""
        build = self._current
        build.index_ids()
        if self._preview.enabled:
            self._preview.finished(config, build, watched_inputs(build, config))

    on_post_build = CombinedEvent(_offer_ids, _index_ids)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., object]
    ) -> LiveReloadServer:
        """Rebuild when a spec or a test result changes, through the preview when it can."""
        build = self._current
        heard = self._preview.heard if self._preview.enabled else None
        if build.options.watch_events and not follow_folders_by_events(server, heard):
            log.info("preview: this system has no file events: MkDocs polls the folders")
        if build.product_dir.is_dir():
            server.watch(str(build.product_dir))
        for path in watched_inputs(build, config).files:
            server.watch(str(path), recursive=False)
        if self._preview.enabled:
            install_builder(server, self._preview.builder(builder))
        return server

    @property
    def _current(self) -> SiteBuild:
        if self._build is None:  # MkDocs runs on_config before any other event of a build
            raise PluginError("roadmark: an event came before on_config")
        return self._build

    # What the macros pluglet (`roadmark.macros`) reads from the running plugin.

    @property
    def product(self) -> Product | None:
        """The product loaded by this build; None before `on_files`."""
        return self._build.product if self._build is not None else None

    @property
    def item_pages(self) -> dict[str, str]:
        """The source path of each item's page by id, relative to the docs folder."""
        return self._build.item_pages if self._build is not None else {}

    @property
    def sprints(self) -> SprintsPlan | None:
        """The sprints this build planned; None before `on_files`."""
        return self._build.sprints if self._build is not None else None

    def roadmap_options(self) -> RoadmapOptions:
        """Today and the at-risk options, as the roadmap page and the macros use them."""
        return self._current.roadmap_options()
