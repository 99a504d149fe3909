"""The `roadmark` MkDocs plugin: a product folder of specs becomes pages of the site.

Events used, in build order:
- `on_startup`: notes whether this is `mkdocs serve`; defining it also makes MkDocs keep
  this instance across rebuilds, which keeps the parsed-spec cache warm (a one-file edit
  re-parses one file).
- `on_config`: reads the options into the model's settings; adds the cross-link
  Markdown extension (and `md_in_html`, which the roadmap page uses) and our CSS/JS; under
  `serve`, keeps spec problems from aborting a strict rebuild (`preview.py`).
- `on_files`: first of all plugins, takes docs pages that are links out of the project
  or special files out of the site (MkDocs would publish them); then, in its turn,
  loads and checks the whole product once, reads the test results once,
  logs every problem through MkDocs (so `--strict` fails on them), and adds the
  generated pages with `File.generated`; nothing is written into `docs_dir` or the
  product folder.
- `on_nav`: appends a section of hub pages when the user's nav does not place ours.
- `on_page_content`: frames an item page's rendered body with its title and the
  places of its deferred parts, and lists its sections in the table of contents.
- `on_post_page`: fills the deferred parts of our pages (placeholders until then):
  cards, backlinks, children, trace panels, indexes and matrices, rendered as HTML
  rather than Markdown because they are made of links; search does not index them.
- `on_serve`: watches the product folder.
"""

from __future__ import annotations

import functools
import os
import posixpath
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from ..extensions.autolink import AutolinkExtension, LinkTarget, relative_path
from ..extensions.clause_anchors import ClauseAnchor, ClauseAnchorExtension
from ..plan.roadmap import RoadmapOptions
from ..render.deferred import Href, Permalinks, fill_parts, has_parts, section_heading
from ..render.export import export_json
from ..render.item_page import clause_anchors, frame_item_page
from ..render.roadmap import roadmap_view
from ..render.site_pages import (
    SiteLayout,
    SitePage,
    View,
    page_path,
    page_prefix,
    plan_site,
)
from ..render.trace import TITLE as TRACE_TITLE
from ..render.trace import render_trace_page, trace_parts
from ..spec.entries import foreign_finding, project_bounds
from ..spec.links import within
from ..spec.loader import SpecCache, asset_paths
from ..spec.problems import Problem, Severity
from ..spec.product import Product, load_product
from ..spec.settings import ConfigError, Settings, settings_from_options
from ..spec.today import resolve_today
from ..trace.coverage import Trace, build_trace, coverage_of
from ..trace.evidence import read_evidence
from .config import RoadmarkConfig
from .nav import hub_section, with_section
from .preview import EXTRA, spare_problems_from_strict
from .toc import add_sections, permalinks_from

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).parent.parent / "assets"
ASSET_URIS = ("assets/roadmark/roadmark.css", "assets/roadmark/roadmark.js")
EXPORT_URI = "roadmark.json"


class RoadmarkPlugin(BasePlugin[RoadmarkConfig]):
    """Check, cross-link and publish the specs of a product folder."""

    def __init__(self) -> None:
        self._cache = SpecCache()
        self._targets: dict[str, LinkTarget] = {}
        self._clause_anchors: dict[str, dict[str, ClauseAnchor]] = {}
        self._settings = Settings()
        self._root = Path()
        self._layout: SiteLayout | None = None
        self._files: dict[str, File] = {}
        self._pages: dict[str, SitePage] = {}
        self._product: Product | None = None
        self._today = date.min
        self._trace = Trace(coverage_of((), ()), [])
        self._title_headings = True
        self._permalinks = Permalinks()
        self._section_anchors: dict[str, dict[str, str]] = {}
        self._serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note whether this process serves a preview (and so rebuilds) or builds once."""
        self._serving = command == "serve"

    def on_config(self, config: Any) -> Any:
        """Read the settings and register the Markdown extensions and assets."""
        try:
            self._settings = settings_from_options(dict(self.config))
        except ConfigError as exc:
            raise PluginError(f"roadmark: {exc}") from None
        self._root = Path(config.config_file_path or ".").resolve().parent
        try:
            self._today, source = resolve_today(self.config.today)
        except ConfigError as exc:
            raise PluginError(f"roadmark: {exc}") from None
        log.info(f"Roadmap date: {self._today.isoformat()} (from {source})")
        if self._serving and config.strict and not spare_problems_from_strict():
            log.debug("MkDocs' strict-mode counter was not found; spec problems abort rebuilds")
        docs_dir = Path(config.docs_dir).resolve()
        product_dir = (self._root / self._settings.product_dir).resolve()
        if product_dir == docs_dir or docs_dir in product_dir.parents:
            raise PluginError(
                f"roadmark: product_dir '{self._settings.product_dir}' is inside docs_dir; "
                "move it next to docs_dir (its pages are generated from it)"
            )
        if "md_in_html" not in config.markdown_extensions:
            config.markdown_extensions.append("md_in_html")
        config.markdown_extensions.append(AutolinkExtension(targets=self._targets))
        config.markdown_extensions.append(ClauseAnchorExtension(self._clause_anchors))
        # Material writes a page's title as its heading; other themes need it in the page.
        self._title_headings = config.theme.name != "material"
        self._permalinks = permalinks_from(config.mdx_configs.get("toc"))
        config.extra_css.append(ASSET_URIS[0])
        config.extra_javascript.append(ASSET_URIS[1])
        return config

    @event_priority(100)  # first, before any plugin reads a docs page
    def _refuse_foreign_files(self, files: Files, *, config: Any) -> Files:
        """Take links out of the project and special files out of the docs pages."""
        _drop_foreign(files, config, self._root, self._settings)
        return files

    def _add_product(self, files: Files, *, config: Any) -> Files:
        """Load the product, report its problems, and add its pages."""
        try:
            # A one-shot build may keep its objects out of the collector's way; a preview
            # that rebuilds all day must let each build's garbage go.
            product = load_product(
                self._root, self._settings, self._cache, one_shot=not self._serving
            )
        except ConfigError as exc:
            raise PluginError(f"roadmark: {exc}") from None
        _log_problems(product.problems)
        self._trace = self._load_trace(product)
        if self._serving and config.strict and product.problems:
            log.info(
                "the preview shows pages with spec problems; `mkdocs build --strict` fails on them"
            )
        prefix = page_prefix(self.config.prefix, self._settings)
        self._product = product
        layout = plan_site(product, prefix, self._views(product), self._trace)
        self._layout = layout
        self._pages = {page.src_uri: page for page in layout.pages}
        self._files = {}
        self._section_anchors = {}
        for page in layout.pages:
            if files.get_file_from_path(page.src_uri) is not None:
                log.warning(
                    f"'{page.src_uri}' exists in docs_dir and hides the generated page; "
                    "rename it or set the plugin's 'prefix' option"
                )
                continue
            file = File.generated(
                config, page.src_uri, content=page.content, inclusion=InclusionLevel.NOT_IN_NAV
            )
            if page.source is not None:
                file.edit_uri = _edit_uri(self._root, config, self._settings, page.source)
            files.append(file)
            self._files[page.src_uri] = file
        product_dir = self._root / self._settings.product_dir
        # Only files inside the project that can be read: the problems of the others are logged.
        for path in asset_paths(self._root, self._settings.product_dir):
            uri = page_path(prefix, path)
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(product_dir / path)))
        self._targets.clear()
        self._targets.update(_link_targets(product, layout, files))
        self._clause_anchors.clear()
        self._clause_anchors.update(
            (src_uri, clause_anchors(product.graph.items[item_id], self._trace))
            for item_id, src_uri in layout.item_pages.items()
            if src_uri in self._files and product.graph.items[item_id].clauses
        )
        for uri in ASSET_URIS:
            asset = ASSETS / posixpath.basename(uri)
            files.append(File.generated(config, uri, abs_src_path=str(asset)))
        if self.config.export:
            files.append(
                File.generated(config, EXPORT_URI, content=export_json(product, self._trace))
            )
        return files

    on_files = CombinedEvent(_refuse_foreign_files, _add_product)

    def on_nav(self, nav: Any, *, config: Any, files: Files) -> Any:
        """Add the hub section unless the user's nav already places the product pages."""
        if not self.config.nav or self._layout is None:
            return nav
        ours = {id(file.page) for file in self._files.values() if file.page is not None}
        if any(id(page) in ours for page in nav.pages):
            return nav
        section = hub_section(self.config.nav_title, self._layout, self._page_of)
        return with_section(nav, section)

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        """Frame an item page's body with its title and parts, listing its sections in the TOC."""
        site_page = self._pages.get(page.file.src_uri)
        if site_page is None or site_page.item is None:
            return html
        if self._files.get(site_page.src_uri) is not page.file:
            return html  # a page of docs_dir hides ours: it is left as its author wrote it
        if site_page.sections:
            self._section_anchors[site_page.src_uri] = add_sections(page, site_page.sections)
        return frame_item_page(
            html, site_page.title, site_page.sections, title_heading=self._title_headings
        )

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        """Fill the deferred parts of our pages, now that every page has its URL."""
        if self._layout is None or not has_parts(output):
            return output
        href = _href_from(page.file, self._files, self._layout.item_pages)
        filled: dict[str, str] = {}
        site_page = self._pages.get(page.file.src_uri)
        if site_page is not None and site_page.parts is not None:
            filled.update(site_page.parts(href))
            anchors = self._section_anchors.get(site_page.src_uri, {})
            for section in site_page.sections:
                anchor = anchors.get(section.key, section.key)
                heading = section_heading(section.title, anchor, self._permalinks)
                filled[section.key] = heading + filled.get(section.key, "")
        return fill_parts(output, filled)

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        """Rebuild when a spec changes."""
        product_dir = self._root / self._settings.product_dir
        if product_dir.is_dir():
            server.watch(str(product_dir))
        return server

    def _views(self, product: Product) -> list[View]:
        """The product-wide pages, in navigation order."""
        views: list[View] = []
        if self.config.roadmap:
            views.append(roadmap_view(product.graph, product.settings, self.roadmap_options()))
        views.append(self._trace_view(product))
        return views

    def _trace_view(self, product: Product) -> View:
        """The traceability page, over the trace loaded in this build."""
        return View(
            "trace",
            TRACE_TITLE,
            partial(render_trace_page, self._trace, product.graph),
            parts=partial(trace_parts, self._trace),
        )

    def _load_trace(self, product: Product) -> Trace:
        """Read the test results once per build, log their problems, and trace the product."""
        evidence = read_evidence(
            self._root,
            self.config.test_results,
            product.graph,
            self._settings,
            required=self.config.test_results_required,
            names=self.config.match_test_names,
        )
        _log_problems(evidence.problems)
        for note in evidence.notes:
            log.info(note)
        return build_trace(product, evidence)

    # What the macros pluglet (`roadmark.macros`) reads from the running plugin.

    @property
    def product(self) -> Product | None:
        """The product loaded by this build; None before `on_files`."""
        return self._product

    @property
    def item_pages(self) -> dict[str, str]:
        """The source path of each item's page by id, relative to the docs folder."""
        return self._layout.item_pages if self._layout is not None else {}

    def roadmap_options(self) -> RoadmapOptions:
        """Today and the at-risk options, as the roadmap page and the macros use them."""
        return RoadmapOptions(
            today=self._today,
            window_days=self.config.risk_window_days,
            threshold=self.config.risk_threshold,
        )

    def _page_of(self, page: SitePage) -> Any:
        file = self._files.get(page.src_uri)
        return file.page if file is not None else None


def _log_problems(problems: list[Problem]) -> None:
    """Errors as MkDocs errors, warnings as warnings: `--strict` fails on either."""
    for problem in problems:
        if problem.severity is Severity.ERROR:
            log.error(str(problem), extra=EXTRA)
        else:
            log.warning(str(problem), extra=EXTRA)


def _drop_foreign(files: Files, config: Any, root: Path, settings: Settings) -> None:
    """Take out of the site the docs pages that are links out of the project or not files.

    Whatever the rule's severity: `off` silences the problem, not the protection.
    """
    docs_dir = os.path.normpath(config.docs_dir)
    bounds = project_bounds(root, settings.product_dir)
    for file in list(files):
        source = file.abs_src_path
        if file.generated_by is not None or not source or not within(source, (docs_dir,)):
            continue  # the theme's files, and what plugins made
        finding = foreign_finding(Path(source), bounds)
        if finding is None:
            continue
        files.remove(file)
        severity = settings.severity(finding.code)
        if severity is not Severity.OFF:
            path = Path(os.path.relpath(source, root)).as_posix()
            _log_problems([Problem(finding.code, severity, path, 1, 1, finding.message)])


def _link_targets(product: Product, layout: SiteLayout, files: Files) -> dict[str, LinkTarget]:
    targets: dict[str, LinkTarget] = {}
    for item_id, src_uri in layout.item_pages.items():
        item = product.graph.items[item_id]
        file = files.get_file_from_path(src_uri)
        url = file.url if file is not None else None
        targets[item_id] = LinkTarget(src_uri, None, item.title, url)
        for clause in item.clauses:
            targets[clause.address] = LinkTarget(src_uri, clause.anchor, clause.text, url)
    return targets


def _href_from(page: File, files: dict[str, File], item_pages: dict[str, str]) -> Href:
    """Links from `page` to item pages (and anchors) by their built URLs."""

    @functools.cache  # per page: matrices link the same items again and again
    def href(item_id: str, anchor: str | None = None) -> str | None:
        target = files.get(item_pages.get(item_id, ""))
        if target is None:
            return None
        url = relative_path(target.url, page.url)
        if anchor:
            return f"{url}#{anchor}"
        return url or "./"  # the page itself

    return href


def _edit_uri(root: Path, config: Any, settings: Settings, source: str) -> str | None:
    """The spec's path relative to the docs folder, so "edit" opens the real file."""
    if not config.repo_url or not (config.edit_uri or config.edit_uri_template):
        return None
    docs_dir = Path(config.docs_dir).resolve()
    spec = (root / settings.product_dir / source).resolve()
    return Path(posixpath.relpath(spec.as_posix(), docs_dir.as_posix())).as_posix()
