"""Macros for mkdocs-macros-plugin: live roadmaps, tables of items and progress bars in any page.

    plugins:
      - roadmark
      - macros:
          modules: [roadmark.macros]

A pluglet: `define_env` uses only `env.macro` and `env.conf`, which Zensical's macros
shim offers too. The product comes from the running `roadmark` plugin when there is
one (found in `env.conf["plugins"]`), else it is loaded once from the folder of the
config file. A macro returns Markdown that lands inside the calling page, so its links
are made relative to that page, whose path is read from the template's `page`
variable; where no engine provides it, the page is taken to be at the docs root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from jinja2 import pass_context
from jinja2.runtime import Context

from .plan.progress import progress_by_item, progress_of, stories_under
from .plan.release_notes import plan_release_notes
from .plan.roadmap import plan_roadmap
from .plan.schedule import RoadmapOptions
from .plan.sprints import SprintsPlan, plan_sprints
from .render.item_table import render_item_table
from .render.kanban import kanban
from .render.markdown import Linker, progress_bar
from .render.release_notes import render_release_notes
from .render.roadmap import VIEWS, render_roadmap
from .render.site_pages import item_paths, page_prefix
from .render.velocity import velocity_html
from .spec.options import PluginOptions, read_options
from .spec.product import Product, load_product
from .spec.project import load_project
from .spec.today import resolve_today
from .text.suggest import did_you_mean


@dataclass(frozen=True, slots=True)
class Published:
    """What the macros read: the product, where its pages are, and the roadmap options."""

    product: Product
    item_pages: Mapping[str, str]
    options: RoadmapOptions
    release_notes_types: tuple[str, ...]
    """The `release_notes_types` option: the story types release notes list."""
    sprints: SprintsPlan
    """The product's sprints, as the site planned them (once per build, not per macro)."""


_Macro = TypeVar("_Macro", bound=Callable[..., str])


class MacrosEnv(Protocol):
    """What the pluglet uses of mkdocs-macros' `env` (and of Zensical's shim)."""

    @property
    def conf(self) -> Any:
        """The site's config: MkDocs' config object, or a plain mapping."""

    def macro(self, function: _Macro, /) -> _Macro:
        """Register `function` as a macro under its own name; returns it."""


def define_env(env: MacrosEnv) -> None:
    """Register the `roadmap`, `items`, `progress`, `release_notes`, `sprint_board` and
    `velocity` macros.

    Long because the macros are closures over one product source, each registered under
    its own name and signature, which are what page authors write.
    """
    source = _Source(lambda: env.conf)

    @env.macro
    @pass_context
    def roadmap(
        context: Context,
        prd: str | None = None,
        views: str | Iterable[str] = VIEWS,
        level: int = 2,
    ) -> str:
        """The roadmap (or one PRD's): releases, board, timeline and backlog, or the views named."""
        published = source.get()
        graph, settings = published.product.graph, published.product.settings
        if prd is not None and (graph.get(prd) is None or graph.items[prd].kind != "prd"):
            raise ValueError(f"roadmap: '{prd}' is not the id of a PRD")
        chosen = views.replace(",", " ").split() if isinstance(views, str) else list(views)
        unknown = [view for view in chosen if view not in VIEWS]
        if unknown:
            raise ValueError(
                f"roadmap: unknown view '{unknown[0]}'; choose from {', '.join(VIEWS)}"
            )
        capacity = published.sprints.team_capacity()
        plan = plan_roadmap(graph, settings, published.options, prd, capacity)
        return render_roadmap(plan, _linker(published, context), level=level, views=chosen)

    @env.macro
    @pass_context
    def items(
        context: Context,
        kind: str | None = None,
        status: str | Iterable[str] | None = None,
        release: str | None = None,
        owner: str | None = None,
        tag: str | None = None,
    ) -> str:
        """A table of the items matching every filter given, in id order."""
        published = source.get()
        graph, settings = published.product.graph, published.product.settings
        if kind is not None and kind not in settings.kinds:
            raise ValueError(
                f"items: '{kind}' is not a kind; choose from {', '.join(settings.kinds)}"
            )
        statuses = {status} if isinstance(status, str) else set(status or ())
        chosen = [
            item
            for item in graph.items.values()
            if (kind is None or item.kind == kind)
            and (not statuses or item.status in statuses)
            and (owner is None or item.get("owner") == owner)
            and (tag is None or tag in (item.get("tags") or ()))
            and (release is None or graph.release_of(item) == release)
        ]
        planned = progress_by_item(chosen, graph, settings)
        return render_item_table(chosen, graph, planned, _linker(published, context))

    @env.macro
    @pass_context
    def progress(context: Context, item_id: str) -> str:
        """The progress bar of a PRD, epic or release (done points over total points)."""
        product = source.get().product
        item = product.graph.get(item_id)
        if item is None:
            raise ValueError(f"progress: no item has the id '{item_id}'")
        return progress_bar(progress_of(stories_under(item, product.graph), product.settings))

    @env.macro
    @pass_context
    def release_notes(context: Context, release: str, level: int = 2) -> str:
        """A release's notes: its done stories by epic and by type, with their summaries."""
        published = source.get()
        graph, settings = published.product.graph, published.product.settings
        item = graph.get(release)
        if item is None or item.kind != "release":
            known = [found.id for found in graph.of_kind("release")]
            raise ValueError(
                f"release_notes: '{release}' is not the id of a release"
                + did_you_mean(str(release), known)
            )
        types = published.release_notes_types
        notes = plan_release_notes(graph, settings, release, types)
        return render_release_notes(notes, _linker(published, context), level=level)

    @env.macro
    @pass_context
    def sprint_board(context: Context, sprint: str) -> str:
        """A sprint's board: its stories in columns by workflow state."""
        published = source.get()
        plans = published.sprints.sprints
        plan = plans.get(sprint)
        if plan is None:
            raise ValueError(
                f"sprint_board: '{sprint}' is not the id of a sprint"
                + did_you_mean(str(sprint), list(plans))
            )
        return kanban(plan.board, _linker(published, context), f"Board of {plan.sprint.id}")

    @env.macro
    def velocity(team: str | None = None) -> str:
        """The velocity chart of one team (by name), or of every team with sprints."""
        teams = source.get().sprints.velocity
        if team is not None:
            teams = tuple(found for found in teams if found.team == team)
            if not teams:
                known = [found.team for found in source.get().sprints.velocity if found.team]
                raise ValueError(
                    f"velocity: '{team}' is not the team of a sprint" + did_you_mean(team, known)
                )
        if not teams:
            return "*No sprints yet.*\n"
        return "\n".join(velocity_html(found) for found in teams)


class _Source:
    """Finds the published product once it exists: from the plugin, else from disk."""

    def __init__(self, conf: Callable[[], Any]) -> None:
        self._conf = conf
        self._loaded: Published | None = None

    def get(self) -> Published:
        """The product of the running plugin, or the one loaded from the config's folder."""
        conf = self._conf()
        plugin = _roadmark_plugin(conf)
        if plugin is not None and plugin.product is not None and plugin.sprints is not None:
            return Published(
                plugin.product,
                plugin.item_pages,
                plugin.roadmap_options(),
                _plugin_options(plugin).release_notes_types,
                plugin.sprints,
            )
        if self._loaded is None:
            self._loaded = _load(conf)
        return self._loaded


def _roadmark_plugin(conf: Any) -> Any:
    """The running roadmark plugin instance, recognised by what it offers the macros."""
    plugins = _lookup(conf, "plugins")
    for plugin in plugins.values() if isinstance(plugins, Mapping) else ():
        if hasattr(plugin, "roadmap_options") and hasattr(plugin, "item_pages"):
            return plugin
    return None


def _plugin_options(plugin: Any) -> PluginOptions:
    """The running plugin's `release_notes_types`, as MkDocs validated it, read again through
    its declaration: its config is a mapping, so nothing of MkDocs is imported."""
    config = getattr(plugin, "config", None)
    return read_options({"release_notes_types": _lookup(config, "release_notes_types")})


def _load(conf: Any) -> Published:
    """Load the product as `roadmark check` does, for engines that do not run the plugin."""
    config_file = _lookup(conf, "config_file_path")
    project = load_project(config=Path(config_file)) if config_file else load_project()
    options = project.options  # read and checked as the plugin reads them (`spec/options.py`)
    today, _ = resolve_today(options.today)
    product = load_product(project.root, project.settings.as_of(today))
    pages = item_paths(product, page_prefix(options.prefix, project.settings))
    roadmap_options = RoadmapOptions.configured(options, today)
    sprints = plan_sprints(product.graph, product.settings, options.capacity, today)
    return Published(product, pages, roadmap_options, options.release_notes_types, sprints)


def _linker(published: Published, context: Context) -> Linker:
    """Links relative to the page calling the macro."""
    return Linker(published.item_pages, _page_path(context.get("page")))


def _page_path(page: Any) -> str:
    """The calling page's source path: MkDocs' `page.file.src_uri`, or a `path` ending in .md."""
    src_uri = getattr(getattr(page, "file", None), "src_uri", None)
    if isinstance(src_uri, str):
        return src_uri
    path = getattr(page, "path", None)
    if isinstance(path, str) and path.endswith(".md"):
        return path.lstrip("/")
    return "index.md"


def _lookup(conf: Any, key: str) -> Any:
    """A config value, from MkDocs' config object or a plain mapping."""
    try:
        return conf[key]
    except (KeyError, TypeError):
        return None
