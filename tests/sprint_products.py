"""A small product planned in sprints, with known figures, for the sprint, board, velocity
and capacity tests (`test_sprints_site.py`, `test_capacity.py`, `test_sprints_browser.py`).

Today is 2026-03-20. Team web runs SPRINT-1 and SPRINT-2 (closed), SPRINT-3 (active, ends
today) and SPRINT-4 (planned); team api SPRINT-5 (closed) and SPRINT-6 (active). Known
figures: SPRINT-1 committed 10, completed 5; SPRINT-2 11 and 11 (STORY-5 is cancelled),
with STORY-2 carried over from SPRINT-1; SPRINT-3 committed 17 with one story unestimated,
completed 4, over web's capacity of 10; web's velocity 5, 11 (average 8), api's 13.
R1 (due 2026-03-31) holds 38 open points of web against 16 in SPRINT-3 and SPRINT-4.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sites import spec

TODAY = date(2026, 3, 20)
CAPACITY = {"web": {"default": 10, "SPRINT-4": 6}, "api": 12}
_CRITERIA = "## Acceptance criteria\n\n- AC-1: Given it, when it runs, then it works.\n"


def _story(number: int, status: str, **fields: Any) -> tuple[str, str]:
    item_id = f"STORY-{number}"
    return f"product/stories/{item_id}.md", spec(
        item_id, "story", f"Story {number}", status, _CRITERIA, **fields
    )


def _sprint(number: int, status: str, start: date, end: date, **fields: Any) -> tuple[str, str]:
    item_id = f"SPRINT-{number}"
    return f"product/sprints/{item_id}.md", spec(
        item_id, "sprint", f"Sprint {number}", status, "", start=start, end=end, **fields
    )


def _release(item_id: str, status: str, due: date) -> tuple[str, str]:
    return f"product/releases/{item_id}.md", spec(
        item_id, "release", f"Release {item_id}", status, "", date=due
    )


MARCH = {day: date(2026, 3, day) for day in range(1, 32)}

FILES: dict[str, str] = dict(
    [
        _release("R0", "released", date(2026, 3, 1)),
        _release("R1", "in-progress", MARCH[31]),
        _release("R2", "planned", date(2026, 6, 30)),
        _sprint(1, "closed", MARCH[2], MARCH[6], team="web", goal="Ship search"),
        _sprint(2, "closed", MARCH[9], MARCH[13], team="web"),
        _sprint(3, "active", MARCH[16], MARCH[20], team="web", goal="Ranking <b>v2</b>"),
        _sprint(4, "planned", MARCH[23], MARCH[27], team="web"),
        _sprint(5, "closed", MARCH[2], MARCH[13], team="api"),
        _sprint(6, "active", MARCH[16], MARCH[27], team="api"),
        _story(1, "done", team="web", sprint="SPRINT-1", estimate=3, release="R1"),
        _story(2, "in-progress", team="web", sprint="SPRINT-1", estimate=5, release="R1"),
        _story(3, "done", team="web", sprint="SPRINT-2", estimate=8, release="R1"),
        _story(4, "done", team="web", sprint="SPRINT-2", estimate=2, release="R1"),
        _story(5, "cancelled", team="web", sprint="SPRINT-2", estimate=3, release="R1"),
        _story(6, "review", team="web", sprint="SPRINT-3", estimate=5, release="R1", priority="P1"),
        _story(
            7, "in-progress", team="web", sprint="SPRINT-3", estimate=8, release="R1", priority="P0"
        ),
        _story(8, "ready", team="web", sprint="SPRINT-3", release="R1"),
        _story(9, "done", team="web", sprint="SPRINT-3", estimate=1, release="R1"),
        _story(10, "done", team="api", sprint="SPRINT-5", estimate=13, release="R1"),
        _story(11, "backlog", team="api", sprint="SPRINT-6", estimate=5, release="R1"),
        _story(
            12, "in-progress", team="api", sprint="SPRINT-6", estimate=8, release="R2",
            priority="P1",
        ),
        _story(13, "backlog", estimate=2, release="R1"),
        _story(14, "ready", team="web", estimate=20, release="R1"),
        _story(15, "done", team="web", sprint="SPRINT-1", estimate=2, release="R0"),
        _story(16, "done", team="web", sprint="SPRINT-3", estimate=3),
        _story(17, "done", team="web", sprint="SPRINT-2", estimate=1),
    ]
)  # fmt: skip
"""The product's files by path."""


def sprint_config(*plugins: Any, **options: Any) -> dict[str, Any]:
    """`mkdocs.yml`: Material, search and roadmark (today fixed, capacity set) and `plugins`."""
    roadmark = {"today": TODAY.isoformat(), "capacity": CAPACITY, **options}
    return {
        "site_name": "Sprints",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"roadmark": roadmark}, *plugins],
    }
