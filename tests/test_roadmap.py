"""The roadmap (issue 4): progress, risks, now/next/later, timeline, backlog, per-PRD views,
and the generated page. The fixture and its known answers are described in `roadmaps.py`."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from roadmaps import (
    FILES,
    OPTIONS,
    ROADMAP,
    TODAY,
    TRICKY_TITLE,
    load_fixture,
    load_specs,
    roadmap_config,
)
from roadmark.plan.progress import Progress, progress_of, stories_under
from roadmark.plan.risks import behind
from roadmark.plan.roadmap import (
    ReleasePlan,
    Roadmap,
    RoadmapOptions,
    plan_product,
    plan_roadmap,
)
from roadmark.plan.scope import Scope, release_scopes
from roadmark.render.markdown import Linker
from roadmark.render.roadmap import roadmap_page
from roadmark.spec.graph import build_graph
from roadmark.spec.model import Item
from roadmark.spec.product import Product
from roadmark.spec.settings import Settings
from sites import Node, Site, build, section, seen, spec, table, write_project


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Product:
    """The fixture's specs, loaded."""
    loaded = load_fixture(tmp_path_factory.mktemp("roadmap"))
    assert loaded.problems == []
    return loaded


@pytest.fixture(scope="module")
def plan(product: Product) -> Roadmap:
    """The fixture's roadmap as of 2026-11-22, with the default options."""
    return plan_roadmap(product.graph, product.settings, OPTIONS)


def by_id(plan: Roadmap) -> dict[str, ReleasePlan]:
    """The release plans by release id."""
    return {entry.release.id: entry for entry in plan.releases}


def figures(progress: Progress) -> tuple[float, float, str, int]:
    """Done, total, unit and whole percent."""
    return (progress.done, progress.total, progress.unit, progress.percent)


# --- Releases and their progress ---------------------------------------------------------


def test_releases_are_listed_in_date_order_with_their_dates(plan: Roadmap) -> None:
    assert [entry.release.id for entry in plan.releases] == ["R1", "R2", "R3", "R4", "R5"]
    r4 = by_id(plan)["R4"]
    assert (r4.start, r4.due) == (date(2026, 12, 3), date(2027, 1, 25))
    assert by_id(plan)["R2"].start is None


@pytest.mark.roadmark("STORY-24/AC-1")
def test_progress_is_done_points_over_total_points_without_cancelled_stories(
    plan: Roadmap,
) -> None:
    # STORY-24/AC-1: 3, 5 (done) and 8 points, plus a cancelled 13.
    assert figures(by_id(plan)["R2"].progress) == (5, 16, "points", 31)
    assert by_id(plan)["R2"].progress.describe() == "5 of 16 points (31%)"
    assert figures(by_id(plan)["R1"].progress) == (2, 2, "points", 100)
    assert figures(by_id(plan)["R5"].progress) == (0, 3, "points", 0)


@pytest.mark.roadmark("STORY-24/AC-2")
def test_progress_counts_stories_when_estimates_are_missing(plan: Roadmap) -> None:
    # STORY-24/AC-2: four stories without estimates, two done.
    assert figures(by_id(plan)["R4"].progress) == (2, 4, "stories", 50)
    assert by_id(plan)["R4"].progress.describe() == "2 of 4 stories (50%)"
    assert figures(by_id(plan)["R3"].progress) == (2, 5, "stories", 40)


def test_each_epic_shows_its_own_progress_in_the_release(plan: Roadmap) -> None:
    r4 = by_id(plan)["R4"]
    shares = {share.epic.id: share for share in r4.epics if share.epic}
    assert list(shares) == ["EPIC-2", "EPIC-3"]
    assert figures(shares["EPIC-2"].progress) == (2, 2, "stories", 100)
    assert figures(shares["EPIC-3"].progress) == (0, 2, "stories", 0)
    # EPIC-2's other stories are in R3, and the other way round.
    assert shares["EPIC-2"].elsewhere == ["R3"]
    assert [share.elsewhere for share in by_id(plan)["R3"].epics] == [["R4"]]
    (r2_epic,) = by_id(plan)["R2"].epics
    assert (r2_epic.epic and r2_epic.epic.id, figures(r2_epic.progress)) == (
        "EPIC-1",
        (5, 16, "points", 31),
    )


# --- At risk -----------------------------------------------------------------------------


def reasons(plan: Roadmap, release_id: str) -> list[tuple[str, str]]:
    """The risks of a release as (rule, reason)."""
    return [(risk.rule, risk.reason) for risk in by_id(plan)[release_id].risks]


@pytest.mark.roadmark("STORY-24/AC-3")
def test_a_release_whose_date_passed_unreleased_is_at_risk(plan: Roadmap) -> None:
    # STORY-24/AC-3.
    assert reasons(plan, "R2") == [
        ("overdue", "date passed: due 2026-11-15, 7 days ago, and not released")
    ]


@pytest.mark.roadmark("STORY-24/AC-4")
def test_a_release_due_within_the_window_below_the_threshold_is_at_risk(plan: Roadmap) -> None:
    # STORY-24/AC-4: 10 days away at 40 %, with the default 14 days and 50 %.
    assert reasons(plan, "R3") == [
        (
            "behind",
            "due in 10 days, within the 14-day window, at 40% progress, below the 50% threshold",
        )
    ]


@pytest.mark.roadmark("STORY-24/AC-5")
def test_depending_on_later_or_unscheduled_work_puts_a_release_at_risk(plan: Roadmap) -> None:
    # STORY-24/AC-5. STORY-13 also depends on STORY-1 (earlier) and STORY-2 (done): no risk.
    assert reasons(plan, "R4") == [
        ("dependency", "STORY-12 depends on STORY-20, scheduled in the later R5"),
        ("dependency", "STORY-13 depends on STORY-30, which is in no release"),
    ]


def test_released_and_distant_releases_are_not_at_risk(plan: Roadmap) -> None:
    assert [entry.release.id for entry in plan.at_risk] == ["R2", "R3", "R4"]
    assert by_id(plan)["R1"].risks == []
    assert by_id(plan)["R5"].risks == []


@pytest.mark.parametrize(
    ("window_days", "threshold", "at_risk"),
    [(14, 0.5, True), (10, 0.5, True), (9, 0.5, False), (14, 0.4, False), (14, 0.41, True)],
)
def test_the_window_and_threshold_are_options(
    product: Product, window_days: int, threshold: float, at_risk: bool
) -> None:
    options = RoadmapOptions(TODAY, window_days=window_days, threshold=threshold)
    r3 = by_id(plan_roadmap(product.graph, product.settings, options))["R3"]
    assert r3.at_risk is at_risk


def test_a_release_with_nothing_to_do_is_not_behind() -> None:
    nothing = Progress(0, 0, "stories", 0)
    assert behind(TODAY + timedelta(days=3), nothing, TODAY, 14, 0.5) is None
    due_today = behind(TODAY, Progress(1, 4, "points", 2), TODAY, 14, 0.5)
    assert due_today is not None
    assert due_today.reason.startswith("due today, ")


# --- Now, next, later --------------------------------------------------------------------


def test_release_columns_follow_dates_relative_to_today(plan: Roadmap) -> None:
    columns = {entry.release.id: entry.column for entry in plan.releases}
    # R2 is overdue (still the present); R3 comes next; R1 is released.
    assert columns == {"R1": None, "R2": "now", "R3": "next", "R4": "later", "R5": "later"}


def board(plan: Roadmap) -> dict[str, list[str]]:
    """The ids of the cards in each column."""
    return {column: [card.item.id for card in cards] for column, cards in plan.board.items()}


def test_the_board_places_epics_by_release_and_stories_only_where_they_differ(
    plan: Roadmap,
) -> None:
    assert board(plan) == {
        "now": ["EPIC-1"],
        # EPIC-2 names no release: it goes where its earliest unfinished story is (R3).
        "next": ["STORY-12", "EPIC-2"],
        # EPIC-4 and EPIC-5 are planned work in no release.
        "later": ["STORY-3", "EPIC-3", "EPIC-4", "EPIC-5"],
    }
    epic_1 = plan.board["now"][0]
    assert epic_1.progress is not None
    assert figures(epic_1.progress) == (5, 16, "points", 31)


@pytest.mark.roadmark("STORY-25/AC-2")
def test_an_explicit_horizon_overrides_the_release_column(plan: Roadmap) -> None:
    # STORY-25/AC-2: STORY-3 is in R2 (now) with `horizon: later`; STORY-12 is in R4 (later)
    # with `horizon: next`.
    overridden = {
        card.item.id: (card.column, card.release)
        for cards in plan.board.values()
        for card in cards
        if card.overridden
    }
    assert overridden == {"STORY-3": ("later", "R2"), "STORY-12": ("next", "R4")}


@pytest.mark.roadmark("STORY-25/AC-1", "STORY-25/AC-2")
def test_releases_after_today_fill_now_next_and_later(tmp_path: Path) -> None:
    # STORY-25/AC-1 and AC-2, as written there.
    files = {
        "product/releases/A.md": spec("A", "release", "A", "planned", date=date(2026, 11, 30)),
        "product/releases/B.md": spec("B", "release", "B", "planned", date=date(2026, 12, 21)),
        "product/releases/C.md": spec("C", "release", "C", "planned", date=date(2027, 1, 25)),
        "product/epics/E-A.md": spec("E-A", "epic", "In A", "planned", release="A"),
        "product/epics/E-B.md": spec("E-B", "epic", "In B", "planned", release="B"),
        "product/epics/E-C.md": spec("E-C", "epic", "In C", "planned", release="C"),
        "product/epics/E-L.md": spec(
            "E-L", "epic", "In A, later", "planned", release="A", horizon="later"
        ),
    }
    product = load_specs(tmp_path, files)
    plan = plan_roadmap(product.graph, product.settings, RoadmapOptions(date(2026, 11, 22)))
    assert board(plan) == {"now": ["E-A"], "next": ["E-B"], "later": ["E-L", "E-C"]}


def test_work_under_a_cancelled_epic_leaves_the_plan_as_progress_does(tmp_path: Path) -> None:
    files = {
        "product/releases/R.md": spec("R", "release", "R", "planned", date=date(2027, 1, 4)),
        "product/epics/E-1.md": spec("E-1", "epic", "Dropped", "cancelled", release="R"),
        "product/epics/E-2.md": spec("E-2", "epic", "Kept", "planned", release="R"),
        "product/stories/S-1.md": spec("S-1", "story", "Gone", "backlog", epic="E-1", estimate=3),
        "product/stories/S-2.md": spec("S-2", "story", "Done", "done", epic="E-2", estimate=2),
        "product/stories/S-3.md": spec("S-3", "story", "Idea", "backlog", epic="E-1"),
    }
    product = load_specs(tmp_path, files)
    plan = plan_roadmap(product.graph, product.settings, OPTIONS)
    (release,) = plan.releases
    release_stories = stories_under(product.graph.items["R"], product.graph)
    assert release.progress == progress_of(release_stories, product.settings)
    assert figures(release.progress) == (2, 2, "points", 100)
    assert [share.epic.id for share in release.epics if share.epic] == ["E-2"]
    assert plan.backlog == []
    assert board(plan) == {"now": ["E-2"], "next": [], "later": []}


# --- Timeline ----------------------------------------------------------------------------


def test_timeline_spans_run_from_start_to_date(plan: Roadmap) -> None:
    spans = {
        entry.release.id: (entry.span.start, entry.span.end)
        for entry in plan.releases
        if entry.span
    }
    assert spans == {
        "R1": (date(2026, 10, 1), date(2026, 10, 31)),
        # No start: from the day after the previous release's date.
        "R2": (date(2026, 11, 1), date(2026, 11, 15)),
        "R3": (date(2026, 11, 16), date(2026, 12, 2)),
        "R4": (date(2026, 12, 3), date(2027, 1, 25)),
        "R5": (date(2027, 1, 26), date(2027, 3, 1)),
    }
    epics = {
        span.epic.id: (span.span.start, span.span.end, span.release) for span in plan.epic_spans
    }
    # EPIC-3 has only a target: it starts with its release.
    assert epics == {
        "EPIC-1": (date(2026, 11, 1), date(2026, 11, 15), "R2"),
        "EPIC-3": (date(2026, 12, 3), date(2027, 1, 20), "R4"),
    }


# --- Backlog -----------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-28/AC-1")
def test_the_backlog_groups_unscheduled_stories_by_epic_highest_priority_first(
    plan: Roadmap,
) -> None:
    # STORY-28/AC-1. Done (STORY-41) and cancelled (STORY-43) stories are not backlog.
    groups = [
        (group.epic.id if group.epic else None, [entry.story.id for entry in group.stories])
        for group in plan.backlog
    ]
    assert groups == [
        ("EPIC-4", ["STORY-31", "STORY-30"]),
        ("EPIC-5", ["STORY-40", "STORY-42"]),
        (None, ["STORY-50"]),
    ]
    assert plan.backlog_size == 5


@pytest.mark.roadmark("STORY-28/AC-2")
def test_quick_wins_are_high_priority_small_and_unfinished(plan: Roadmap) -> None:
    # STORY-28/AC-2: STORY-30 is P1 and 2 points. STORY-31 is P0 but 5 points.
    assert [entry.story.id for entry in plan.quick_wins] == ["STORY-30", "STORY-50"]


@pytest.mark.roadmark("STORY-28/AC-3")
def test_technical_debt_is_marked(plan: Roadmap) -> None:
    # STORY-28/AC-3.
    debt = [entry.story.id for group in plan.backlog for entry in group.stories if entry.tech_debt]
    assert debt == ["STORY-31", "STORY-42"]


# --- Per PRD -----------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-29/AC-1", "STORY-29/AC-2")
def test_each_prd_sees_only_the_work_that_delivers_it(product: Product) -> None:
    # STORY-29/AC-1 and AC-2.
    sections = {
        (entry.prd.id if entry.prd else "No PRD"): entry.roadmap
        for entry in plan_product(product.graph, product.settings, OPTIONS).by_prd
    }
    assert list(sections) == ["PRD-1", "PRD-2", "No PRD"]
    prd_1, prd_2, none = sections["PRD-1"], sections["PRD-2"], sections["No PRD"]

    assert [entry.release.id for entry in prd_1.releases] == ["R1", "R2", "R3", "R4"]
    # In R4, PRD-1 has only EPIC-2's two done stories, and none of EPIC-3's dependencies.
    assert figures(by_id(prd_1)["R4"].progress) == (2, 2, "stories", 100)
    assert by_id(prd_1)["R4"].risks == []
    assert board(prd_1) == {"now": ["EPIC-1"], "next": ["EPIC-2"], "later": ["STORY-3"]}
    assert prd_1.backlog == []

    assert [entry.release.id for entry in prd_2.releases] == ["R4"]
    assert figures(by_id(prd_2)["R4"].progress) == (0, 2, "stories", 0)
    assert len(by_id(prd_2)["R4"].risks) == 2
    assert [group.epic.id for group in prd_2.backlog if group.epic] == ["EPIC-5"]

    assert [entry.release.id for entry in none.releases] == ["R5"]
    assert [group.epic.id if group.epic else None for group in none.backlog] == ["EPIC-4", None]


def test_the_page_plans_the_product_and_each_prd_as_the_separate_calls_do(
    product: Product,
) -> None:
    planned = plan_product(product.graph, product.settings, OPTIONS)
    assert planned.whole == plan_roadmap(product.graph, product.settings, OPTIONS)
    for entry in planned.by_prd:
        if entry.prd is not None:
            alone = plan_roadmap(product.graph, product.settings, OPTIONS, prd=entry.prd.id)
            assert entry.roadmap == alone


def test_the_roadmap_of_one_prd_matches_its_section(product: Product) -> None:
    alone = plan_roadmap(product.graph, product.settings, OPTIONS, prd="PRD-2")
    assert [entry.release.id for entry in alone.releases] == ["R4"]
    assert board(alone) == {"now": [], "next": ["STORY-12"], "later": ["EPIC-3", "EPIC-5"]}


# --- Scale -------------------------------------------------------------------------------


def test_planning_ten_thousand_stories_stays_fast() -> None:
    def story(n: int) -> Item:
        fields: dict[str, object] = {"epic": f"EPIC-{n % 500}", "estimate": n % 5}
        if n % 7 == 0:
            fields["depends_on"] = [f"STORY-{n + 1}"]
        if n % 11 == 0:
            del fields["epic"]  # some in no epic, hence in the backlog
        return Item(f"STORY-{n}", "story", f"S{n}", "done" if n % 3 else "backlog", "", fields)

    items = [
        Item(f"R{n}", "release", f"R{n}", "planned", "", {"date": TODAY + timedelta(days=14 * n)})
        for n in range(20)
    ]
    items += [
        Item(f"EPIC-{n}", "epic", f"E{n}", "planned", "", {"release": f"R{n % 20}"})
        for n in range(500)
    ]
    items += [story(n) for n in range(10_000)]
    settings = Settings()
    graph = build_graph(items, settings)
    started = time.perf_counter()
    plan_product(graph, settings, OPTIONS)
    assert time.perf_counter() - started < 1.5


# --- The page ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture built with `[search, roadmark]`, strict, no nav of its own."""
    root = tmp_path_factory.mktemp("roadmap-site")
    write_project(root, FILES | {"docs/index.md": "# Home\n"}, roadmap_config())
    return build(root, strict=True)


def test_the_roadmap_page_is_built_and_first_in_the_product_section(site: Site) -> None:
    assert site.warnings == []
    nav = site.page("index.md").find("nav", cls="md-nav--primary")
    assert nav is not None
    targets = [target for _, target, _ in site.links_to("index.md", nav.links)]
    assert site.output(ROADMAP) in targets
    product_index = targets.index(site.output("product/index.md"))
    assert targets[product_index + 1] == site.output(ROADMAP)
    assert site.article(ROADMAP).find("h1").text.startswith("Roadmap")


@pytest.mark.roadmark("STORY-24/AC-1", "STORY-24/AC-3", "STORY-24/AC-5")
def test_each_release_shows_dates_progress_and_risks(site: Site) -> None:
    article = site.article(ROADMAP)
    headings = [seen(h.text).rstrip("¶").strip() for h in article.find_all("h3")]
    assert headings[:5] == ["R1 · Shipped", "R2 · Late", f"R3 · {TRICKY_TITLE}", "R4 · Winter",
                            "R5 · Spring"]  # fmt: skip
    r2 = section(article, "r2-late")
    assert "due 2026-11-15" in r2.text
    assert "5 of 16 points (31%)" in r2.text
    assert r2.find(cls="roadmark-flag--at-risk") is not None
    risk = r2.find(cls="roadmark-risk")
    assert risk is not None
    assert "date passed: due 2026-11-15, 7 days ago, and not released" in risk.text
    r4 = section(article, "r4-winter")
    risk = r4.find(cls="roadmark-risk")
    assert risk is not None
    items = [li.text for li in risk.find_all("li")]
    assert items == [
        "STORY-12 depends on STORY-20, scheduled in the later R5",
        "STORY-13 depends on STORY-30, which is in no release",
    ]
    epics = table(r4)
    assert epics.column("Epic") == ["EPIC-2", "EPIC-3"]
    assert epics.column("In this release") == ["2 of 2 stories (100%)", "0 of 2 stories (0%)"]
    assert epics.column("Also in") == ["R3", ""]
    assert section(article, "r5-spring").find(cls="roadmark-risk") is None


def test_the_board_has_three_columns_of_cards(site: Site) -> None:
    article = site.article(ROADMAP)
    columns = {}
    for name in ("now", "next", "later"):
        column = article.find(cls=f"roadmark-board__column--{name}")
        assert column is not None
        columns[name] = [li.find("a").text for li in column.find_all("li")]
    assert columns == {
        "now": ["EPIC-1"],
        "next": ["STORY-12", "EPIC-2"],
        "later": ["STORY-3", "EPIC-3", "EPIC-4", "EPIC-5"],
    }
    later = article.find(cls="roadmark-board__column--later")
    assert later is not None
    assert "set by horizon" in later.find_all("li")[0].text


def bars(site: Site) -> list[Node]:
    """The timeline's bars."""
    timeline = site.article(ROADMAP).find(cls="roadmark-timeline")
    assert timeline is not None
    return timeline.find_all(cls="roadmark-timeline__bar")


@pytest.mark.roadmark("STORY-27/AC-1")
def test_the_timeline_has_a_bar_per_dated_release_and_epic(site: Site) -> None:
    # STORY-27/AC-1.
    assert [bar.get("data-roadmark-id") for bar in bars(site)] == [
        "R1", "R2", "EPIC-1", "R3", "R4", "EPIC-3", "R5",
    ]  # fmt: skip
    place = {
        bar.get("data-roadmark-id"): re.findall(r"[\d.]+(?=%)", bar.get("style"))
        for bar in bars(site)
    }
    # The axis runs from 2026-10-01 to 2027-03-02 (152 days): R1 covers its first 31.
    assert place["R1"] == ["0.000", "20.395"]
    assert place["R5"] == ["76.974", "23.026"]
    at_risk = [
        bar.get("data-roadmark-id")
        for bar in bars(site)
        if "roadmark-timeline__bar--at-risk" in bar.classes
    ]
    assert at_risk == ["R2", "R3", "R4"]
    timeline = site.article(ROADMAP).find(cls="roadmark-timeline")
    assert timeline is not None
    assert "--roadmark-today: 34.211%" in timeline.get("style")


@pytest.mark.roadmark("STORY-27/AC-2")
def test_timeline_titles_show_quotes_colons_brackets_hashes_as_written(site: Site) -> None:
    # STORY-27/AC-2.
    (r3,) = [bar for bar in bars(site) if bar.get("data-roadmark-id") == "R3"]
    assert seen(r3.get("title")).startswith(f"R3 · {TRICKY_TITLE}: 2026-11-16 → 2026-12-02")
    labels = site.article(ROADMAP).find_all(cls="roadmark-timeline__label")
    assert f"R3 {TRICKY_TITLE}" in [seen(label.text) for label in labels]
    # `<b>` from the title is text, not markup.
    assert not any(node.tag == "b" for label in labels for node in label.iter())


@pytest.mark.roadmark("STORY-28/AC-2", "STORY-28/AC-3")
def test_the_backlog_flags_quick_wins_and_technical_debt(site: Site) -> None:
    backlog = section(site.article(ROADMAP), "backlog")
    wins = backlog.find(cls="roadmark-quick-wins")
    assert wins is not None
    assert [li.find("a").text for li in wins.find_all("li")] == ["STORY-30", "STORY-50"]
    flagged = {
        row[0].text: sorted(flag.text for flag in row[4].find_all(cls="roadmark-flag"))
        for row in (r for node in backlog.find_all("table") for r in table(node).rows)
    }
    assert flagged == {
        "STORY-31": ["tech debt"],
        "STORY-30": ["quick win"],
        "STORY-40": [],
        "STORY-42": ["tech debt"],
        "STORY-50": ["quick win"],
    }


@pytest.mark.roadmark("STORY-29/AC-1", "STORY-29/AC-2")
def test_a_section_per_prd_and_one_for_no_prd(site: Site) -> None:
    article = site.article(ROADMAP)
    prd_2 = section(article, "prd-2-imports")
    assert table(prd_2).column("Release") == ["R4"]
    assert table(prd_2).column("Progress") == ["0 of 2 stories (0%)"]
    no_prd = section(article, "no-prd")
    assert table(no_prd).column("Release") == ["R5"]
    assert "3 stories in no release, 2 quick wins" in no_prd.text
    # EPIC-4 names no PRD: it is in the section headed "No PRD", and in no PRD's section.
    headings = [h.text.rstrip("¶").strip() for h in article.find_all("h3")]
    assert headings[-3:] == ["PRD-1 · Plans", "PRD-2 · Imports", "No PRD"]
    assert "EPIC-4" in [a.text for a in no_prd.links]
    assert "EPIC-4" not in [a.text for a in prd_2.links + section(article, "prd-1-plans").links]


def test_every_roadmap_link_reaches_a_page(site: Site) -> None:
    article = site.article(ROADMAP)
    local = [a for a in article.links if "://" not in a.get("href")]
    for _, target, _ in site.links_to(ROADMAP, local):
        assert (site.site_dir / target).is_file(), target


@pytest.mark.roadmark("STORY-25/AC-3")
def test_today_comes_from_source_date_epoch_and_the_log_names_it(tmp_path: Path) -> None:
    # STORY-25/AC-3: no `today` option; the test build sets SOURCE_DATE_EPOCH (2026-09-21).
    config = roadmap_config()
    del config["plugins"][1]["roadmark"]["today"]
    write_project(tmp_path, FILES | {"docs/index.md": "# Home\n"}, config)
    site = build(tmp_path, strict=True)
    assert any(
        "Roadmap date: 2026-09-21 (from SOURCE_DATE_EPOCH)" in text for _, text in site.messages
    )
    assert "As of 2026-09-21" in site.article(ROADMAP).text


def test_the_page_is_the_same_every_time(product: Product) -> None:
    pages = {item.id: f"product/{item.path}" for item in product.graph.items.values()}

    def render() -> tuple[str, dict[str, str]]:
        page = roadmap_page(plan_product(product.graph, product.settings, OPTIONS))
        assert page.parts is not None
        parts = page.parts(lambda item_id, anchor: f"../{item_id}/")
        return page.render(Linker(pages, ROADMAP)), dict(parts)

    markdown, parts = render()
    assert (markdown, parts) == render()
    assert f"As of **{TODAY.isoformat()}**" in markdown
    assert {"release-1", "board", "timeline", "backlog", "prd-1"} <= parts.keys()
    assert all(f"<!-- roadmark:part {key} -->" in markdown for key in parts)


def test_release_scope_and_progress_leave_out_work_under_a_cancelled_epic() -> None:
    settings = Settings()
    items = [
        Item("R1", "release", "R1", "planned", "", {"date": TODAY}),
        Item("EPIC-1", "epic", "E1", "cancelled", "", {"release": "R1"}),
        Item("EPIC-2", "epic", "E2", "planned", "", {"release": "R1"}),
        Item("STORY-1", "story", "S1", "ready", "", {"epic": "EPIC-1", "estimate": 5}),
        Item("STORY-2", "story", "S2", "ready", "", {"epic": "EPIC-2", "estimate": 3}),
    ]
    graph = build_graph(items, settings)
    # `roadmark diff` counts scope by the same rule the roadmap counts progress by.
    assert release_scopes(graph, settings)["R1"] == Scope(points=3, stories=1)
    assert [story.id for story in stories_under(graph.items["R1"], graph)] == ["STORY-2"]
