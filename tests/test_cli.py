"""The `roadmark` command line, driven through the installed console script."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from roadmark.spec.ids import ID_PATTERN
from roadmark.spec.problems import RULES
from roadmark.spec.settings import DEFAULT_KINDS
from sites import LINE, SPEC_RULES, md

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

REPO = Path(__file__).resolve().parents[1]
JSON_KEYS = {"path", "line", "col", "severity", "code", "rule", "message"}


def spec(id_: str, status: str = "backlog", extra: str = "", kind: str = "story") -> str:
    """A minimal spec file; `extra` adds front matter lines."""
    return f"---\nid: {id_}\nkind: {kind}\ntitle: T\nstatus: {status}\n{extra}---\n"


MKDOCS = "site_name: Test\nplugins:\n  - search\n  - roadmark\n"
CLEAN = {
    "product/releases/R1.md": md("""
        ---
        id: R1
        kind: release
        title: First
        status: planned
        date: 2026-03-31
        ---
    """),
    "product/stories/STORY-1.md": md("""
        ---
        id: STORY-1
        kind: story
        title: Check
        status: backlog
        release: R1
        ---
    """),
}
WARNING_ONLY = {
    **CLEAN,
    "product/stories/STORY-2.md": md("""
        ---
        id: STORY-2
        kind: story
        title: Ready without criteria
        status: ready
        ---
    """),
}
ERRORS = {
    **WARNING_ONLY,
    "product/stories/STORY-3.md": md("""
        ---
        id: STORY-3
        kind: story
        title: Broken
        status: started
        epic: EPIC-404
        ---
    """),
    "product/b/first.md": spec("STORY-4", extra="titel: x\n"),
    "product/a.md": "---\nid: 12\nkind: story\ntitle: T\nstatus: backlog\n---\n",
}


# Every rule at once, so one run of the real script shows they all surface without a traceback.
ALL_RULES = {
    **CLEAN,
    "product/rm001.md": b"---\nid: X-1\ntitle: caf\xe9\n---\n",
    "product/rm002.md": spec(
        "X-2", extra='owner: !!python/object/apply:os.system ["touch PWNED"]\n'
    ),
    "product/rm003.md": "---\nid: X-3\nkind: story\nstatus: backlog\n---\n",
    "product/rm004.md": spec("X-4", extra="titel: x\n"),
    "product/rm005.md": spec("X-5", extra="estimate: -1\n"),
    "product/rm006.md": spec("X-6", status="started"),
    "product/rm007.md": spec("X-7", "planned", "date: 2026-02-30\n", kind="release"),
    "product/rm008a.md": spec("X-8"),
    "product/rm008b.md": spec("X-8"),
    "product/rm009.md": spec("X-9", extra="epic: EPIC-9\n"),
    "product/rm010.md": spec("X-10", extra="epic: R1\n"),
    "product/rm011a.md": spec("Y-1", extra="depends_on: [Y-2]\n"),
    "product/rm011b.md": spec("Y-2", extra="depends_on: [Y-1]\n"),
    "product/rm012.md": md("""
        ---
        id: P-1
        kind: prd
        title: T
        status: draft
        ---
        ## Requirements
        - R-1: One.
        - R-1: Again.
    """),
    "product/rm013.md": spec("X-13", extra="implements: [P-1/R-7]\n"),
    "product/rm014.md": spec("X-14", status="done"),
    "product/rm015.md": md("""
        ---
        id: X-15
        kind: release
        title: T
        status: planned
        start: 2026-05-01
        date: 2026-04-01
        ---
    """),
    "product/rm016.md": spec("X-16", kind="storey"),
    "product/rm017.md": spec("X 17"),
    "product/rm018.md": md("""
        ---
        id: X-18
        kind: story
        title: T
        status: backlog
        ---
        ## Acceptance criteria
        - Given no id, when checked, then warned.
    """),
    "product/rm024.md": md("""
        ---
        id: P-24
        kind: prd
        title: T
        status: review
        ---
        ## Requirements
        - R-1: The system shall …
    """),
}


def parse_text(out: str) -> list[dict[str, Any]]:
    """Problems from text output; fails on any line not in the documented form."""
    problems = []
    for line in out.splitlines():
        match = LINE.match(line)
        assert match, f"not a problem line: {line!r}"
        problems.append({**match.groupdict(), "line": int(match["line"]), "col": int(match["col"])})
    return problems


def assert_sorted(problems: list[dict[str, Any]]) -> None:
    """Problems come sorted by path, then line."""
    keys = [(p["path"], p["line"]) for p in problems]
    assert keys == sorted(keys)


# Exit status and the text format


def test_clean_exits_0(write_product: WriteProduct, run_cli: RunCli) -> None:
    """A clean product prints nothing on stdout, a summary on stderr, and exits 0."""
    root = write_product(CLEAN, mkdocs=MKDOCS)
    code, out, err = run_cli("check", cwd=root)
    assert (code, out) == (0, "")
    assert "checked 2 items: 0 errors, 0 warnings" in err


@pytest.mark.roadmark("STORY-7/AC-3", "STORY-8/AC-5")
def test_warnings_only_exit_0(write_product: WriteProduct, run_cli: RunCli) -> None:
    """Warnings are printed but do not fail the check."""
    root = write_product(WARNING_ONLY, mkdocs=MKDOCS)
    code, out, _ = run_cli("check", cwd=root)
    assert code == 0
    assert [(p["code"], p["severity"]) for p in parse_text(out)] == [("RM014", "warning")]


@pytest.mark.roadmark("STORY-8/AC-1", "STORY-6/AC-2")
def test_errors_exit_1_sorted_text(write_product: WriteProduct, run_cli: RunCli) -> None:
    """Errors exit 1; every line is `path:line:col: severity CODE: message`, sorted."""
    root = write_product(ERRORS, mkdocs=MKDOCS)
    result = run_cli("check", cwd=root)
    assert result.code == 1
    assert "Traceback" not in result.output
    problems = parse_text(result.out)
    assert_sorted(problems)
    assert [(p["path"], p["line"], p["col"], p["code"]) for p in problems] == [
        ("product/a.md", 2, 5, "RM017"),
        ("product/b/first.md", 6, 1, "RM004"),
        ("product/stories/STORY-2.md", 5, 9, "RM014"),
        ("product/stories/STORY-3.md", 5, 9, "RM006"),
        ("product/stories/STORY-3.md", 6, 7, "RM009"),
    ]
    assert "4 errors, 1 warning" in result.err


@pytest.mark.roadmark("STORY-5/AC-1")
def test_a_missing_title_is_one_located_error_line(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    """A story without `title` prints one `path:line:col: error RM003:` line and exits 1."""
    files = {**CLEAN, "product/stories/STORY-1.md": spec("STORY-1").replace("title: T\n", "")}
    code, out, _ = run_cli("check", cwd=write_product(files, mkdocs=MKDOCS))
    assert code == 1
    assert out.startswith("product/stories/STORY-1.md:1:1: error RM003: ")
    (problem,) = parse_text(out)
    assert "'title'" in problem["message"]


@pytest.mark.roadmark("STORY-2/AC-4")
def test_every_rule_through_the_console_script(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    """Every spec rule fires in one run, located and sorted, with no traceback."""
    root = write_product(ALL_RULES, mkdocs=MKDOCS)
    result = run_cli("check", cwd=root)
    assert result.code == 1
    assert "Traceback" not in result.output
    problems = parse_text(result.out)
    assert_sorted(problems)
    assert {p["code"] for p in problems} == set(SPEC_RULES)
    for problem in problems:
        # Each fixture file is named after the rule it breaks.
        name = Path(problem["path"]).stem
        if name.startswith("rm"):
            assert name[2:5] == problem["code"][2:], problem
        assert problem["severity"] == str(RULES[problem["code"]].severity)
    assert not (root / "PWNED").exists()


# Other formats


@pytest.mark.roadmark("STORY-8/AC-2")
def test_json_format(write_product: WriteProduct, run_cli: RunCli) -> None:
    """`--format json` is one JSON list of objects with the documented keys, same order."""
    root = write_product(ERRORS, mkdocs=MKDOCS)
    code, out, err = run_cli("check", "--format", "json", cwd=root)
    assert code == 1
    problems = json.loads(out)
    assert isinstance(problems, list)
    assert all(set(problem) == JSON_KEYS for problem in problems)
    assert all(problem["rule"] == RULES[problem["code"]].name for problem in problems)
    assert_sorted(problems)
    text = parse_text(run_cli("check", cwd=root).out)
    assert [(p["path"], p["line"], p["col"], p["code"], p["message"]) for p in problems] == [
        (p["path"], p["line"], p["col"], p["code"], p["message"]) for p in text
    ]
    assert err == ""  # nothing but JSON anywhere, so it can be piped


def test_json_format_clean(write_product: WriteProduct, run_cli: RunCli) -> None:
    """A clean product is an empty JSON list."""
    root = write_product(CLEAN, mkdocs=MKDOCS)
    code, out, _ = run_cli("check", "--format", "json", cwd=root)
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.roadmark("STORY-8/AC-3")
def test_github_format(write_product: WriteProduct, run_cli: RunCli) -> None:
    """`--format github` emits one workflow command per problem, properties escaped."""
    files = {
        **WARNING_ONLY,
        "product/odd, name.md": "---\nid: STORY-9\nkind: story\ntitle: T\nstatus: nope\n---\n",
    }
    root = write_product(files, mkdocs=MKDOCS)
    code, out, _ = run_cli("check", "--format", "github", cwd=root)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(
        "::error file=product/odd%2C name.md,line=5,col=9,title=RM006 unknown-status::"
    )
    assert "'nope' is not a story status" in lines[0]
    assert lines[1].startswith(
        "::warning file=product/stories/STORY-2.md,line=5,col=9,"
        "title=RM014 story-without-criteria::"
    )
    command = re.compile(r"^::(error|warning) file=[^,:]+,line=\d+,col=\d+,title=[^,:]+::\S.*$")
    assert all(command.match(line) for line in lines), lines


# Where the project is, and its configuration


def test_config_option(write_product: WriteProduct, run_cli: RunCli, tmp_path: Path) -> None:
    """`--config FILE` reads the options from that file instead of the nearest mkdocs.yml."""
    root = write_product(WARNING_ONLY, mkdocs=MKDOCS)
    strict = "site_name: Strict\nplugins:\n  - roadmark:\n      rules: {RM014: error}\n"
    (root / "strict.yml").write_text(strict, encoding="utf-8")
    assert run_cli("check", cwd=root).code == 0
    code, out, _ = run_cli("check", "--config", "strict.yml", cwd=root)
    assert code == 1
    assert "error RM014" in out
    assert run_cli("check", "-f", root / "strict.yml", cwd=tmp_path.parent).code == 1


def test_config_elsewhere_names_the_product_folder(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    """A config in a subfolder finds the product through `product_dir`, relative to itself."""
    root = write_product(ERRORS)
    site = "site_name: T\nplugins:\n  - roadmark:\n      product_dir: ../product\n"
    (root / "site").mkdir()
    (root / "site" / "mkdocs.yml").write_text(site, encoding="utf-8")
    code, out, _ = run_cli("check", "--config", "site/mkdocs.yml", cwd=root)
    assert code == 1
    assert parse_text(out)[0]["path"] == "product/a.md"


def test_path_is_a_project_folder(
    write_product: WriteProduct, run_cli: RunCli, tmp_path: Path
) -> None:
    """PATH with a mkdocs.yml is the project; paths are shown relative to where we are."""
    root = write_product(ERRORS, mkdocs=MKDOCS, root=tmp_path / "project")
    code, out, _ = run_cli("check", "project", cwd=tmp_path)
    assert code == 1
    assert parse_text(out)[0]["path"] == "project/product/a.md"
    code, out, _ = run_cli("check", cwd=root / "product" / "stories")
    assert code == 1
    assert parse_text(out)[0]["path"] == "../a.md"


def test_path_is_a_bare_product_folder(
    write_product: WriteProduct, run_cli: RunCli, tmp_path: Path
) -> None:
    """PATH without a mkdocs.yml is the product folder itself, checked with the defaults."""
    write_product({path.replace("product/", "specs/", 1): text for path, text in ERRORS.items()})
    code, out, _ = run_cli("check", "specs", cwd=tmp_path)
    assert code == 1
    paths = [p["path"] for p in parse_text(out)]
    assert paths[:2] == ["specs/a.md", "specs/b/first.md"]
    code, out, _ = run_cli("check", ".", cwd=tmp_path / "specs")
    assert code == 1
    assert parse_text(out)[0]["path"] == "a.md"


def test_crlf_bom_and_empty_files(write_product: WriteProduct, run_cli: RunCli) -> None:
    """Windows line endings, a BOM and empty files check like any other file."""
    story = CLEAN["product/stories/STORY-1.md"]
    files = {
        **CLEAN,
        "product/stories/STORY-1.md": "\ufeff"
        + story.replace("\n", "\r\n").replace("backlog", "x"),
        "product/empty.md": "",
    }
    root = write_product(files, mkdocs=MKDOCS)
    code, out, _ = run_cli("check", cwd=root)
    assert code == 1
    assert [(p["path"], p["line"], p["col"], p["code"]) for p in parse_text(out)] == [
        ("product/stories/STORY-1.md", 5, 9, "RM006")
    ]


def test_repository_product_is_clean(run_cli: RunCli) -> None:
    """Roadmark's own specs pass its own check, in text and JSON."""
    code, out, err = run_cli("check", cwd=REPO)
    assert code == 0, out + err
    code, out, _ = run_cli("check", "--format", "json", cwd=REPO)
    assert code == 0
    assert all(problem["severity"] == "warning" for problem in json.loads(out))


# Usage and configuration errors


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("check", "--format", "yaml"), marks=pytest.mark.roadmark("STORY-8/AC-4")),
        ("check", "--format", "xml"),
        ("check", "--frobnicate"),
        ("check", "a", "b"),
        ("frobnicate",),
        (),
    ],
    ids=[
        "yaml-format",
        "bad-format",
        "unknown-option",
        "two-paths",
        "unknown-command",
        "no-command",
    ],
)
def test_bad_usage_exits_2(
    write_product: WriteProduct, run_cli: RunCli, args: tuple[str, ...]
) -> None:
    """argparse rejects bad usage with exit 2 and a usage line."""
    root = write_product(CLEAN, mkdocs=MKDOCS)
    code, out, err = run_cli(*args, cwd=root)
    assert code == 2
    assert out == ""
    assert "usage: roadmark" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("check", "missing-folder"), "missing-folder: no such folder"),
        pytest.param(
            ("check", "--config", "missing.yml"),
            "missing.yml: no such config file",
            marks=pytest.mark.roadmark("STORY-8/AC-4"),
        ),
        (("check", "product/stories/STORY-1.md"), "product/stories/STORY-1.md: no such folder"),
    ],
)
def test_missing_paths_exit_2(
    write_product: WriteProduct, run_cli: RunCli, args: tuple[str, ...], words: str
) -> None:
    """A PATH or config that does not exist is a usage error, not a crash."""
    root = write_product(CLEAN, mkdocs=MKDOCS)
    code, out, err = run_cli(*args, cwd=root)
    assert (code, out) == (2, "")
    assert err == f"roadmark: error: {words}\n"


def test_no_product_folder_exits_2(write_product: WriteProduct, run_cli: RunCli) -> None:
    """A project without its product folder says which folder it looked for."""
    root = write_product({"docs/index.md": "# Home\n"}, mkdocs=MKDOCS)
    code, out, err = run_cli("check", cwd=root)
    assert (code, out) == (2, "")
    assert "product folder 'product' not found" in err


def test_broken_config_exits_2(write_product: WriteProduct, run_cli: RunCli) -> None:
    """An unreadable or invalid mkdocs.yml is a configuration error."""
    root = write_product(CLEAN, mkdocs="plugins:\n  - roadmark:\n      rules: {RM004: loud}\n")
    code, _, err = run_cli("check", cwd=root)
    assert code == 2
    assert "rules.RM004: 'loud' is not error, warning or off" in err
    (root / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\n")
    code, _, err = run_cli("check", cwd=root)
    assert code == 2
    assert "Traceback" not in err


def test_mkdocs_tags_are_tolerated(write_product: WriteProduct, run_cli: RunCli) -> None:
    """The MkDocs-only tags in a real mkdocs.yml (!ENV, !!python/name) do not stop the CLI."""
    mkdocs = md("""
        site_name: !ENV [SITE_NAME, Test]
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
        plugins:
          - roadmark:
              rules:
                story-without-criteria: error
    """)
    root = write_product(WARNING_ONLY, mkdocs=mkdocs)
    code, out, _ = run_cli("check", cwd=root)
    assert code == 1
    assert "error RM014" in out


# Help

SUBCOMMANDS = ("check", "schema", "export", "diff", "new", "init")


def test_the_subcommands_are_the_documented_ones() -> None:
    """The help test below lists every subcommand the parser registers."""
    from roadmark.cli import COMMANDS

    assert tuple(COMMANDS) == SUBCOMMANDS


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(
            ("--help",),
            ["usage: roadmark", *(f"\n    {name} " for name in SUBCOMMANDS)],
            marks=pytest.mark.roadmark("STORY-1/AC-3"),
            id="help",
        ),
        (("check", "--help"), ["usage: roadmark check", "--format", "--config", "Exit status"]),
        (("schema", "--help"), ["usage: roadmark schema", "--output"]),
    ],
)
def test_help(run_cli: RunCli, args: tuple[str, ...], words: list[str]) -> None:
    """Every command explains itself and exits 0."""
    code, out, err = run_cli(*args)
    assert (code, err) == (0, "")
    for word in words:
        assert word in out


def test_version(run_cli: RunCli) -> None:
    """`--version` names the program."""
    code, out, _ = run_cli("--version")
    assert code == 0
    assert out.startswith("roadmark ")


# roadmark schema

DRAFT7_TYPES = {"array", "boolean", "integer", "null", "number", "object", "string"}
SUBSCHEMA_KEYS = {"items", "if", "then", "else", "not", "propertyNames", "additionalItems"}
SCHEMA_LIST_KEYS = {"allOf", "anyOf", "oneOf"}
SCHEMA_MAP_KEYS = {"properties", "patternProperties", "definitions"}
OTHER_KEYS = {
    "$schema": str,
    "$id": str,
    "title": str,
    "description": str,
    "format": str,
    "pattern": str,
    "required": list,
    "enum": list,
    "minimum": (int, float),
    "maximum": (int, float),
    "minItems": int,
    "uniqueItems": bool,
    "additionalProperties": (bool, dict),
    "default": object,
    "const": object,
    "type": (str, list),
}


def assert_draft7(schema: Any, where: str = "#") -> None:
    """Assert `schema` is structurally a draft-7 schema: known keywords of the right shapes."""
    assert isinstance(schema, dict | bool), where
    if isinstance(schema, bool):
        return
    for key, value in schema.items():
        at = f"{where}/{key}"
        if key in SUBSCHEMA_KEYS:
            assert_draft7(value, at)
        elif key in SCHEMA_LIST_KEYS:
            assert isinstance(value, list) and value, at
            for index, sub in enumerate(value):
                assert_draft7(sub, f"{at}/{index}")
        elif key in SCHEMA_MAP_KEYS:
            assert isinstance(value, dict), at
            for name, sub in value.items():
                assert_draft7(sub, f"{at}/{name}")
        else:
            assert key in OTHER_KEYS, f"unknown keyword {at}"
            assert isinstance(value, OTHER_KEYS[key]), at
            if key == "type":
                types = [value] if isinstance(value, str) else value
                assert types and set(types) <= DRAFT7_TYPES, at
            elif key == "pattern":
                re.compile(value)
            elif key in ("required", "enum"):
                assert value, at
                assert len({json.dumps(v) for v in value}) == len(value), f"{at} repeats"


def schema_of(run_cli: RunCli, cwd: Path) -> dict[str, Any]:
    """Run `roadmark schema` in `cwd` and parse its output."""
    code, out, err = run_cli("schema", cwd=cwd)
    assert (code, err) == (0, "")
    return json.loads(out)


def test_schema_is_draft7(write_product: WriteProduct, run_cli: RunCli) -> None:
    """The default schema is well-formed draft 7 and names every field and kind."""
    root = write_product(CLEAN, mkdocs=MKDOCS)
    schema = schema_of(run_cli, root)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert_draft7(schema)
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"id", "kind", "title", "status"}
    assert schema["properties"]["kind"]["enum"] == list(DEFAULT_KINDS)
    assert schema["properties"]["id"]["pattern"] == ID_PATTERN.pattern
    assert schema["properties"]["estimate"]["minimum"] == 0


@pytest.mark.roadmark("STORY-10/AC-2")
def test_schema_status_enums_match_settings(write_product: WriteProduct, run_cli: RunCli) -> None:
    """Each kind's branch allows exactly its configured workflow, extra kinds included."""
    mkdocs = md("""
        site_name: T
        plugins:
          - roadmark:
              kinds:
                okr: {statuses: [draft, committed, achieved], closed: [dropped]}
                story: {statuses: [todo, doing, done], criteria_from: doing}
              fields:
                quarter: {type: enum, values: [Q1, Q2, Q3, Q4], kinds: [okr]}
    """)
    root = write_product(CLEAN, mkdocs=mkdocs)
    schema = schema_of(run_cli, root)
    assert_draft7(schema)
    expected = {
        **{name: list(kind.all_statuses) for name, kind in DEFAULT_KINDS.items()},
        "okr": ["draft", "committed", "achieved", "dropped"],
        "story": ["todo", "doing", "done", "cancelled"],
    }
    branches = {
        branch["if"]["properties"]["kind"]["const"]: branch["then"] for branch in schema["allOf"]
    }
    assert {kind: then["properties"]["status"]["enum"] for kind, then in branches.items()} == (
        expected
    )
    assert "quarter" in branches["okr"]["propertyNames"]["enum"]
    assert "quarter" not in branches["story"]["propertyNames"]["enum"]
    assert schema["properties"]["quarter"]["enum"] == ["Q1", "Q2", "Q3", "Q4"]


def validator_for(schema: dict[str, Any]) -> Any:
    """A draft-7 validator of `schema` that also checks formats (dates)."""
    import jsonschema

    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def as_json(data: Any) -> Any:
    """Front matter as a YAML-aware editor sees it: unquoted dates are strings."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.roadmark("STORY-10/AC-1")
def test_the_repository_specs_validate_against_the_schema(run_cli: RunCli) -> None:
    """A real validator accepts the front matter of every spec in this repository's product/."""
    import yaml

    validator = validator_for(schema_of(run_cli, REPO))
    specs = 0
    for path in sorted((REPO / "product").rglob("*.md")):
        parts = path.read_text(encoding="utf-8").split("---\n")
        data = yaml.safe_load(parts[1]) if len(parts) > 2 and parts[0] == "" else None
        if not isinstance(data, dict) or "kind" not in data:
            continue  # a plain page such as product/index.md; the schema is for specs
        specs += 1
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(as_json(data))
        ]
        assert errors == [], path
    assert specs > 60


@pytest.mark.roadmark("STORY-10/AC-3")
def test_a_status_outside_the_workflow_fails_validation(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    """`status: doing` on a story fails schema validation on `status`, and only there."""
    validator = validator_for(schema_of(run_cli, write_product(CLEAN, mkdocs=MKDOCS)))
    story = {"id": "STORY-1", "kind": "story", "title": "T", "status": "ready", "estimate": 3}
    assert list(validator.iter_errors(story)) == []
    errors = list(validator.iter_errors({**story, "status": "doing"}))
    assert errors
    assert {tuple(error.absolute_path) for error in errors} == {("status",)}


def test_schema_output_file(write_product: WriteProduct, run_cli: RunCli) -> None:
    """`--output FILE` writes the same schema to a file."""
    root = write_product(CLEAN, mkdocs=MKDOCS)
    code, out, _ = run_cli("schema", "--output", "schema.json", cwd=root)
    assert (code, out) == (0, "")
    assert json.loads((root / "schema.json").read_text(encoding="utf-8")) == schema_of(
        run_cli, root
    )


def test_schema_config_error_exits_2(write_product: WriteProduct, run_cli: RunCli) -> None:
    """`roadmark schema` reports a bad configuration like `check` does."""
    root = write_product(CLEAN, mkdocs="plugins:\n  - roadmark:\n      kinds: [story]\n")
    code, out, err = run_cli("schema", cwd=root)
    assert (code, out) == (2, "")
    assert err.startswith("roadmark: error: 'kinds' must be a mapping")
