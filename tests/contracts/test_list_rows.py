"""The contracts tables' rows are written in Python (portal/contracts/views/list_rows.py) for
speed, and must be exactly what the template loop they replaced wrote: the loop is kept here,
and contracts of every status (a draft sent and not, active, ended, terminated), with words to
escape, are rendered both ways and compared to the character, whitespace included."""

from __future__ import annotations

from datetime import date

import pytest

from portal.contracts.services.reading import Row
from portal.contracts.views.list_rows import contract_rows
from portal.core.pagination import Page
from tests.support.rows import TYPED, assert_as_the_loop_wrote

# templates/contracts/_macros.html's table body, as it was (with the colours it set).
LOOP = """\
{%- set status_colours = {"draft": "blue", "active": "green", "ended": "grey", "terminated": "red", "to_send": "yellow"} %}    <tbody class="govuk-table__body">
      {#- status_tag's markup, written in the loop: a macro call per row cost more than the row. -#}
      {%- set show_url, colours = url_pattern("contracts.show", "contract_id"), status_colours %}
      {% for row in page.items %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{{ show_url(row.id) }}">{{ row.title }}</a><br><span class="govuk-body-s">{{ row.reference }}, {{ row.team }}</span></td>
          {% if show_provider %}<td class="govuk-table__cell app-break-words">{{ row.provider }}</td>{% endif %}
          <td class="govuk-table__cell">{{ row.lot }}</td>
          <td class="govuk-table__cell">{{ row.start_on | date }} to {{ row.end_on | date }}</td>
          <td class="govuk-table__cell">
  <strong class="govuk-tag govuk-tag--{{ colours[row.tag] }}">{{ row.status_label }}</strong></td>
          <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.total_pence | pence }}</td>
        </tr>
      {% endfor %}
    </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
    <tbody class="govuk-table__body">
      {#- Written in Python: portal/contracts/views/list_rows.py. #}
      {{ contract_rows(page.items, show_provider) }}
    </tbody>"""

ROWS = [
    Row(
        1,
        "Tutoring for two",
        "Acme Care Ltd",
        "Tutoring",
        "SEND",
        "draft",
        False,
        date(2026, 9, 1),
        date(2027, 7, 31),
        125_050,
    ),
    Row(
        22,
        TYPED,
        TYPED,
        "Therapies <all>",
        "Team & co",
        "draft",
        True,
        date(2026, 1, 31),
        date(2026, 2, 1),
        0,
    ),
    Row(
        333,
        "Mentoring",
        "Oak",
        "Mentoring",
        "Inclusion",
        "active",
        True,
        date(2025, 4, 1),
        date(2027, 3, 31),
        99,
    ),
    Row(
        4444,
        "Ended",
        "Elm",
        "Mentoring",
        "Inclusion",
        "ended",
        True,
        date(2024, 4, 1),
        date(2025, 3, 31),
        1_234_567_890,
    ),
    Row(
        5,
        "Stopped",
        "Ash",
        "Mentoring",
        "Inclusion",
        "terminated",
        True,
        date(2024, 4, 1),
        date(2025, 3, 31),
        1,
    ),
]


@pytest.mark.parametrize("show_provider", [True, False])
@pytest.mark.parametrize("rows", [ROWS, ROWS[1:2], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, rows, show_provider):
    context = {"page": Page(rows, 1, len(rows)), "show_provider": show_provider}
    assert_as_the_loop_wrote(app, LOOP, OURS, context, typed=("<b>", "</b>", "<all>"))


def test_what_was_typed_is_escaped(app):
    with app.test_request_context():
        shown = contract_rows(ROWS[1:2])
    assert "Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;</a>" in shown
    assert "CO-22, Team &amp; co" in shown
    assert 'govuk-tag--blue">' in shown  # a draft sent, waiting for the provider
