"""The council's list of referrals: its rows are written in Python (portal/referrals/list_rows.py)
for speed, and must be exactly what the template loop they replaced wrote: the loop is kept here,
and referrals of every status and urgency, with words to escape, are rendered both ways and
compared to the character, whitespace included."""

from __future__ import annotations

from datetime import date

import pytest

from portal.core.pagination import Page
from portal.referrals.list_rows import referral_rows
from portal.referrals.services.listing import Row
from tests.support.rows import TYPED, assert_as_the_loop_wrote

# templates/referrals/index.html's table body, as it was.
LOOP = """\
        <tbody class="govuk-table__body">
          {#- A referral's page is /referrals/<id>: the address built once, not once a row. #}
          {% set referrals_url = url_for("referrals.index") %}
          {% for row in page.items %}
            <tr class="govuk-table__row">
              <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{{ referrals_url }}/{{ row.id }}">{{ row.reference }}</a><br><span class="govuk-body-s">Age {{ row.age_band }}, {{ row.team }}</span></td>
              <td class="govuk-table__cell">{{ row.lot }}</td>
              <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{{ row.urgency_colour }}">{{ row.urgency_label }}</strong></td>
              <td class="govuk-table__cell">{{ row.received_on | date }}</td>
              <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{{ row.status_colour }}">{{ row.status_label }}</strong></td>
              <td class="govuk-table__cell govuk-table__cell--numeric">{{ "" if row.days is none else row.days }}</td>
            </tr>
          {% endfor %}
        </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
        <tbody class="govuk-table__body">
          {#- Written in Python: portal/referrals/list_rows.py. #}
          {{ referral_rows(page.items) }}
        </tbody>"""

DAY = date(2027, 1, 4)
ROWS = [
    Row(1, "R-0001", "Tutoring", "5-11", "routine", "East", "received", DAY, DAY, 0),
    Row(22, TYPED, TYPED, "11-16", "urgent", TYPED, "matched", DAY, DAY, 12),
    Row(333, "R-0333", "Mentoring", "16-25", "emergency", "West", "offered", DAY, DAY, 3),
    Row(4444, "R-4444", "Mentoring", "5-11", "routine", "West", "started", DAY, DAY, 40),
    Row(5, "R-0005", "Therapies", "5-11", "urgent", "North", "closed", DAY, DAY, None),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[1:2]], ids=["all", "one"])
def test_the_rows_are_what_the_loop_wrote(app, rows):
    assert_as_the_loop_wrote(app, LOOP, OURS, {"page": Page(rows, 1, len(rows))})


def test_what_was_typed_is_escaped(app):
    with app.test_request_context():
        shown = referral_rows(ROWS[1:2])
    assert 'href="/referrals/22">Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39;' in shown
    assert 'govuk-tag--orange">Urgent</strong>' in shown
    assert 'numeric">12</td>' in shown
