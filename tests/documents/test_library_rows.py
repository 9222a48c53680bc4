"""An organisation's library table: its rows are written in Python
(portal/documents/library_rows.py) for speed, and must be exactly what the template loop they
replaced wrote, so the loop is kept here and documents of every status and shape of dates, with
words to escape, for a member and for council staff, are rendered both ways and compared to the
character; and the page, now read as columns of each document's current version, lists that
version and no other."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from portal.core.db import db
from portal.documents.library_rows import library_rows
from portal.documents.models import KINDS, SCAN_LABELS, DocumentVersion
from portal.documents.services import Listed
from tests.documents.helpers import only_document, replace, upload
from tests.support.pages import soup
from tests.support.rows import TYPED, assert_as_the_loop_wrote

# templates/documents/library.html's table body, as it was.
LOOP = """\
  <tbody class="govuk-table__body">
    {#- A row per document: the address is built once, and the dates and status are written
        here rather than by calling _macros.html's version_dates and status_tag for each row
        (a macro call costs more than what it writes); they write the same. #}
    {% set document_url = url_pattern("documents.show", "document_id", organisation_id=organisation.id) %}
    {% for document in documents %}
      {% set current = document.current %}
      {% set status = current.status(today) %}
      {% set dates = joiner("<br>" | safe) %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell app-break-words">
          <a class="govuk-link" href="{{ document_url(document.id) }}">{{ document.title }}</a>
          <br><span class="govuk-body-s">{{ document.kind_label }}</span>
        </td>
        <td class="govuk-table__cell">{{ current.number }}</td>
        <td class="govuk-table__cell">{{ current.uploaded_at | date }}<br><span class="govuk-body-s">by {{ current.uploaded_by.full_name if current.uploaded_by else "a former member" }}</span></td>
        <td class="govuk-table__cell">
          {%- if current.issue_date %}{{ dates() }}Issued {{ current.issue_date | date }}{% endif -%}
          {%- if current.expiry_date %}{{ dates() }}Expires {{ current.expiry_date | date }}{% endif -%}
          {%- if current.review_date %}{{ dates() }}Review by {{ current.review_date | date }}{% endif -%}
          {%- if not (current.issue_date or current.expiry_date or current.review_date) %}<span class="govuk-visually-hidden">No dates</span>{% endif -%}
        </td>
        <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{{ status.colour }}">{{ status.label }}</strong></td>
        {% if not is_member %}<td class="govuk-table__cell">{{ current.file.scan_label }}</td>{% endif %}
      </tr>
    {% endfor %}
  </tbody>"""  # noqa: E501 - the loop's lines as they were
OURS = """\
  <tbody class="govuk-table__body">
    {#- Written in Python: portal/documents/library_rows.py. #}
    {{ library_rows(organisation.id, listed, today, is_member) }}
  </tbody>"""

TODAY = date(2027, 1, 15)
AT = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in London
LISTED = [
    Listed(1, "Policy", "safeguarding_policy", 1, AT, 5, "Alex Provider", None, None, None,
           "clean", None, None),
    Listed(22, TYPED, "insurance_certificate", 3, AT, None, None, date(2026, 1, 1),
           date(2027, 2, 1), None, "pending", None, None),
    Listed(333, "Expired", "insurance_certificate", 2, AT, 7, TYPED, None, date(2027, 1, 1),
           date(2026, 12, 1), "not_scanned", None, None),
    Listed(4444, "Review", "accounts", 1, AT, 7, "Sam", date(2025, 1, 1), None,
           date(2027, 1, 1), "clean", None, None),
    Listed(5, "Virus", "other", 1, AT, 7, "Sam", None, None, None, "rejected", "virus", AT),
    Listed(6, "Gone", "other", 1, AT, 7, "Sam", None, None, None, "clean", "retention", AT),
    Listed(7, "Missing", "other", 1, AT, 7, "Sam", None, None, None, "clean", "missing", AT),
]  # fmt: skip


def _as_document(listed: Listed) -> SimpleNamespace:
    """What the loop read of a Document: its current version, file and uploader."""
    current = SimpleNamespace(
        number=listed.number,
        uploaded_at=listed.uploaded_at,
        uploaded_by=None
        if listed.uploaded_by_id is None
        else SimpleNamespace(full_name=listed.uploader),
        issue_date=listed.issue_date,
        expiry_date=listed.expiry_date,
        review_date=listed.review_date,
        status=listed.status,
        file=SimpleNamespace(scan_label=SCAN_LABELS[listed.scan_state]),
    )
    return SimpleNamespace(
        id=listed.id, title=listed.title, kind_label=KINDS[listed.kind], current=current
    )


@pytest.mark.parametrize("is_member", [True, False])
@pytest.mark.parametrize("listed", [LISTED, LISTED[1:2]], ids=["all", "one"])
def test_the_rows_are_what_the_loop_wrote(app, listed, is_member):
    values = {
        "organisation": SimpleNamespace(id=42),
        "documents": [_as_document(row) for row in listed],
        "listed": listed,
        "today": TODAY,
        "is_member": is_member,
    }
    assert_as_the_loop_wrote(app, LOOP, OURS, values)


def test_what_was_typed_is_escaped(app):
    with app.test_request_context():
        shown = library_rows(42, LISTED[1:3], TODAY, is_member=False)
    assert ">Bright &lt;b&gt;Futures&lt;/b&gt; &amp; &#39;Co&#39; &#34;quoted&#34;</a>" in shown
    assert "by a former member</span>" in shown
    assert "Issued 1 January 2026<br>Expires 1 February 2027</td>" in shown
    assert '<td class="govuk-table__cell">Waiting for virus check</td>' in shown


def test_the_library_lists_each_document_by_its_current_version(provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")
    replace(provider_client, only_document(), "policy.docx")
    document = only_document()
    # The uploader of the current version has gone: their name with them.
    db.session.execute(
        update(DocumentVersion)
        .where(DocumentVersion.id == document.current.id)
        .values(uploaded_by_id=None)
    )
    db.session.commit()

    page = provider_client.get(f"/documents/organisations/{organisation.id}")

    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup(page).select("tbody tr")
    ]
    assert len(rows) == 1
    assert rows[0][1] == "2"
    assert rows[0][2].endswith("by a former member")
