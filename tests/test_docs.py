"""The user documentation stays true: checked against the model, built, and its commands run."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest
import yaml

from roadmark.spec.problems import RULES
from roadmark.spec.settings import Settings
from sites import Site, build_own_site, run_tool

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def blocks(text: str, language: str) -> list[str]:
    """The fenced code blocks of `language` in a Markdown text, in order."""
    return re.findall(rf"(?ms)^```{language}\n(.*?)^```", text)


def table_rows(text: str, first_header: str) -> dict[str, list[str]]:
    """The rows of the Markdown table whose first column is headed `first_header`, by the
    first cell's text without backquotes."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows[cells[0].strip("`")] = cells
    return rows


# --- The authoring reference (STORY-51) ----------------------------------------------------

AUTHORING = read(DOCS / "authoring.md")


def rule_section(code: str) -> str:
    """The text of the authoring reference's section on rule `code`, heading included."""
    match = re.search(rf"(?ms)^### {code} .*?(?=^##)|^### {code} .*\Z", AUTHORING)
    assert match is not None, f"no section for {code}"
    return match[0]


@pytest.mark.roadmark("STORY-51/AC-1")
@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_code_has_a_section_with_an_example(code: str) -> None:
    rule = RULES[code]
    text = rule_section(code)
    heading = text.splitlines()[0]
    assert heading == f"### {code} {rule.name} {{ #{code.lower()} }}"
    assert f"**Default:** {rule.severity.value}." in text
    assert "**Reported when**" in text
    assert "**Fix:**" in text
    # An example of the problem as `roadmark check` prints it: path:line:col: severity CODE: …
    examples = [line for block in blocks(text, "text") for line in block.splitlines()]
    pattern = rf"^\S[^:]*:\d+:\d+: {rule.severity.value} {code}: \S"
    assert examples, f"{code} has no example"
    assert all(re.match(pattern, line) for line in examples), examples
    # The summary table links to the section.
    assert f"| [{code}](#{code.lower()}) | `{rule.name}` | {rule.severity.value} |" in AUTHORING


@pytest.mark.roadmark("STORY-51/AC-2")
def test_every_kind_field_and_state_of_the_default_model_is_documented() -> None:
    settings = Settings()
    kinds = table_rows(AUTHORING, "Kind")
    assert set(kinds) == set(settings.kinds)
    for name, kind in settings.kinds.items():
        workflow, closed = kinds[name][1], kinds[name][2]
        assert re.findall(r"`([^`]+)`", workflow) == list(kind.statuses), name
        assert re.findall(r"`([^`]+)`", closed) == list(kind.closed), name
        if kind.criteria_from:
            assert kinds[name][3] == f"`{kind.criteria_from}`"

    fields = table_rows(AUTHORING, "Field")
    assert set(fields) == set(settings.fields)
    for name, spec in settings.fields.items():
        where = [word.strip() for word in fields[name][2].split(",")]
        if spec.required:
            assert where == ["all", "required"], name
        elif spec.kinds is None:
            assert where == ["all"], name
        else:
            assert set(where) == set(spec.kinds), name
        for value in spec.values:
            assert f"`{value}`" in fields[name][1], (name, value)


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """This repository's documentation and product, built `--strict` in a copy."""
    return build_own_site(tmp_path_factory.mktemp("own-site"))


@pytest.mark.roadmark("STORY-51/AC-3")
def test_the_reference_builds_strict_with_an_anchor_per_rule_code(own_site: Site) -> None:
    assert own_site.warnings == []
    article = own_site.article("authoring.md")
    headings = {node.get("id"): node for node in article.find_all("h3")}
    for code, rule in RULES.items():
        heading = headings.get(code.lower())
        assert heading is not None, code
        assert heading.text.rstrip("¶").strip() == f"{code} {rule.name}"
    # Each row of the summary table links to its section on the same page.
    (rules_table,) = [t for t in article.find_all("table") if "Code" in t.find("thead").text]  # type: ignore[union-attr]
    targets = [a.get("href") for a in rules_table.links]
    assert targets == [f"#{code.lower()}" for code in RULES]


# --- Getting started and the README (STORY-52) ---------------------------------------------

INSTALL = {"python3", ".", "pip"}
"""Programs of the install steps: the suite runs where Roadmark is installed already."""


def guide_commands() -> list[tuple[str, list[str]]]:
    """The commands of the getting-started page in order: (documented output, arguments).

    Shell blocks are commands only; console blocks are `$ command` lines with their output.
    """
    text = read(DOCS / "getting-started.md")
    found: list[tuple[str, list[str]]] = []
    for language, body in re.findall(r"(?ms)^```(sh|console)\n(.*?)^```", text):
        if language == "sh":
            for line in body.splitlines():
                args = shlex.split(line, comments=True)
                if args:
                    found.append(("", args))
        else:
            for command in re.split(r"(?m)^\$ ", body)[1:]:
                line, _, output = command.partition("\n")
                found.append((output, shlex.split(line, comments=True)))
    return found


@pytest.mark.roadmark("STORY-52/AC-1")
def test_the_getting_started_commands_in_order_end_in_a_strict_build(tmp_path: Path) -> None:
    ran: list[str] = []
    for documented, args in guide_commands():
        program, *rest = args
        if program in INSTALL or args[:2] == ["mkdocs", "serve"]:
            continue  # installing, and a server that runs until stopped
        assert program in ("roadmark", "mkdocs"), args
        done = run_tool(program, *rest, cwd=tmp_path, timeout=300)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        if args[:2] in (["roadmark", "init"], ["roadmark", "new"]):
            # The guide shows both streams as a terminal does: files on stdout, hints on stderr.
            shown = done.stdout.splitlines() + done.stderr.splitlines()
            assert shown == documented.splitlines(), (args, shown)
        ran.append(" ".join(args[:2]))
    assert ran[:3] == ["roadmark --version", "mkdocs --version", "roadmark init"]
    assert "roadmark new" in ran
    assert "mkdocs build" in ran
    assert (tmp_path / "site/product/stories/STORY-2/index.html").is_file()


@pytest.mark.roadmark("STORY-52/AC-2")
def test_the_readme_names_the_two_commands_and_links_the_guide() -> None:
    readme = read(ROOT / "README.md")
    two = re.search(r"(?ms)^## The two commands\n(.*?)^## ", readme)
    assert two is not None
    (block,) = blocks(two[1], "sh")
    commands = [shlex.split(line, comments=True) for line in block.splitlines()]
    assert commands == [["make", "serve"], ["make", "test"]]
    makefile = read(ROOT / "Makefile")
    assert re.search(r"(?m)^serve:", makefile) and re.search(r"(?m)^test:", makefile)
    links = re.findall(r"\[[^\]]+\]\(([^)\s]+)\)", readme)
    assert "docs/getting-started.md" in links
    assert (ROOT / "docs/getting-started.md").is_file()


# --- Editor set-up with the schema (STORY-53) ----------------------------------------------

CONFIGURATION = read(DOCS / "configuration.md")


def documented_schema_command() -> list[str]:
    """The documented `roadmark schema -o FILE` command, as arguments after `roadmark`."""
    for block in blocks(CONFIGURATION, "sh"):
        for line in block.splitlines():
            args = shlex.split(line, comments=True)
            if args[:2] == ["roadmark", "schema"]:
                return args[1:]
    raise AssertionError("no `roadmark schema` command in docs/configuration.md")


@pytest.mark.roadmark("STORY-53/AC-1")
def test_the_configuration_docs_write_the_schema_and_associate_it_with_the_specs() -> None:
    args = documented_schema_command()
    assert args[:2] == ["schema", "-o"]
    schema_file = args[2]
    (remarkrc,) = blocks(CONFIGURATION, "js")
    association = re.search(r"schemas: \{\s*'\./([^']+)': \[(.*?)\]", remarkrc, re.DOTALL)
    assert association is not None
    assert association[1] == schema_file
    globs = re.findall(r"'([^']+)'", association[2])
    assert globs and all(glob.startswith("product/") for glob in globs)
    in_file = [b for b in blocks(CONFIGURATION, "yaml") if "yaml-language-server: $schema=" in b]
    assert in_file and in_file[0].split("$schema=")[1].split()[0].endswith(schema_file)


@pytest.mark.roadmark("STORY-53/AC-2")
def test_the_documented_schema_flags_an_unknown_field(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    root = write_product(
        {"product/index.md": "# Plan\n"}, {"site_name": "x", "plugins": ["roadmark"]}
    )
    args = documented_schema_command()
    result = run_cli(*args, cwd=root)
    assert result.code == 0, result.output
    schema = json.loads((root / args[2]).read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    story = {"id": "STORY-1", "kind": "story", "title": "T", "status": "backlog", "estimate": 3}
    assert list(validator.iter_errors(story)) == []
    errors = list(validator.iter_errors({**story, "estimat": 3}))
    assert errors
    assert all("estimat" in error.message for error in errors), [e.message for e in errors]
    front = yaml.safe_load("id: EPIC-1\nkind: epic\ntitle: E\nstatus: planned\nestimate: 3\n")
    assert any("estimate" in error.message for error in validator.iter_errors(front))


# --- Install lines that work before Roadmark is on PyPI (STORY-80) -------------------------

PIP_INSTALL = re.compile(r"pip install ([^`#\n]*)")
"""A `pip install` command in a line of Markdown, up to a comment or the end of a code span."""


def unpublished_install_problems(text: str) -> list[str]:
    """The `pip install` arguments in `text` that ask for Roadmark from a package index.

    Until it is published, Roadmark installs from a checkout (`./roadmark`, with extras
    `./roadmark[macros]`) or from a git URL (`roadmark @ git+https://…`); a bare `roadmark`,
    `roadmark[xlsx]` or a `git+` URL without a name fails or guesses.
    """
    wrong: list[str] = []
    for line in text.splitlines():
        for command in PIP_INSTALL.finditer(line):
            try:
                args = shlex.split(command[1])
            except ValueError:
                wrong.append(line.strip())
                continue
            for arg in args:
                if arg.startswith("-") or ("roadmark" not in arg.lower() and "git+" not in arg):
                    continue  # an option, or another package (pre-commit, `-e .`)
                if arg.startswith(("./", "../", "/")):
                    continue  # a checkout of the repository
                if not re.fullmatch(r"roadmark(\[[\w,]+\])? @ git\+https://\S+", arg):
                    wrong.append(arg)
    return wrong


def test_the_install_check_refuses_what_an_index_would_have_to_serve() -> None:
    refused = "\n".join(
        [
            "pip install roadmark",
            "pip install 'roadmark[xlsx]'",
            "run: pip install -U roadmark==0.1.0",
            "pip install ./roadmark  # or: pip install git+https://github.com/OWNER/roadmark",
            "`pip install roadmark`",
        ]
    )
    assert unpublished_install_problems(refused) == [
        "roadmark",
        "roadmark[xlsx]",
        "roadmark==0.1.0",
        "git+https://github.com/OWNER/roadmark",
        "roadmark",
    ]
    accepted = (
        "pip install ./roadmark \"./roadmark[macros]\" -e '.[test]' pre-commit\n"
        'run: pip install "roadmark[macros] @ git+https://github.com/OWNER/roadmark@TAG"\n'
    )
    assert unpublished_install_problems(accepted) == []


@pytest.mark.roadmark("STORY-80/AC-1")
def test_every_install_line_of_the_readme_and_the_docs_works_before_publication() -> None:
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted(DOCS.rglob("*.md"))]
    wrong = {
        page.relative_to(ROOT).as_posix(): problems
        for page in pages
        if (problems := unpublished_install_problems(read(page)))
    }
    assert wrong == {}
    # Both working forms are shown where users start.
    for page in ("README.md", "docs/getting-started.md"):
        text = read(ROOT / page)
        assert "pip install ./roadmark" in text, page
        assert 'pip install "roadmark @ git+https://github.com/OWNER/roadmark@TAG"' in text, page
