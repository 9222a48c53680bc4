"""The rows of an organisation's library table (/documents/organisations/<id>), written as HTML
here rather than as the loop in templates/documents/library.html.

Through Jinja each row cost its look-ups, the joiner of dates, three date filters and the escapes:
about a third of the page's Python. Here each row is one format of values escaped once. The
markup is exactly what the loop wrote, whitespace included (the blank lines its `set` tags
left); tests/documents/test_library_rows.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from markupsafe import Markup, escape

from portal.core.time import format_date
from portal.core.urls import UrlPattern
from portal.documents.models import KINDS, SCAN_LABELS
from portal.documents.services import Listed

_ROW = (
    "\n      \n      \n      "
    '\n      <tr class="govuk-table__row">'
    '\n        <td class="govuk-table__cell app-break-words">'
    '\n          <a class="govuk-link" href="{href}">{title}</a>'
    '\n          <br><span class="govuk-body-s">{kind}</span>'
    "\n        </td>"
    '\n        <td class="govuk-table__cell">{number}</td>'
    '\n        <td class="govuk-table__cell">{uploaded}<br><span class="govuk-body-s">by {uploader}'
    "</span></td>"
    '\n        <td class="govuk-table__cell">{dates}</td>'
    '\n        <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">'
    "{status}</strong></td>"
    "\n        {scan}"
    "\n      </tr>\n    "
)
_SCAN = '<td class="govuk-table__cell">{}</td>'
_NO_DATES = '<span class="govuk-visually-hidden">No dates</span>'


class _Dated(Protocol):
    """What dates_cell reads: a version's, or a row read with one's columns."""

    @property
    def issue_date(self) -> date | None: ...
    @property
    def expiry_date(self) -> date | None: ...
    @property
    def review_date(self) -> date | None: ...


def dates_cell(version: _Dated) -> str:
    """A version's dates as a table cell holds them, one to a line ("Issued 1 January 2026"), or
    words only a screen reader says when it has none: _macros.html's version_dates."""
    dates = [
        f"{said} {escape(format_date(day))}"
        for said, day in (
            ("Issued", version.issue_date),
            ("Expires", version.expiry_date),
            ("Review by", version.review_date),
        )
        if day
    ]
    return "<br>".join(dates) if dates else _NO_DATES


def library_rows(
    organisation_id: int, documents: Iterable[Listed], on: date, is_member: bool
) -> Markup:
    """The table body's rows: each document's current version, its status on `on`, and (for
    council staff, not the organisation's members) its file's virus check. Every value in them
    went through escape() (the ids in the addresses are numbers)."""
    document_url = UrlPattern("documents.show", "document_id", organisation_id=organisation_id)
    rows = []
    for document in documents:
        status = document.status(on)
        rows.append(
            _ROW.format(
                href=document_url(document.id),
                title=escape(document.title),
                kind=escape(KINDS[document.kind]),
                number=document.number,
                uploaded=escape(format_date(document.uploaded_at)),
                uploader=escape(
                    "a former member" if document.uploaded_by_id is None else document.uploader
                ),
                dates=dates_cell(document),
                colour=status.colour,
                status=escape(status.label),
                scan="" if is_member else _SCAN.format(escape(SCAN_LABELS[document.scan_state])),
            )
        )
    # The loop's `set` of the address before its first row left a line of its own.
    return Markup("\n    " + "".join(rows))  # noqa: S704 - escaped above
