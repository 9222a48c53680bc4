"""The rows of the two competition lists are written in Python (portal/competitions/views/
list_rows.py) for speed, and must be exactly what the templates' loops they replaced wrote: the
loops are kept here as they were, fed objects shaped as the ORM's were, and every kind of row is
rendered both ways and compared to the character, whitespace included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from portal.competitions.services.common import stage_of
from portal.competitions.services.lists import Listed, Opportunity
from portal.competitions.views.list_rows import opportunity_rows, staff_rows
from tests.support.page_checks import problems_in

# templates/competitions/index_staff.html's and _macros.html's lines, as they were.
STAGE_TAG = """\
{% macro stage_tag(stage) -%}
  <strong class="govuk-tag govuk-tag--{{ stage.colour }}">{{ stage.label }}</strong>
{%- endmacro %}"""
STAFF_LOOP = """\
    <tbody class="govuk-table__body">
      {%- set show_url = url_pattern("competitions.show", "competition_id") %}
      {% for competition in page.items %}
        {% set count = counts[competition.id] %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{{ show_url(competition.id) }}">{{ competition.title }}</a><br><span class="govuk-body-s">{{ competition.reference }}, {{ competition.kind_label | lower }}{% if competition.created_by %}, created by {{ competition.created_by.full_name }}{% endif %}</span></td>
          <td class="govuk-table__cell">{{ competition.lot.name }}</td>
          <td class="govuk-table__cell">{{ competition.submission_deadline | datetime }}</td>
          <td class="govuk-table__cell">{{ stage_tag(stage(competition, at)) }}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">{{ count.submitted }} of {{ count.invited }}</td>
        </tr>
      {% endfor %}
    </tbody>"""  # noqa: E501 - the template's lines as they were
STAFF_NOW = """\
    <tbody class="govuk-table__body">
      {#- Each row: portal/competitions/views/list_rows.py, staff_rows. #}
      {{ rows }}
    </tbody>"""
OPPORTUNITY_LOOP = """\
    <tbody class="govuk-table__body">
      {%- set show_url = url_pattern("competitions.show", "competition_id") %}
      {% for row in page.items %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{{ show_url(row.competition.id) }}">{{ row.competition.title }}</a><br><span class="govuk-body-s">{{ row.competition.kind_label }}, {{ row.competition.lot.name }}, for {{ row.invitation.organisation.display_name }}</span></td>
          <td class="govuk-table__cell">{{ row.competition.submission_deadline | datetime }}</td>
          <td class="govuk-table__cell">{{ stage_tag(row.stage) }}{% if row.stage.time_left %}<br><span class="govuk-body-s">{{ row.stage.time_left }}</span>{% endif %}</td>
          <td class="govuk-table__cell">
            {% if row.invitation.declined_at %}Declined
            {% elif row.quote_status == "submitted" %}Submitted
            {% elif row.quote_status == "withdrawn" %}Withdrawn
            {% elif row.quote_status == "draft" %}Draft, not submitted
            {% else %}Not started{% endif %}
          </td>
        </tr>
      {% endfor %}
    </tbody>"""  # noqa: E501 - the template's lines as they were
OPPORTUNITY_NOW = """\
    <tbody class="govuk-table__body">
      {#- Each row: portal/competitions/views/list_rows.py, opportunity_rows. #}
      {{ rows }}
    </tbody>"""

AT = datetime(2027, 3, 5, 11, 30, tzinfo=UTC)
TYPED = "Tutoring <b>& mentoring</b> for 'Year 9' \"now\""
# Every stage a row can be in: by status, and by the time left before the deadline.
STAGES = [
    ("draft", timedelta(days=10)),
    ("cancelled", timedelta(days=-3)),
    ("awarded", timedelta(days=-3)),
    ("confirmed", timedelta(days=-30)),
    ("published", timedelta(days=-1)),  # closed
    ("published", timedelta(0)),  # closed at this moment
    ("published", timedelta(minutes=1)),  # closing soon
    ("published", timedelta(hours=7, minutes=5)),
    ("published", timedelta(days=2)),  # open
    ("published", timedelta(days=40, hours=3)),  # in summer time
]


def _listed(number: int, status: str, left: timedelta) -> Listed:
    deadline = AT + left
    return Listed(
        id=number * 997,
        title=TYPED if number % 2 else f"Competition {number}",
        reference=f"{'PR' if number % 3 == 0 else 'MC'}-{number * 997}",
        kind_label="Placement request" if number % 3 == 0 else "Mini-competition",
        created_by_name=None if number % 4 == 0 else f"Sam <O'Neil> {number}",
        lot_name="Alternative provision & <tuition>",
        submission_deadline=deadline,
        stage=stage_of(status, deadline, AT),
        submitted=number % 5,
        invited=number * 3,
    )


def _as_orm(row: Listed) -> SimpleNamespace:
    """The competition as the old loop read it (its stage came from stage(), given below)."""
    return SimpleNamespace(
        id=row.id,
        title=row.title,
        reference=row.reference,
        kind_label=row.kind_label,
        created_by=None
        if row.created_by_name is None
        else SimpleNamespace(full_name=row.created_by_name),
        lot=SimpleNamespace(name=row.lot_name),
        submission_deadline=row.submission_deadline,
    )


@pytest.mark.parametrize("how_many", [0, 1, len(STAGES)])
def test_the_council_s_rows_are_what_the_template_wrote(app, how_many):
    rows = [_listed(n, *STAGES[n % len(STAGES)]) for n in range(1, how_many + 1)]
    old = [_as_orm(row) for row in rows]
    stages = {row.id: row.stage for row in rows}
    with app.test_request_context():
        ours = app.jinja_env.from_string(STAFF_NOW).render(rows=staff_rows(rows))
        theirs = app.jinja_env.from_string(STAGE_TAG + STAFF_LOOP).render(
            page=SimpleNamespace(items=old),
            counts={
                row.id: SimpleNamespace(submitted=row.submitted, invited=row.invited)
                for row in rows
            },
            at=AT,
            stage=lambda competition, _at: stages[competition.id],
        )
    assert ours == theirs
    assert ours.count('<tr class="govuk-table__row">') == how_many
    # The tags typed in the title are text, and nothing is escaped twice.
    assert problems_in(ours, typed=("<b>", "</b>", "<O'Neil>", "<tuition>")) == []


def _opportunity(number: int, status: str, left: timedelta, quote: str | None, declined: bool):
    deadline = AT + left
    return Opportunity(
        competition_id=number * 991,
        title=TYPED if number % 2 else f"Opportunity {number}",
        kind_label="Placement request" if number % 3 == 0 else "Mini-competition",
        lot_name="Mentoring & <coaching>",
        organisation_name=f"Bright <Futures> & Co {number}",
        submission_deadline=deadline,
        stage=stage_of(status, deadline, AT),
        declined=declined,
        quote_status=quote,
    )


def _opportunity_as_orm(row: Opportunity) -> SimpleNamespace:
    return SimpleNamespace(
        competition=SimpleNamespace(
            id=row.competition_id,
            title=row.title,
            kind_label=row.kind_label,
            lot=SimpleNamespace(name=row.lot_name),
            submission_deadline=row.submission_deadline,
        ),
        invitation=SimpleNamespace(
            organisation=SimpleNamespace(display_name=row.organisation_name),
            declined_at=AT if row.declined else None,
        ),
        quote_status=row.quote_status,
        stage=row.stage,
    )


QUOTES = [(None, False), ("draft", False), ("submitted", False), ("withdrawn", False)]
QUOTES += [(None, True), ("submitted", True), ("something new", False)]


@pytest.mark.parametrize("how_many", [0, 1, len(STAGES) * len(QUOTES)])
def test_a_provider_s_rows_are_what_the_template_wrote(app, how_many):
    rows = [
        _opportunity(n, *STAGES[n % len(STAGES)], *QUOTES[n // len(STAGES) % len(QUOTES)])
        for n in range(how_many)
    ]
    with app.test_request_context():
        ours = app.jinja_env.from_string(OPPORTUNITY_NOW).render(rows=opportunity_rows(rows))
        theirs = app.jinja_env.from_string(STAGE_TAG + OPPORTUNITY_LOOP).render(
            page=SimpleNamespace(items=[_opportunity_as_orm(row) for row in rows])
        )
    assert ours == theirs
    assert ours.count('<tr class="govuk-table__row">') == how_many
    assert problems_in(ours, typed=("<b>", "</b>", "<Futures>", "<coaching>")) == []
