"""A roadmap fixture with known answers: five releases around a fixed "today", seven epics.

Today is 2026-11-22. In date order:

| release | date | status | stories (points) | progress; column; risk |
| --- | --- | --- | --- | --- |
| R1 | 2026-10-31 | released | 60 (2, done) | 2 of 2 points; none; none |
| R2 | 2026-11-15 | in-progress | 1 (3), 2 (5, done), 3 (8), 4 (13, cancelled) | 5 of 16 |
|    |            |             |                                     | points; now; date passed |
| R3 | 2026-12-02 | planned | 5 to 9, no estimates, 5 and 6 done | 2 of 5; next; behind |
| R4 | 2027-01-25 | planned | 10, 11 (done), 12, 13, no estimates | 2 of 4; later; 2 deps |
| R5 | 2027-03-01 | planned | 20 (3) | 0 of 3 points; later; none |

STORY-3 (in R2) has `horizon: later`; STORY-12 (in R4) has `horizon: next`.
Backlog: EPIC-4 (no PRD) 31 (P0, 5, tech debt), 30 (P1, 2: quick win); EPIC-5 (PRD-2)
40 (P2, 1), 42 (P3, tech debt); no epic: 50 (P1, 1: quick win). 41 is done, 43 cancelled.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from roadmark.plan.roadmap import RoadmapOptions
from roadmark.spec.product import Product, load_product
from roadmark.spec.settings import Settings
from sites import mkdocs_config, spec, write_project

TODAY = date(2026, 11, 22)
OPTIONS = RoadmapOptions(TODAY)

TRICKY_TITLE = '"Soon": [beta] #1 <b>'
"""R3's title: quotes, a colon, brackets, `#` and `<`, which must all show as written."""

_CRITERIA = "## Acceptance criteria\n\n- AC-1: Given it, when it runs, then it works.\n"


def _story(number: int, title: str, status: str, **fields: Any) -> tuple[str, str]:
    path = f"product/stories/STORY-{number}.md"
    return path, spec(f"STORY-{number}", "story", title, status, _CRITERIA, **fields)


def _release(item_id: str, title: str, status: str, **fields: Any) -> tuple[str, str]:
    return f"product/releases/{item_id}.md", spec(item_id, "release", title, status, "", **fields)


def _epic(item_id: str, title: str, status: str, **fields: Any) -> tuple[str, str]:
    return f"product/epics/{item_id}.md", spec(item_id, "epic", title, status, "", **fields)


FILES: dict[str, str] = dict(
    [
        ("product/prds/PRD-1.md", spec("PRD-1", "prd", "Plans", "approved", "Plans.\n")),
        ("product/prds/PRD-2.md", spec("PRD-2", "prd", "Imports", "draft", "Imports.\n")),
        _release("R1", "Shipped", "released", start=date(2026, 10, 1), date=date(2026, 10, 31)),
        _release("R2", "Late", "in-progress", date=date(2026, 11, 15)),
        _release("R3", TRICKY_TITLE, "planned", date=date(2026, 12, 2)),
        _release("R4", "Winter", "planned", start=date(2026, 12, 3), date=date(2027, 1, 25)),
        _release("R5", "Spring", "planned", date=date(2027, 3, 1)),
        _epic("EPIC-0", "Groundwork", "done", prd="PRD-1", release="R1"),
        _epic(
            "EPIC-1", "Exporters", "in-progress", prd="PRD-1", release="R2",
            start=date(2026, 11, 1), target=date(2026, 11, 15),
        ),
        _epic("EPIC-2", "Importers", "planned", prd="PRD-1"),
        _epic("EPIC-3", "Sync", "planned", prd="PRD-2", release="R4", target=date(2027, 1, 20)),
        _epic("EPIC-4", "Operations", "proposed"),
        _epic("EPIC-5", "Ideas", "proposed", prd="PRD-2"),
        _story(60, "Set up", "done", epic="EPIC-0", estimate=2),
        _story(1, "Three points", "backlog", epic="EPIC-1", estimate=3),
        _story(2, "Five points", "done", epic="EPIC-1", estimate=5),
        _story(3, "Eight points", "in-progress", epic="EPIC-1", estimate=8, horizon="later"),
        _story(4, "Thirteen points", "cancelled", epic="EPIC-1", estimate=13),
        *(
            _story(n, f"Soon {n}", "done" if n < 7 else "ready", epic="EPIC-2", release="R3")
            for n in range(5, 10)
        ),
        _story(10, "Winter a", "done", epic="EPIC-2", release="R4"),
        _story(11, "Winter b", "done", epic="EPIC-2", release="R4"),
        _story(12, "Winter c", "ready", epic="EPIC-3", depends_on=["STORY-20"], horizon="next"),
        _story(
            13, "Winter d", "ready", epic="EPIC-3", depends_on=["STORY-30", "STORY-1", "STORY-2"]
        ),
        _story(20, "Spring", "backlog", epic="EPIC-4", release="R5", estimate=3),
        _story(30, "Small fix", "backlog", epic="EPIC-4", priority="P1", estimate=2),
        _story(
            31, "Old code", "backlog", epic="EPIC-4", priority="P0", estimate=5, type="tech-debt"
        ),
        _story(40, "An idea", "backlog", epic="EPIC-5", priority="P2", estimate=1),
        _story(41, "Done idea", "done", epic="EPIC-5", priority="P1", estimate=1),
        _story(42, "Debt", "backlog", epic="EPIC-5", priority="P3", type="tech-debt"),
        _story(43, "Dropped", "cancelled", epic="EPIC-5", priority="P0", estimate=1),
        _story(50, "Loose end", "ready", priority="P1", estimate=1),
    ]
)  # fmt: skip

ROADMAP = "product/roadmap.md"
"""Source path of the generated roadmap page."""


def roadmap_config(*more_plugins: Any, **options: Any) -> dict[str, Any]:
    """A `mkdocs.yml` for the fixture: search and roadmark (today fixed, plus `options`)."""
    roadmark = {"roadmark": {"today": TODAY.isoformat(), "export": False, **options}}
    return mkdocs_config(
        ["search", roadmark, *more_plugins], markdown_extensions=["admonition", "tables", "toc"]
    )


def load_specs(root: Path, files: dict[str, str]) -> Product:
    """Write `files` under `root` and load them as a product."""
    write_project(root, files)
    return load_product(root, Settings())


def load_fixture(root: Path) -> Product:
    """Write the fixture's specs under `root` and load them."""
    return load_specs(root, FILES)
