"""Generate a seeded, deterministic corpus of product specs for the benchmarks.

    python benchmarks/corpus.py OUT --stories N [--seed S] [--plain]

writes a Roadmark project into OUT: `mkdocs.yml` (Material with `navigation.prune`,
`plugins: [search, roadmark]`), `docs/index.md` and `product/` with PRDs, releases,
epics and stories. With `--plain` it writes the same Markdown pages as a plain MkDocs
project instead: the pages under `docs/product/`, no roadmark plugin, and a hand-written
nav of hub pages only (index, PRDs, releases), the linear floor of
`research/perf-baseline.md`. The same seed and size always give byte-identical files.

Importable: `generate(out, stories, seed)` and `generate_plain(out, stories, seed)`.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

MARKER = ".roadmark-bench-corpus"
"""Written into every generated project; only a folder holding it is ever wiped."""

FIRST_RELEASE = date(2026, 1, 5)
RELEASE_DAYS = 42
TODAY = date(2026, 6, 1)
"""The benchmarks' "today": it falls in the corpus's in-progress release, and it decides
which sprints are closed, active or planned."""
SPRINT_DAYS = 5
"""A sprint runs Monday to Friday of the ISO week it is named after."""

OWNERS = ("alex", "priya", "sam", "mei", "jonas", "amara", "diego", "lena", "omar", "kim")
TEAMS = ("checkout", "catalog", "platform", "growth", "payments", "mobile")
TAGS = ("api", "ux", "mobile", "search", "billing", "security", "perf", "a11y", "data", "ops")
THEMES = (
    "Faster checkout",
    "Trust and safety",
    "Self-serve onboarding",
    "Platform reliability",
    "Merchant insights",
    "International growth",
)
PERSONAS = (
    "shopper",
    "store admin",
    "support agent",
    "finance analyst",
    "warehouse lead",
    "partner developer",
    "marketing manager",
)
VERBS = (
    "validate",
    "cache",
    "export",
    "retry",
    "archive",
    "audit",
    "preview",
    "schedule",
    "reconcile",
    "notify about",
    "search",
    "bulk-edit",
    "localise",
    "rate-limit",
    "sync",
)
OBJECTS = (
    "saved payment methods",
    "failed webhook deliveries",
    "abandoned carts",
    "refund requests",
    "inventory levels",
    "shipping labels",
    "customer addresses",
    "promotion codes",
    "tax reports",
    "order history",
    "product variants",
    "gift cards",
    "return labels",
    "subscription renewals",
    "fraud alerts",
    "supplier invoices",
)
TAILS = (
    "before the nightly batch runs",
    "within two seconds at the 95th percentile",
    "without a full page reload",
    "for every storefront in the region",
    "when the upstream service is degraded",
    "while keeping an audit trail",
    "across web and mobile clients",
    "in the merchant's own currency",
    "with no manual steps from support",
    "once the order has been paid",
)
SUBJECTS = (
    "The checkout service",
    "The admin console",
    "The mobile app",
    "The notification pipeline",
    "The billing export",
    "The search index",
    "The order API",
    "The fulfilment worker",
    "The reporting job",
    "Support tooling",
)
BENEFITS = (
    "I spend less time on manual follow-ups",
    "customers are not charged twice",
    "the monthly close takes hours instead of days",
    "I can answer a ticket without escalating it",
    "stock counts match what the warehouse sees",
    "partners can integrate without talking to us",
    "we can prove what happened during an incident",
)
CONTEXTS = (
    "a signed-in shopper with two saved cards",
    "an order that is paid but not yet shipped",
    "a merchant on the free plan",
    "a webhook endpoint that returns 503",
    "an export of 50,000 rows",
    "a catalog with 200 variants of one product",
    "a support agent without admin rights",
    "a refund that was already issued once",
)
ACTIONS = (
    "they submit the form",
    "the nightly job runs",
    "the request is retried three times",
    "they open the order page",
    "the admin changes the setting",
    "the upstream service recovers",
    "the export is downloaded",
)
OUTCOMES = (
    "the change is saved and shown within two seconds",
    "no duplicate charge is created",
    "an audit entry records who did it and when",
    "a clear error names the field to fix",
    "the totals match the ledger to the cent",
    "the customer receives exactly one email",
    "the page stays usable with a keyboard alone",
)
STORY_STATUS = {
    "released": (("done", 88), ("cancelled", 4), ("review", 8)),
    "in-progress": (
        ("done", 30),
        ("review", 20),
        ("in-progress", 25),
        ("ready", 15),
        ("backlog", 7),
        ("cancelled", 3),
    ),
    "planned": (("backlog", 55), ("ready", 35), ("in-progress", 7), ("cancelled", 3)),
}
EPIC_STATUS = {
    "released": (("done", 95), ("cancelled", 5)),
    "in-progress": (("in-progress", 70), ("planned", 20), ("done", 10)),
    "planned": (("planned", 60), ("proposed", 38), ("cancelled", 2)),
}
TYPES = (("feature", 60), ("bug", 20), ("tech-debt", 12), ("spike", 8))
PRIORITIES = (("P0", 8), ("P1", 30), ("P2", 42), ("P3", 20))
ESTIMATES = (1, 2, 3, 5, 8, 13)
EPIC_DEPENDENCIES = ((0, 55), (1, 35), (2, 10))
STORY_DEPENDENCIES = ((0, 20), (1, 40), (2, 30), (3, 10))
"""How many items an epic or a story depends on, with weights: about 1.3 a story."""


@dataclass(frozen=True, slots=True)
class Shape:
    """How many items of each kind a corpus has; N=2000 gives 5 PRDs, 8 releases, 200 epics."""

    stories: int
    epics: int
    prds: int
    releases: int

    @classmethod
    def for_stories(cls, stories: int) -> Shape:
        """The shape of research/perf-baseline.md's corpus, scaled to `stories`."""
        return cls(
            stories=stories,
            epics=max(1, round(stories / 10)),
            prds=max(4, stories // 400),
            releases=max(8, stories // 1000),
        )


@dataclass(slots=True)
class Release:
    """A planned release."""

    id: str
    title: str
    status: str
    start: date
    end: date
    owner: str
    epics: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Prd:
    """A PRD and how many requirements it has."""

    id: str
    title: str
    status: str
    release: Release
    theme: str
    owner: str
    team: str
    priority: str
    requirements: int


@dataclass(slots=True)
class Epic:
    """An epic of a PRD, scheduled in a release."""

    id: str
    title: str
    status: str
    prd: Prd
    release: Release
    depends_on: list[str]
    start: date
    target: date
    owner: str
    team: str
    priority: str
    tags: list[str]


@dataclass(slots=True)
class Story:
    """A user story of an epic."""

    id: str
    title: str
    status: str
    epic: Epic
    release: Release | None
    implements: list[str]
    depends_on: list[str]
    estimate: int
    priority: str
    type: str
    owner: str
    tags: list[str]
    sprint: str | None
    criteria: int


@dataclass(slots=True)
class Sprint:
    """A one-week sprint that stories name in their `sprint` field."""

    id: str
    start: date
    end: date
    status: str


@dataclass(slots=True)
class Plan:
    """Every item of a corpus, decided before any page is written."""

    releases: list[Release]
    prds: list[Prd]
    epics: list[Epic]
    stories: list[Story]
    sprints: list[Sprint] = field(default_factory=list)


def _weighted(rng: random.Random, choices: tuple[tuple[T, int], ...]) -> T:
    """One value drawn from (value, weight) pairs."""
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def _title(rng: random.Random) -> str:
    """A short imperative title."""
    verb = rng.choice(VERBS)
    return f"{verb[0].upper()}{verb[1:]} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"


def plan_corpus(stories: int, seed: int = 1) -> Plan:
    """Decide every item of a corpus of `stories` stories."""
    if stories < 1:
        raise ValueError("a corpus needs at least one story")
    shape = Shape.for_stories(stories)
    rng = random.Random(seed)
    releases = _plan_releases(rng, shape.releases)
    prds = _plan_prds(rng, shape.prds, releases)
    epics = _plan_epics(rng, shape.epics, prds, releases)
    planned = _plan_stories(rng, stories, epics)
    return Plan(releases, prds, epics, planned, _plan_sprints(planned))


def _plan_sprints(stories: list[Story]) -> list[Sprint]:
    """One sprint per value the stories name (about fifty at 2,000 stories), in date order."""
    sprints = []
    for sprint_id in sorted({story.sprint for story in stories if story.sprint}):
        year, week = sprint_id[1:].split("-")
        start = date.fromisocalendar(int(year), int(week), 1)
        end = start + timedelta(days=SPRINT_DAYS - 1)
        status = "closed" if end < TODAY else "active" if start <= TODAY else "planned"
        sprints.append(Sprint(sprint_id, start, end, status))
    return sprints


def _plan_releases(rng: random.Random, count: int) -> list[Release]:
    """Consecutive six-week releases: the first three eighths released, then one in progress."""
    releases: list[Release] = []
    in_year: dict[int, int] = {}
    for index in range(count):
        start = FIRST_RELEASE + timedelta(days=RELEASE_DAYS * index)
        in_year[start.year] = in_year.get(start.year, 0) + 1
        released = count * 3 // 8
        status = (
            "released" if index < released else "in-progress" if index == released else "planned"
        )
        releases.append(
            Release(
                id=f"R{start.year}.{in_year[start.year]}",
                title=f"{rng.choice(THEMES)} wave {index + 1}",
                status=status,
                start=start,
                end=start + timedelta(days=RELEASE_DAYS - 1),
                owner=rng.choice(OWNERS),
            )
        )
    return releases


def _plan_prds(rng: random.Random, count: int, releases: list[Release]) -> list[Prd]:
    """PRDs with 8–16 requirements each, spread over the releases."""
    return [
        Prd(
            id=f"PRD-{index + 1}",
            title=f"{THEMES[index % len(THEMES)]}: {rng.choice(OBJECTS)}",
            status=rng.choice(("draft", "review", "approved", "approved", "shipped")),
            release=releases[index * len(releases) // count],
            theme=THEMES[index % len(THEMES)],
            owner=rng.choice(OWNERS),
            team=rng.choice(TEAMS),
            priority=_weighted(rng, PRIORITIES),
            requirements=rng.randint(8, 16),
        )
        for index in range(count)
    ]


def _plan_epics(
    rng: random.Random, count: int, prds: list[Prd], releases: list[Release]
) -> list[Epic]:
    """Epics in release order; each depends only on earlier epics, so there is no cycle."""
    epics: list[Epic] = []
    for index in range(count):
        release = releases[index * len(releases) // count]
        start = release.start + timedelta(days=rng.randint(0, 14))
        earlier = [epic.id for epic in epics[max(0, index - 20) : index]]
        depends = rng.sample(earlier, min(len(earlier), _weighted(rng, EPIC_DEPENDENCIES)))
        epic = Epic(
            id=f"EPIC-{index + 1}",
            title=_title(rng),
            status=_weighted(rng, EPIC_STATUS[release.status]),
            prd=rng.choice(prds),
            release=release,
            depends_on=sorted(depends, key=_number),
            start=start,
            target=start + timedelta(days=rng.randint(14, 56)),
            owner=rng.choice(OWNERS),
            team=rng.choice(TEAMS),
            priority=_weighted(rng, PRIORITIES),
            tags=sorted(rng.sample(TAGS, rng.randint(0, 2))),
        )
        release.epics.append(epic.id)
        epics.append(epic)
    return epics


def _number(item_id: str) -> int:
    """The numeric part of an id like STORY-12, for natural ordering."""
    return int(item_id.rsplit("-", 1)[1])


def _plan_stories(rng: random.Random, count: int, epics: list[Epic]) -> list[Story]:
    """Stories in contiguous blocks per epic; each depends only on earlier stories."""
    stories: list[Story] = []
    for index in range(count):
        epic = epics[index * len(epics) // count]
        story = _plan_story(rng, index, epic, stories)
        stories.append(story)
    return stories


def _plan_story(rng: random.Random, index: int, epic: Epic, earlier: list[Story]) -> Story:
    """One story of `epic`; `earlier` are the stories already planned."""
    status = _weighted(rng, STORY_STATUS[epic.release.status])
    # Most stories are scheduled in their epic's release; the rest are unscheduled backlog.
    release = epic.release if rng.random() < 0.85 else None
    implements = sorted(
        {
            f"{epic.prd.id}/R-{rng.randint(1, epic.prd.requirements)}"
            for _ in range(rng.randint(1, 2))
        }
    )
    if rng.random() < 0.08:
        implements = []
    in_epic = [story.id for story in earlier[-12:] if story.epic is epic]
    window = [story.id for story in earlier[-200:]]
    depends: set[str] = set()
    for _ in range(_weighted(rng, STORY_DEPENDENCIES)):
        pool = in_epic if in_epic and rng.random() < 0.7 else window
        if pool:
            depends.add(rng.choice(pool))
    started = status in ("in-progress", "review", "done")
    week = (epic.start.isocalendar().week + rng.randint(0, 5) - 1) % 52 + 1
    if status == "done" and date.fromisocalendar(epic.start.year, week, 1) > TODAY:
        week = TODAY.isocalendar().week  # done work sits in a sprint that has started
    return Story(
        id=f"STORY-{index + 1}",
        title=_title(rng),
        status=status,
        epic=epic,
        release=release,
        implements=implements,
        depends_on=sorted(depends, key=_number),
        estimate=rng.choice(ESTIMATES),
        priority=_weighted(rng, PRIORITIES),
        type=_weighted(rng, TYPES),
        owner=rng.choice(OWNERS),
        tags=sorted(rng.sample(TAGS, rng.randint(1, 3))),
        sprint=f"S{epic.start.year}-{week:02d}" if started and release else None,
        criteria=rng.randint(3, 5),
    )


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _flow(values: list[str]) -> str:
    """A YAML flow sequence of plain scalars."""
    return "[" + ", ".join(values) + "]"


def _front_matter(fields: list[tuple[str, str | None]]) -> str:
    """YAML front matter from (name, YAML value) pairs; None values are left out."""
    # A block value (the PRD's metrics) starts on its own line, so no space after the colon.
    lines = [
        f"{name}:{value}" if value.startswith("\n") else f"{name}: {value}"
        for name, value in fields
        if value is not None
    ]
    return "---\n" + "\n".join(lines) + "\n---\n"


class Prose:
    """Sentences of plausible product prose from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        """One sentence about a part of the system."""
        rng = self.rng
        return (
            f"{rng.choice(SUBJECTS)} must {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(TAILS)}."
        )

    def paragraph(self, extra: list[str], low: int = 5, high: int = 9) -> str:
        """A paragraph of `low`–`high` sentences with the `extra` sentences mixed in."""
        sentences = [self.sentence() for _ in range(self.rng.randint(low, high))]
        for text in extra:
            sentences.insert(self.rng.randint(0, len(sentences)), text)
        return _wrap(" ".join(sentences))

    def user_story(self) -> str:
        """An "As a …, I want … so that …" statement."""
        rng = self.rng
        return (
            f"As a {rng.choice(PERSONAS)}, I want to {rng.choice(VERBS)} "
            f"{rng.choice(OBJECTS)} {rng.choice(TAILS)}, so that {rng.choice(BENEFITS)}."
        )

    def criterion(self, number: int) -> str:
        """A Given/When/Then criterion; about a third run over two lines."""
        rng = self.rng
        given, when, then = rng.choice(CONTEXTS), rng.choice(ACTIONS), rng.choice(OUTCOMES)
        if rng.random() < 0.35:
            return f"- AC-{number}: Given {given}, when {when},\n  then {then}."
        return f"- AC-{number}: Given {given}, when {when}, then {then}."

    def requirement(self, number: int) -> str:
        """A "The system shall …" requirement; about a quarter run over two lines."""
        rng = self.rng
        text = f"The system shall {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        if rng.random() < 0.25:
            return f"- R-{number}: {text}\n  {rng.choice(TAILS)}."
        return f"- R-{number}: {text} {rng.choice(TAILS)}."


def _wrap(text: str, width: int = 88) -> str:
    """Break prose into lines of at most `width` characters, as authors write it."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _prose(seed: int, item_id: str) -> Prose:
    """The prose generator of one page: seeded per page so pages do not shift each other."""
    return Prose(random.Random(f"{seed}/{item_id}"))


def render_release(release: Release, seed: int) -> str:
    """The page of a release."""
    prose = _prose(seed, release.id)
    head = _front_matter(
        [
            ("id", release.id),
            ("kind", "release"),
            ("title", _quote(release.title)),
            ("status", release.status),
            ("start", release.start.isoformat()),
            ("date", release.end.isoformat()),
            ("owner", release.owner),
        ]
    )
    scope = "\n".join(f"- {epic}: {prose.sentence()}" for epic in release.epics[:6])
    return f"{head}\n{prose.paragraph([])}\n\n## Scope\n\n{scope}\n"


def render_prd(prd: Prd, seed: int) -> str:
    """The page of a PRD with its requirements and success metrics."""
    prose = _prose(seed, prd.id)
    rng = prose.rng
    metrics = "".join(
        f"\n  - {{name: {_quote(f'{rng.choice(OBJECTS)} {kind}')}, "
        f"baseline: {_quote(base)}, target: {_quote(goal)}}}"
        for kind, base, goal in rng.sample(_METRICS, rng.randint(2, 4))
    )
    head = _front_matter(
        [
            ("id", prd.id),
            ("kind", "prd"),
            ("title", _quote(prd.title)),
            ("status", prd.status),
            ("release", prd.release.id),
            ("theme", _quote(prd.theme)),
            ("owner", prd.owner),
            ("team", prd.team),
            ("priority", prd.priority),
            ("metrics", metrics),
        ]
    )
    goals = "\n".join(f"- {prose.sentence()}" for _ in range(3))
    non_goals = "\n".join(f"- {prose.sentence()}" for _ in range(2))
    requirements = "\n".join(prose.requirement(n) for n in range(1, prd.requirements + 1))
    return (
        f"{head}\n## Problem\n\n{prose.paragraph([], 4, 6)}\n\n## Goals\n\n{goals}\n\n"
        f"## Non-goals\n\n{non_goals}\n\n## Requirements\n\n{requirements}\n\n"
        f"## Success metrics\n\n{prose.paragraph([], 2, 3)}\n"
    )


_METRICS = (
    ("p95 latency", "1.8 s", "< 1 s"),
    ("failure rate", "2.4%", "< 0.5%"),
    ("tickets per week", "140", "60"),
    ("conversion", "3.1%", "3.6%"),
    ("time to resolve", "3 days", "1 day"),
    ("adoption", "0", "40% of merchants"),
)


def render_epic(epic: Epic, seed: int) -> str:
    """The page of an epic."""
    prose = _prose(seed, epic.id)
    rng = prose.rng
    head = _front_matter(
        [
            ("id", epic.id),
            ("kind", "epic"),
            ("title", _quote(epic.title)),
            ("status", epic.status),
            ("prd", epic.prd.id),
            ("release", epic.release.id),
            ("depends_on", _flow(epic.depends_on) if epic.depends_on else None),
            ("theme", _quote(epic.prd.theme)),
            ("start", epic.start.isoformat()),
            ("target", epic.target.isoformat()),
            ("owner", epic.owner),
            ("team", epic.team),
            ("priority", epic.priority),
            ("tags", _flow(epic.tags) if epic.tags else None),
        ]
    )
    requirement = f"{epic.prd.id}/R-{rng.randint(1, epic.prd.requirements)}"
    extra = [f"It delivers {requirement} of {epic.prd.id}."]
    if epic.depends_on:
        extra.append(f"It cannot start before {epic.depends_on[0]} is done.")
    scope = "\n".join(f"- {prose.sentence()}" for _ in range(rng.randint(3, 5)))
    return f"{head}\n{prose.paragraph(extra)}\n\n## Scope\n\n{scope}\n"


_CODE = (
    ("yaml", "# fixture for {ac}\nstory: {story}\nstatus: ready\nchecks: [{ac}]"),
    ("json", '{{"id": "{story}", "criterion": "{ac}", "expected": "paid"}}'),
    ("sh", "curl -s https://api.example.com/v1/orders?story={story}\nroadmark check  # {ac}"),
    ("python", 'def test_{slug}():\n    """{ac}"""\n    assert order.status == "paid"'),
)


def render_story(story: Story, plan: Plan, seed: int) -> str:
    """The page of a story: front matter, user story, prose, code and criteria."""
    prose = _prose(seed, story.id)
    rng = prose.rng
    head = _front_matter(
        [
            ("id", story.id),
            ("kind", "story"),
            ("title", _quote(story.title)),
            ("status", story.status),
            ("epic", story.epic.id),
            ("release", story.release.id if story.release else None),
            ("implements", _flow(story.implements) if story.implements else None),
            ("depends_on", _flow(story.depends_on) if story.depends_on else None),
            ("type", story.type),
            ("estimate", str(story.estimate)),
            ("sprint", story.sprint),
            ("owner", story.owner),
            ("team", story.epic.team),
            ("priority", story.priority),
            ("tags", _flow(story.tags)),
        ]
    )
    paragraphs = [prose.paragraph(extra) for extra in _mentions(story, plan, rng)]
    language, code = rng.choice(_CODE)
    other = plan.stories[rng.randrange(len(plan.stories))]
    code = code.format(
        story=other.id,
        ac=f"{other.id}/AC-{other.criteria}",
        slug=story.id.lower().replace("-", "_"),
    )
    criteria = "\n".join(prose.criterion(n) for n in range(1, story.criteria + 1))
    notes = f"\n## Notes\n\n{prose.paragraph([], 1, 2)}\n" if rng.random() < 0.3 else ""
    return (
        f"{head}\n{prose.user_story()}\n\n" + "\n\n".join(paragraphs) + "\n\n"
        f"```{language}\n{code}\n```\n\n## Acceptance criteria\n\n{criteria}\n{notes}"
    )


def _mentions(story: Story, plan: Plan, rng: random.Random) -> list[list[str]]:
    """Sentences naming other items, spread over 2–4 paragraphs."""
    other = plan.stories[rng.randrange(len(plan.stories))]
    sentences = [
        f"This is part of {story.epic.id}; see {other.id} for the edge cases.",
        f"The behaviour in {other.id}/AC-{rng.randint(1, other.criteria)} must still hold.",
    ]
    if story.depends_on:
        sentences.append(f"It builds on {rng.choice(story.depends_on)}, which must ship first.")
    if story.implements:
        sentences.append(f"Together with its siblings it covers {story.implements[0]}.")
    paragraphs: list[list[str]] = [[] for _ in range(rng.randint(2, 4))]
    for sentence in sentences:
        paragraphs[rng.randrange(len(paragraphs))].append(sentence)
    return paragraphs


def render_pages(plan: Plan, seed: int) -> Iterator[tuple[str, str]]:
    """Every spec page as (path relative to the product folder, text)."""
    for release in plan.releases:
        yield f"releases/{release.id}.md", render_release(release, seed)
    for prd in plan.prds:
        yield f"prds/{prd.id}.md", render_prd(prd, seed)
    for epic in plan.epics:
        yield f"epics/{epic.id}.md", render_epic(epic, seed)
    for story in plan.stories:
        yield f"stories/{story.id}.md", render_story(story, plan, seed)
    for sprint in plan.sprints:
        yield f"sprints/{sprint.id}.md", render_sprint(sprint, seed)


def render_sprint(sprint: Sprint, seed: int) -> str:
    """The page of a sprint."""
    prose = _prose(seed, sprint.id)
    head = _front_matter(
        [
            ("id", sprint.id),
            ("kind", "sprint"),
            ("title", _quote(f"Sprint {sprint.id}")),
            ("status", sprint.status),
            ("start", sprint.start.isoformat()),
            ("end", sprint.end.isoformat()),
            ("goal", _quote(prose.sentence())),
        ]
    )
    return f"{head}\n{prose.paragraph([], 2, 4)}\n"


def render_index(plan: Plan) -> str:
    """The home page of the site."""
    prds = ", ".join(prd.id for prd in plan.prds)
    return (
        "# Benchmark product\n\n"
        f"A generated product of {len(plan.stories)} stories in {len(plan.epics)} epics, "
        f"{len(plan.prds)} PRDs ({prds}) and {len(plan.releases)} releases.\n\n"
        "It exists to measure how long checking and building product specs takes.\n"
    )


def roadmark_config(plan: Plan) -> str:
    """mkdocs.yml of the Roadmark project."""
    return (
        f"site_name: Roadmark benchmark ({len(plan.stories)} stories)\n"
        "docs_dir: docs\n"
        "theme:\n"
        "  name: material\n"
        "  features: [navigation.prune]\n"
        "plugins:\n"
        "  - search\n"
        "  - roadmark:\n"
        "      product_dir: product\n"
    )


def plain_config(plan: Plan) -> str:
    """mkdocs.yml of the plain project: Material, search, and a nav of hub pages only."""
    prds = "".join(f"      - product/prds/{prd.id}.md\n" for prd in plan.prds)
    releases = "".join(f"      - product/releases/{rel.id}.md\n" for rel in plan.releases)
    return (
        f"site_name: Plain MkDocs benchmark ({len(plan.stories)} stories)\n"
        "docs_dir: docs\n"
        "theme:\n"
        "  name: material\n"
        # The same Material features as the Roadmark project, so only the plugin differs.
        "  features: [navigation.prune]\n"
        "plugins:\n"
        "  - search\n"
        # Epics and stories are reached through links, not the nav (the linear floor);
        # without this MkDocs logs every one of them as missing from the nav.
        "validation:\n"
        "  nav:\n"
        "    omitted_files: ignore\n"
        "nav:\n"
        "  - Home: index.md\n"
        f"  - PRDs:\n{prds}"
        f"  - Releases:\n{releases}"
    )


def _prepare(out: Path) -> None:
    """Make `out` an empty folder, wiping it only if it holds a generated corpus."""
    if out.exists():
        if not out.is_dir():
            raise FileExistsError(f"{out} exists and is not a folder")
        if any(out.iterdir()):
            if not (out / MARKER).is_file():
                raise FileExistsError(
                    f"{out} is not empty and was not made by {Path(__file__).name}"
                )
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("generated by benchmarks/corpus.py; safe to delete\n")


def _write(path: Path, text: str) -> None:
    """Write `text` with Unix newlines, creating folders as needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _write_project(out: Path, plan: Plan, seed: int, config: str, product: Path) -> None:
    """Write mkdocs.yml, docs/index.md and every spec page under `product`."""
    _prepare(out)
    _write(out / "mkdocs.yml", config)
    _write(out / "docs" / "index.md", render_index(plan))
    for folder in ("releases", "prds", "epics", "stories", "sprints"):
        (out / product / folder).mkdir(parents=True, exist_ok=True)
    for path, text in render_pages(plan, seed):
        (out / product / path).write_text(text, encoding="utf-8", newline="\n")


def generate(out: Path, stories: int, seed: int = 1) -> None:
    """Write a Roadmark project of `stories` stories into `out` (product/ outside docs/)."""
    plan = plan_corpus(stories, seed)
    _write_project(out, plan, seed, roadmark_config(plan), Path("product"))


def generate_plain(out: Path, stories: int, seed: int = 1) -> None:
    """Write the same pages as a plain MkDocs project with a hub-only nav into `out`."""
    plan = plan_corpus(stories, seed)
    _write_project(out, plan, seed, plain_config(plan), Path("docs") / "product")


def corpus_stats(out: Path) -> tuple[int, int]:
    """The number of Markdown files under `out` and their total size in bytes."""
    files = list(out.rglob("*.md"))
    return len(files), sum(path.stat().st_size for path in files)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (must be empty or generated)")
    parser.add_argument("--stories", type=int, default=2000, help="number of stories (2000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument(
        "--plain", action="store_true", help="write the plain MkDocs variant with a hub nav"
    )
    args = parser.parse_args(argv)
    try:
        (generate_plain if args.plain else generate)(args.out, args.stories, args.seed)
    except (FileExistsError, ValueError) as exc:
        print(f"corpus.py: error: {exc}", file=sys.stderr)
        return 2
    files, size = corpus_stats(args.out)
    shape = Shape.for_stories(args.stories)
    print(
        f"{args.out}: {files} Markdown files, {size / 1e6:.1f} MB "
        f"({shape.prds} PRDs, {shape.releases} releases, {shape.epics} epics, "
        f"{shape.stories} stories)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
