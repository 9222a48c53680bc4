"""The provider's table of its returns is written in Python (portal/kpi_returns/views/
return_rows.py) for speed, and must be exactly what the template loop it replaced wrote: the loop
is kept here, and months in every state (due, missing, submitted on time or late, amended, with a
draft saved, each rating and none) are rendered both ways and compared to the character,
whitespace included."""

from __future__ import annotations

from datetime import date

import pytest

from portal.kpi_returns import ratings
from portal.kpi_returns.models import DRAFT, SUBMITTED
from portal.kpi_returns.obligations import DUE, LATE, MISSING, ON_TIME, MonthState, ReturnSummary

# templates/kpi_returns/overview.html's table body, as it was.
LOOP = """\
    <tbody class="govuk-table__body">
      {% for state in states %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{{ url_for('kpi_returns.show_return', organisation_id=organisation.id, year=state.month.year, month=state.month.month) }}">{{ state.month.strftime("%B %Y") }}</a></td>
          <td class="govuk-table__cell">{{ state.due.strftime("%A") }} {{ state.due | date }}</td>
          {#- _macros.html's state_tag and rating_tag, written out: a macro call per row cost more than what it writes. #}
          <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{{ state.colour }}">{{ state.label }}</strong>{% if state.amended %} <strong class="govuk-tag govuk-tag--purple">Amended</strong>{% endif %}{% if state.has_draft %} <span class="govuk-body-s">Draft saved</span>{% endif %}</td>
          <td class="govuk-table__cell">{% if state.rating %}<strong class="govuk-tag govuk-tag--{{ rating_colour(state.rating) }}">{{ rating_label(state.rating) }}</strong>{% elif state.state in ("submitted", "late") %}<span class="govuk-body-s">Not rated</span>{% endif %}</td>
        </tr>
      {% endfor %}
    </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
    <tbody class="govuk-table__body">
      {#- The rows are written in Python (portal/kpi_returns/views/return_rows.py): a row for
          every month owed, and the loop's work for each grew with them. #}
      {{ return_rows(organisation.id, states) }}
    </tbody>"""

ORGANISATION_ID = 3723


def state(month: date, state: str, status: str | None = None, versions=1, rating=None):
    summary = (
        ReturnSummary(90 + month.month, ORGANISATION_ID, month, status, None, versions, rating)
        if status
        else None
    )
    return MonthState(month, date(month.year, month.month, 14), state, summary)


STATES = [
    state(date(2027, 2, 1), DUE),
    state(date(2027, 1, 1), DUE, DRAFT),
    state(date(2026, 12, 1), MISSING),
    state(date(2026, 11, 1), MISSING, DRAFT),
    state(date(2026, 10, 1), ON_TIME, SUBMITTED),
    state(date(2026, 9, 1), LATE, SUBMITTED, versions=2),
    *(
        state(date(2025, number, 1), ON_TIME, SUBMITTED, versions=number % 2 + 1, rating=rating)
        for number, rating in enumerate(ratings.RATINGS, start=1)
    ),
    state(date(2025, 8, 1), LATE, SUBMITTED, rating="unheard of"),
]


@pytest.mark.parametrize("states", [STATES, STATES[:1], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, states):
    values = {"organisation": {"id": ORGANISATION_ID}, "states": states}
    with app.test_request_context():
        ours = app.jinja_env.from_string(OURS).render(**values)
        theirs = app.jinja_env.from_string(LOOP).render(**values)
    assert ours == theirs
    assert ("/months/2027/2" in ours) is bool(states)
