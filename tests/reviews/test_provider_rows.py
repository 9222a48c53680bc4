"""The rows of the reviewers' providers list are written in Python (portal/reviews/views/
provider_rows.py) for speed, and must be exactly what the template's loop they replaced wrote:
the loop is kept here as it was, fed the same rows (organisations, admissions and lots as the
ORM makes them, unsaved), and every kind of row is rendered both ways and compared to the
character, whitespace included. The rows are written from ProviderLines, the same facts as
plain values (portal.admissions.reviewers_list.providers_for_reviewers), made here from the rows the
loop reads."""

from __future__ import annotations

import math
from datetime import date

import pytest

from portal.admissions.models import ADMISSION_STATUSES, Admission
from portal.admissions.reviewers_list import LotHeld, ProviderLine
from portal.admissions.services import ProviderRow
from portal.kpi_returns.obligations import LATE, ON_TIME, MonthState, ReturnSummary
from portal.kpi_returns.ratings import GOOD, INADEQUATE
from portal.lots.models import Lot
from portal.organisations.models import Organisation
from portal.reviews.views.provider_rows import provider_rows
from tests.support.page_checks import problems_in

# templates/admissions/_macros.html's status_tag and templates/reviews/reviewer_providers.html's
# lines, as they were.
STATUS_TAG = """\
{% macro status_tag(admission) -%}
  <strong class="govuk-tag govuk-tag--{{ admission.status_colour }}">{{ admission.status_label }}</strong>
{%- endmacro %}"""  # noqa: E501 - the template's lines as they were
LOOP = (
    """\
    <tbody class="govuk-table__body">
"""
    + """\
      {#- Each row links four times: each address is worked out once (url_pattern), not by url_for per row. -#}
      {%- set provider_url, library_url, register_url, returns_url = url_pattern("reviews.provider", "organisation_id"), url_pattern("documents.library", "organisation_id"), url_pattern("staff_checks.register", "organisation_id"), url_pattern("kpi_returns.provider", "organisation_id") %}
      {% for row in results.items %}
        {% set organisation = row.organisation %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell app-break-words">
            <a class="govuk-link" href="{{ provider_url(organisation.id) }}">{{ organisation.display_name }}</a>
            {% if row.kinds %}<br><span class="govuk-body-s">{{ row.kinds | join(", ") }}</span>{% endif %}
          </td>
          <td class="govuk-table__cell">
            <ul class="govuk-list">
              {% for admission in row.admissions %}<li>{{ admission.lot.name }} {{ status_tag(admission) }}</li>{% endfor %}
            </ul>
          </td>
          <td class="govuk-table__cell">
            {% if row.call_off_problems %}
              <strong class="govuk-tag govuk-tag--red">Not eligible for call-offs</strong>
              <ul class="govuk-list govuk-body-s">{% for problem in row.call_off_problems %}<li>{{ problem }}</li>{% endfor %}</ul>
            {% endif %}
            {% if row.documents_needing_attention %}
              <a class="govuk-link" href="{{ library_url(organisation.id) }}">{{ row.documents_needing_attention }} need{{ "s" if row.documents_needing_attention == 1 else "" }} attention<span class="govuk-visually-hidden"> ({{ organisation.display_name }})</span></a>
            {% else %}
              None need attention
            {% endif %}
          </td>
          <td class="govuk-table__cell">
            {% if row.dbs_flagged %}
              <a class="govuk-link" href="{{ register_url(organisation.id) }}">{{ row.dbs_flagged }} of {{ row.dbs_people }} {{ "person" if row.dbs_people == 1 else "people" }} flagged<span class="govuk-visually-hidden"> ({{ organisation.display_name }})</span></a>
            {% elif row.dbs_people %}
              {{ row.dbs_people }} {{ "person" if row.dbs_people == 1 else "people" }}, none flagged
            {% else %}
              <strong class="govuk-tag govuk-tag--orange">Nobody on the register</strong>
            {% endif %}
          </td>
          <td class="govuk-table__cell">
            {% if row.last_return %}
              <a class="govuk-link" href="{{ returns_url(organisation.id) }}">{{ row.last_return.month.strftime("%B %Y") }}<span class="govuk-visually-hidden"> ({{ organisation.display_name }})</span></a>
              <br><span class="govuk-body-s">{{ row.last_return.label }}{% if row.last_return.rating %}, {{ row.last_return.rating_label | lower }}{% endif %}</span>
            {% else %}
              None yet
            {% endif %}
            {% if row.escalations %}
              <br><strong class="govuk-tag govuk-tag--red">{{ row.escalations | length }} escalation{{ "s" if row.escalations | length > 1 else "" }} open</strong>
            {% endif %}
          </td>
        </tr>
      {% endfor %}
"""  # noqa: E501 - the template's lines as they were
    + """\
    </tbody>"""
)
NOW = """\
    <tbody class="govuk-table__body">
      {#- Each row: portal/reviews/views/provider_rows.py. #}
      {{ rows }}
    </tbody>"""

TYPED = "Bright <b>Futures</b> & 'Co' \"now\""
LOTS = [Lot(id=1, name="Alternative provision & <tuition>"), Lot(id=2, name="Mentoring")]
# Each cell's every branch: kinds, admissions, call-off problems, documents needing attention,
# the DBS register (people, flagged) and the last KPI return with its escalations.
KINDS = [(False, False, False), (True, False, False), (True, True, True)]
ADMISSIONS = [[], [0], [0, 1, 2]]
PROBLEMS = [[], ["No <public liability> insurance & more"], ["One", "Two"]]
NEEDING = [0, 1, 2]
REGISTER = [(0, 0), (1, 0), (3, 0), (1, 1), (4, 2)]
RETURNS = [None, (ON_TIME, None), (LATE, GOOD), (ON_TIME, INADEQUATE)]
ESCALATIONS = [0, 1, 3]


def _row(number: int, combination: tuple) -> ProviderRow:
    kinds, admitted, problems, needing, (people, flagged), last, escalations = combination
    organisation = Organisation(
        id=number * 977,
        legal_name=TYPED if number % 2 else f"Provider {number} Ltd",
        trading_name=None if number % 3 else f"Trading <co> {number}",
    )
    organisation.is_sme, organisation.is_vcse, organisation.is_local = kinds
    month = date(2027, 1 + number % 12, 1)
    return ProviderRow(
        organisation=organisation,
        admissions=[
            Admission(lot=LOTS[each % 2], status=ADMISSION_STATUSES[each % 3]) for each in admitted
        ],
        call_off_problems=problems,
        documents_needing_attention=needing,
        dbs_people=people,
        dbs_flagged=flagged,
        last_return=None
        if last is None
        else MonthState(
            month,
            month,
            last[0],
            ReturnSummary(number, organisation.id, month, "submitted", None, 1, last[1]),
        ),
        escalations=[object()] * escalations,  # type: ignore[list-item] - counted alone
    )


CELLS = (KINDS, ADMISSIONS, PROBLEMS, NEEDING, REGISTER, RETURNS, ESCALATIONS)
# Each cell's branches are its own (no cell reads another's values), so every branch of every
# cell is met, each with the others varying, in the least common multiple of their numbers.
EVERY_BRANCH = math.lcm(*(len(branches) for branches in CELLS))


def _rows(how_many: int) -> list[ProviderRow]:
    return [
        _row(number, tuple(branches[number % len(branches)] for branches in CELLS))
        for number in range(how_many)
    ]


def _line(row: ProviderRow) -> ProviderLine:
    """The same facts as the list reads them now: columns, not objects."""
    organisation = row.organisation
    return ProviderLine(
        id=organisation.id,
        name=organisation.display_name,
        kinds=row.kinds,
        admissions=[LotHeld(admission.lot.name, admission.status) for admission in row.admissions],
        call_off_problems=row.call_off_problems,
        documents_needing_attention=row.documents_needing_attention,
        dbs_people=row.dbs_people,
        dbs_flagged=row.dbs_flagged,
        last_return=row.last_return,
        open_escalations=len(row.escalations),
    )


@pytest.mark.parametrize("how_many", [0, 1, EVERY_BRANCH])
def test_the_rows_are_what_the_template_wrote(app, how_many):
    rows = _rows(how_many)
    with app.test_request_context():
        ours = app.jinja_env.from_string(NOW).render(
            rows=provider_rows([_line(row) for row in rows])
        )
        theirs = app.jinja_env.from_string(STATUS_TAG + LOOP).render(
            results=type("Results", (), {"items": rows})
        )
    assert ours == theirs
    assert ours.count('<tr class="govuk-table__row">') == how_many
    # The tags typed in the names are text, and nothing is escaped twice.
    typed = ("<b>", "</b>", "<co>", "<tuition>", "<public liability>")
    assert problems_in(ours, typed=typed) == []
