"""A table (`export_table`) as an XLSX workbook, through the optional `openpyxl`.

`openpyxl` is Roadmark's optional `xlsx` extra, imported only here and
only when a workbook is asked for. Three things it does not do for us:

- Formulas: it stores any text starting with `=` as a formula. Every text cell is
  stored as a string (data type `s`), which no spreadsheet evaluates, and one that
  starts like a formula also gets the `'` CSV gets, so that what people read (and what
  they copy into another sheet) is inert.
- Characters: XML 1.0 has no place for most C0 controls, and a cell holds at most
  32,767 characters; such characters are shown as escapes, longer text is cut.
- Reproducibility: it stamps the workbook with the clock, in `docProps/core.xml` and in
  each zip entry. Both are set to the build's "today", so one input is one file.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

from ..text.printable import printable
from .export_csv import csv_cell
from .export_table import Cell, Table

CELL_LIMIT = 32_767
"""The most characters an Excel cell holds; a longer text makes Excel repair the file."""
CUT_MARK = "…"
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""C0 controls XML 1.0 cannot carry (tab, line feed and carriage return it can)."""
MAX_WIDTH = 60
ZIP_EPOCH = date(1980, 1, 1)
"""The earliest date a zip entry can carry."""


class MissingExtra(Exception):
    """`openpyxl` is not installed: the message says how to install it."""


def table_xlsx(table: Table, today: date, sheet: str) -> bytes:
    """The table as the bytes of an XLSX file: header frozen, columns sized, no formula.

    `today` dates the workbook (and its zip entries), so the same input gives the same
    bytes. Raises MissingExtra when `openpyxl` is not installed.
    """
    try:
        # No stubs ship with openpyxl: its two names are used here only, through `Any`.
        from openpyxl import Workbook  # type: ignore[import-untyped]
        from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]
    except ImportError:
        raise MissingExtra(
            "--format xlsx needs openpyxl: install Roadmark with its xlsx extra, roadmark[xlsx]"
        ) from None
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None  # a new workbook has one sheet
    worksheet.title = sheet
    _fill(worksheet, table)
    stamp = datetime(today.year, today.month, today.day)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = "roadmark"
    buffer = io.BytesIO()
    # ExcelWriter rather than `save`, which would stamp `modified` with the clock.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _restamped(buffer.getvalue(), max(today, ZIP_EPOCH))


def _fill(worksheet: Any, table: Table) -> None:
    """Write the header and rows as inert cells, freeze the header, size the columns."""
    widths = [len(name) for name in table.columns]
    for row_number, row in enumerate((table.columns, *table.rows), start=1):
        for column, value in enumerate(row, start=1):
            shown = xlsx_cell(value)
            cell = worksheet.cell(row=row_number, column=column)
            cell.value = shown
            if isinstance(shown, str):
                cell.data_type = "s"  # openpyxl made text starting with `=` a formula
                longest = max((len(line) for line in shown.split("\n")), default=0)
                widths[column - 1] = max(widths[column - 1], longest)
    worksheet.freeze_panes = "A2"
    for column, width in enumerate(widths, start=1):
        letter = worksheet.cell(row=1, column=column).column_letter
        worksheet.column_dimensions[letter].width = min(width + 2, MAX_WIDTH)


def xlsx_cell(value: Cell) -> Cell:
    """What a cell holds: a number as it is; text neutralised, escaped and cut to fit."""
    shown = csv_cell(value)
    if not isinstance(shown, str):
        return shown
    if XML_ILLEGAL.search(shown):
        shown = XML_ILLEGAL.sub(lambda match: printable(match[0]), shown)
    if len(shown) > CELL_LIMIT:
        shown = shown[: CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
    return shown


def _restamped(data: bytes, day: date) -> bytes:
    """The zip `data` again, entry for entry in the same order, each dated `day`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(
                entry.filename, date_time=(day.year, day.month, day.day, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()
