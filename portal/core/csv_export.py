"""CSV files people open in a spreadsheet."""

from __future__ import annotations

import csv
import io

# A cell a spreadsheet would run as a formula ("=HYPERLINK(...)"): exported with a leading '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """`value` as text a spreadsheet shows rather than runs."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV with Windows line endings, every cell made safe for a spreadsheet."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        [[safe_cell(cell) for cell in row] for row in rows]
    )
    return out.getvalue()
