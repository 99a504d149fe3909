"""Hostile values in specs: numbers that overflow, text that forges output, template text.

Every run goes through the installed console scripts (`roadmark`, `mkdocs`), with a
timeout, since the failures these guard against were crashes, hangs and forged lines.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from roadmark.plan.progress import progress_of
from roadmark.spec.clauses import TEMPLATES, is_placeholder
from roadmark.spec.model import Item
from roadmark.spec.settings import Settings
from sites import LINE, build, mkdocs_config, run_tool, table, write_project
from test_diff import Repo as GitRepo

TIMEOUT = 120
"""Seconds any one tool run may take; the bugs guarded against include a hang."""

FIELDS = {"estimate": 11, "budget": 9}
"""The number fields under test, with the column their value starts at (`budget: ` is a
configured number field)."""

CONFIG = mkdocs_config(
    plugins=[{"roadmark": {"fields": {"budget": {"type": "number", "kinds": ["story"]}}}}]
)

EPIC = "---\nid: EPIC-1\nkind: epic\ntitle: Numbers\nstatus: planned\nrelease: R1\n---\n"
RELEASE = "---\nid: R1\nkind: release\ntitle: First\nstatus: planned\n---\n"
DOCS = {"docs/index.md": "# Home\n"}

UNPRINTED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What must never reach the terminal raw: every control character but the line feed that
ends each line, and the Unicode line separators and bidi controls."""


def story(item_id: str, *lines: str, status: str = "backlog", body: str = "Text.\n") -> str:
    """A story whose extra front matter `lines` start on line 7 of the file."""
    front = f"id: {item_id}\nkind: story\ntitle: T\nstatus: {status}\nepic: EPIC-1\n"
    return "---\n" + front + "".join(f"{line}\n" for line in lines) + "---\n\n" + body


def project(root: Path, stories: Mapping[str, str]) -> Path:
    """A project with EPIC-1 in R1 and `stories` {id: file text} under product/stories/."""
    files = {"product/epics/EPIC-1.md": EPIC, "product/releases/R1.md": RELEASE, **DOCS}
    files |= {f"product/stories/{item_id}.md": text for item_id, text in stories.items()}
    return write_project(root, files, CONFIG)


def check(root: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    """`roadmark check --format json`: exit status and problems; never a traceback."""
    done = run_tool("roadmark", "check", "--format", "json", *args, cwd=root, timeout=TIMEOUT)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def located(problems: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    return [(p["code"], p["path"], p["line"], p["col"]) for p in problems]


def strict_json(text: str) -> Any:
    """JSON that must hold only finite numbers: `Infinity` and `NaN` fail the parse."""

    def refuse(constant: str) -> Any:
        raise AssertionError(f"non-finite number {constant} in JSON output")

    return json.loads(text, parse_constant=refuse)


def assert_one_line_each(output: str, count: int) -> None:
    """`count` problems printed as `count` lines, with no raw control character anywhere."""
    lines = output.splitlines()
    assert len(lines) == count, lines
    assert UNPRINTED.search(output) is None, output


# --- Numbers (STORY-60) --------------------------------------------------------------------

HUGE = "1" + "0" * 309
"""An integer literal past the largest float: `float()` of it raises OverflowError."""

HOSTILE_NUMBERS = [
    pytest.param(HUGE, id="1e309-as-integer"),
    pytest.param("1.7e+308", id="float-max"),
    pytest.param("-1", id="negative"),
    pytest.param(".inf", id="inf"),
    pytest.param("-.inf", id="minus-inf"),
    pytest.param(".nan", id="nan"),
    pytest.param("1.0e+13", id="1e13"),
    pytest.param("10000000000000", id="1e13-as-integer"),
    pytest.param("-10000000000000", id="minus-1e13"),
]


def rejected(field: str, value: str) -> bool:
    """Whether `field: value` is refused: everything above is, but a configured number field
    has no minimum, so -1 is a fine budget."""
    return not (field == "budget" and value == "-1")


@pytest.mark.roadmark("STORY-60/AC-1")
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_a_hostile_number_is_rm005_at_its_value(tmp_path: Path, field: str, value: str) -> None:
    root = project(tmp_path, {"STORY-1": story("STORY-1", f"{field}: {value}")})
    code, problems = check(root)
    if not rejected(field, value):
        assert (code, problems) == (0, [])
        return
    assert code == 1
    assert located(problems) == [("RM005", "product/stories/STORY-1.md", 7, FIELDS[field])]
    assert problems[0]["message"].startswith(f"{field}: ")
    assert len(problems[0]["message"]) < 200  # a 310-digit number is shortened


@pytest.mark.roadmark("STORY-60/AC-1")
@pytest.mark.parametrize("field", FIELDS)
def test_two_float_max_values_under_one_epic_are_each_rm005(tmp_path: Path, field: str) -> None:
    """Two values of 1.7e308 sum to inf, and inf - inf is NaN: neither may reach a total."""
    line = f"{field}: 1.7e+308"
    root = project(tmp_path, {"STORY-1": story("STORY-1", line), "STORY-2": story("STORY-2", line)})
    code, problems = check(root)
    assert code == 1
    col = FIELDS[field]
    assert located(problems) == [
        ("RM005", "product/stories/STORY-1.md", 7, col),
        ("RM005", "product/stories/STORY-2.md", 7, col),
    ]


@pytest.mark.roadmark("STORY-60/AC-1")
def test_a_huge_metric_baseline_is_rm005(tmp_path: Path) -> None:
    prd = (
        "---\nid: PRD-1\nkind: prd\ntitle: T\nstatus: draft\n"
        f"metrics:\n  - {{name: Users, baseline: {HUGE}, target: .inf}}\n---\n"
    )
    root = write_project(tmp_path, {"product/PRD-1.md": prd, **DOCS}, CONFIG)
    code, problems = check(root)
    assert code == 1
    # At the list, as every problem of a list field's elements is located.
    assert located(problems) == [("RM005", "product/PRD-1.md", 7, 3)]
    assert "baseline" in problems[0]["message"]


def strict_build_problems(root: Path) -> list[str]:
    """The spec problems a real `mkdocs build --strict` logs, which must fail it."""
    done = run_tool("mkdocs", "build", "--strict", cwd=root, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    return [
        line.split("roadmark: ", 1)[1]
        for line in done.stderr.splitlines()
        if "roadmark: " in line and LINE.match(line.split("roadmark: ", 1)[1])
    ]


@pytest.mark.roadmark("STORY-60/AC-1")
@pytest.mark.parametrize("field", FIELDS)
def test_check_and_the_strict_build_report_the_same_lines(tmp_path: Path, field: str) -> None:
    stories = {
        f"STORY-{n}": story(f"STORY-{n}", f"{field}: {param.values[0]}")
        for n, param in enumerate(HOSTILE_NUMBERS, 1)
    }
    root = project(tmp_path, stories)
    done = run_tool("roadmark", "check", cwd=root, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    checked = done.stdout.splitlines()
    assert len(checked) == sum(rejected(field, p.values[0]) for p in HOSTILE_NUMBERS)
    assert all(LINE.match(line)["code"] == "RM005" for line in checked)  # type: ignore[index]
    assert sorted(strict_build_problems(root)) == sorted(checked)


class Repo(GitRepo):
    """A git repository whose first commit is the base of `roadmark diff`."""

    def commit(self) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "base")

    def diff(self, fmt: str) -> str:
        """`roadmark diff main --format FMT` against the working tree; must not fail."""
        done = run_tool("roadmark", "diff", "main", "--format", fmt, cwd=self.root, timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout


@pytest.mark.roadmark("STORY-60/AC-1", "STORY-60/AC-2")
def test_diff_of_hostile_numbers_reports_them_with_finite_totals(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    project(tmp_path, {"STORY-1": story("STORY-1", "estimate: 3", "budget: 5")})
    repo.commit()
    stories = {
        f"STORY-{n}": story(f"STORY-{n}", f"estimate: {value}", f"budget: {value}")
        for n, value in enumerate([HUGE, "1.7e+308", "1.7e+308", ".nan", "-.inf"], 1)
    }
    project(tmp_path, stories)
    report = strict_json(repo.diff("json"))
    new = {(p["path"], p["line"]) for p in report["new_problems"] if p["code"] == "RM005"}
    assert len(new) == 2 * len(stories)  # both fields of every story
    (scope,) = report["scope"]
    assert scope["release"] == "R1"
    assert (scope["points_before"], scope["points_after"]) == (3, 0)
    assert "  R1 First: 3 → 0 (−3) points, 1 → 5 (+4) stories\n" in repo.diff("text")
    assert "| **R1** First | 3 → 0 (−3) | 1 → 5 (+4) |\n" in repo.diff("markdown")


LIMIT = "1000000000000"
"""10**12, the largest number any field accepts."""


@pytest.mark.roadmark("STORY-60/AC-2")
def test_totals_of_estimates_at_the_limit_are_finite_on_the_site_and_in_the_diff(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path)
    project(tmp_path, {"STORY-1": story("STORY-1", "estimate: 1")})
    repo.commit()
    stories = {f"STORY-{n}": story(f"STORY-{n}", f"estimate: {LIMIT}") for n in (1, 2)}
    root = project(tmp_path, stories)
    assert check(root) == (0, [])
    site = build(root, strict=True)
    card = table(site.article("product/epics/EPIC-1.md").find(cls="roadmark-card"))
    fields = {row["Field"].text: row["Value"].text for row in card.as_dicts()}
    assert fields["Progress"] == "0 of 2e+12 points (0%)"
    (scope,) = strict_json(repo.diff("json"))["scope"]
    assert (scope["points_before"], scope["points_after"]) == (1, 2 * 10**12)


@pytest.mark.roadmark("STORY-60/AC-2")
@pytest.mark.parametrize("estimate", [math.inf, -math.inf, math.nan, 10**400])
def test_progress_of_stories_built_past_the_loader_stays_finite(estimate: float) -> None:
    """Items made by other code than the loader (macros, plugins) cannot poison a total."""
    settings = Settings()

    def item(item_id: str, points: float) -> Item:
        fields = {"estimate": points}
        return Item(item_id, "story", "T", "done", f"{item_id}.md", fields=fields)

    progress = progress_of([item("S-1", estimate), item("S-2", estimate), item("S-3", 2)], settings)
    assert (progress.unit, progress.done, progress.total) == ("stories", 3, 3)
    assert progress.describe() == "3 of 3 stories (100%)"


# --- Ids and text output (STORY-61) ---------------------------------------------------------

CONTROLS = {"newline": "\\n", "return": "\\r", "escape": "\\e[31m", "nul": "\\0"}
"""YAML double-quoted escapes of control characters."""

ID_FIELDS = {
    # field: (front matter line, rule, line, col)
    "id": ('id: "STORY-1{c}"', "RM017", 2, 5),
    "status": ('status: "backlog{c}"', "RM006", 5, 9),
    "epic": ('epic: "EPIC-1{c}"', "RM017", 6, 7),
    "tags": ('tags: ["ux{c}"]', "RM005", 7, 7),
}


def with_line(field: str, line: str) -> str:
    """A second story, STORY-2, with `line` in place of its field (or added as line 7)."""
    text = story("STORY-2", "owner: alex")
    if field == "tags":
        return text.replace("owner: alex", line)
    current = {"id": "id: STORY-2", "status": "status: backlog", "epic": "epic: EPIC-1"}[field]
    return text.replace(current, line)


@pytest.mark.roadmark("STORY-61/AC-1")
@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
@pytest.mark.parametrize("field", ID_FIELDS)
def test_a_control_character_in_an_id_like_field_is_rejected(
    tmp_path: Path, field: str, control: str
) -> None:
    template, rule, line, col = ID_FIELDS[field]
    hostile = with_line(field, template.format(c=control))
    root = project(tmp_path, {"STORY-1": story("STORY-1"), "STORY-2": hostile})
    code, problems = check(root)
    assert code == 1
    # Never a duplicate of STORY-1, nor a reference that resolves.
    assert located(problems) == [(rule, "product/stories/STORY-2.md", line, col)]
    text = run_tool("roadmark", "check", cwd=root, timeout=TIMEOUT)
    assert_one_line_each(text.stdout, 1)


@pytest.mark.roadmark("STORY-61/AC-1")
@pytest.mark.parametrize(
    ("roadmark", "words"),
    [
        pytest.param({"kinds": {"bug\n": {"statuses": ["open", "fixed"]}}}, "kind name", id="kind"),
        pytest.param({"fields": {"budget\n": {"type": "number"}}}, "field name", id="field"),
        pytest.param(
            {"kinds": {"story": {"statuses": ["backlog", "ready\x1b[31m", "done"]}}},
            "control character",
            id="status",
        ),
        pytest.param(
            {"fields": {"size": {"type": "enum", "values": ["S", "M\r"]}}},
            "control character",
            id="enum-value",
        ),
    ],
)
def test_a_control_character_in_a_configured_name_is_a_config_error(
    tmp_path: Path, roadmark: dict[str, Any], words: str
) -> None:
    root = write_project(
        tmp_path,
        {"product/s.md": story("STORY-1")},
        mkdocs_config(plugins=[{"roadmark": roadmark}]),
    )
    done = run_tool("roadmark", "check", cwd=root, timeout=TIMEOUT)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("roadmark: error: ")
    assert words in done.stderr
    assert_one_line_each(done.stderr, 1)


@pytest.mark.roadmark("STORY-61/AC-2")
def test_clause_ids_differing_in_case_are_rm012_and_one_anchor(tmp_path: Path) -> None:
    body = (
        "## Acceptance criteria\n\n"
        "- AC-1: Given a plan, when built, then it is shown.\n"
        "- ac-1: Given a plan, when checked, then it is clean.\n"
    )
    root = project(tmp_path, {"STORY-1": story("STORY-1", body=body)})
    code, problems = check(root)
    assert code == 1
    assert located(problems) == [("RM012", "product/stories/STORY-1.md", 12, 3)]
    assert "'ac-1'" in problems[0]["message"] and "'AC-1'" in problems[0]["message"]
    assert "line 11" in problems[0]["message"]
    page = build(root).page("product/stories/STORY-1.md")
    anchors = [node for node in page.iter() if node.get("id") == "ac-1"]
    assert len(anchors) == 1
    assert anchors[0].text == "AC-1"


FORGED = "x\\nproduct/stories/STORY-1.md:1:1: error RM999: forged\\e[2J\\u202e\\x9b"
"""A status that would print a second, fake problem line and then clear the screen."""

FORGED_BODY = (
    "## Acceptance criteria\n\n"
    "- AC-1: Given \x1b[31mred\x1b[0m, when \u202eread\u202c, then \x07done.\r\n"
)


def forged_project(root: Path) -> Path:
    forged = story("STORY-2", '"a\\e[31m": 1', status=f'"{FORGED}"', body=FORGED_BODY)
    return project(root, {"STORY-1": story("STORY-1"), "STORY-2": forged})


@pytest.mark.roadmark("STORY-61/AC-3")
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_check_prints_one_line_per_problem_and_no_control_character(
    tmp_path: Path, fmt: str
) -> None:
    root = forged_project(tmp_path)
    code, problems = check(root)
    assert code == 1
    assert {p["code"] for p in problems} == {"RM004", "RM006"}
    done = run_tool("roadmark", "check", "--format", fmt, cwd=root, timeout=TIMEOUT)
    assert_one_line_each(done.stdout, len(problems))
    assert not any(
        line.startswith("product/stories/STORY-1.md") for line in done.stdout.splitlines()
    )
    assert "\\nproduct/stories/STORY-1.md:1:1: error RM999: forged\\x1b[2J\\u202e\\x9b" in (
        done.stdout
    )


@pytest.mark.roadmark("STORY-61/AC-3")
def test_check_json_carries_control_characters_as_escapes(tmp_path: Path) -> None:
    root = forged_project(tmp_path)
    done = run_tool("roadmark", "check", "--format", "json", cwd=root, timeout=TIMEOUT)
    assert UNPRINTED.search(done.stdout) is None
    (status,) = [p for p in json.loads(done.stdout) if p["code"] == "RM006"]
    assert "\n" in status["message"] and "\x1b" in status["message"]


@pytest.mark.roadmark("STORY-61/AC-3")
def test_diff_prints_forged_text_escaped_in_every_format(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    project(tmp_path, {"STORY-1": story("STORY-1"), "STORY-2": story("STORY-2")})
    repo.commit()
    forged_project(tmp_path)
    text = repo.diff("text")
    assert UNPRINTED.search(text) is None, text
    lines = text.splitlines()
    assert not any(line.startswith("product/stories/STORY-1.md:1:1") for line in lines)
    problems = [line for line in lines if LINE.match(line.strip())]
    assert len(problems) == 2  # RM004 and RM006, one line each
    assert (
        "AC-1 added: Given \\x1b[31mred\\x1b[0m, when \\u202eread\\u202c, then \\x07done." in text
    )
    markdown = repo.diff("markdown")
    assert UNPRINTED.search(markdown) is None, markdown
    assert not any(line.startswith("product/stories/STORY-1.md") for line in markdown.splitlines())
    data = repo.diff("json")
    assert UNPRINTED.search(data) is None
    (added,) = json.loads(data)["items"][0]["clauses"]
    assert added["after"].startswith("Given \x1b[31mred\x1b[0m, when \u202eread\u202c")


@pytest.mark.roadmark("STORY-62/AC-3")
def test_mentions_and_issue_numbers_in_the_markdown_report_notify_no_one(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    project(tmp_path, {"STORY-1": story("STORY-1"), "STORY-2": story("STORY-2")})
    repo.commit()
    body = "## Acceptance criteria\n\n- AC-1: Given @bob, when acme/repo#7 closes, then #12 too.\n"
    title = 'title: "Ping @alice about #123"'
    pinging = story("STORY-2", status="ready", body=body).replace("title: T", title)
    project(tmp_path, {"STORY-1": story("STORY-1"), "STORY-2": pinging})
    markdown = repo.diff("markdown")
    assert re.search(r"@\w|(?<!&)#\w", markdown) is None, markdown
    assert "Ping @&#8203;alice about #&#8203;123" in markdown
    assert "Given @&#8203;bob, when acme/repo#&#8203;7 closes, then #&#8203;12 too." in markdown
    # The terminal report is for people at a terminal: it shows the text as written.
    assert "Ping @alice about #123" in repo.diff("text")


# --- Template text (STORY-64) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        (TEMPLATES["criterion"].partition(": ")[2], True),
        (TEMPLATES["requirement"].partition(": ")[2], True),
        ("Given …, when …, then ….", True),
        ("Given ..., when ..., then ...", True),
        ("**Given** … **when** … **then** …", True),
        ("The system shall...", True),
        ("", True),
        ("Given a shopper, when …, then …", False),
        ("The system shall export CSV.", False),
        ("Étant donné …, quand …, alors …", False),
    ],
)
def test_what_counts_as_template_text(text: str, placeholder: bool) -> None:
    assert is_placeholder(text) is placeholder


def set_status(path: Path, status: str) -> None:
    text = path.read_text(encoding="utf-8")
    front, _, _ = text.partition("\n---\n")
    current = re.search(r"(?m)^status: .*$", front)
    assert current is not None
    path.write_text(text.replace(current[0], f"status: {status}", 1), encoding="utf-8")


def clause_position(path: Path, local_id: str) -> tuple[int, int]:
    """Line and column of the clause `local_id` in the file at `path`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"- {local_id}: "):
            return number, 3
    raise AssertionError(f"no {local_id} in {path}")


@pytest.mark.roadmark("STORY-64/AC-1", "STORY-64/AC-2")
def test_the_templates_roadmark_new_writes_are_rm024_once_the_item_moves_on(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, {})
    for kind in ("prd", "story"):
        done = run_tool("roadmark", "new", kind, "--title", "Draft", cwd=root, timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""  # no warning about the template just written
    prd, new_story = root / "product/prds/PRD-1.md", root / "product/stories/STORY-1.md"
    # In the first state of its workflow, a template is a draft still being written.
    assert check(root) == (0, [])
    set_status(prd, "review")
    set_status(new_story, "ready")
    code, problems = check(root)
    assert code == 0  # warnings only
    assert located(problems) == [
        ("RM024", "product/prds/PRD-1.md", *clause_position(prd, "R-1")),
        ("RM014", "product/stories/STORY-1.md", 5, 9),
        ("RM024", "product/stories/STORY-1.md", *clause_position(new_story, "AC-1")),
    ]
    assert all(p["severity"] == "warning" for p in problems)
    assert "other than template text" in problems[1]["message"]
    assert "criterion AC-1 is still template text" in problems[2]["message"]


@pytest.mark.roadmark("STORY-64/AC-1", "STORY-64/AC-2")
@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        pytest.param(["Given …, when …, then …"], ["RM014", "RM024"], id="only-a-placeholder"),
        pytest.param(["Given ..., when ..., then ..."], ["RM014", "RM024"], id="three-dots"),
        pytest.param([""], ["RM014", "RM024"], id="empty"),
        pytest.param(
            ["Given …, when …, then …", "The system shall …"],
            ["RM014", "RM024", "RM024"],
            id="two-placeholders",
        ),
        pytest.param(
            ["Given a plan, when built, then it is shown.", "Given …, when …, then …"],
            ["RM024"],
            id="one-real-one-placeholder",
        ),
        pytest.param(["Given a plan, when …, then …"], [], id="partly-written"),
    ],
)
def test_a_ready_story_with_only_placeholder_criteria_has_none(
    tmp_path: Path, criteria: list[str], expected: list[str]
) -> None:
    body = "## Acceptance criteria\n\n" + "".join(
        f"- AC-{n}: {text}\n" for n, text in enumerate(criteria, 1)
    )
    root = project(tmp_path, {"STORY-1": story("STORY-1", status="ready", body=body)})
    code, problems = check(root)
    assert code == 0
    assert [p["code"] for p in problems] == expected
    for problem in problems:
        if problem["code"] == "RM024":
            assert problem["line"] in range(11, 11 + len(criteria))
            assert problem["col"] == 3
        else:
            assert (problem["line"], problem["col"]) == (5, 9)


@pytest.mark.roadmark("STORY-64/AC-1")
def test_the_init_sample_has_no_placeholder(tmp_path: Path) -> None:
    done = run_tool("roadmark", "init", "site", cwd=tmp_path, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert check(tmp_path / "site") == (0, [])
