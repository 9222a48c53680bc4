"""The capacity table's rows as HTML, written here rather than as a loop in
templates/capacity/_macros.html.

A page of the search is fifty capacities, each a row of nine cells; as a Jinja loop each row
cost its look-ups, joins, tests and escapes, about a fifth of the page's CPU. The markup is
exactly what the loop wrote, whitespace included; tests/capacity/test_rows_html.py renders both
and compares them.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from portal.capacity.listing import CapacityRow

_ROW = (
    '\n        <tr class="govuk-table__row">'
    '\n          <td class="govuk-table__cell app-break-words">{provider}</td>'
    '\n          <td class="govuk-table__cell">{lot}</td>'
    '\n          <td class="govuk-table__cell govuk-table__cell--numeric">{places_now}</td>'
    '\n          <td class="govuk-table__cell govuk-table__cell--numeric">{places_next_term}</td>'
    '\n          <td class="govuk-table__cell">{age_from} to {age_to}</td>'
    '\n          <td class="govuk-table__cell govuk-body-s">{needs}</td>'
    '\n          <td class="govuk-table__cell app-break-words">{districts}</td>'
    '\n          <td class="govuk-table__cell">{travel}</td>'
    '\n          <td class="govuk-table__cell">{confirmed}</td>'
    "\n        </tr>\n      "
)
_OUT_OF_DATE = ' <strong class="govuk-tag govuk-tag--orange">Out of date</strong>'


def capacity_rows(rows: Iterable[CapacityRow]) -> Markup:
    """The table body's rows for `rows`: provider, type of service, places now and next term,
    ages, needs, districts, travel support and when last confirmed (tagged once out of date).
    Everything a provider typed is escaped. A list's cells escaped whole, not each item: the
    separators have nothing to escape, so the text is the same. What many rows share (a lot,
    a set of needs or districts, a day) is escaped once a call."""
    escaped: dict[str, str] = {}

    def once(text: str) -> str:
        if (html := escaped.get(text)) is None:
            html = escaped[text] = escape(text)
        return html

    out = ["\n      "]
    for row in rows:
        out.append(
            _ROW.format(
                provider=escape(row.provider),
                lot=once(row.lot),
                places_now=row.places_now,
                places_next_term=row.places_next_term,
                age_from=row.age_from,
                age_to=row.age_to,
                needs=once("; ".join(row.needs)) or "None named",
                districts=once(", ".join(row.districts)),
                travel="Yes" if row.travel_support else "No",
                confirmed=f"{once(row.confirmed)}{_OUT_OF_DATE if row.stale else ''}",
            )
        )
    return Markup("".join(out))  # noqa: S704 - every value above went through escape() or is a number
