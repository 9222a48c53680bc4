"""The reviewers' list of documents needing attention: its rows are written in Python
(portal/documents/attention_rows.py) for speed, and must be exactly what the template loop they
replaced wrote, so the loop is kept here and rows of every shape of dates and status, required
or not, with words to escape, are rendered both ways and compared to the character."""

from __future__ import annotations

from datetime import date

import pytest

from portal.documents.attention import Attention
from portal.documents.attention_rows import attention_rows
from tests.support.rows import TYPED, assert_as_the_loop_wrote

# templates/documents/attention.html's table body, as it was.
LOOP = """\
  <tbody class="govuk-table__body">
    {#- The dates and status are written here rather than by calling _macros.html's
        version_dates and status_tag for each row (a macro call costs more than it writes);
        keep the two in step. -#}
    {% set library_url = url_pattern("documents.library", "organisation_id") %}
    {% set document_url = url_pattern("documents.show", "organisation_id", "document_id") %}
    {% for item in page.items %}
      {%- set dates = joiner("<br>" | safe) %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell app-break-words"><a class="govuk-link" href="{{ library_url(item.organisation_id) }}">{{ item.organisation_name }}</a></td>
        <td class="govuk-table__cell app-break-words">
          <a class="govuk-link" href="{{ document_url(item.organisation_id, item.document_id) }}">{{ item.title }}</a>
          <br><span class="govuk-body-s">{{ item.kind_label }}{% if item.is_mandatory %} (required){% endif %}</span>
        </td>
        <td class="govuk-table__cell">
          {%- if item.issue_date %}{{ dates() }}Issued {{ item.issue_date | date }}{% endif -%}
          {%- if item.expiry_date %}{{ dates() }}Expires {{ item.expiry_date | date }}{% endif -%}
          {%- if item.review_date %}{{ dates() }}Review by {{ item.review_date | date }}{% endif -%}
          {%- if not (item.issue_date or item.expiry_date or item.review_date) %}<span class="govuk-visually-hidden">No dates</span>{% endif -%}
        </td>
        <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{{ item.colour }}">{{ item.label }}</strong></td>
      </tr>
    {% endfor %}
  </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
  <tbody class="govuk-table__body">
    {#- Written in Python: portal/documents/attention_rows.py. #}
    {{ attention_rows(page.items) }}
  </tbody>"""

ITEMS = [
    Attention(1, "Alpha Ltd", 10, "Safeguarding policy", "safeguarding_policy", date(2026, 1, 5),
              None, date(2026, 11, 1), "Review overdue", "red"),
    Attention(22, TYPED, 333, TYPED, "insurance_certificate", date(2026, 1, 1),
              date(2027, 2, 1), None, "Expires soon", "yellow"),
    Attention(4444, "Gamma", 5, "Accounts", "accounts", None, None, None, "Virus found", "red"),
    Attention(7, "Delta", 6, "Other", "other", None, date(2026, 12, 1), None, "Expired", "red"),
    Attention(8, "Epsilon", 9, "Plan", "other", None, None, date(2027, 3, 1), "Not scanned",
              "grey"),
]  # fmt: skip


@pytest.mark.parametrize("items", [ITEMS, ITEMS[1:2], []], ids=["all", "one", "none"])
def test_the_rows_are_what_the_loop_wrote(app, items):
    page = type("Page", (), {"items": items})
    assert_as_the_loop_wrote(app, LOOP, OURS, {"page": page})


def test_what_was_typed_is_escaped(app):
    with app.test_request_context():
        shown = attention_rows(ITEMS[1:3])
    organisation = "Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;"
    assert f'<a class="govuk-link" href="/documents/organisations/22">{organisation}</a>' in shown
    assert "Insurance certificate (required)</span>" in shown
    assert "Issued 1 January 2026<br>Expires 1 February 2027</td>" in shown
    assert '<span class="govuk-visually-hidden">No dates</span></td>' in shown
