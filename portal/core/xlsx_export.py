"""Spreadsheets (XLSX) people download: the same rows as a CSV export, as a workbook.

Every piece of text is written as a text cell, never as a formula, whatever it starts with
("=HYPERLINK(...)" typed by a provider stays words on the screen); numbers stay numbers, so
they can be summed, and dates stay dates, so they can be sorted and filtered.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from portal.core.csv_export import Cell, local_moment

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters a sheet's name may not hold, and its length limit.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31
_WIDEST_COLUMN = 60
DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"


def _cell(sheet: WriteOnlyWorksheet, value: Cell, bold: bool) -> SheetCell:
    if isinstance(value, str):
        # Control characters are not allowed in the file: dropped rather than refused.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # openpyxl would make a formula of text starting with "="
    elif isinstance(value, datetime):
        # A sheet has no time zones: the London time people read, as the pages show it.
        cell = WriteOnlyCell(sheet, value=local_moment(value))
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet)
        cell.value = value  # a date, which the stub of WriteOnlyCell's `value` leaves out
        cell.number_format = DATE_FORMAT
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = Font(bold=True)
    return cell


def _shown(value: Cell) -> str:
    if isinstance(value, datetime):
        return MOMENT_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return str(value)


def xlsx_bytes(rows: list[list[Cell]], sheet_name: str) -> bytes:
    """`rows` as a one-sheet workbook, the first row (the headings) in bold and kept in view.
    Text is always text; ints and floats are numbers; dates and moments are dates; None is an
    empty cell."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(
        _SHEET_NAME_FORBIDDEN.sub(" ", sheet_name)[:_SHEET_NAME_MAX].strip() or "Sheet1"
    )
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(rows[0] if rows else [], start=1):
        width = max(
            (len(_shown(row[index - 1])) for row in rows[:200] if len(row) >= index), default=10
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width, len(str(heading))) + 2, _WIDEST_COLUMN
        )
    for number, row in enumerate(rows):
        sheet.append([_cell(sheet, value, bold=number == 0) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
