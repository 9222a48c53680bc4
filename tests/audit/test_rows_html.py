"""The audit log's table rows are written in Python (portal/audit_log/rows_html.py) for speed,
and must be exactly what the template loop they replaced wrote: the loop is kept here, and
rows of every shape are rendered both ways and compared to the character, whitespace
included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from markupsafe import Markup

from portal.audit_log.services import Change, EventLine, EventPage
from tests.support.rows import TYPED, assert_as_the_loop_wrote

# templates/audit/_macros.html's table body, as it was.
LOOP = """\
  <tbody class="govuk-table__body">
    {% for line in page.items %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell govuk-body-s">{{ line.occurred_at | datetime }}</td>
        <td class="govuk-table__cell govuk-body-s app-break-words">{% if line.actor_name %}{{ line.actor_name }}<br><span class="govuk-hint govuk-body-s">{{ line.actor_email }}</span>{% else %}The portal{% endif %}</td>
        <td class="govuk-table__cell govuk-body-s">{{ line.action_label }}</td>
        <td class="govuk-table__cell govuk-body-s app-break-words">{{ line.object_label }}{% if line.object_id is not none %} {{ line.object_id }}{% endif %}
          {%- if show_organisation and line.organisation_name %}<br>{{ line.organisation_name }}{% endif %}</td>
        <td class="govuk-table__cell govuk-body-s app-break-words">
          {%- if line.changes %}
          <ul class="govuk-list govuk-body-s">
            {% for change in line.changes %}<li>{{ change }}</li>{% endfor %}
          </ul>
          {%- endif -%}
        </td>
      </tr>
    {% endfor %}
  </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
  <tbody class="govuk-table__body">
    {{- audit_event_rows(page.items, show_organisation) }}
  </tbody>"""


def line(number: int, **fields) -> EventLine:
    values = {
        "id": number,
        "occurred_at": datetime(2027, 3, 27, 12 + number % 12, number % 60, tzinfo=UTC),
        "action": "application.submitted",
        "actor_name": "Ann Smith",
        "actor_email": "ann@example.org",
        "object_type": "application",
        "object_id": number,
        "organisation_id": 7,
        "organisation_name": "Acme Care Ltd",
        "changes": [Change("Status", "Draft", "Submitted")],
        "ip_address": "127.0.0.1",
    }
    return EventLine(**{**values, **fields})


LINES = [
    line(1),
    line(2, actor_name=None, actor_email=None),
    line(3, actor_name=TYPED, actor_email="a&b@example.org"),
    line(4, object_id=None, organisation_name=None, organisation_id=None),
    line(5, organisation_name=TYPED),
    line(6, changes=[]),
    line(
        7,
        changes=[
            Change("Reason", None, TYPED),
            Change("Legal name", "Old & <co>", None),
            Change("Filters", '{"a": 1}', '{"b": "<2>"}'),
        ],
    ),
    line(8, action="kpi_query.asked", object_type="some_new_kind"),
    line(9, occurred_at=datetime(2027, 1, 5, 0, 0, tzinfo=UTC), object_id=0),
]


@pytest.mark.parametrize("show_organisation", [True, False])
@pytest.mark.parametrize("lines", [LINES, LINES[:1], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, lines, show_organisation):
    context = {
        "page": EventPage(lines, older=None, newer=None),
        "show_organisation": show_organisation,
    }
    assert_as_the_loop_wrote(app, LOOP, OURS, context, typed=("<b>", "</b>", "<co>", "<2>"))


def test_what_was_recorded_is_escaped(app):
    with app.test_request_context():
        shown = app.jinja_env.globals["audit_event_rows"](LINES[2:3])
    assert isinstance(shown, Markup)
    assert "Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;" in shown
