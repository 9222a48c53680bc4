"""The rows of the council's list of referrals (/referrals), written as HTML here rather than as
the loop in templates/referrals/index.html.

A page is fifty referrals, each a row of six cells with two tags; through Jinja each row cost its
look-ups, the date filter and a dozen escapes: about a third of the list's Python. Here each row
is one format of values escaped once. The markup is exactly what the loop wrote, whitespace
included (the line its `set` tag left); tests/referrals/test_list_rows.py renders both and
compares them.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from markupsafe import Markup, escape

from portal.core.time import format_date
from portal.referrals.services.listing import Row

_ROW = (
    '\n            <tr class="govuk-table__row">'
    '\n              <td class="govuk-table__cell app-break-words"><a class="govuk-link" '
    'href="{href}/{id}">{reference}</a><br><span class="govuk-body-s">Age {age_band}, {team}'
    "</span></td>"
    '\n              <td class="govuk-table__cell">{lot}</td>'
    '\n              <td class="govuk-table__cell"><strong class="govuk-tag '
    'govuk-tag--{urgency_colour}">{urgency}</strong></td>'
    '\n              <td class="govuk-table__cell">{received_on}</td>'
    '\n              <td class="govuk-table__cell"><strong class="govuk-tag '
    'govuk-tag--{status_colour}">{status}</strong></td>'
    '\n              <td class="govuk-table__cell govuk-table__cell--numeric">{days}</td>'
    "\n            </tr>\n          "
)


def referral_rows(rows: Iterable[Row]) -> Markup:
    """The table body's rows. Every value in them went through escape() (the ids in the
    addresses are numbers, the days a number or nothing)."""
    # A referral's page is /referrals/<id>: the address built once, not once a row.
    referrals_url = escape(url_for("referrals.index"))
    return Markup(  # noqa: S704 - escaped above and below
        # The loop's `set` of the address before its first row left a line of its own.
        "\n          "
        + "".join(
            _ROW.format(
                href=referrals_url,
                id=row.id,
                reference=escape(row.reference),
                age_band=escape(row.age_band),
                team=escape(row.team),
                lot=escape(row.lot),
                urgency_colour=escape(row.urgency_colour),
                urgency=escape(row.urgency_label),
                received_on=escape(format_date(row.received_on)),
                status_colour=escape(row.status_colour),
                status=escape(row.status_label),
                days="" if row.days is None else row.days,
            )
            for row in rows
        )
    )
