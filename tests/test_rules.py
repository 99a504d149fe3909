"""One failing fixture per rule: code, path, line, severity and exit status; never a traceback."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from roadmark.spec.problems import RULES
from roadmark.spec.product import load_product
from roadmark.spec.settings import Settings
from sites import SPEC_RULES, md

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct


@dataclass
class Checked:
    """The outcome of `roadmark check --format json` on a project."""

    code: int
    problems: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""

    def only(
        self, code: str, path: str, line: int, col: int | None = None, severity: str = "error"
    ) -> dict[str, Any]:
        """Assert this is the one problem found, located and graded as given; return it."""
        assert len(self.problems) == 1, self.problems
        (problem,) = self.problems
        assert (problem["code"], problem["path"], problem["line"]) == (code, path, line), problem
        assert problem["severity"] == severity, problem
        if col is not None:
            assert problem["col"] == col, problem
        assert problem["rule"] == RULES[code].name
        return problem


Check = Callable[..., Checked]


@pytest.fixture
def check(run_main: RunCli) -> Check:
    """Run `roadmark check --format json` in a project and return what it found.

    Exit status is asserted on every run: 1 when any problem is an error, else 0.
    """

    def run(root: Path, *args: str) -> Checked:
        result = run_main("check", "--format", "json", *args, cwd=root)
        assert "Traceback" not in result.output
        assert result.code in (0, 1), result.output
        problems = json.loads(result.out)
        errors = [p for p in problems if p["severity"] == "error"]
        assert result.code == (1 if errors else 0), problems
        return Checked(result.code, problems, result.output)

    return run


# A small valid product that the fixtures below break one rule at a time.
RELEASE = md("""
    ---
    id: R1
    kind: release
    title: First release
    status: planned
    start: 2026-01-05
    date: 2026-03-31
    ---
""")
PRD = md("""
    ---
    id: PRD-1
    kind: prd
    title: Specs as code
    status: approved
    release: R1
    ---
    ## Requirements

    - R-1: The system shall check specs.
    - R-2: The system shall report problems.
""")
EPIC = md("""
    ---
    id: EPIC-1
    kind: epic
    title: Checking
    status: planned
    prd: PRD-1
    ---
""")
STORY = md("""
    ---
    id: STORY-1
    kind: story
    title: Check a folder
    status: ready
    epic: EPIC-1
    implements: [PRD-1/R-1]
    ---
    ## Acceptance criteria

    - AC-1: Given a folder, when it is checked, then problems are listed.
""")
WORLD = {
    "product/releases/R1.md": RELEASE,
    "product/prds/PRD-1.md": PRD,
    "product/epics/EPIC-1.md": EPIC,
    "product/stories/STORY-1.md": STORY,
}


def test_valid_product_is_clean(write_product: WriteProduct, check: Check) -> None:
    """The base fixture breaks no rule, so each test below isolates exactly one."""
    checked = check(write_product(WORLD))
    assert (checked.code, checked.problems) == (0, [])


"""The rules over the specs themselves; later rules (test evidence, …) are tested elsewhere."""


def test_every_rule_has_a_fixture() -> None:
    """Each spec rule is in the catalogue and exercised by a test in this file."""
    source = Path(__file__).read_text(encoding="utf-8")
    missing = [code for code in SPEC_RULES if code not in RULES or f'"{code}"' not in source]
    assert missing == []


# RM001 unreadable-file


def test_rm001_invalid_utf8(write_product: WriteProduct, check: Check) -> None:
    """Bytes that are not UTF-8 are reported at the first bad byte."""
    root = write_product({"product/bad.md": b"---\nid: STORY-1\ntitle: caf\xe9\n---\n"})
    checked = check(root)
    problem = checked.only("RM001", "product/bad.md", 3, col=11)
    assert "UTF-8" in problem["message"]
    assert checked.code == 1


@pytest.mark.parametrize(
    ("encoded", "line", "col"),
    [
        ("---\nid: STORY-1\n---\n".encode("utf-16"), 1, 1),
        ("---\nid: STORY-1\ntitle: Café\n---\n".encode("latin-1"), 3, 11),
    ],
    ids=["utf-16", "latin-1"],
)
def test_rm001_wrong_encoding(
    write_product: WriteProduct, check: Check, encoded: bytes, line: int, col: int
) -> None:
    """Files saved in another encoding are unreadable, not misread."""
    checked = check(write_product({"product/enc.md": encoded}))
    checked.only("RM001", "product/enc.md", line, col=col)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_rm001_permission_denied(write_product: WriteProduct, check: Check) -> None:
    """A file the user may not read is reported, and the rest still checked."""
    root = write_product({**WORLD, "product/secret.md": STORY.replace("STORY-1", "STORY-2")})
    secret = root / "product/secret.md"
    secret.chmod(0)
    try:
        checked = check(root)
    finally:
        secret.chmod(0o644)
    problem = checked.only("RM001", "product/secret.md", 1, col=1)
    assert "denied" in problem["message"].lower()


def test_rm001_dangling_symlink(write_product: WriteProduct, check: Check, tmp_path: Path) -> None:
    """A spec path that cannot be opened (here a broken link) is unreadable, even for root."""
    root = write_product(WORLD)
    (root / "product/gone.md").symlink_to(tmp_path / "nowhere.md")
    checked = check(root)
    checked.only("RM001", "product/gone.md", 1, col=1)


# RM002 malformed-front-matter


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        pytest.param(
            "---\nid: STORY-1\nkind: story\n  title: Indented\nstatus: backlog\n---\n",
            4,
            8,
            "mapping values are not allowed",
            id="bad-indentation",
            marks=pytest.mark.roadmark("STORY-2/AC-3"),  # the third line of front matter
        ),
        pytest.param(
            '---\nid: STORY-1\ntitle: "never closed\nstatus: backlog\n---\n',
            3,
            8,
            "quoted scalar",
            id="unclosed-quote",
        ),
        pytest.param(
            "---\nid: STORY-1\ntags: [a, b\nstatus: backlog\n---\n",
            4,
            7,
            "flow sequence (from line 3)",
            id="unclosed-bracket",
        ),
        pytest.param(
            "---\nid: STORY-1\nkind: story\n", 1, 1, "never closed", id="no-closing-fence"
        ),
        pytest.param("---\n- id: STORY-1\n- kind: story\n---\n", 2, 1, "mapping", id="a-list"),
        pytest.param("---\nid: STORY-1\n\tkind: story\n---\n", 3, 1, "tab", id="tab-indentation"),
        pytest.param(
            "---\nid: STORY-1\nkind: story\nid: STORY-2\n---\n",
            4,
            1,
            "given twice (first on line 2)",
            id="duplicate-key",
        ),
        pytest.param("---\nid: STORY-1\n3: three\n---\n", 3, 1, "field names", id="number-key"),
        pytest.param(
            "---\nid: STORY-1\nestimate: !!int lots\n---\n", 3, 11, "not an integer", id="bad-int"
        ),
        pytest.param(
            "---\nid: STORY-1\nkind: story\ntitle: a\x00b\n---\n",
            4,
            9,
            "#x0000",
            id="nul-character",
        ),
        pytest.param(
            "---\nid: STORY-1\nestimate: " + "9" * 5000 + "\n---\n",
            3,
            11,
            "too large a number",
            id="huge-integer",
        ),
    ],
)
def test_rm002_malformed_yaml(
    write_product: WriteProduct, check: Check, text: str, line: int, col: int, words: str
) -> None:
    """Broken YAML is reported at the line (and column) where it breaks."""
    checked = check(write_product({"product/broken.md": text}))
    problem = checked.only("RM002", "product/broken.md", line, col=col)
    assert words in problem["message"]


@pytest.mark.roadmark("STORY-2/AC-2")
def test_rm002_python_tag_executes_nothing(
    write_product: WriteProduct, check: Check, tmp_path: Path
) -> None:
    """`!!python/object/apply` is a YAML problem at its line, never a call."""
    root = write_product(
        {
            "product/evil.md": md("""
            ---
            id: STORY-9
            kind: story
            title: Innocent
            status: backlog
            owner: !!python/object/apply:os.system ["touch PWNED"]
            ---
        """)
        }
    )
    checked = check(root)
    problem = checked.only("RM002", "product/evil.md", 6, col=8)
    assert "python/object/apply" in problem["message"]
    assert not (root / "PWNED").exists()
    assert not (root / "product/PWNED").exists()


# RM003 missing-field


def test_rm003_missing_required_field(write_product: WriteProduct, check: Check) -> None:
    """A spec without a title is reported at the top of the file."""
    root = write_product(
        {
            "product/s.md": md("""
            ---
            id: STORY-1
            kind: story
            status: backlog
            ---
        """)
        }
    )
    problem = check(root).only("RM003", "product/s.md", 1, col=1)
    assert "'title'" in problem["message"]


@pytest.mark.parametrize(
    "blank", ["", "''", "~", "'   '"], ids=["empty", "quoted-empty", "null", "spaces"]
)
def test_rm003_blank_id_is_missing(write_product: WriteProduct, check: Check, blank: str) -> None:
    """`id:` (or `title:`, `kind:`) with no value is one missing field, not also an invalid one."""
    for name in ("id", "title", "kind"):
        text = "---\nid: STORY-1\nkind: story\ntitle: T\nstatus: backlog\n---\n"
        text = re.sub(rf"(?m)^{name}: .*$", f"{name}: {blank}", text)
        problem = check(write_product({"product/s.md": text})).only("RM003", "product/s.md", 1)
        assert f"'{name}'" in problem["message"]


# RM004 unknown-field


def test_rm004_unknown_field_suggests(write_product: WriteProduct, check: Check) -> None:
    """A misspelt field is reported at its key with a 'did you mean'."""
    root = write_product(
        {
            "product/s.md": md("""
            ---
            id: STORY-1
            kind: story
            title: T
            status: backlog
            estimat: 3
            ---
        """)
        }
    )
    problem = check(root).only("RM004", "product/s.md", 6, col=1)
    assert "did you mean 'estimate'" in problem["message"]


@pytest.mark.roadmark("STORY-5/AC-2")
def test_rm004_misspelt_reference_field(write_product: WriteProduct, check: Check) -> None:
    """`epik:` is reported at the key, suggesting the reference field it was meant to be."""
    story = STORY.replace("epic: EPIC-1", "epik: EPIC-1")
    checked = check(write_product({**WORLD, "product/stories/STORY-1.md": story}))
    problem = checked.only("RM004", "product/stories/STORY-1.md", 6, col=1)
    assert problem["message"].endswith("(did you mean 'epic'?)")


def test_rm004_template_keys_are_not_passed_through(
    write_product: WriteProduct, check: Check
) -> None:
    """`template` and `icon` make Material fail on a missing file, so specs may not set them."""
    front = "id: STORY-1\nkind: story\ntitle: T\nstatus: backlog\nicon: nope/x\n"
    root = write_product({"product/s.md": f"---\n{front}---\n"})
    check(root).only("RM004", "product/s.md", 6, col=1)


def test_rm004_field_of_another_kind(write_product: WriteProduct, check: Check) -> None:
    """A field valid for stories only is unknown on an epic, and the message says why."""
    root = write_product(
        {
            "product/e.md": md("""
            ---
            id: EPIC-1
            kind: epic
            title: T
            status: planned
            estimate: 3
            ---
        """)
        }
    )
    problem = check(root).only("RM004", "product/e.md", 6, col=1)
    assert "does not apply to epic" in problem["message"]


# RM005 wrong-type


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('estimate: "3"', "expected a number"),
        pytest.param(
            "estimate: -1", "at least 0", marks=pytest.mark.roadmark("STORY-5/AC-3"), id="negative"
        ),
        pytest.param(
            "estimate: three",
            "expected a number",
            marks=pytest.mark.roadmark("STORY-5/AC-3"),
            id="word",
        ),
        ("estimate: .nan", "finite"),
        ("estimate: true", "boolean"),
        ("tags: cli", "expected a list"),
        ("priority: P9", "not one of P0"),
        ("type: feature-request", "not one of feature"),
        ("implements: [PRD-1]", "requirement address"),
        ("title: {a: 1}", "expected text"),
        # Keys passed on to MkDocs and Material, whose templates crash on bad values.
        ('search: "x"', "expected a mapping"),
        ("search: {boost: high}", "boost must be a number"),
        ("hide: toc", "expected a list"),
        ("render_macros: yes please", "true or false"),
    ],
)
def test_rm005_wrong_type(write_product: WriteProduct, check: Check, line: str, words: str) -> None:
    """A value of the wrong type is reported at the value."""
    front = "id: STORY-1\nkind: story\ntitle: T\nstatus: backlog\n"
    if line.startswith("title:"):
        text, number = f"---\n{front.replace('title: T', line)}---\n", 4
    else:
        text, number = f"---\n{front}{line}\n---\n", 6
    checked = check(write_product({"product/s.md": text}))
    # The value starts two characters after the colon.
    problem = checked.only("RM005", "product/s.md", number, col=line.index(":") + 3)
    assert words in problem["message"]


def test_rm005_multi_line_title(write_product: WriteProduct, check: Check) -> None:
    """A title must be one line; a folded plain scalar is one line, a literal block is not."""
    root = write_product(
        {
            "product/folded.md": md("""
            ---
            id: STORY-1
            kind: story
            title: A title that an editor
              wrapped onto two lines
            status: backlog
            ---
        """),
            "product/literal.md": md("""
            ---
            id: STORY-2
            kind: story
            title: |
              First line
              Second line
            status: backlog
            ---
        """),
        }
    )
    problem = check(root).only("RM005", "product/literal.md", 4, col=8)
    assert "single line" in problem["message"]


# RM006 unknown-status


def test_rm006_unknown_status(write_product: WriteProduct, check: Check) -> None:
    """A status outside the kind's workflow is reported at the value with the workflow."""
    root = write_product(
        {
            "product/s.md": md("""
            ---
            id: STORY-1
            kind: story
            title: T
            status: in-progres
            ---
        """)
        }
    )
    problem = check(root).only("RM006", "product/s.md", 5, col=9)
    assert "did you mean 'in-progress'" in problem["message"]
    assert "backlog, ready, in-progress, review, done, cancelled" in problem["message"]


def test_rm006_status_of_another_kind(write_product: WriteProduct, check: Check) -> None:
    """`approved` is a PRD state, not a story state."""
    text = "---\nid: STORY-1\nkind: story\ntitle: T\nstatus: approved\n---\n"
    check(write_product({"product/s.md": text})).only("RM006", "product/s.md", 5, col=9)


@pytest.mark.roadmark("STORY-5/AC-4")
def test_rm006_epic_status_lists_the_epic_workflow(
    write_product: WriteProduct, check: Check
) -> None:
    """An epic's unknown status is answered with the epic workflow, not the story one."""
    epic = EPIC.replace("status: planned", "status: doing")
    checked = check(write_product({**WORLD, "product/epics/EPIC-1.md": epic}))
    problem = checked.only("RM006", "product/epics/EPIC-1.md", 5, col=9)
    assert "'doing' is not an epic status" in problem["message"]
    assert problem["message"].endswith("use one of proposed, planned, in-progress, done, cancelled")


# RM007 invalid-date


@pytest.mark.parametrize(
    "value",
    [
        *("2026-02-30", "'2026-02-30'", '"2026-13-01"', "2026-1-5", "31/03/2026", "20260331"),
        pytest.param("2026-13-01", marks=pytest.mark.roadmark("STORY-5/AC-5")),
    ],
)
def test_rm007_invalid_date(write_product: WriteProduct, check: Check, value: str) -> None:
    """Impossible or non-ISO dates, quoted or not, are reported at the value."""
    text = f"---\nid: R1\nkind: release\ntitle: T\nstatus: planned\ndate: {value}\n---\n"
    checked = check(write_product({"product/r.md": text}))
    checked.only("RM007", "product/r.md", 6, col=7)


@pytest.mark.parametrize("value", ["2026-02-28", "'2026-02-28'", '"2026-02-28"'])
def test_valid_dates_quoted_or_not(write_product: WriteProduct, check: Check, value: str) -> None:
    """A valid ISO date is accepted whether YAML sees a date or a string."""
    text = f"---\nid: R1\nkind: release\ntitle: T\nstatus: planned\ndate: {value}\n---\n"
    assert check(write_product({"product/r.md": text})).problems == []


# RM008 duplicate-id


@pytest.mark.roadmark("STORY-6/AC-1")
def test_rm008_duplicate_id_names_both_places(write_product: WriteProduct, check: Check) -> None:
    """Both files declaring an id are reported, each naming the other's path and line."""
    other = md("""
        ---
        # Copied from STORY-1 and not renamed.
        id: STORY-1
        kind: story
        title: Copy
        status: backlog
        ---
    """)
    checked = check(write_product({**WORLD, "product/stories/copy.md": other}))
    assert checked.code == 1
    assert [p["code"] for p in checked.problems] == ["RM008", "RM008"]
    first, second = checked.problems
    assert (first["path"], first["line"], first["col"]) == ("product/stories/STORY-1.md", 2, 5)
    assert (second["path"], second["line"], second["col"]) == ("product/stories/copy.md", 3, 5)
    assert "product/stories/copy.md:3" in first["message"]
    assert "product/stories/STORY-1.md:2" in second["message"]


# RM009 dangling-reference


@pytest.mark.roadmark("STORY-6/AC-2")
def test_rm009_dangling_reference(write_product: WriteProduct, check: Check) -> None:
    """A reference to no item is reported at the value, with a suggestion."""
    story = STORY.replace("epic: EPIC-1", "epic: EPIC-11")
    checked = check(write_product({**WORLD, "product/stories/STORY-1.md": story}))
    problem = checked.only("RM009", "product/stories/STORY-1.md", 6, col=7)
    assert "'EPIC-11'" in problem["message"]
    assert "did you mean 'EPIC-1'" in problem["message"]


def test_rm009_dangling_list_element(write_product: WriteProduct, check: Check) -> None:
    """In a list, the position is the element's own."""
    story = STORY.replace("implements: [PRD-1/R-1]", "depends_on: [STORY-2, STORY-7]")
    story2 = STORY.replace("STORY-1", "STORY-2").replace("ready", "backlog")
    root = write_product(
        {
            **WORLD,
            "product/stories/STORY-1.md": story,
            "product/stories/STORY-2.md": story2,
        }
    )
    check(root).only("RM009", "product/stories/STORY-1.md", 7, col=23)


# RM010 wrong-kind-reference


@pytest.mark.roadmark("STORY-6/AC-3")
def test_rm010_wrong_kind_reference(write_product: WriteProduct, check: Check) -> None:
    """`epic:` naming a story is reported at the value with both kinds."""
    story2 = md("""
        ---
        id: STORY-2
        kind: story
        title: Child of a story
        status: backlog
        epic: STORY-1
        ---
    """)
    checked = check(write_product({**WORLD, "product/stories/STORY-2.md": story2}))
    problem = checked.only("RM010", "product/stories/STORY-2.md", 6, col=7)
    assert "'STORY-1' is a story" in problem["message"]
    assert "an epic" in problem["message"]


# RM011 dependency-cycle


def test_rm011_cycle_is_printed(write_product: WriteProduct, check: Check) -> None:
    """A `depends_on` cycle is reported once, at the link that closes it, with the cycle."""

    def story(number: int, depends: int) -> str:
        return md(f"""
            ---
            id: STORY-{number}
            kind: story
            title: Story {number}
            status: backlog
            depends_on: [STORY-{depends}]
            ---
        """)

    root = write_product(
        {
            "product/s1.md": story(1, 2),
            "product/s2.md": story(2, 3),
            "product/s3.md": story(3, 1),
        }
    )
    problem = check(root).only("RM011", "product/s3.md", 6, col=14)
    assert "STORY-1 → STORY-2 → STORY-3 → STORY-1" in problem["message"]


@pytest.mark.roadmark("STORY-6/AC-4")
def test_rm011_two_stories_depending_on_each_other(
    write_product: WriteProduct, check: Check
) -> None:
    """The smallest cycle of two is reported once, not once per member, and printed whole."""

    def story(number: int, depends: int) -> str:
        return (
            f"---\nid: STORY-{number}\nkind: story\ntitle: T\nstatus: backlog\n"
            f"depends_on: [STORY-{depends}]\n---\n"
        )

    root = write_product({"product/a.md": story(901, 902), "product/b.md": story(902, 901)})
    problem = check(root).only("RM011", "product/b.md", 6, col=14)
    assert problem["message"].endswith(": STORY-901 → STORY-902 → STORY-901")


def test_rm011_self_dependency(write_product: WriteProduct, check: Check) -> None:
    """An item depending on itself is the smallest cycle."""
    text = "---\nid: EPIC-1\nkind: epic\ntitle: T\nstatus: planned\ndepends_on: [EPIC-1]\n---\n"
    problem = check(write_product({"product/e.md": text})).only("RM011", "product/e.md", 6, 14)
    assert "EPIC-1 → EPIC-1" in problem["message"]


def test_rm011_long_chain_without_cycle(write_product: WriteProduct, check: Check) -> None:
    """A dependency chain deeper than Python's recursion limit is no cycle and no crash."""
    files = {
        f"product/s{n}.md": (
            f"---\nid: S-{n}\nkind: story\ntitle: T\nstatus: backlog\n"
            + (f"depends_on: [S-{n + 1}]\n" if n < 1500 else "")
            + "---\n"
        )
        for n in range(1, 1501)
    }
    assert check(write_product(files)).problems == []


# RM012 duplicate-local-id


@pytest.mark.roadmark("STORY-7/AC-1")
def test_rm012_duplicate_requirement(write_product: WriteProduct, check: Check) -> None:
    """A repeated requirement id is reported at the repeat, naming the first line."""
    prd = PRD.replace("- R-2:", "- R-1:")
    checked = check(write_product({**WORLD, "product/prds/PRD-1.md": prd}))
    problem = checked.only("RM012", "product/prds/PRD-1.md", 11, col=3)
    assert "first on line 10" in problem["message"]


def test_rm012_duplicate_criterion(write_product: WriteProduct, check: Check) -> None:
    """The same holds for acceptance criteria, bold ids included."""
    story = STORY + "- **AC-1**: Given again, when again, then again.\n"
    checked = check(write_product({**WORLD, "product/stories/STORY-1.md": story}))
    checked.only("RM012", "product/stories/STORY-1.md", 12, col=5)


# RM013 unknown-requirement


@pytest.mark.roadmark("STORY-7/AC-2")
def test_rm013_unknown_requirement(write_product: WriteProduct, check: Check) -> None:
    """`implements` naming a requirement the PRD lacks lists the PRD's requirements."""
    story = STORY.replace("[PRD-1/R-1]", "[PRD-1/R-1, PRD-1/R-9]")
    checked = check(write_product({**WORLD, "product/stories/STORY-1.md": story}))
    problem = checked.only("RM013", "product/stories/STORY-1.md", 7, col=25)
    assert "'R-9'" in problem["message"]
    assert "R-1, R-2" in problem["message"]


# RM014 story-without-criteria


@pytest.mark.parametrize("status", ["ready", "in-progress", "review", "done"])
def test_rm014_ready_story_without_criteria_warns(
    write_product: WriteProduct, check: Check, status: str
) -> None:
    """A story at ready or later with no criteria is a warning, so the exit status is 0."""
    story = STORY.split("## Acceptance")[0].replace("status: ready", f"status: {status}")
    checked = check(write_product({**WORLD, "product/stories/STORY-1.md": story}))
    checked.only("RM014", "product/stories/STORY-1.md", 5, col=9, severity="warning")
    assert checked.code == 0


@pytest.mark.parametrize("status", ["backlog", "cancelled"])
def test_rm014_not_before_ready(write_product: WriteProduct, check: Check, status: str) -> None:
    """A backlog or cancelled story needs no criteria yet."""
    story = STORY.split("## Acceptance")[0].replace("status: ready", f"status: {status}")
    checked = check(write_product({**WORLD, "product/stories/STORY-1.md": story}))
    assert checked.problems == []


# RM015 release-dates-inverted


@pytest.mark.roadmark("STORY-7/AC-4")
def test_rm015_release_starts_after_its_date(write_product: WriteProduct, check: Check) -> None:
    """A release whose start is after its date is reported at `start`."""
    release = RELEASE.replace("start: 2026-01-05", "start: 2026-04-01")
    checked = check(write_product({**WORLD, "product/releases/R1.md": release}))
    problem = checked.only("RM015", "product/releases/R1.md", 6, col=8)
    assert "2026-04-01" in problem["message"]
    assert "2026-03-31" in problem["message"]


# RM016 unknown-kind


def test_rm016_unknown_kind(write_product: WriteProduct, check: Check) -> None:
    """An unconfigured kind is reported at the value with a suggestion."""
    text = "---\nid: STORY-1\nkind: storie\ntitle: T\nstatus: backlog\n---\n"
    problem = check(write_product({"product/s.md": text})).only("RM016", "product/s.md", 3, 7)
    assert "did you mean 'story'" in problem["message"]


# RM017 invalid-id


@pytest.mark.parametrize(
    ("front", "line", "col"),
    [
        ("id: 12\nkind: story\ntitle: T\nstatus: backlog", 2, 5),
        ("id: STORY 1\nkind: story\ntitle: T\nstatus: backlog", 2, 5),
        ("id: 1-STORY\nkind: story\ntitle: T\nstatus: backlog", 2, 5),
        ("id: STORY-2\nkind: story\ntitle: T\nstatus: backlog\nepic: EPIC 1", 6, 7),
    ],
    ids=["number", "space", "leading-digit", "reference"],
)
def test_rm017_invalid_id(
    write_product: WriteProduct, check: Check, front: str, line: int, col: int
) -> None:
    """Ids (and ids in references) must match the id pattern."""
    checked = check(write_product({"product/s.md": f"---\n{front}\n---\n"}))
    checked.only("RM017", "product/s.md", line, col=col)


# RM018 unnumbered-clause


def test_rm018_unnumbered_clause_warns(write_product: WriteProduct, check: Check) -> None:
    """A criterion without an id is a warning at the item; the numbered ones still count."""
    story = STORY + "- Given no id, when checked, then warned.\n- AC-2: Still parsed.\n"
    root = write_product({**WORLD, "product/stories/STORY-1.md": story})
    checked = check(root)
    problem = checked.only("RM018", "product/stories/STORY-1.md", 12, col=3, severity="warning")
    assert "AC-1" in problem["message"]
    assert checked.code == 0
    (item,) = load_product(root, Settings()).graph.of_kind("story")
    assert [c.local_id for c in item.criteria] == ["AC-1", "AC-2"]


# RM024 placeholder-clause (more in test_hostile_values.py)


@pytest.mark.roadmark("STORY-64/AC-1")
def test_rm024_placeholder_clause_warns(write_product: WriteProduct, check: Check) -> None:
    """A criterion still reading as the template is a warning at the criterion."""
    story = STORY + "- AC-2: Given …, when …, then …\n"
    checked = check(write_product({**WORLD, "product/stories/STORY-1.md": story}))
    problem = checked.only("RM024", "product/stories/STORY-1.md", 12, col=3, severity="warning")
    assert "criterion AC-2 is still template text" in problem["message"]
    assert checked.code == 0


# Configuration: severities, extra kinds, fields and statuses, errors.


@pytest.mark.parametrize(
    "rules",
    [
        {"RM014": "error", "RM004": "off"},
        {"story-without-criteria": "error", "unknown-field": "off"},
        {"RM014": "error", "unknown-field": False},  # YAML reads a bare `off` as false
    ],
    ids=["codes", "names", "bare-off"],
)
def test_severity_overrides(
    write_product: WriteProduct, check: Check, rules: dict[str, Any]
) -> None:
    """Rules are re-graded or silenced from mkdocs.yml, by code or by name."""
    story = STORY.split("## Acceptance")[0].replace("status: ready", "status: ready\nflavour: x")
    root = write_product(
        {**WORLD, "product/stories/STORY-1.md": story},
        mkdocs={"site_name": "T", "plugins": [{"roadmark": {"rules": rules}}]},
    )
    checked = check(root)
    checked.only("RM014", "product/stories/STORY-1.md", 5, col=9, severity="error")
    assert checked.code == 1


def test_bare_off_in_yaml(write_product: WriteProduct, check: Check) -> None:
    """`RM004: off` written unquoted in mkdocs.yml silences the rule."""
    text = "---\nid: STORY-1\nkind: story\ntitle: T\nstatus: backlog\nflavour: x\n---\n"
    mkdocs = "site_name: T\nplugins:\n  - search\n  - roadmark:\n      rules:\n        RM004: off\n"
    assert check(write_product({"product/s.md": text}, mkdocs=mkdocs)).problems == []


@pytest.mark.roadmark("STORY-4/AC-3")
def test_a_rule_set_off_is_not_reported(write_product: WriteProduct, check: Check) -> None:
    """With RM014 off, a ready story without criteria passes without a warning."""
    story = STORY.split("## Acceptance")[0]
    files = {**WORLD, "product/stories/STORY-1.md": story}
    assert [p["code"] for p in check(write_product(files)).problems] == ["RM014"]
    mkdocs = "site_name: T\nplugins:\n  - roadmark:\n      rules:\n        RM014: off\n"
    assert check(write_product(files, mkdocs=mkdocs)).problems == []


@pytest.mark.roadmark("STORY-4/AC-2")
def test_a_configured_number_field_is_type_checked(
    write_product: WriteProduct, check: Check
) -> None:
    """An extra story field of type number accepts a number and reports a word at its line."""
    options = {"fields": {"effort": {"type": "number", "kinds": ["story"]}}}
    mkdocs = {"site_name": "T", "plugins": [{"roadmark": options}]}
    story = STORY.replace("status: ready", "status: ready\neffort: 3")
    root = write_product({**WORLD, "product/stories/STORY-1.md": story}, mkdocs=mkdocs)
    assert check(root).problems == []
    story = STORY.replace("status: ready", "status: ready\neffort: high")
    root = write_product({"product/stories/STORY-1.md": story}, root=root)
    problem = check(root).only("RM005", "product/stories/STORY-1.md", 6, col=9)
    assert problem["message"] == "effort: expected a number, got 'high'"


@pytest.mark.roadmark("STORY-4/AC-1")
def test_configured_kinds_fields_and_statuses(write_product: WriteProduct, check: Check) -> None:
    """Extra kinds, typed fields and workflow states from mkdocs.yml are checked like built-ins."""
    options = {
        "kinds": {
            "okr": {"statuses": ["draft", "committed", "achieved"], "closed": ["dropped"]},
            "story": {"statuses": ["backlog", "ready", "doing", "done"]},
        },
        "fields": {
            "quarter": {"type": "enum", "values": ["Q1", "Q2", "Q3", "Q4"], "kinds": ["okr"]},
            "confidence": {"type": "number", "kinds": ["okr"]},
            "review_on": {"type": "date"},
            "okr": {"type": "reference", "kind": "okr", "kinds": ["epic"]},
            "labels": {"type": "list", "items": "string"},
        },
    }
    okr = md("""
        ---
        id: OKR-1
        kind: okr
        title: Ship specs as code
        status: committed
        quarter: Q3
        confidence: 0.7
        review_on: 2026-09-01
        labels: [a, b]
        ---
    """)
    epic = EPIC.replace("prd: PRD-1", "prd: PRD-1\nokr: OKR-1")
    story = STORY.replace("status: ready", "status: doing")
    root = write_product(
        {
            **WORLD,
            "product/okrs/OKR-1.md": okr,
            "product/epics/EPIC-1.md": epic,
            "product/stories/STORY-1.md": story,
        },
        mkdocs={"site_name": "T", "plugins": ["search", {"roadmark": options}]},
    )
    assert check(root).problems == []

    bad = {
        "product/okrs/OKR-1.md": okr.replace("Q3", "Q5").replace("committed", "in-progress"),
        "product/epics/EPIC-1.md": epic.replace("okr: OKR-1", "okr: PRD-1"),
    }
    checked = check(write_product(bad, root=root))
    assert [(p["path"], p["line"], p["code"]) for p in checked.problems] == [
        ("product/epics/EPIC-1.md", 7, "RM010"),
        ("product/okrs/OKR-1.md", 5, "RM006"),
        ("product/okrs/OKR-1.md", 6, "RM005"),
    ]


@pytest.mark.parametrize(
    ("mkdocs", "words"),
    [
        ("plugins:\n  - roadmark:\n      rules: {RM099: error}\n", "RM099"),
        ("plugins:\n  - roadmark:\n      rules: {RM004: loud}\n", "loud"),
        ("plugins:\n  - roadmark:\n      kinds: {bug: {statuses: open}}\n", "kinds.bug"),
        ("plugins:\n  - roadmark:\n      fields: {x: {type: colour}}\n", "colour"),
        (
            "plugins:\n  - roadmark:\n      fields: {x: {type: reference, kind: [story]}}\n",
            "fields.x.kind",
        ),
        ("plugins:\n  - roadmark:\n      fields: {title: {type: number}}\n", "built-in"),
        ("plugins:\n  - roadmark:\n      product_dir: missing\n", "missing"),
        ("plugins:\n  - roadmark: [1, 2]\n", "mapping"),
        ("plugins: [roadmark\n", "invalid YAML"),
        pytest.param(
            "plugins:\n  - roadmark:\n      risk_treshold: 0.5\n",
            "unknown option 'risk_treshold' of the 'roadmark' plugin "
            "(did you mean 'risk_threshold'?)",
            marks=pytest.mark.roadmark("STORY-4/AC-4"),
            id="unknown-option",
        ),
    ],
)
def test_configuration_error_exits_2(
    write_product: WriteProduct, run_main: RunCli, mkdocs: str, words: str
) -> None:
    """An invalid configuration is a usage error: exit 2, one message, no traceback."""
    root = write_product(WORLD, mkdocs="site_name: T\n" + mkdocs)
    code, out, err = run_main("check", cwd=root)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("roadmark: error:")
    assert words in err


# What users actually feed: each input reports what is wrong, where, and nothing else.


def _problems(root: Path) -> list[tuple[str, int, int, str]]:
    product = load_product(root, Settings())
    return [(p.code, p.line, p.col, p.severity.value) for p in product.problems]


GOOD = "---\nid: STORY-1\nkind: story\ntitle: T\nstatus: backlog\n---\nBody.\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(GOOD.replace("\n", "\r\n"), [], id="crlf"),
        pytest.param(
            GOOD.replace("\n", "\r\n").replace("backlog", "blocked"),
            [("RM006", 5, 9, "error")],
            id="crlf-positions",
            marks=pytest.mark.roadmark("STORY-55/AC-1"),
        ),
        pytest.param(
            GOOD.replace("title: T", "title: T\nflavour: x\nestimate: x").replace("\n", "\r\n"),
            [("RM004", 5, 1, "error"), ("RM005", 6, 11, "error")],
            id="crlf-unknown-field",
            marks=pytest.mark.roadmark("STORY-55/AC-1"),
        ),
        pytest.param("\ufeff" + GOOD, [], id="bom", marks=pytest.mark.roadmark("STORY-55/AC-2")),
        pytest.param(
            "\ufeff" + GOOD.replace("backlog", "blocked"),
            [("RM006", 5, 9, "error")],
            id="bom-pos",
            marks=pytest.mark.roadmark("STORY-55/AC-2"),
        ),
        pytest.param(
            "---\nid: STORY-1\rkind: story\ntitle: T\nstatus: blocked\n---\n",
            [("RM006", 4, 9, "error")],
            id="lone-cr-counts-no-line",
        ),
        pytest.param(
            "---\nid: STORY-1\u2028kind: story\ntitle: T\nstatus: blocked\n---\n",
            [("RM006", 4, 9, "error")],
            id="line-separator-counts-no-line",
        ),
        pytest.param("", [], id="empty-file"),
        pytest.param("---\n---\n", [], id="empty-front-matter"),
        pytest.param("# Just a page\n\nNo front matter.\n", [], id="plain-page"),
        pytest.param("---\ntitle: A page\n---\n# Page\n", [], id="page-front-matter"),
        pytest.param("---\n", [("RM002", 1, 1, "error")], id="lone-fence"),
        pytest.param(GOOD.replace("title: T", "title: 2026"), [], id="numeric-title"),
        pytest.param(
            GOOD.replace("title: T", "title: Wrapped\n  over two lines"), [], id="folded-title"
        ),
        pytest.param(GOOD.replace("Body.", "---\nMore.\n---"), [], id="rules-in-body"),
        pytest.param(
            GOOD.replace("status: backlog", "status: backlog\nestimate: 1.0e+5000"),
            [("RM005", 6, 11, "error")],
            id="infinite-estimate",
        ),
        pytest.param(
            GOOD.replace("status: backlog", "status: backlog\nestimate: 0x" + "f" * 5000),
            [("RM005", 6, 11, "error")],
            id="huge-hex-estimate",
        ),
        pytest.param(
            GOOD.replace("title: T", "title: !!binary aGVsbG8="),
            [("RM005", 4, 8, "error")],
            id="binary-title",
        ),
        pytest.param(
            GOOD.replace("status: backlog", "status: backlog\ntags: !!set {a, b}"),
            [("RM005", 6, 7, "error")],
            id="set-tags",
        ),
        pytest.param(
            GOOD.replace("title: T", "title: !!bool maybe"),
            [("RM002", 4, 8, "error")],
            id="bad-bool-tag",
        ),
        pytest.param(
            GOOD.replace("kind: story", "kind: [story]"),
            [("RM005", 3, 7, "error")],
            id="kind-list",
        ),
        pytest.param(
            "---\nbase: &b {kind: story, status: backlog}\n<<: *b\nid: STORY-1\ntitle: T\n---\n",
            [("RM004", 2, 1, "error")],
            id="merge-key",
        ),
        pytest.param(
            "---\nid: STORY-1\nkind: story\ntitle: T\nstatus: backlog\ndepends_on: STORY-2\n---\n",
            [("RM005", 6, 13, "error")],
            id="depends-on-not-a-list",
        ),
        pytest.param(
            "---\nid: PRD-1\nkind: prd\ntitle: T\nstatus: draft\n"
            "metrics: [{name: x, goal: 3}]\n---\n",
            [("RM005", 6, 10, "error")],
            id="metric-unknown-key",
        ),
    ],
)
def test_user_input(write_product: WriteProduct, content: str, expected: list[Any]) -> None:
    """Odd but plausible files: the right problems at the right place, or none."""
    root = write_product({"product/s.md": content})
    assert _problems(root) == expected
