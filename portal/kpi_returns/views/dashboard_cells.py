"""The dashboard's rows, written as HTML here rather than in the template.

The dashboard is 50 providers × up to 24 months: 1,200 cells, each a status, perhaps a link, an
"Amended" and a rating. Through Jinja each cell cost a dozen attribute look-ups and escapes
(the provider's name was escaped again in every cell); that loop was half the page's CPU. Here
the fixed words are escaped once at import, a provider's name once per row and a month's name
once per page, and each cell is one format. Each row's heading is written here too: as a Jinja
loop, its 50 rows cost a tenth of the page. The markup is exactly what the template wrote
(templates/kpi_returns/dashboard.html keeps the rest of the table);
tests/kpi_returns/test_dashboard_rows.py renders the old loop and compares.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.core.urls import UrlPattern
from portal.kpi_returns import ratings
from portal.kpi_returns.dashboard import DashboardCell, DashboardRow
from portal.kpi_returns.obligations import NOT_REQUIRED, STATE_COLOURS, STATE_LABELS

_CELL = '<td class="govuk-table__cell govuk-body-s">{}</td>'
_NOT_REQUIRED = _CELL.format('<span class="govuk-visually-hidden">Not required</span>')
_LINK = (
    '<a class="govuk-link" href="{href}">{label}'
    '<span class="govuk-visually-hidden">: {name}, {month}</span></a>'
)
# A status as a tag, by state; a rating as a tag, by rating ("" for none).
_STATE_TAGS = {
    state: f'<strong class="govuk-tag govuk-tag--{STATE_COLOURS[state]}">{escape(label)}</strong>'
    for state, label in STATE_LABELS.items()
}
# A whole cell without a link, by state: most cells of a page are one of these.
_STATE_CELLS = {state: _CELL.format(tag) for state, tag in _STATE_TAGS.items()}
_STATE_CELLS[NOT_REQUIRED] = _NOT_REQUIRED
_STATE_LABELS = {state: str(escape(label)) for state, label in STATE_LABELS.items()}
_RATING_TAGS = {
    rating: (
        f'<br><strong class="govuk-tag govuk-tag--{ratings.colour(rating)}">'
        f"{escape(ratings.label(rating))}</strong>"
    )
    for rating in ratings.RATINGS
}


def _cell(cell: DashboardCell, name: str, month: str, return_url: UrlPattern) -> str:
    if cell.return_id is None:
        return _STATE_CELLS[cell.state]
    inner = _LINK.format(
        href=return_url(cell.return_id), label=_STATE_LABELS[cell.state], name=name, month=month
    )
    if cell.amended:
        inner += "<br>Amended"
    if cell.rating:
        inner += _RATING_TAGS.get(cell.rating) or _rating_tag(cell.rating)
    return _CELL.format(inner)


def _rating_tag(rating: str) -> str:
    """A rating not among the four (never expected): shown as the template would have."""
    return (
        f'<br><strong class="govuk-tag govuk-tag--{escape(ratings.colour(rating))}">'
        f"{escape(ratings.label(rating))}</strong>"
    )


_ROW = (
    '\n        <tr class="govuk-table__row">'
    '\n          <th scope="row" class="govuk-table__header app-break-words">'
    '\n            <a class="govuk-link" href="{href}">{name}</a>'
    "\n            {escalations}"
    "\n          </th>"
    "\n          {cells}"
    "\n        </tr>\n      "
)


def _escalations(count: int) -> str:
    if not count:
        return ""
    return (
        f'<br><strong class="govuk-tag govuk-tag--red">{count} open escalation'
        f"{'s' if count > 1 else ''}</strong>"
    )


def row_cells(row: DashboardRow, name: str, months: list[str], return_url: UrlPattern) -> str:
    """One row's cells, in order: `name` and `months` escaped already."""
    return "\n".join(
        _cell(cell, name, month, return_url) for cell, month in zip(row.cells, months, strict=True)
    )


def table_rows(rows: list[DashboardRow], month_names: list[str]) -> Markup:
    """The table body's rows: each provider, linked to its returns with its open escalations
    tagged, then its cells in order."""
    provider_url = UrlPattern("kpi_returns.provider", "organisation_id")
    return_url = UrlPattern("kpi_returns.staff_return", "return_id")
    months = [str(escape(name)) for name in month_names]
    out = []
    for row in rows:
        name = str(escape(row.name))
        out.append(
            _ROW.format(
                href=provider_url(row.organisation_id),
                name=name,
                escalations=_escalations(row.open_escalations),
                cells=row_cells(row, name, months, return_url),
            )
        )
    # Every value in it went through escape(): the names here, the fixed words at import; the
    # addresses are made of digits, the counts are numbers.
    return Markup("".join(out))  # noqa: S704
