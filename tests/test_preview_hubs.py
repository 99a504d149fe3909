"""The live preview compares only the hub pages an edit can change, and finds the pages
naming an id without scanning every page (issue 12).

A hub page names the items its deferred parts read (`SitePage.shows` and `reads`); after
an edit, a page none of whose items the edit reached is left alone, not even compared. The
pages whose Markdown names an id are kept from one rebuild to the next (`site/mentions.py`),
and found as a scan of every page finds them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Hashable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mkdocs.structure.files import File

from previews import Session, first_difference, fresh_build
from roadmark.plan.dependencies import plan_dependencies
from roadmark.plan.schedule import RoadmapOptions, Schedule
from roadmark.render.deferred import Href
from roadmark.render.dependencies import dependencies_page
from roadmark.render.site_pages import SitePage
from roadmark.site import rebuild
from roadmark.site.mentions import Mentions, scan
from roadmark.spec.product import load_product
from roadmark.spec.settings import Settings
from sites import md, mkdocs_config, spec, write_project

STORIES: dict[str, tuple[str, str, str, str | None, dict[str, object]]] = {
    # id: title, status, team, epic, more fields
    "STORY-1": ("Export plans", "in-progress", "web", "EPIC-1", {"depends_on": ["STORY-6"]}),
    "STORY-2": ("Import plans", "ready", "api", None, {"depends_on": ["STORY-3"]}),
    "STORY-3": ("Parse plans", "ready", "api", None, {}),
    "STORY-4": ("Ship the parser", "done", "api", "EPIC-2", {}),
    "STORY-5": ("Style the export", "backlog", "web", "EPIC-1", {}),
    "STORY-6": ("Read plans", "ready", "api", "EPIC-2", {}),
}


def files(titles: dict[str, str] | None = None, r2: str = "in-progress") -> dict[str, str]:
    """The product: two epics in two releases, stories of teams web and api, STORY-2
    depending on STORY-3 (both in no epic: the dependencies chart them, with their
    titles), STORY-1 on STORY-6 of a later release (a row of the tables: ids, teams,
    releases), and STORY-4 done in R2 (which it inherits from EPIC-2)."""
    titles = titles or {}
    found = {
        "product/prds/PRD-1.md": spec(
            "PRD-1", "prd", "Plans", "approved", "## Requirements\n\n- R-1: Export.\n"
        ),
        "product/releases/R1.md": spec("R1", "release", "One", "planned", date=date(2026, 12, 1)),
        "product/releases/R2.md": spec("R2", "release", "Two", r2, date=date(2027, 3, 1)),
        "product/epics/EPIC-1.md": spec(
            "EPIC-1", "epic", "Exporters", "in-progress", prd="PRD-1", release="R1"
        ),
        "product/epics/EPIC-2.md": spec(
            "EPIC-2", "epic", "Importers", "in-progress", prd="PRD-1", release="R2"
        ),
        "docs/index.md": md("# Guide\n\nSee STORY-1, and STORY-3/AC-1.\n"),
        "docs/other.md": md("# Other\n\nNothing but STORY-10 and x.STORY-1 here.\n"),
    }
    for item_id, (title, status, team, epic, fields) in STORIES.items():
        body = "## Acceptance criteria\n\n- AC-1: Given a plan, then it works.\n"
        found[f"product/stories/{item_id}.md"] = spec(
            item_id, "story", titles.get(item_id, title), status, body,
            team=team, estimate=3, **({"epic": epic} if epic else {}), **fields,
        )  # fmt: skip
    return found


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    """The product, served."""
    config = mkdocs_config(plugins=["search", {"roadmark": {"history": False}}])
    served = Session(tmp_path, files(), config)
    try:
        yield served
    finally:
        served.close()


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The generated pages whose deferred parts each rebuild renders to compare."""
    seen: list[str] = []
    original = rebuild._parts_changed

    def recording(site: object, before: SitePage, *args: Any) -> bool:
        seen.append(before.src_uri)
        return original(site, before, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(rebuild, "_parts_changed", recording)
    return seen


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The generated pages whose deferred parts each rebuild renders to compare (their
    links made from the page's URL first), where `compared` also has those it left alone
    as made from the same key (`SitePage.key`)."""
    seen: list[str] = []
    original = rebuild.href_from

    def recording(file: File, *args: Any) -> Href:
        seen.append(file.src_uri)
        return original(file, *args)

    monkeypatch.setattr(rebuild, "href_from", recording)
    return seen


def applied(session: Session, product: dict[str, str], tmp_path: Path) -> str:
    """Save `product`; the rebuild's log line, once the served site is checked to be
    what a fresh build of the same files makes."""
    _, log = session.apply(product)
    assert log is not None
    said = [message for _, message in log if "preview:" in message]
    folder = tmp_path / f"reference-{len(list(tmp_path.iterdir()))}"
    reference = fresh_build(session.project, folder)
    assert first_difference(session.served.output(), reference) is None
    return said[0]


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_title_edit_compares_its_own_team_board_and_not_the_others(
    session: Session, compared: list[str], rendered: list[str], tmp_path: Path
) -> None:
    said = applied(session, files({"STORY-5": "Style the export, renamed"}), tmp_path)
    assert re.fullmatch(r"roadmark: preview: rebuilt \d+ of 33 pages in \S+ s", said)
    assert "product/board-web.md" in compared
    assert "product/board.md" in compared
    assert "product/stories.md" in compared
    # STORY-5 is on neither page: the api board and the dependencies are not compared.
    assert "product/board-api.md" not in compared
    assert "product/dependencies.md" not in compared
    # The trace's gaps list STORY-5/AC-1, untested, but show no title: their key is the same.
    assert "product/trace.md" in compared
    assert "product/trace.md" not in rendered
    assert "product/board-web.md" in rendered
    html = (session.served.site_dir / "product/board-web/index.html").read_text("utf-8")
    assert "Style the export, renamed" in html


@pytest.mark.roadmark("STORY-89/AC-2")
def test_an_edit_of_a_dependency_compares_the_dependencies_and_its_board(
    session: Session, compared: list[str], tmp_path: Path
) -> None:
    applied(session, files({"STORY-3": "Parse plans quickly"}), tmp_path)
    assert "product/dependencies.md" in compared
    assert "product/board-api.md" in compared
    assert "product/board-web.md" not in compared
    html = (session.served.site_dir / "product/dependencies/index.html").read_text("utf-8")
    assert "Parse plans quickly" in html


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_dependencies_are_rendered_again_only_when_what_they_show_changed(
    session: Session, compared: list[str], rendered: list[str], tmp_path: Path
) -> None:
    page = session.served.site_dir / "product/dependencies/index.html"
    # STORY-1's title is in no chart, and the key the tables are made of stays the same.
    applied(session, files({"STORY-1": "Export plans, renamed"}), tmp_path)
    assert "product/dependencies.md" in compared
    assert "product/dependencies.md" not in rendered
    # STORY-6 is late for STORY-1, and the table of late dependencies shows its team.
    compared.clear()
    rendered.clear()
    assert "<td>api</td>" in page.read_text("utf-8")
    product = files({"STORY-1": "Export plans, renamed"})
    product["product/stories/STORY-6.md"] = product["product/stories/STORY-6.md"].replace(
        "team: api", "team: web"
    )
    applied(session, product, tmp_path)
    assert "product/dependencies.md" in rendered
    assert "<td>api</td>" not in page.read_text("utf-8")


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_roadmap_is_rendered_again_only_when_its_plan_changed(
    session: Session, compared: list[str], rendered: list[str], tmp_path: Path
) -> None:
    page = session.served.site_dir / "product/roadmap/index.html"
    # STORY-1's title is on no card of the roadmap: its plan is equal, its parts kept.
    applied(session, files({"STORY-1": "Export plans, renamed"}), tmp_path)
    assert "product/roadmap.md" in compared
    assert "product/roadmap.md" not in rendered
    # STORY-5 done: EPIC-1's progress on the board and in R1's table changes.
    compared.clear()
    assert "0 of 6 points (0%)" in page.read_text("utf-8")
    product = files({"STORY-1": "Export plans, renamed"})
    product["product/stories/STORY-5.md"] = product["product/stories/STORY-5.md"].replace(
        "status: backlog", "status: done"
    )
    applied(session, product, tmp_path)
    assert "product/roadmap.md" in rendered
    assert "3 of 6 points (50%)" in page.read_text("utf-8")


@pytest.mark.roadmark("STORY-89/AC-2")
def test_a_release_done_takes_its_done_story_off_the_board(
    session: Session, compared: list[str], tmp_path: Path
) -> None:
    board = session.served.site_dir / "product/board-api/index.html"
    assert "Ship the parser" in board.read_text("utf-8")
    # STORY-4 inherits R2 from its epic: R2 is no neighbour of it, but the board reads it.
    applied(session, files(r2="planned"), tmp_path)
    assert "product/board-api.md" in compared
    assert "product/board-web.md" not in compared
    applied(session, files(r2="released"), tmp_path)
    assert "Ship the parser" not in board.read_text("utf-8")


@pytest.mark.roadmark("STORY-89/AC-2")
def test_the_pages_naming_an_edited_id_are_rendered_again(session: Session, tmp_path: Path) -> None:
    guide = session.served.site_dir / "index.html"
    other = session.served.site_dir / "other/index.html"
    applied(session, files({"STORY-1": "Export plans, renamed"}), tmp_path)
    assert "Export plans, renamed" in guide.read_text("utf-8")
    assert "Export plans, renamed" not in other.read_text("utf-8")
    # The kept mentions follow the pages rendered again: a docs page now naming STORY-5.
    product = files({"STORY-1": "Export plans, renamed"})
    product["docs/other.md"] = md("# Other\n\nNow STORY-5.\n")
    applied(session, product, tmp_path)
    product = files({"STORY-1": "Export plans, renamed", "STORY-5": "Style it"})
    product["docs/other.md"] = md("# Other\n\nNow STORY-5.\n")
    applied(session, product, tmp_path)
    assert "Style it" in other.read_text("utf-8")


NAMES = ["STORY-1", "STORY-10", "STORY-1/AC-2", "R2026.1", "R2026", "AC-2", "x", "a.b", "S-"]
PIECES = [*NAMES, "STORY", "-", ".", "/", " ", "\n", "é", "_", "(", ")", "1", "5", "`", "R"]


def test_kept_mentions_find_what_a_scan_of_every_page_finds() -> None:
    rng = random.Random(12)
    pages = {f"p{n}.md": "".join(rng.choices(PIECES, k=rng.randint(0, 12))) for n in range(400)}
    mentions = Mentions()
    known = set(NAMES[:4])  # the others are looked for once an edit names them
    for _ in range(300):
        ids = set(rng.sample(NAMES, rng.randint(1, 3)))
        assert mentions.naming(ids, known, lambda: pages) == scan(ids, pages), ids
        edited = rng.choice(sorted(pages))
        pages[edited] = "".join(rng.choices(PIECES, k=rng.randint(0, 12)))
        mentions.update(edited, pages[edited])


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("See STORY-1.", {"STORY-1"}),
        ("STORY-10 and STORY-1/AC-2", {"STORY-1", "STORY-1/AC-2", "AC-2"}),
        ("x.STORY-1, STORY-1_a, STORY-1-b, STORY-1.5", set()),
        ("in R2026.1. and (R2026)", {"R2026.1", "R2026"}),
        ("a/STORY-1/AC-2/x", {"STORY-1", "STORY-1/AC-2", "AC-2"}),
    ],
)
def test_a_name_is_named_as_a_whole_word(text: str, named: set[str]) -> None:
    names = {"STORY-1", "STORY-1/AC-2", "R2026.1", "R2026", "AC-2"}
    mentions = Mentions()
    found = {name for name in names if mentions.naming({name}, names, lambda: {"p": text})}
    assert found == named
    assert found == {name for name in names if scan({name}, {"p": text})}


def test_a_name_outside_the_id_grammar_is_scanned_for() -> None:
    pages = {"a.md": "the odd id (my story) here", "b.md": "my storyteller"}
    assert Mentions().naming({"my story"}, [], lambda: pages) == {"a.md"}
    assert re.search("my story", pages["b.md"])  # a substring, yet no whole word


# --- The dependencies' key, over random edits ----------------------------------------------

VALUES = {"title": ("Parse", "Read <it>", "Write"), "status": ("ready", "done"), "team": "ab"}
"""What a story's field is set to by an edit of it (`epic` and `depends_on` aside)."""


def test_dependencies_made_from_equal_keys_are_equal(tmp_path: Path) -> None:
    rng = random.Random(7)
    items: dict[str, dict[str, Any]] = {
        "R1": {"kind": "release", "title": "R1", "status": "planned", "date": date(2026, 12, 1)},
        "R2": {"kind": "release", "title": "R2", "status": "planned", "date": date(2027, 3, 1)},
        "EPIC-1": {"kind": "epic", "title": "One", "status": "planned", "release": "R1"},
        "EPIC-2": {"kind": "epic", "title": "Two", "status": "planned", "release": "R2"},
    }
    names = [f"STORY-{n}" for n in range(1, 8)]
    for name in names:
        items[name] = {"kind": "story", "title": name.lower(), "status": "ready", "team": "a"}
        items[name] |= {"epic": rng.choice(["EPIC-1", "EPIC-2"])}
        items[name]["depends_on"] = rng.sample([other for other in names if other != name], 2)

    def made(step: int) -> tuple[Hashable, Mapping[str, str]]:
        written = {
            f"product/{name}.md": spec(name, **{k: v for k, v in fields.items() if v is not None})
            for name, fields in items.items()
        }
        product = load_product(write_project(tmp_path / str(step), written), Settings())
        schedule = Schedule(product.graph, product.settings, RoadmapOptions(date(2026, 10, 1)))
        page = dependencies_page(plan_dependencies(schedule), product.graph)
        assert page.key is not None and page.parts is not None
        return page.key(), page.parts(lambda item, anchor: f"{item}.html#{anchor}")

    key, parts = made(0)
    same = differ = 0
    for step in range(1, 80):
        name = rng.choice(names)
        story, epic = items[name], items[rng.choice(["EPIC-1", "EPIC-2"])]
        edit = rng.choice([*VALUES, "epic", "depends_on", "epic title", "epic release", "date"])
        if edit in VALUES:
            story[edit] = rng.choice(VALUES[edit])
        elif edit == "epic":
            story["epic"] = rng.choice(["EPIC-1", "EPIC-2", None])
        elif edit == "depends_on":
            story["depends_on"] = rng.sample([other for other in names if other != name], 2)
        elif edit == "epic title":
            epic["title"] = f"Epic {step}"
        elif edit == "epic release":
            epic["release"] = rng.choice(["R1", "R2"])
        else:
            items["R1"]["date"] = rng.choice([date(2026, 12, 1), date(2027, 6, 1)])
        new_key, new_parts = made(step)
        if new_key == key:
            same += 1
            assert new_parts == parts, (step, name, edit)
        else:
            differ += 1
        key, parts = new_key, new_parts
    assert same > 10 and differ > 10, (same, differ)
