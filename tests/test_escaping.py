"""Spec text that must not act in what Roadmark writes: control characters in the built
site (STORY-61/AC-4), formulas in the CSV export (STORY-62/AC-2), and the one escaping
helper every value passes through."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from roadmark.render.export_csv import FORMULA_STARTS, csv_cell
from roadmark.render.html import WORD_JOINER, attr, escape, plain, strip_controls, title_attr
from sites import build, md, mkdocs_config, parse, spec, table, write_project

if TYPE_CHECKING:
    from conftest import RunCli

# --- The escaping helper -------------------------------------------------------------------

CONTROLS = "".join(chr(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)))
KEPT = "\t\n\r"
"""Whitespace: kept in Markdown bodies, a space in one-line values."""


def test_plain_drops_every_control_character_but_whitespace() -> None:
    dropped = "".join(c for c in CONTROLS if c not in KEPT)
    assert plain(f"a{dropped}b") == "ab"
    assert strip_controls(f"line{dropped}\r\n\tnext\n") == "line\r\n\tnext\n"
    assert escape("a\x00b\x07c\td\ne") == "abc d e"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<script>", f"<{WORD_JOINER}script>"),
        ("</a>", f"<{WORD_JOINER}/a>"),
        ("<!-- x -->", f"<{WORD_JOINER}!-- x -->"),
        ("<?php", f"<{WORD_JOINER}?php"),
        ("a < b, 1<2", "a < b, 1<2"),  # no tag can open here: left as written
        ("Fish & chips > cod", "Fish & chips > cod"),
    ],
)
def test_plain_breaks_only_what_would_open_a_tag(value: str, expected: str) -> None:
    assert plain(value) == expected


def test_escaped_text_stays_text_when_a_theme_decodes_it_and_writes_it_as_html() -> None:
    """What Material's tooltips do: the decoded attribute value assigned to `innerHTML`."""
    payload = '"><img src=x onerror=alert(1)> <script>alert(2)</script> &amp; </p>'
    decoded = plain(payload)
    assert re.search(r"<[A-Za-z/!?]", decoded) is None
    assert title_attr(payload) == f' title="{attr(payload)}"'
    assert '"' not in attr(payload) and "<" not in attr(payload)
    assert title_attr("") == title_attr("\x07") == ""


# --- NUL, BEL and the other control characters in a built site (STORY-61/AC-4) ------------

BELL = "a\x00b\x07c\x1bd"
"""What `"a\\0b\\ac\\ed"` loads as; written below as YAML escapes, never as raw bytes."""
ESCAPED = r'"a\0b\ac\ed"'

CONTROL_FILES = {
    "product/prds/PRD-1.md": md(
        f"""
        ---
        id: PRD-1
        kind: prd
        title: {ESCAPED}
        status: approved
        owner: {ESCAPED}
        team: {ESCAPED}
        theme: {ESCAPED}
        tags: [{ESCAPED}]
        customer: {ESCAPED}
        description: {ESCAPED}
        metrics:
          - {{name: {ESCAPED}, baseline: {ESCAPED}, target: {ESCAPED}}}
        ---

        Body with a bell \x07 and an escape \x1b[31m in it.

        ## Requirements

        - R-1: The system shall ring \x07 no bell.
        """
    ),
    "product/releases/R1.md": spec(
        "R1", "release", BELL, "planned", "", start=date(2026, 9, 1), date=date(2026, 12, 1)
    ),
    "product/epics/EPIC-1.md": spec(
        "EPIC-1", "epic", BELL, "planned", "", prd="PRD-1", release="R1",
        start=date(2026, 9, 1), target=date(2026, 11, 1),
    ),
    "product/stories/STORY-1.md": spec(
        "STORY-1", "story", BELL, "ready",
        """
        ## Acceptance criteria

        - AC-1: Given a bell \x07, then it is silent.
        """,
        epic="EPIC-1", implements=["PRD-1/R-1"], sprint=BELL, owner=BELL,
    ),
    "docs/index.md": "# Home\n\nSee STORY-1, STORY-1/AC-1, PRD-1/R-1 and EPIC-1.\n",
}  # fmt: skip

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.mark.roadmark("STORY-61/AC-4")
def test_nul_bel_and_escape_written_as_yaml_escapes_never_reach_the_site(tmp_path: Path) -> None:
    config = mkdocs_config(["search", "tags", "roadmark"])
    config["plugins"][2] = {"roadmark": {"fields": {"customer": {"type": "string"}}}}
    assert "\x00" not in CONTROL_FILES["product/prds/PRD-1.md"]  # YAML escapes, not bytes
    site = build(write_project(tmp_path, CONTROL_FILES, config))
    pages = {
        path.relative_to(site.site_dir).as_posix(): path.read_text(encoding="utf-8")
        for path in site.site_dir.rglob("*")
        if path.suffix in (".html", ".json", ".xml")
    }
    assert "product/stories/STORY-1/index.html" in pages
    assert "search/search_index.json" in pages
    # Body text arrives, its control characters gone: here a criterion quoted by a cross-link.
    home = parse(pages["index.html"])
    titles = [a.get("title") for a in home.find_all("a") if a.get("class") == "roadmark-ref"]
    assert "Given a bell , then it is silent." in titles
    # A value with control characters is refused (RM005) or shown without them.
    prd = parse(pages["product/prds/PRD-1/index.html"])
    card = table(prd.find(cls="roadmark-card")).as_dicts()
    shown = {row["Field"].text.lower(): row["Value"].text for row in card}
    heading = prd.find("h1")
    assert heading is not None
    shown["title"] = heading.text.removeprefix("PRD-1 · ")
    refused = prd.find(cls="admonition")
    for field in ("title", "owner", "team", "theme", "customer"):
        message = f"{field}: contains the control character U+0000"
        assert shown.get(field) == "abcd" or (refused and message in refused.text), field
    assert {name: FORBIDDEN.findall(text) for name, text in pages.items()} == {
        name: [] for name in pages
    }
    # The export is data: JSON writes them as escapes, so it is not text a browser renders.
    assert r"a\u0000b\u0007c\u001bd" in pages["roadmark.json"]


# --- Formulas in the CSV export (STORY-62/AC-2) ----------------------------------------------

FORMULAS = {
    "STORY-1": '=HYPERLINK("http://example.com","x")',
    "STORY-2": "+1+cmd|' /C calc'!A0",
    "STORY-3": "-2+3",
    "STORY-4": "@SUM(1+1)*cmd|' /C calc'!A0",
    "STORY-5": "\t=1+1",
    "STORY-6": "\r=1+1",
}
"""A title opening with each character OWASP names, by story."""

CSV_FILES = {
    "product/epics/EPIC-1.md": spec("EPIC-1", "epic", "Spreadsheets", "planned", ""),
    **{
        f"product/stories/{story}.md": spec(
            story, "story", title, "ready",
            "## Acceptance criteria\n\n- AC-1: Given a spreadsheet, then it shows text.\n",
            epic="EPIC-1", owner="=cmd|' /C calc'!A0", priority="P1",
        )
        for story, title in FORMULAS.items()
    },
    "product/stories/STORY-7.md": spec(
        "STORY-7", "story", "Plain -1 and a=b", "ready", "", epic="EPIC-1", owner="@alex"
    ),
    "reports/junit.xml": md(
        """
        <?xml version="1.0" encoding="utf-8"?>
        <testsuite name="s" tests="1">
          <testcase classname="=HYPERLINK(&quot;http://x&quot;)" name="-test">
            <properties><property name="roadmark" value="STORY-1/AC-1"/></properties>
          </testcase>
        </testsuite>
        """
    ),
}  # fmt: skip


def rows(text: str) -> list[dict[str, str]]:
    """The records of a CSV export, as a spreadsheet's import would split them."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.roadmark("STORY-62/AC-2")
def test_every_cell_that_starts_like_a_formula_is_neutralised(
    tmp_path: Path, run_cli: RunCli
) -> None:
    write_project(tmp_path, CSV_FILES, mkdocs_config())
    # Written to files: a carriage return must reach the CSV as it is, not as a line end.
    exported = {"items": tmp_path / "items.csv", "trace": tmp_path / "trace.csv"}
    for view, path in exported.items():
        done = run_cli(
            "export", "--view", view, "--format", "csv", "--test-results", "reports/junit.xml",
            "--output", path, cwd=tmp_path,
        )  # fmt: skip
        assert done.code == 0, done.err
    items, trace = (rows(path.read_bytes().decode("utf-8")) for path in exported.values())
    by_id = {row["id"]: row for row in items}
    for story, title in FORMULAS.items():
        # Prefixed with `'`, which a spreadsheet shows as nothing and reads as "text".
        assert by_id[story]["title"] == "'" + title, story
        assert by_id[story]["owner"] == "'=cmd|' /C calc'!A0"
    assert by_id["STORY-7"]["title"] == "Plain -1 and a=b"
    assert by_id["STORY-7"]["owner"] == "'@alex"
    assert [row["test"] for row in trace if row["test"]] == ['\'=HYPERLINK("http://x")::-test']
    # In every column of both exports, no cell opens as a formula would.
    for record in items + trace:
        assert [cell for cell in record.values() if cell.startswith(FORMULA_STARTS)] == []


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_text() -> None:
    assert csv_cell(-3) == -3
    assert csv_cell(-2.5) == -2.5
    assert csv_cell("-3") == "'-3"
    assert csv_cell(None) == ""
    assert csv_cell(True) == "True"
    assert csv_cell("a-b") == "a-b"
