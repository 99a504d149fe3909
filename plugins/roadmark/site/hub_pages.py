"""The pages over the whole product, as one build assembles them, in navigation order:
the roadmap, the traceability pages, dependencies, trends, release notes, the board and
velocity. Each is planned from what the build planned once (the roadmap, the trace, the
history, the sprints) and rendered by its module of `render/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..history.model import History
from ..plan.dependencies import plan_dependencies
from ..plan.kanban import open_work
from ..plan.release_notes import KeptNotes, ReleaseNotes, plan_all_release_notes
from ..plan.roadmap import ProductRoadmap
from ..plan.sprints import SprintsPlan
from ..render.boards import board_pages
from ..render.dependencies import KeptDependencyPage, dependencies_page
from ..render.kanban import KeptCards
from ..render.release_notes import release_notes_pages
from ..render.roadmap import roadmap_page
from ..render.site_pages import ProductPage
from ..render.trace_pages import trace_pages
from ..render.trends import trends_page
from ..render.velocity import velocity_page
from ..spec.options import PluginOptions
from ..spec.product import Product
from ..trace.coverage import Trace
from ..trace.lists import plan_lists


@dataclass(frozen=True, slots=True)
class Planned:
    """What one build planned once, from which every page over the product is made."""

    options: PluginOptions
    product: Product
    trace: Trace
    history: History
    today: date
    repo_url: str | None
    sprints: SprintsPlan
    roadmap: ProductRoadmap
    notes: KeptNotes | None = None
    """Under `serve`, the release notes' notes kept by story from one rebuild to the next."""
    dependencies: KeptDependencyPage | None = None
    """Under `serve`, the dependency page's share of each dependant, kept likewise."""
    cards: KeptCards | None = None
    """Under `serve`, each board's cards, kept likewise."""


def hub_pages(planned: Planned) -> tuple[list[ProductPage], list[ReleaseNotes]]:
    """The pages over the whole product, in navigation order, and the release notes planned
    for them (which the release feed shows too)."""
    options, product, history = planned.options, planned.product, planned.history
    pages: list[ProductPage] = []
    if options.roadmap:
        pages.append(roadmap_page(planned.roadmap, history))
    lists = plan_lists(planned.trace, product.graph)
    pages.extend(trace_pages(planned.trace, lists, history, planned.repo_url))
    schedule = planned.roadmap.schedule
    kept = planned.dependencies
    dependencies = plan_dependencies(schedule, kept.plan if kept is not None else None)
    pages.append(dependencies_page(dependencies, product.graph, kept))
    order = [release.id for release in schedule.releases]
    pages.append(trends_page(history, planned.today, order, planned.repo_url))
    types = options.release_notes_types
    notes = plan_all_release_notes(product.graph, product.settings, types, kept=planned.notes)
    pages.extend(release_notes_pages(notes))
    work = open_work(product.graph, product.settings, planned.sprints.open_ids())
    pages.extend(board_pages(work, product.graph, product.settings, planned.cards))
    velocity = velocity_page(planned.sprints)
    if velocity is not None:
        pages.append(velocity)
    return pages, notes
