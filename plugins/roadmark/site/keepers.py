"""What a served site keeps from one rebuild to the next, in one place.

Each keeper reuses an answer while what it was made from is unchanged (see `spec/kept.py`
for the planning's): a one-shot build holds none and makes everything afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..plan.progress import KeptProgress
from ..plan.release_notes import KeptNotes
from ..plan.roadmap import KeptRoadmap
from ..plan.sprints import KeptSprints
from ..render.dependencies import KeptDependencyPage
from ..render.export import ItemJson
from ..render.kanban import KeptCards
from ..render.site_pages import KeptPages
from ..spec.kept import Kept
from ..trace.coverage import KeptTrace
from .search import IdEntries


@dataclass(frozen=True, slots=True)
class Keepers:
    """The keepers of a served build, each None when nothing is kept: the planning's
    (progress, roadmap, sprints, trace, release notes), the pages' Markdown and index rows,
    roadmark.json's per-item encodings and the search index's id entries."""

    progress: KeptProgress | None = None
    roadmap: KeptRoadmap | None = None
    sprints: KeptSprints | None = None
    trace: KeptTrace | None = None
    notes: KeptNotes | None = None
    pages: KeptPages | None = None
    item_json: ItemJson | None = None
    id_entries: IdEntries | None = None
    dependencies: KeptDependencyPage | None = None
    """The dependency page's share of each dependant (`render/dependencies.py`)."""
    cards: KeptCards | None = None
    """Each board's cards (`render/kanban.py`)."""
    feed: Kept[None, str] | None = None
    """The release feed, while the release notes and the site are equal."""

    @classmethod
    def made(cls, serving: bool) -> Keepers:
        """Keepers for a served build, none for a one-shot build."""
        if not serving:
            return cls()
        return cls(
            KeptProgress(),
            KeptRoadmap(),
            KeptSprints(),
            KeptTrace(),
            KeptNotes(),
            KeptPages(),
            ItemJson(),
            IdEntries(),
            dependencies=KeptDependencyPage(),
            cards=KeptCards(),
            feed=Kept(),
        )
