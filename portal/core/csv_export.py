"""CSV files people open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from portal.core.time import LONDON, as_utc

# A cell of an export: text, a number, a date (or a moment), or nothing. CSV writes them all as
# text; the XLSX export (portal/core/xlsx_export.py) keeps numbers and dates typed.
Cell = str | int | float | date | datetime | None

# A cell a spreadsheet would run as a formula ("=HYPERLINK(...)"): exported with a leading '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Excel reads a CSV without a byte order mark in the PC's legacy code page, so "Zoë O’Brien"
# shows as "ZoÃ« Oâ€™Brien"; with one it reads UTF-8. The portal's own imports read it back
# with "utf-8-sig", which drops it.
BYTE_ORDER_MARK = "\ufeff"


def safe_cell(value: str) -> str:
    """`value` as text a spreadsheet shows rather than runs."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def local_moment(moment: datetime) -> datetime:
    """A stored (UTC) moment as the London wall-clock time people read, without a zone
    (spreadsheets have none)."""
    return as_utc(moment).astimezone(LONDON).replace(tzinfo=None)


def as_text(cell: Cell) -> str:
    """A cell as CSV text: a number as it is read ("95", "12.5"), a date as 27/03/2027 (the
    form UK spreadsheets read as a date, and the staff register's import accepts), a moment
    as 27/03/2027 17:00 London time, nothing as ""."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.15g}"  # 1234567.0 as 1234567, not 1.23457e+06
    if isinstance(cell, datetime):
        return f"{local_moment(cell):%d/%m/%Y %H:%M}"
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    return str(cell)


def _csv_row(row: list[Cell]) -> list[str]:
    return [safe_cell(cell) if isinstance(cell, str) else as_text(cell) for cell in row]


def csv_text(rows: list[list[Cell]]) -> str:
    """Rows as CSV with Windows line endings and a byte order mark, every piece of text made
    safe for a spreadsheet (a number is a number: -2 stays -2)."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    csv.writer(out, lineterminator="\r\n").writerows([_csv_row(row) for row in rows])
    return out.getvalue()


def csv_chunks(rows: Iterable[list[Cell]], rows_per_chunk: int = 500) -> Iterator[str]:
    """The same CSV as `csv_text`, given out a few hundred rows at a time as `rows` come, so
    an export of any size never holds more than one chunk in memory."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\r\n")
    for number, row in enumerate(rows, start=1):
        writer.writerow(_csv_row(row))
        if number % rows_per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
