"""The capacity table's rows are written in Python (portal/capacity/rows_html.py) for speed, and
must be exactly what the template loop they replaced wrote: the loop is kept here, and rows of
every shape are rendered both ways and compared to the character, whitespace included."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from portal.capacity.listing import CapacityRow
from tests.support.rows import TYPED, assert_as_the_loop_wrote

# templates/capacity/_macros.html's table body, as it was.
LOOP = """\
    <tbody class="govuk-table__body">
      {% for row in rows %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell app-break-words">{{ row.provider }}</td>
          <td class="govuk-table__cell">{{ row.lot }}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.places_now }}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.places_next_term }}</td>
          <td class="govuk-table__cell">{{ row.age_from }} to {{ row.age_to }}</td>
          <td class="govuk-table__cell govuk-body-s">{{ row.needs | join("; ") or "None named" }}</td>
          <td class="govuk-table__cell app-break-words">{{ row.districts | join(", ") }}</td>
          <td class="govuk-table__cell">{{ "Yes" if row.travel_support else "No" }}</td>
          <td class="govuk-table__cell">{{ row.confirmed }}{% if row.stale %} <strong class="govuk-tag govuk-tag--orange">Out of date</strong>{% endif %}</td>
        </tr>
      {% endfor %}
    </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
    <tbody class="govuk-table__body">
      {{- capacity_rows(rows) }}
    </tbody>"""


def row(**fields) -> CapacityRow:
    values = {
        "provider": "Acme Care Ltd",
        "lot": "Mentoring",
        "places_now": 3,
        "places_next_term": 0,
        "age_from": 11,
        "age_to": 16,
        "needs": ("Autism (ASD)", "Social, emotional and mental health (SEMH)"),
        "districts": ("DY1", "DY3"),
        "travel_support": True,
        "confirmed": "Last confirmed 5 January 2027",
        "stale": False,
    }
    return CapacityRow(**{**values, **fields})


ROWS = [
    row(),
    row(provider=TYPED, lot=TYPED, travel_support=False),
    row(needs=(), districts=()),
    row(needs=("ADHD",), districts=("B63",), places_now=0, age_from=4, age_to=25),
    row(confirmed="Last confirmed 5 November 2026 — out of date", stale=True),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, rows):
    assert_as_the_loop_wrote(app, LOOP, OURS, {"rows": rows})


def test_what_a_provider_typed_is_escaped(app):
    with app.test_request_context():
        shown = app.jinja_env.globals["capacity_rows"](ROWS[1:2])
    assert isinstance(shown, Markup)
    assert "Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;" in shown
