"""One build of the site: what Roadmark learns and makes between `on_config` and the last page.

The plugin creates a `SiteBuild` in each `on_config` and hands every later event to it.
A full rebuild under `mkdocs serve` loads a fresh config, so it gets a new `SiteBuild`:
nothing of the last one can reach it. The preview's incremental rebuild (`rebuild.py`)
keeps the config, and this `SiteBuild` with it, and calls `reload`, which plans anew.
What must outlive every build (the parsed-spec cache, the preview) stays on the plugin.

The Markdown extensions are registered, per config, with this build's `targets` and
`clause_anchors`; those stay empty until `on_files` fills them, and the extensions
read them while rendering, after `on_files`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from ..extensions.autolink import AutolinkExtension, LinkTarget
from ..extensions.clause_anchors import ClauseAnchor, ClauseAnchorExtension
from ..extensions.targets import LinkTargets
from ..history.model import History
from ..history.reader import HistoryMemo
from ..history.velocity import velocity_samples
from ..plan.health import Health, plan_health
from ..plan.progress import Progress, progress_by_item
from ..plan.release_notes import ReleaseNotes
from ..plan.roadmap import plan_product
from ..plan.schedule import RoadmapOptions
from ..plan.sprints import SprintsPlan, plan_sprints
from ..render.atom import FeedSite, release_feed
from ..render.deferred import fill_parts, has_parts, part_keys, section_heading
from ..render.export import export_json
from ..render.export_schema import SCHEMA_FILE, schema_json
from ..render.item_page import frame_item_page
from ..render.release_notes import FEED_FILE
from ..render.site_pages import SiteLayout, SitePage, page_path, page_prefix, plan_site
from ..spec.columns import index_columns
from ..spec.loader import SpecCache
from ..spec.options import PluginOptions
from ..spec.product import Product, load_product
from ..spec.settings import ConfigError
from ..spec.today import resolve_today
from ..trace.coverage import Trace, build_trace, coverage_of
from ..trace.evidence import read_evidence
from .files import drop_foreign, edit_uri, href_from, lost_parts, source_of_page
from .history import site_history
from .hub_pages import Planned, hub_pages
from .keepers import Keepers
from .log import log, log_problems
from .nav import hub_section, with_section
from .preview import spare_problems_from_strict
from .published import PublishedTargets
from .search import add_ids_to_site, material_search_enabled, offer_ids
from .toc import add_sections, permalinks_from

if TYPE_CHECKING:  # as in mkdocs.plugins: only `mkdocs serve` loads the server (and watchdog)
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

ASSETS = Path(__file__).parent.parent / "assets"
ASSET_URIS = ("assets/roadmark/roadmark.css", "assets/roadmark/roadmark.js")
EXPORT_URI = "roadmark.json"


class SiteBuild:
    """The options, product, trace, pages and files of one build, and its steps."""

    def __init__(
        self,
        options: PluginOptions,
        config: MkDocsConfig,
        caches: tuple[SpecCache, HistoryMemo],
        *,
        serving: bool,
    ) -> None:
        """Read the settings and today's date; PluginError when they are invalid. `caches`
        outlive the build: the parsed specs and the history last read."""
        self.options = options
        self._config = config
        self._cache, self._history_memo = caches
        self._serving = serving
        self._kept = Keepers.made(serving)  # kept between rebuilds
        self._published = PublishedTargets()
        try:
            self.settings = options.settings()
            self.index_columns = index_columns(options.index_columns, self.settings)
            self.today, source = resolve_today(options.today)
            # The rules about dates relative to today (RM026) read it from the settings.
            self.settings = self.settings.as_of(self.today)
        except ConfigError as exc:
            raise PluginError(f"roadmark: {exc}") from None
        log.info(f"Roadmap date: {self.today.isoformat()} (from {source})")
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.product_dir = self.root / self.settings.product_dir
        self.prefix = page_prefix(options.prefix, self.settings)
        # Material writes a page's title as its heading; other themes need it in the page.
        self.title_headings = config.theme.name != "material"
        self.permalinks = permalinks_from(config.mdx_configs.get("toc"))
        # Filled by `on_files`, read by the Markdown extensions while pages render.
        self.targets: dict[str, LinkTarget] = LinkTargets()
        self.clause_anchors: dict[str, dict[str, ClauseAnchor]] = {}
        self.product: Product | None = None
        self.trace = Trace(coverage_of((), ()), [])
        self.layout: SiteLayout | None = None
        self.pages: dict[str, SitePage] = {}
        """The generated pages by source path."""
        self.files: dict[str, File] = {}
        """The files of the generated pages that made it into the site, by source path."""
        self.section_anchors: dict[str, dict[str, str]] = {}
        """The anchors of each item page's sections, as the TOC extension made them unique."""
        self.placeholders: dict[str, frozenset[str]] = {}
        """The deferred parts each generated page had once rendered, to notice one lost later."""
        self.history = History(False, "history has not been read yet")
        """The plan's history from git, read once per build by `plan_pages`."""
        self.release_notes: list[ReleaseNotes] = []
        self.progress: dict[str, Progress] = {}
        self.health: Health | None = None  # each release's, as the pages were planned
        self.sprints: SprintsPlan | None = None  # planned once per build, by `plan_pages`
        self.shown_parts: dict[str, int] = {}
        """Under `serve`, a digest of the parts each page was filled with, to compare, and
        (`parts_ahead`) the parts the preview rendered to compare, for the page to reuse."""
        self.parts_ahead: dict[str, Mapping[str, str]] = {}
        self.repo_url: str | None = config.repo_url or None
        """Where commits link to: `<repo_url>/commit/<sha>`."""

    # --- on_config ---------------------------------------------------------------------------

    def configure(self, config: MkDocsConfig) -> None:
        """Register the Markdown extensions and our CSS and JS; refuse a product_dir in docs_dir."""
        if self._serving and config.strict and not spare_problems_from_strict():
            log.debug("MkDocs' strict-mode counter was not found; spec problems abort rebuilds")
        docs_dir = Path(config.docs_dir).resolve()
        product_dir = self.product_dir.resolve()
        if product_dir == docs_dir or docs_dir in product_dir.parents:
            raise PluginError(
                f"roadmark: product_dir '{self.settings.product_dir}' is inside docs_dir; "
                "move it next to docs_dir (its pages are generated from it)"
            )
        if "md_in_html" not in config.markdown_extensions:
            config.markdown_extensions.append("md_in_html")
        ours = AutolinkExtension(targets=self.targets), ClauseAnchorExtension(self.clause_anchors)
        # MkDocs types the option list[str], yet takes Extension instances as Markdown does.
        config.markdown_extensions.extend(ours)  # type: ignore[arg-type]  # instances: see above
        config.extra_css.append(ASSET_URIS[0])
        config.extra_javascript.append(ASSET_URIS[1])

    # --- on_files, in the order the plugin calls them ----------------------------------------

    def drop_foreign_files(self, files: Files) -> None:
        """Take links out of the project and special files out of the docs pages."""
        drop_foreign(files, self._config, self.root, self.settings)

    def load_product(self) -> None:
        """Load and check the whole product once, and log its problems."""
        try:
            # A one-shot build may keep its objects out of the collector's way; a preview
            # that rebuilds all day must let each build's garbage go.
            product = load_product(
                self.root, self.settings, self._cache, one_shot=not self._serving
            )
        except ConfigError as exc:
            raise PluginError(f"roadmark: {exc}") from None
        log_problems(product.problems)
        if self._serving and self._config.strict and product.problems:
            log.info(
                "the preview shows pages with spec problems; `mkdocs build --strict` fails on them"
            )
        self.product = product

    def read_test_results(self) -> None:
        """Read the test results once, log their problems, and trace the product."""
        product = self._loaded()
        evidence = read_evidence(
            self.root,
            self.options.test_results,
            product.graph,
            self.settings,
            required=self.options.test_results_required,
            names=self.options.match_test_names,
            property_name=self.options.test_property,
        )
        log_problems(evidence.problems)
        for note in evidence.notes:
            log.info(note)
        self.trace = build_trace(product, evidence, self._kept.trace)

    def plan_pages(self) -> None:
        """Lay out and render every generated page (their deferred parts come later)."""
        product = self._loaded()
        graph, kept = product.graph, self._kept
        history_of = (self.options, self.root, self.settings, self.today, self._history_memo)
        self.sprints = sprints = plan_sprints(
            graph, product.settings, self.options.capacity, self.today, kept.sprints
        )
        # Points releases' forecasts draw from the sprints' velocity, where there is one.
        velocity = velocity_samples(sprints.closed_figures(), self.today)
        self.history = site_history(*history_of, one_shot=not self._serving, velocity=velocity)
        planned = graph.items.values(), graph, product.settings
        self.progress = progress = progress_by_item(*planned, kept.progress)
        # Planned once: the roadmap page and every page that shows a release's health read it.
        options, capacity = self.roadmap_options(), sprints.team_capacity()
        roadmap = plan_product(graph, product.settings, options, capacity, kept.roadmap)
        self.health = plan_health(roadmap)
        inputs = (self.options, product, self.trace, self.history, self.today, self.repo_url)
        hubs = Planned(*inputs, sprints, roadmap, kept.notes, kept.dependencies, kept.cards)
        pages, self.release_notes = hub_pages(hubs)
        self.layout = plan_site(
            product,
            self.prefix,
            progress,
            pages,
            self.trace,
            self.health,
            self.index_columns,
            history=self.history,
            repo_url=self.repo_url,
            sprints=sprints,
            kept=self._kept.pages,
        )
        self.pages = {page.src_uri: page for page in self.layout.pages}

    def reload(self, files: Files, stamps: Mapping[str, tuple[int, int]] | None = None) -> None:
        """Under `serve`, read the specs and test results again and plan every page anew.
        `stamps`: the preview's snapshot, just taken, so loading need not stat every file."""
        with self._cache.trusting(stamps or {}):
            self.load_product()
        self.read_test_results()
        self.plan_pages()
        self.publish_link_targets(files)

    def add_pages(self, files: Files) -> None:
        """Add the generated pages, unless a docs page of the same path hides one."""
        for page in self.pages.values():
            if page.src_uri in files.src_uris:
                log.warning(
                    f"'{page.src_uri}' exists in docs_dir and hides the generated page; "
                    "rename it or set the plugin's 'prefix' option"
                )
                continue
            file = File.generated(
                self._config,
                page.src_uri,
                content=page.content,
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
            if page.source is not None:
                file.edit_uri = edit_uri(self.root, self._config, self.settings, page.source)
                source_of_page(file, self.product_dir / page.source)
            files.append(file)
            self.files[page.src_uri] = file

    def add_product_assets(self, files: Files) -> None:
        """Add the images and other files of the product folder beside its pages."""
        # Only files inside the project that can be read: the problems of the others are logged.
        for path in self._loaded().assets:
            uri = page_path(self.prefix, path)
            if uri not in files.src_uris:
                source = str(self.product_dir / path)
                files.append(File.generated(self._config, uri, abs_src_path=source))

    def publish_link_targets(self, files: Files) -> None:
        """Tell the Markdown extensions where each id and clause links to, now URLs are known."""
        product = self._loaded()
        if self.layout is None:
            return
        # All on a build's first call; served, only those of the items an edit changed.
        published = self.targets, self.clause_anchors
        self._published.publish(published, product, self.layout, files, self.files, self.trace)

    def add_own_files(self, files: Files) -> None:
        """Add our CSS and JS, and the files made from the product (`made_files`)."""
        for uri in ASSET_URIS:
            asset = ASSETS / posixpath.basename(uri)
            files.append(File.generated(self._config, uri, abs_src_path=str(asset)))
        for uri, content in self.made_files().items():
            files.append(File.generated(self._config, uri, content=content))

    def made_files(self) -> dict[str, str]:
        """The files made from the product by URI: `roadmark.json` with its JSON Schema (so
        a reader validates what it fetched) unless `export` is off, and the release feed."""
        made = {}
        if self.options.export:
            made[EXPORT_URI] = export_json(self._loaded(), self.trace, self._kept.item_json)
            made[SCHEMA_FILE] = schema_json("items")
        url, directories = self._config.site_url or None, self._config.use_directory_urls
        site = FeedSite(self._config.site_name, self.prefix, url, directories, self.item_pages)
        feed = release_feed(self.release_notes, site, self._kept.feed)
        made[page_path(self.prefix, FEED_FILE)] = feed
        return made

    # --- on_nav, on_page_content, on_post_page -----------------------------------------------

    def nav(self, nav: Navigation) -> Navigation:
        """Add the hub section unless the user's nav already places the product pages."""
        if not self.options.nav or self.layout is None:
            return nav
        ours = {id(file.page) for file in self.files.values() if file.page is not None}
        if any(id(page) in ours for page in nav.pages):
            return nav
        return with_section(nav, hub_section(self.options.nav_title, self.layout, self._page_of))

    def page_content(self, html: str, page: Page) -> str:
        """Frame an item page's body with its title and parts, listing its sections in the TOC."""
        site_page = self.pages.get(page.file.src_uri)
        if site_page is None or self.files.get(site_page.src_uri) is not page.file:
            return html  # not ours, or a page of docs_dir hides ours: left as its author wrote it
        if site_page.item is not None:
            if site_page.sections:
                self.section_anchors[site_page.src_uri] = add_sections(page, site_page.sections)
            html = frame_item_page(
                html, site_page.title, site_page.sections, title_heading=self.title_headings
            )
        self.placeholders[site_page.src_uri] = part_keys(html)
        return html

    def post_page(self, output: str, page: Page) -> str:
        """Fill the deferred parts of our pages, now that every page has its URL."""
        uri = page.file.src_uri
        expected = self.placeholders.pop(uri, None)
        ahead = self.parts_ahead.pop(uri, None)  # this render's, whether they show or not
        if self.layout is None or not has_parts(output):
            self.shown_parts.pop(uri, None)  # it shows none: any parts count as a change
            lost_parts(uri, expected, set())
            return output
        filled: dict[str, str] = {}
        site_page = self.pages.get(uri)
        if site_page is not None and site_page.parts is not None:
            filled.update(self.parts_of(site_page, page.file, ahead))
            anchors = self.section_anchors.get(site_page.src_uri, {})
            for section in site_page.sections:
                anchor = anchors.get(section.key, section.key)
                heading = section_heading(section.title, anchor, self.permalinks)
                filled[section.key] = heading + filled.get(section.key, "")
        found: set[str] = set()
        output = fill_parts(output, filled, found)
        lost_parts(uri, expected, found)
        return output

    def parts_of(
        self, site_page: SitePage, file: File, ahead: Mapping[str, str] | None = None
    ) -> Mapping[str, str]:
        """A generated page's deferred parts: `ahead` when the preview rendered them already."""
        parts = ahead
        if parts is None and site_page.parts is not None and self.layout is not None:
            parts = site_page.parts(href_from(file, self.files, self.layout.item_pages))
        if self._serving:
            self.shown_parts[site_page.src_uri] = parts_digest(parts or {})
        return parts or {}

    # --- on_post_build ------------------------------------------------------------------------

    def index_ids(self, *, early: bool = False) -> None:
        """Let Material's search find an item by its id and a clause by its address: served,
        offered to it `early`, before it writes its index, to write with its own."""
        if not material_search_enabled(self._config) or not self.targets:
            return
        kept = self._kept.id_entries
        if not early:
            add_ids_to_site(self._config, self.targets, kept)
        elif kept is not None:
            offer_ids(self._config, self.targets, kept, self._published.take_moved())

    # --- What the macros read, through the plugin ---------------------------------------------

    @property
    def item_pages(self) -> dict[str, str]:
        """The source path of each item's page by id, relative to the docs folder."""
        return self.layout.item_pages if self.layout is not None else {}

    def roadmap_options(self) -> RoadmapOptions:
        """Today and the at-risk options, as the roadmap page and the macros use them."""
        forecasts = tuple(
            (release_id, release.forecast.p50)
            for release_id, release in sorted(self.history.releases.items())
            if release.forecast is not None
        )
        return RoadmapOptions.configured(self.options, self.today, forecasts)

    # --- Helpers ------------------------------------------------------------------------------

    def _loaded(self) -> Product:
        if self.product is None:
            raise RuntimeError("SiteBuild.load_product() has not run")
        return self.product

    def _page_of(self, page: SitePage) -> Page | None:
        file = self.files.get(page.src_uri)
        return file.page if file is not None else None


def parts_digest(parts: Mapping[str, str]) -> int:
    """A digest of a page's deferred parts: equal parts, equal digests, within one process."""
    return hash(tuple(parts.items()))
