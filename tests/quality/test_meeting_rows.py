"""The review meetings calendar's rows are written in Python (portal/quality/views/meeting_rows.py)
for speed, and must be exactly what the template loop they replaced wrote: the loop is kept here,
and lines of every kind (a meeting scheduled, one overdue, a provider due with none, for staff who
may schedule and who may not), with words to escape, are rendered both ways and compared to the
character, whitespace included."""

from __future__ import annotations

from datetime import date

import pytest

from portal.quality.services.meeting_calendar import Entry
from portal.quality.services.risk import Rating
from portal.quality.views.meeting_rows import meeting_rows
from tests.support.rows import TYPED, assert_as_the_loop_wrote

# templates/quality/meetings/calendar.html's table body, as it was.
LOOP = """\
{%- from "quality/_risk.html" import risk_tag %}  <tbody class="govuk-table__body">
    {% for entry in entries %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell">{{ entry.day.strftime("%A") }} {{ entry.day | date }}</td>
        <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{{ url_for('reviews.provider', organisation_id=entry.organisation_id) }}">{{ entry.organisation_name }}</a></td>
        <td class="govuk-table__cell">{{ risk_tag(entry.rating) }}</td>
        <td class="govuk-table__cell">
          {% if entry.meeting_id %}
            <a class="govuk-link" href="{{ url_for('quality.meeting', meeting_id=entry.meeting_id) }}">{{ entry.what }}<span class="govuk-visually-hidden"> with {{ entry.organisation_name }}</span></a>
          {% elif may_schedule %}
            {{ entry.what }}: <a class="govuk-link" href="{{ url_for('quality.schedule_meeting', organisation_id=entry.organisation_id) }}">schedule<span class="govuk-visually-hidden"> a meeting with {{ entry.organisation_name }}</span></a>
          {% else %}
            {{ entry.what }}
          {% endif %}
        </td>
      </tr>
    {% endfor %}
  </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
  <tbody class="govuk-table__body">
    {#- Written in Python: portal/quality/views/meeting_rows.py. #}
    {{ meeting_rows(entries, may_schedule) }}
  </tbody>"""

ENTRIES = [
    Entry(1, "Acme Care Ltd", Rating("high", 0, ()), date(2027, 1, 4), True, 17),
    Entry(22, TYPED, Rating("medium", 0, ()), date(2027, 1, 31), True),
    Entry(333, "Oak", Rating("low", 0, ()), date(2027, 2, 1), False, 4444),
    Entry(4444, "Elm & Ash", Rating("low", 0, ()), date(2027, 3, 15), False),
]


@pytest.mark.parametrize("may_schedule", [True, False])
@pytest.mark.parametrize("entries", [ENTRIES, ENTRIES[1:2], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, entries, may_schedule):
    assert_as_the_loop_wrote(app, LOOP, OURS, {"entries": entries, "may_schedule": may_schedule})


def test_what_was_typed_is_escaped(app):
    with app.test_request_context():
        shown = meeting_rows(ENTRIES[1:2], may_schedule=True)
    assert ">Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;</a>" in shown
    assert "Due, not scheduled: <a" in shown
    assert 'govuk-tag--yellow">Medium risk</strong>' in shown
