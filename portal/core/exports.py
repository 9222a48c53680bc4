"""Downloads of a table: the same rows as a CSV file or as an XLSX workbook, whichever the
person chose. Every route that offers one offers both."""

from __future__ import annotations

from flask import Response

from portal.core.csv_export import Cell, csv_text
from portal.core.xlsx_export import XLSX_MIMETYPE, xlsx_bytes


def download(body: str | bytes, filename: str, mimetype: str) -> Response:
    """A file to save, never to show or keep in a cache (exports hold people's records)."""
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def csv_download(text: str, filename: str) -> Response:
    return download(text, filename, "text/csv")


def export(rows: list[list[Cell]], name: str, *, spreadsheet: bool, sheet_name: str) -> Response:
    """`rows` as `name`.xlsx when `spreadsheet`, else as `name`.csv."""
    if spreadsheet:
        return download(xlsx_bytes(rows, sheet_name), f"{name}.xlsx", XLSX_MIMETYPE)
    return csv_download(csv_text(rows), f"{name}.csv")
