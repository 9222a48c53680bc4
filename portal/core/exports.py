"""Downloads of a table: the same rows as a CSV file or as an XLSX workbook, whichever the
person chose. Every route that offers one offers both."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from flask import Blueprint, Response

from portal.core.csv_export import Cell, csv_chunks, csv_text
from portal.core.xlsx_export import XLSX_MIMETYPE, xlsx_bytes, xlsx_chunks

V = TypeVar("V", bound=Callable[..., Any])


def csv_and_xlsx(bp: Blueprint, rule: str) -> Callable[[V], V]:
    """Serve a download view at `rule` as CSV (endpoint: the view's name) and at `rule`-xlsx as
    an Excel workbook (endpoint: the name with `_xlsx`), passing it `spreadsheet`. Put the
    permission decorator below this one, so both addresses are guarded by it."""

    def register(view: V) -> V:
        name = view.__name__
        bp.add_url_rule(rule, name, view, defaults={"spreadsheet": False})
        bp.add_url_rule(f"{rule}-xlsx", f"{name}_xlsx", view, defaults={"spreadsheet": True})
        return view

    return register


def download(
    body: str | bytes | Iterator[str] | Iterator[bytes], filename: str, mimetype: str
) -> Response:
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


def streamed_export(
    rows: Iterable[list[Cell]], name: str, *, spreadsheet: bool, sheet_name: str
) -> Response:
    """`export` for a table of any size: `rows` are made into the file while it is sent, so
    neither the rows nor the file are held in memory. `rows` is read after the request has
    ended, so a generator reading the database must use a session of its own (the request's
    is gone by then), as `portal.audit.services.export_rows` does."""
    if spreadsheet:
        return download(xlsx_chunks(rows, sheet_name), f"{name}.xlsx", XLSX_MIMETYPE)
    return download(csv_chunks(rows), f"{name}.csv", "text/csv")
