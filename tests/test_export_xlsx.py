"""The XLSX export: what openpyxl reads back, inert formulas, the same bytes every run."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest

from roadmark.render.export_csv import csv_cell
from roadmark.render.export_xlsx import CELL_LIMIT, XML_ILLEGAL, xlsx_cell
from sites import PRODUCT, TOOL_ENV, write_project
from test_export_csv import CONFIG, HOSTILE, PAYLOAD, export

if TYPE_CHECKING:
    from conftest import RunCli


def workbook_rows(data: bytes) -> tuple[Any, list[tuple[Any, ...]]]:
    """The only sheet of an XLSX file, and its rows as values."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    return sheet, [tuple("" if v is None else v for v in row) for row in sheet.values]


def csv_rows(data: bytes) -> list[tuple[Any, ...]]:
    """CSV records with the cells the export wrote as numbers read back as numbers."""
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return [tuple(_number(cell) for cell in record) for record in records]


def _number(cell: str) -> Any:
    try:
        value = float(cell)
    except ValueError:
        return cell
    return int(value) if value.is_integer() and "e" not in cell else value


@pytest.mark.roadmark("STORY-79/AC-4")
def test_openpyxl_reads_the_csv_rows_and_two_exports_are_byte_identical(
    tmp_path: Path, run_cli: RunCli
) -> None:
    write_project(tmp_path, PRODUCT, CONFIG)
    for view in ("items", "trace"):
        data = export(run_cli, tmp_path, "--format", "xlsx", "--view", view)
        sheet, rows = workbook_rows(data)
        assert sheet.title == view
        assert rows == csv_rows(export(run_cli, tmp_path, "--format", "csv", "--view", view))
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width >= len("STORY-1")
        assert export(run_cli, tmp_path, "--format", "xlsx", "--view", view) == data
        # Dated with the configured today, in the zip and in the document properties.
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 20, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
        assert core.count("2026-11-20T00:00:00Z") == 2


@pytest.mark.roadmark("STORY-79/AC-2")
def test_a_formula_payload_is_inert_text_in_xlsx(tmp_path: Path, run_cli: RunCli) -> None:
    write_project(tmp_path, HOSTILE, CONFIG)
    data = export(run_cli, tmp_path, "--format", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for row in book.worksheets[0].iter_rows() for cell in row]
    # No formula anywhere: each text cell is a string, neutralised as in the CSV.
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    titles = {row[0].value: row[2].value for row in book.worksheets[0].iter_rows(min_row=2)}
    assert titles["STORY-1"] == "'" + PAYLOAD
    assert titles["EPIC-1"] == "'-1 day late"
    # A 40,000-character title is cut to what Excel holds, not refused.
    assert len(titles["STORY-2"]) == CELL_LIMIT and titles["STORY-2"].endswith("…")


def test_cells_xml_cannot_carry_are_escaped() -> None:
    assert xlsx_cell("a\x1b[31m\x07b") == "a\\x1b[31m\\x07b"
    assert xlsx_cell("=1+1") == csv_cell("=1+1") == "'=1+1"
    assert xlsx_cell(-3) == -3
    assert XML_ILLEGAL.search(xlsx_cell("\x00\x0b\x0c\x1f")) is None


def test_without_openpyxl_one_line_names_the_extra(tmp_path: Path) -> None:
    write_project(tmp_path, PRODUCT, CONFIG)
    hidden = tmp_path / "no-openpyxl" / "openpyxl"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {**os.environ, **TOOL_ENV, "PYTHONPATH": str(hidden.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "roadmark.cli", "export", "--format", "xlsx", "-o", "out.xlsx"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == (
        "roadmark: error: --format xlsx needs openpyxl: "
        "install Roadmark with its xlsx extra, roadmark[xlsx]\n"
    )
    assert not (tmp_path / "out.xlsx").exists()


def test_a_workbook_that_cannot_be_written_is_one_line(tmp_path: Path, run_cli: RunCli) -> None:
    write_project(tmp_path, PRODUCT, CONFIG)
    (tmp_path / "plan.xlsx").write_bytes(b"the previous export")
    for target, says in [
        ("missing/plan.xlsx", "cannot write missing/plan.xlsx: No such file or directory"),
        ("docs", "cannot write docs: it is a folder"),
    ]:
        (tmp_path / "docs").mkdir(exist_ok=True)
        done = run_cli("export", "--format", "xlsx", "-o", target, cwd=tmp_path)
        assert (done.code, done.out, done.err) == (2, "", f"roadmark: error: {says}\n")
    done = run_cli("export", "--format", "xlsx", "-o", "plan.xlsx", cwd=tmp_path)
    assert done.code == 0 and (tmp_path / "plan.xlsx").read_bytes().startswith(b"PK")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
