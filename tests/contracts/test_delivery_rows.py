"""The contract page's delivery rows are written in Python (portal/contracts/views/delivery_rows.py)
for speed, and must be exactly what the template loop they replaced wrote: the loop is kept here,
and months in every state are rendered both ways, for the provider (each month a link) and for
council staff, and compared to the character, whitespace included."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from portal.contracts.services import delivery
from portal.contracts.services.delivery import MonthState, StatementShown

# templates/contracts/_delivery.html's table body, as it was.
LOOP = """\
    <tbody class="govuk-table__body">
      {#- The tags' markup (delivery_tag, statement_tag) written in the loop: a macro call each
          cost more than the rest of the row. -#}
      {%- set statement_url = url_pattern("contracts.statement", "statement_id", organisation_id=contract.organisation_id) %}
      {% for state in delivery_states %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell">{% if is_provider %}<a class="govuk-link" href="{{ url_for('contracts.delivery_month', organisation_id=contract.organisation_id, contract_id=contract.id, year=state.month.year, month=state.month.month) }}">{{ state.month.strftime("%B %Y") }}</a>{% else %}{{ state.month.strftime("%B %Y") }}{% endif %}</td>
          <td class="govuk-table__cell"><strong class="govuk-tag {{ delivery_state_tags[state.state] }}">{{ state.label }}</strong>{% if state.state in ("due", "overdue") %} <span class="govuk-body-s">Due {{ state.due | date }}</span>{% endif %}</td>
          <td class="govuk-table__cell">{% if state.statement %}<a class="govuk-link" href="{{ statement_url(state.statement.id) }}">{{ state.statement.number }}</a> <strong class="govuk-tag {{ statement_status_tags[state.statement.status] }}">{{ statement_status_labels[state.statement.status] }}</strong> {{ state.statement.gross_pence | pence }}{% endif %}</td>
        </tr>
      {% endfor %}
    </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
    <tbody class="govuk-table__body">
      {#- The rows are written in Python (portal/contracts/views/delivery_rows.py): a contract
          has a row for every month begun, and the loop's work for each grew with them. -#}
      {{ delivery_rows(contract, delivery_states, is_provider) }}
    </tbody>"""

CONTRACT = SimpleNamespace(id=4365, organisation_id=3723)


def state(month: date, state: str, statement: StatementShown | None = None) -> MonthState:
    return MonthState(
        contract=CONTRACT,  # type: ignore[arg-type]
        month=month,
        due=date(month.year + month.month // 12, month.month % 12 + 1, 14),
        state=state,
        statement=statement,
    )


STATES = [
    state(date(2027, 3, 1), delivery.NOT_ENDED),
    state(date(2027, 2, 1), delivery.DUE),
    state(date(2027, 1, 1), delivery.OVERDUE),
    state(date(2026, 12, 1), delivery.SUBMITTED, StatementShown(7, "SB-000007", "waiting", 125050)),
    state(date(2026, 11, 1), delivery.QUERIED, StatementShown(8, "SB-000008", "queried", 100000)),
    state(date(2026, 10, 1), delivery.APPROVED, StatementShown(9, "SB-<&>'\"", "approved", 5)),
]


@pytest.mark.parametrize("is_provider", [True, False], ids=["provider", "council"])
@pytest.mark.parametrize("states", [STATES, STATES[:1], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, states, is_provider):
    values = {"contract": CONTRACT, "delivery_states": states, "is_provider": is_provider}
    with app.test_request_context():
        ours = app.jinja_env.from_string(OURS).render(**values)
        theirs = app.jinja_env.from_string(LOOP).render(**values)
    assert ours == theirs
    assert ("/delivery/2027/3" in ours) is (is_provider and bool(states))
