"""The contract page's delivery rows as HTML (templates/contracts/_delivery.html), written here
rather than as a loop in the template.

A contract two years old has two dozen months, each a row of three cells with a link to the
month, its tag, its due date and its statement; as a Jinja loop each row cost its look-ups, a
url_for, filters and escapes, about a fifth of the page's CPU. The markup is exactly what the
loop wrote, whitespace included: tests/contracts/test_delivery_rows.py renders both and compares
them.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.contracts.models import Contract
from portal.contracts.services import delivery
from portal.contracts.views.delivery import (
    DELIVERY_STATE_TAGS,
    STATEMENT_STATUS_LABELS,
    STATEMENT_STATUS_TAGS,
)
from portal.core.money import format_pence
from portal.core.time import format_date
from portal.core.urls import UrlPattern

_ROW = (
    '\n        <tr class="govuk-table__row">'
    '\n          <td class="govuk-table__cell">{month}</td>'
    '\n          <td class="govuk-table__cell">{tag}{due}</td>'
    '\n          <td class="govuk-table__cell">{statement}</td>'
    "\n        </tr>\n      "
)


# The words and tag classes of each state and status, escaped once, not again for every row.
_STATE_TAGS = {
    state: f'<strong class="govuk-tag {escape(tag)}">{escape(delivery.STATE_LABELS[state])}'
    "</strong>"
    for state, tag in DELIVERY_STATE_TAGS.items()
}
_STATUS_TAGS = {
    status: f'<strong class="govuk-tag {escape(tag)}">{escape(STATEMENT_STATUS_LABELS[status])}'
    "</strong>"
    for status, tag in STATEMENT_STATUS_TAGS.items()
}


def delivery_rows(
    contract: Contract, states: list[delivery.MonthState], is_provider: bool
) -> Markup:
    """The delivery table's rows for `states` (the contract's months begun, newest first): the
    month (a link to its delivery, for the provider), its state with the due date while due or
    overdue, and its statement with its status and gross amount."""
    organisation_id = contract.organisation_id
    month_url = UrlPattern(
        "contracts.delivery_month",
        "contract_id",
        "year",
        "month",
        organisation_id=organisation_id,
    )
    statement_url = UrlPattern(
        "contracts.statement", "statement_id", organisation_id=organisation_id
    )
    rows = []
    for state in states:
        month = state.month
        # Month names, dates, amounts and these addresses are letters, digits and "/£,.":
        # nothing in them to escape. The statement's number is escaped as the loop did.
        name = month.strftime("%B %Y")
        if is_provider:
            href = month_url(contract.id, month.year, month.month)
            name = f'<a class="govuk-link" href="{href}">{name}</a>'
        due = (
            f' <span class="govuk-body-s">Due {format_date(state.due)}</span>'
            if state.state in (delivery.DUE, delivery.OVERDUE)
            else ""
        )
        statement = state.statement
        shown = (
            f'<a class="govuk-link" href="{statement_url(statement.id)}">'
            f"{escape(statement.number)}</a> {_STATUS_TAGS[statement.status]} "
            f"{format_pence(statement.gross_pence)}"
            if statement
            else ""
        )
        rows.append(_ROW.format(month=name, tag=_STATE_TAGS[state.state], due=due, statement=shown))
    # Every value above is escaped, or has nothing to escape, as the template's autoescape did.
    return Markup("\n      " + "".join(rows))  # noqa: S704
