"""Each release's health for the pages that show a release: its own page, the release
index, the pages of the epics it holds and of the PRDs it delivers.

Read off the product's roadmap, planned once per build, so every page shows the same
risks, with the same reasons, as the roadmap page: nothing here decides "at risk"
(`risks.py` does), and no page plans again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..spec.model import Item
from .roadmap import ProductRoadmap, ReleasePlan


@dataclass(frozen=True, slots=True)
class Health:
    """The planned releases by id, and the releases each epic and PRD is delivered in."""

    releases: Mapping[str, ReleasePlan]
    """Every release of the product as the whole roadmap planned it, by id."""
    delivered_in: Mapping[str, Sequence[str]]
    """The ids of the releases holding an epic's or a PRD's work, in release order."""

    def releases_of(self, item: Item) -> list[ReleasePlan]:
        """The releases whose health an item's page shows: a release its own; an epic or a
        PRD those that hold its work; other kinds none."""
        if item.kind == "release":
            plan = self.releases.get(item.id)
            return [plan] if plan is not None else []
        return [self.releases[release] for release in self.delivered_in.get(item.id, ())]


def plan_health(product_roadmap: ProductRoadmap) -> Health:
    """Each release's health, and where each epic and PRD ships, from the planned roadmap.

    Risks are always the whole product's: a PRD's own roadmap weighs only its share of a
    release, but a release late for one PRD is late for all.
    """
    whole = product_roadmap.whole
    releases = {plan.release.id: plan for plan in whole.releases}
    delivered_in: dict[str, list[str]] = {}
    for plan in whole.releases:
        for share in plan.epics:
            if share.epic is not None:
                delivered_in.setdefault(share.epic.id, []).append(plan.release.id)
    for section in product_roadmap.by_prd:
        if section.prd is not None:
            delivered_in[section.prd.id] = [plan.release.id for plan in section.roadmap.releases]
    return Health(releases, delivered_in)
