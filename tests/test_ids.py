"""One grammar of ids, addresses and clause items (STORY-67), in `spec/ids.py` alone."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmark.spec import ids
from roadmark.spec.ids import (
    ADDRESS_PATTERN,
    CLAUSE_HEAD,
    CLAUSE_ITEM_IN_WORDS,
    ID_PATTERN,
    LIST_ITEM,
    REFERENCE_IN_PROSE,
    id_prefix,
    is_address,
    is_id,
    is_local_id,
    references_starting_with,
    split_address,
)

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "roadmark"
GRAMMAR = PACKAGE / "spec" / "ids.py"

GRAMMAR_PIECES = {
    "the characters of an id": re.compile(r"A-Za-z0-9[._-]"),
    "a local id's hyphen and number": re.compile(r"\]\*\+?-(?:\[0-9\]|\\d)"),
    "a clause id written out": re.compile(r"(?<![A-Za-z])(?:AC|R)-(?:\\d|\[0-9\])"),
    "a list item's marker": re.compile(r"\[-\*\+\]|\\d\{1,9\}"),
    "the bold around a clause id": re.compile(r"\\\*\\\*\|__"),
}
"""How pieces of the grammar look when written in a regular expression; none of them occurs in
the package's ordinary strings (messages say `STORY-1/AC-1`, never `AC-\\d`)."""

HEAVY = ("yaml", "mkdocs", "markdown")
"""What a pytest run must not import because Roadmark is installed."""


def _literals(source: str) -> list[tuple[int, str]]:
    """Every string literal of `source` with its line, f-string parts included, docstrings not.

    All literals, not only the arguments of `re.compile`: a pattern is often built from
    constants (`_WORD = r"…"`, then `re.compile(rf"{_WORD}/…")`) before `re` sees it."""
    tree = ast.parse(source)
    documentation = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in documentation
    ]


def grammar_pieces_in(text: str) -> list[str]:
    """The pieces of the grammar that the text of a literal writes out."""
    return [what for what, piece in GRAMMAR_PIECES.items() if piece.search(text)]


def grammar_written_in(source: str) -> list[str]:
    """The string literals of `source` that write out a piece of the grammar, and which."""
    return [
        f"line {line}: {what}: {text!r}"
        for line, text in _literals(source)
        for what in grammar_pieces_in(text)
    ]


@pytest.mark.roadmark("STORY-67/AC-1")
def test_the_grammar_is_written_only_in_spec_ids() -> None:
    found = {
        path.relative_to(PACKAGE).as_posix(): written
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != GRAMMAR and (written := grammar_written_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "import these patterns from roadmark.spec.ids instead"


def test_the_scan_recognises_the_grammar_where_it_is_written() -> None:
    """The scan above can fail: it flags spec/ids.py, were that not skipped, and each piece
    it looks for written out elsewhere; it leaves messages, templates and docstrings alone."""
    assert grammar_written_in(GRAMMAR.read_text(encoding="utf-8"))
    written_out = {
        "the characters of an id": r"[A-Za-z][A-Za-z0-9._-]*",
        "a local id's hyphen and number": r"[A-Z][A-Z0-9]*-\d+",
        "a clause id written out": r"/(AC-[0-9]+)",
        "a list item's marker": r"^(?:[-*+]|\d{1,9}[.)]) ",
        "the bold around a clause id": r"(\*\*|__)?",
    }
    for what, text in written_out.items():
        assert what in grammar_pieces_in(text), text
    assert grammar_written_in('CRITERION = re.compile(rf"{OWNER}/(AC-\\d+)")')
    assert grammar_written_in('WORD = "[A-Za-z]" + r"[A-Za-z0-9_]*"')
    harmless = [
        'raise ValueError("an address like STORY-1/AC-1 or PRD-1/R-2")',
        'TEMPLATE = "AC-1: Given …, when …, then …"',
        'URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")',
        'def f():\n    """Matches `[A-Za-z][A-Za-z0-9._-]*`."""',
    ]
    for source in harmless:
        assert grammar_written_in(source) == [], source


@pytest.mark.roadmark("STORY-67/AC-2")
def test_the_pytest_plugin_imports_no_yaml_mkdocs_or_markdown() -> None:
    # A fresh interpreter: this one has imported all of Roadmark already. pytest is loaded
    # first, as in a real run, so only what the plugin itself brings in is counted.
    code = (
        "import json, sys\n"
        "import pytest\n"
        "before = set(sys.modules)\n"
        "import roadmark.pytest_plugin\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    imported = json.loads(done.stdout)
    assert "roadmark.pytest_plugin" in imported
    assert [name for name in imported if name.split(".")[0] in HEAVY] == []


def test_spec_ids_imports_only_the_standard_library() -> None:
    """The plugin's one import from Roadmark: `roadmark/__init__.py` and `spec/__init__.py`
    run first, so they import nothing either."""
    allowed = {*sys.stdlib_module_names, "__future__"}
    for path in (GRAMMAR, PACKAGE / "__init__.py", PACKAGE / "spec" / "__init__.py"):
        imported: list[str] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):  # relative: "." + module, never allowed
                imported.append("." * node.level + (node.module or ""))
        assert [name for name in imported if name.split(".")[0] not in allowed] == [], path


@pytest.mark.parametrize("text", ["STORY-142", "PRD-3", "R2026.2", "a", "x_y-z.1", "S-1."])
def test_ids(text: str) -> None:
    assert is_id(text)


@pytest.mark.parametrize(
    "text",
    ["", "1STORY", "-STORY", "_x", "STORY 1", "STORY-1\n", "STORY-1\r", "ÄB-1", "PRD-1/R-2"],
)
def test_not_ids(text: str) -> None:
    assert not is_id(text)


def test_a_final_newline_is_refused_though_dollar_would_allow_it() -> None:
    # The reason for fullmatch everywhere: `$` matches before a final newline.
    assert ID_PATTERN.match("STORY-1\n") is not None
    assert not is_id("STORY-1\n")
    assert ADDRESS_PATTERN.match("PRD-1/R-2\n") is not None
    assert not is_address("PRD-1/R-2\n")
    assert split_address("PRD-1/R-2\n") is None


@pytest.mark.parametrize("text", ["R-1", "AC-12", "NFR-3.1", "ac-1", "AC-1b"])
def test_local_ids(text: str) -> None:
    assert is_local_id(text)


@pytest.mark.parametrize("text", ["AC1", "AC-", "AC-x", "1-1", "A_C-1", "AC-1\n", "AC-1/x"])
def test_not_local_ids(text: str) -> None:
    assert not is_local_id(text)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("PRD-1/R-2", ("PRD-1", "R-2")),
        ("STORY-1/AC-1", ("STORY-1", "AC-1")),
        ("R2026.2/NFR-3.1", ("R2026.2", "NFR-3.1")),
        ("STORY-1", None),
        ("STORY-1/", None),
        ("/AC-1", None),
        ("STORY-1/AC-1/AC-2", None),
        ("STORY-1 /AC-1", None),
        ("STORY-1/AC1", None),
    ],
)
def test_split_address(text: str, parts: tuple[str, str] | None) -> None:
    assert split_address(text) == parts
    assert is_address(text) == (parts is not None)


def test_the_schema_patterns_are_the_checkers_own() -> None:
    # ECMA-262 (JSON Schema) reads `^…$` as the whole text, as fullmatch does here.
    for pattern in (ID_PATTERN, ADDRESS_PATTERN):
        assert pattern.pattern.startswith("^")
        assert pattern.pattern.endswith("$")
    assert ADDRESS_PATTERN.pattern == f"^({ids.ID_SYNTAX})/({ids.LOCAL_ID_SYNTAX})$"


@given(st.from_regex(ID_PATTERN, fullmatch=True))
def test_every_id_reads_whole_in_prose_unless_it_ends_in_punctuation(item_id: str) -> None:
    in_prose = REFERENCE_IN_PROSE.fullmatch(item_id) is not None
    assert in_prose == (item_id[-1] not in ".-")
    if in_prose:
        assert REFERENCE_IN_PROSE.fullmatch(f"{item_id}/AC-1") is not None


def test_references_in_prose() -> None:
    found = REFERENCE_IN_PROSE.findall("See STORY-1. Then PRD-3/R-2, R2026.2- and x_y.")
    assert found == ["See", "STORY-1", "Then", "PRD-3/R-2", "R2026.2", "and", "x_y"]


@given(st.text(alphabet="SPRxa-./_1 ", max_size=30))
def test_references_starting_with_some_letters_read_as_any_reference(text: str) -> None:
    # From one of its letters, it reads what REFERENCE_IN_PROSE reads there.
    scan = references_starting_with("PS")
    for start, letter in enumerate(text):
        found = scan.match(text, start)
        expected = REFERENCE_IN_PROSE.match(text, start) if letter in "PS" else None
        assert (found and found[0]) == (expected and expected[0])


def test_references_starting_with_some_letters_pass_over_other_words() -> None:
    found = references_starting_with("PS").findall("see STORY-1. Then PRD-3/R-2, R2026.2.")
    assert found == ["STORY-1", "PRD-3/R-2"]


@pytest.mark.parametrize(
    ("line", "local_id", "text"),
    [
        ("- AC-1: Given a shopper", "AC-1", "Given a shopper"),
        ("  * **R-2**: The system shall", "R-2", "The system shall"),
        ("3. __AC-3__ : then", "AC-3", "then"),
        ("1) **NFR-1.2:** fast", "NFR-1.2", "fast"),
    ],
)
def test_clause_items(line: str, local_id: str, text: str) -> None:
    item = LIST_ITEM.match(line)
    assert item is not None
    assert line.lstrip(" ")[0] in ids.LIST_ITEM_START
    head = CLAUSE_HEAD.match(item[3])
    assert head is not None
    assert (head[2], head[3]) == (local_id, text)
    # The changes report finds the same clause in whitespace-normalised text.
    words = CLAUSE_ITEM_IN_WORDS.search("Intro. " + " ".join(line.split()))
    assert words is not None
    assert words[1] == local_id


@pytest.mark.parametrize("line", ["-AC-1: x", "    - AC-1: x", "1234567890. AC-1: x", "AC-1: x"])
def test_not_list_items(line: str) -> None:
    assert LIST_ITEM.match(line) is None


@pytest.mark.parametrize(
    ("item_id", "prefix"),
    [("STORY-12", "STORY-"), ("R2026.2", "R"), ("PRD-1", "PRD-"), ("EPIC", "EPIC")],
)
def test_id_prefix(item_id: str, prefix: str) -> None:
    assert id_prefix(item_id) == prefix
