"""A table (`export_table`) as CSV that spreadsheets open safely.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(…)`, `=cmd|…`): every text cell that would is written with a leading `'`,
as OWASP advises for CSV injection. Numbers stay numbers. For Excel (`excel=True`) the
text starts with a byte order mark, without which Excel reads UTF-8 as the system's
legacy code page, and records end in CRLF, as RFC 4180 has them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .export_table import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
"""What a spreadsheet may read as the start of a formula: OWASP's list, plus the line feed
and NUL (named by OWASP's ASVS), which some applications skip before looking."""
BOM = "\ufeff"


def csv_cell(value: object) -> str | int | float:
    """A CSV cell no spreadsheet runs as a formula: text starting like one gets a `'`.

    A number stays a number, negative or not: a spreadsheet reads it as a value, and
    a `'` would make it text.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table_csv(table: Table, *, excel: bool = False) -> str:
    """The table as CSV text: a header, then its rows; for Excel with a BOM and CRLF."""
    out = _Csv(table.columns, "\r\n" if excel else "\n")
    for row in table.rows:
        out.row(row)
    return (BOM if excel else "") + out.text()


class _Csv:
    """CSV text written a row at a time, each cell through `csv_cell`."""

    def __init__(self, header: Iterable[str], line_end: str) -> None:
        self._buffer = io.StringIO()
        self._minimal = csv.writer(self._buffer, lineterminator=line_end)
        # Python's writer quotes a cell holding a line feed but not one holding a lone
        # carriage return, which readers take for a line end too: the rest of such a
        # cell would open a record of its own, formula and all. Such rows are quoted whole.
        self._quoted = csv.writer(self._buffer, lineterminator=line_end, quoting=csv.QUOTE_ALL)
        self._minimal.writerow(header)

    def row(self, cells: Iterable[object]) -> None:
        """Write one record."""
        shown = [csv_cell(cell) for cell in cells]
        carriage = any(isinstance(cell, str) and "\r" in cell for cell in shown)
        (self._quoted if carriage else self._minimal).writerow(shown)

    def text(self) -> str:
        """Everything written so far."""
        return self._buffer.getvalue()
