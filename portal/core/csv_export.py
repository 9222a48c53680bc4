"""CSV files people open in a spreadsheet."""

from __future__ import annotations

import csv
import io

# A cell of an export: text, a number, or nothing. CSV writes them all as text; the XLSX
# export (portal/core/xlsx_export.py) keeps numbers as numbers.
Cell = str | int | float | None

# A cell a spreadsheet would run as a formula ("=HYPERLINK(...)"): exported with a leading '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """`value` as text a spreadsheet shows rather than runs."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def as_text(cell: Cell) -> str:
    """A cell as CSV text: a number as it is read ("95", "12.5"), nothing as ""."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.15g}"  # 1234567.0 as 1234567, not 1.23457e+06
    return str(cell)


def csv_text(rows: list[list[Cell]]) -> str:
    """Rows as CSV with Windows line endings, every piece of text made safe for a
    spreadsheet (a number is a number: -2 stays -2)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        [
            [safe_cell(cell) if isinstance(cell, str) else as_text(cell) for cell in row]
            for row in rows
        ]
    )
    return out.getvalue()
