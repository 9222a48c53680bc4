"""The rows of the reviewers' queue are written in Python (portal/reviews/views/queue_rows.py)
for speed, and must be exactly what the template's loop they replaced wrote: the loop is kept
here as it was, and rows of every kind (names and lots to escape, resubmitted or not, each kind
of organisation, one or many days waiting, overdue or not, no, one or several flags, assigned
or not) are rendered both ways and compared to the character, whitespace included."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from portal.reviews.queue import QueueApplication, QueueOrganisation, QueueRow
from portal.reviews.services import FLAG_LABELS, ReviewerName
from portal.reviews.views.queue_rows import queue_rows
from tests.support.page_checks import problems_in

# templates/reviews/queue.html's table body, as it was.
IMPORT = """{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}"""
LOOP = """\
  <tbody class="govuk-table__body">
    {%- set show_url = url_pattern("reviews.show", "application_id") %}
    {% for row in page.items %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell app-break-words">
          <a class="govuk-link" href="{{ show_url(row.application.id) }}">{{ row.organisation.display_name }}</a>
          <br><span class="govuk-body-s">{{ row.application.reference }}{% if row.resubmission %} (resubmitted){% endif %}</span>
          <br><span class="govuk-body-s">{{ row.application.status_label }}{% if row.organisation.is_sme %} · SME{% endif %}{% if row.organisation.is_vcse %} · VCSE{% endif %}{% if row.organisation.is_local %} · Local{% endif %}</span>
        </td>
        <td class="govuk-table__cell">{{ row.lot_names | join(", ") }}</td>
        <td class="govuk-table__cell">{{ row.submitted_at | date }}</td>
        <td class="govuk-table__cell">{{ row.days_waiting }} working {{ "day" if row.days_waiting == 1 else "days" }}{% if row.overdue %}<br>{{ govukTag({"text": "Overdue", "classes": "govuk-tag--red"}) }}{% endif %}</td>
        <td class="govuk-table__cell">
          {% for flag in row.flags if flag != "overdue" %}{{ govukTag({"text": flag_labels[flag], "classes": "govuk-tag--orange"}) }} {% else %}None{% endfor %}
        </td>
        <td class="govuk-table__cell">{{ row.assigned_to.full_name if row.assigned_to else "Nobody" }}</td>
      </tr>
    {% endfor %}
  </tbody>"""  # noqa: E501 - the template's lines as they were
NOW = """\
  <tbody class="govuk-table__body">
    {#- Each row: portal/reviews/views/queue_rows.py. #}
    {{ rows }}
  </tbody>"""

TYPED = "Bright <b>Futures</b> & 'Co' \"now\""
# Each cell's every branch.
NAMES = [(None, TYPED), ("Trading <co>", "Legal Ltd"), (None, "Oak Tutoring")]
STATUSES = ["submitted", "in_review", "returned"]
RESUBMITTED = [False, True]
KINDS = [(False, False, False), (True, False, False), (False, True, True), (True, True, True)]
LOTS = [[], ["Alternative provision & <tuition>"], ["Mentoring", "Online tuition"]]
WAITING = [(0, False), (1, False), (12, True)]
FLAGS = [
    [],
    ["overdue"],
    ["failed-answers"],
    ["failed-answers", "documents", "dbs", "overdue"],
    ["documents", "dbs"],
]
ASSIGNED = [None, ReviewerName(7, "Sam <Reviewer> O'Neil")]
CELLS = (NAMES, STATUSES, RESUBMITTED, KINDS, LOTS, WAITING, FLAGS, ASSIGNED)
# Each cell's branches are its own, so every branch of every cell is met, each with the others
# varying, in the least common multiple of their numbers.
EVERY_BRANCH = math.lcm(*(len(branches) for branches in CELLS))


def _row(number: int) -> QueueRow:
    names, status, resubmitted, kinds, lots, (days, overdue), flags, assigned = (
        branches[number % len(branches)] for branches in CELLS
    )
    return QueueRow(
        application=QueueApplication(number * 977, f"FLSF-2026-{number:05d}", status),
        organisation=QueueOrganisation(*names, *kinds),
        lot_names=lots,
        submitted_at=datetime(2026, 1 + number % 12, 1 + number % 28, 23, 30, tzinfo=UTC),
        resubmission=resubmitted,
        days_waiting=days,
        overdue=overdue,
        flags=flags,
        assigned_to=assigned,
    )


@pytest.mark.parametrize("how_many", [0, 1, EVERY_BRANCH])
def test_the_rows_are_what_the_template_wrote(app, how_many):
    rows = [_row(number) for number in range(how_many)]
    with app.test_request_context():
        ours = app.jinja_env.from_string(IMPORT + NOW).render(rows=queue_rows(rows, FLAG_LABELS))
        theirs = app.jinja_env.from_string(IMPORT + LOOP).render(
            page=type("Page", (), {"items": rows}), flag_labels=FLAG_LABELS
        )
    assert ours == theirs
    assert ours.count('<tr class="govuk-table__row">') == how_many
    # The tags typed in the names are text, and nothing is escaped twice.
    typed = ("<b>", "</b>", "<co>", "<tuition>", "<Reviewer>")
    assert problems_in(ours, typed=typed) == []
