"""The rows of the reviewers' list of documents needing attention (/documents/attention), written
as HTML here rather than as the loop in templates/documents/attention.html.

Through Jinja each of its 50 rows cost two address calls, the joiner of dates, three date
filters and a dozen look-ups and escapes: about a third of the page's Python. Here each row is
one format of values escaped once. The markup is exactly what the loop wrote, whitespace
included; tests/documents/test_attention_rows.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from portal.core.urls import UrlPattern
from portal.documents.attention import Attention
from portal.documents.library_rows import dates_cell

_ROW = (
    '\n      <tr class="govuk-table__row">'
    '\n        <td class="govuk-table__cell app-break-words">'
    '<a class="govuk-link" href="{library}">{organisation}</a></td>'
    '\n        <td class="govuk-table__cell app-break-words">'
    '\n          <a class="govuk-link" href="{href}">{title}</a>'
    '\n          <br><span class="govuk-body-s">{kind}{required}</span>'
    "\n        </td>"
    '\n        <td class="govuk-table__cell">{dates}</td>'
    '\n        <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">'
    "{status}</strong></td>"
    "\n      </tr>\n    "
)


def attention_rows(items: Iterable[Attention]) -> Markup:
    """The table body's rows: each document's organisation (linked to its library), the
    document (linked, its kind, whether a call-off requires it), its current version's dates and
    what needs attention. Every value in them went through escape() (the ids in the addresses
    are numbers)."""
    library_url = UrlPattern("documents.library", "organisation_id")
    document_url = UrlPattern("documents.show", "organisation_id", "document_id")
    rows = [
        _ROW.format(
            library=library_url(item.organisation_id),
            organisation=escape(item.organisation_name),
            href=document_url(item.organisation_id, item.document_id),
            title=escape(item.title),
            kind=escape(item.kind_label),
            required=" (required)" if item.is_mandatory else "",
            dates=dates_cell(item),
            colour=escape(item.colour),
            status=escape(item.label),
        )
        for item in items
    ]
    # The loop's `set` of an address before its first row left a line of its own.
    return Markup("\n    " + "".join(rows))  # noqa: S704 - escaped above
