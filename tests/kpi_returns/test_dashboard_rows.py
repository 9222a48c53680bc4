"""The dashboard's rows are written in Python (portal/kpi_returns/views/dashboard_cells.py) for
speed, and must be exactly what the template loop they replaced wrote: the loop is kept here,
and rows of every shape (a name to escape, no, one and several open escalations) are rendered
both ways and compared to the character, whitespace included."""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from portal.core.urls import UrlPattern
from portal.kpi_returns.dashboard import DashboardCell, DashboardRow
from portal.kpi_returns.obligations import (
    DUE,
    LATE,
    MISSING,
    NOT_REQUIRED,
    ON_TIME,
)
from portal.kpi_returns.views import dashboard_cells
from tests.support.page_checks import problems_in

# templates/kpi_returns/dashboard.html's table body, as it was (its cells written by
# dashboard_cells.row_cells, as they still are).
LOOP = """\
    <tbody class="govuk-table__body">
      {%- set provider_url = url_pattern("kpi_returns.provider", "organisation_id") %}
      {#- A comment stood here. #}
      {% for row in rows %}
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header app-break-words">
            <a class="govuk-link" href="{{ provider_url(row.organisation_id) }}">{{ row.name }}</a>
            {% if row.open_escalations %}<br><strong class="govuk-tag govuk-tag--red">{{ row.open_escalations }} open escalation{{ "s" if row.open_escalations > 1 else "" }}</strong>{% endif %}
          </th>
          {{ cells[loop.index0] }}
        </tr>
      {% endfor %}
    </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
    <tbody class="govuk-table__body">
      {#- A comment stands here. #}
      {{ dashboard_rows }}
    </tbody>"""

TYPED = "Bright <b>Futures</b> & 'Co' \"quoted\""
NAMES = ["September 2026", "October 2026"]


CELLS = [
    [DashboardCell(ON_TIME, 7, False, "good"), DashboardCell(DUE)],
    [DashboardCell(LATE, 8, True, None), DashboardCell(MISSING)],
    [DashboardCell(NOT_REQUIRED), DashboardCell(NOT_REQUIRED)],
]
ROWS = [
    DashboardRow(1, "Acme Care Ltd", CELLS[0], 0),
    DashboardRow(22, TYPED, CELLS[1], 1),
    DashboardRow(333, "Oak Tutoring", CELLS[2], 3),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[1:2], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, rows):
    with app.test_request_context():
        return_url = UrlPattern("kpi_returns.staff_return", "return_id")
        months = [str(escape(name)) for name in NAMES]
        cells = [
            Markup(dashboard_cells.row_cells(row, str(escape(row.name)), months, return_url))  # noqa: S704
            for row in rows
        ]
        theirs = app.jinja_env.from_string(LOOP).render(rows=rows, cells=cells)
        ours = app.jinja_env.from_string(OURS).render(
            dashboard_rows=dashboard_cells.table_rows(rows, NAMES)
        )
    assert ours == theirs
    # Our tags are markup, and nothing is escaped twice (the tags typed in TYPED are text).
    assert problems_in(f"<table>{ours}</table>", typed=("<b>", "</b>")) == []


def test_what_a_provider_typed_is_escaped(app):
    with app.test_request_context():
        shown = dashboard_cells.table_rows(ROWS[1:2], NAMES)
    assert isinstance(shown, Markup)
    assert "Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;" in shown
    assert "1 open escalation</strong>" in shown
