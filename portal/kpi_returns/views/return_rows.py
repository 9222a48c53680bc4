"""The provider's table of its returns (templates/kpi_returns/overview.html), its rows written as
HTML here rather than as a loop in the template.

An organisation on the framework two years owes two dozen returns, each a row of four cells: a
link to the month, its due date, its status with "Amended" or "Draft saved", its rating. Through
Jinja each row cost its look-ups, a url_for and escapes, about a sixth of the page's CPU. The
markup is exactly what the loop wrote, whitespace included: tests/kpi_returns/test_return_rows.py
renders both and compares them.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.core.time import format_date
from portal.core.urls import UrlPattern
from portal.kpi_returns import ratings
from portal.kpi_returns.obligations import (
    LATE,
    ON_TIME,
    STATE_COLOURS,
    STATE_LABELS,
    MonthState,
)

_ROW = (
    '\n        <tr class="govuk-table__row">'
    '\n          <td class="govuk-table__cell"><a class="govuk-link" href="{href}">{month}</a></td>'
    '\n          <td class="govuk-table__cell">{due}</td>'
    '\n          <td class="govuk-table__cell">{status}</td>'
    '\n          <td class="govuk-table__cell">{rating}</td>'
    "\n        </tr>\n      "
)
# The words of each state and rating as tags, escaped once, not again for every row.
_STATE_TAGS = {
    state: f'<strong class="govuk-tag govuk-tag--{escape(STATE_COLOURS[state])}">'
    f"{escape(label)}</strong>"
    for state, label in STATE_LABELS.items()
}
_AMENDED = ' <strong class="govuk-tag govuk-tag--purple">Amended</strong>'
_DRAFT_SAVED = ' <span class="govuk-body-s">Draft saved</span>'
_NOT_RATED = '<span class="govuk-body-s">Not rated</span>'


def _rating_tag(rating: str) -> str:
    return (
        f'<strong class="govuk-tag govuk-tag--{escape(ratings.colour(rating))}">'
        f"{escape(ratings.label(rating))}</strong>"
    )


_RATING_TAGS = {rating: _rating_tag(rating) for rating in ratings.RATINGS}


def return_rows(organisation_id: int, states: list[MonthState]) -> Markup:
    """The table body's rows for `states` (the months owed, newest first): the month, a link
    to its return; when it is due; its status, amended or with a draft saved; its rating."""
    return_url = UrlPattern(
        "kpi_returns.show_return", "year", "month", organisation_id=organisation_id
    )
    rows = []
    for state in states:
        month, due = state.month, state.due
        status = _STATE_TAGS[state.state]
        if state.amended:
            status += _AMENDED
        if state.has_draft:
            status += _DRAFT_SAVED
        rating = state.rating
        if rating:
            shown = _RATING_TAGS.get(rating) or _rating_tag(rating)
        else:
            shown = _NOT_RATED if state.state in (ON_TIME, LATE) else ""
        # Month and day names, dates and these addresses are letters and digits: nothing in
        # them to escape.
        rows.append(
            _ROW.format(
                href=return_url(month.year, month.month),
                month=month.strftime("%B %Y"),
                due=f"{due:%A} {format_date(due)}",
                status=status,
                rating=shown,
            )
        )
    # Every value above is escaped, or has nothing to escape, as the template's autoescape did.
    return Markup("".join(rows))  # noqa: S704
