"""The rows of the contracts tables (the council's list and a provider's), written as HTML here
rather than as the loop in templates/contracts/_macros.html.

A page is fifty contracts, each a row of six cells; through Jinja each row cost its look-ups,
two date filters, the money filter and the escapes: about two fifths of the list's CPU. Here each
row is one format of values escaped once. The markup is exactly what the loop wrote, whitespace
included; tests/contracts/test_list_rows.py renders both and compares them.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from portal.contracts.services.reading import Row
from portal.core.money import format_pence
from portal.core.time import format_date
from portal.core.urls import UrlPattern

# Each status's tag colour (status_tag in templates/contracts/_macros.html reads them too).
STATUS_COLOURS = {
    "draft": "blue",
    "active": "green",
    "ended": "grey",
    "terminated": "red",
    "to_send": "yellow",
}
_ROW = (
    '\n        <tr class="govuk-table__row">'
    '\n          <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{href}">'
    '{title}</a><br><span class="govuk-body-s">{reference}, {team}</span></td>'
    "\n          {provider}"
    '\n          <td class="govuk-table__cell">{lot}</td>'
    '\n          <td class="govuk-table__cell">{start} to {end}</td>'
    '\n          <td class="govuk-table__cell">'
    '\n  <strong class="govuk-tag govuk-tag--{colour}">{status}</strong></td>'
    '\n          <td class="govuk-table__cell govuk-table__cell--numeric">{value}</td>'
    "\n        </tr>\n      "
)
_PROVIDER = '<td class="govuk-table__cell app-break-words">{}</td>'


def contract_rows(rows: Iterable[Row], show_provider: bool = True) -> Markup:
    """The table body's rows. Every value in them went through escape() (the ids in the
    addresses are numbers)."""
    show_url = UrlPattern("contracts.show", "contract_id")
    return Markup(  # noqa: S704 - escaped above and below
        "".join(
            _ROW.format(
                href=show_url(row.id),
                title=escape(row.title),
                reference=escape(row.reference),
                team=escape(row.team),
                provider=_PROVIDER.format(escape(row.provider)) if show_provider else "",
                lot=escape(row.lot),
                start=escape(format_date(row.start_on)),
                end=escape(format_date(row.end_on)),
                colour=STATUS_COLOURS[row.tag],
                status=escape(row.status_label),
                value=escape(format_pence(row.total_pence)),
            )
            for row in rows
        )
    )
