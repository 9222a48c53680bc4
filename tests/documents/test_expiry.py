"""Expiry: the status is worked out from the dates when a page is read; reminders go 60, 30, 14
and 1 days before, each once; reviewers see what needs attention; an expired mandatory document
makes the provider not eligible for new call-offs until it is replaced."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.core.time import format_date
from portal.documents.models import Document, DocumentReminder
from tests.documents.helpers import date_parts, in_days, only_document, replace, run_command, upload
from tests.support import factories
from tests.support.emails import emails_to
from tests.support.pages import page_text, soup


def _insurance(client, organisation, expires_in: int):
    upload(
        client,
        organisation,
        "certificate.png",
        kind="insurance_certificate",
        expiry_date=date_parts(in_days(expires_in)),
    )
    return only_document()


def _expire(document, days_ago: int = 1) -> None:
    """Time passes: the certificate's expiry date is now behind us."""
    document.current.expiry_date = in_days(-days_ago)
    db.session.commit()


def _status(client, organisation) -> str:
    page = client.get(f"/documents/organisations/{organisation.id}")
    return soup(page).select_one("tbody tr td:nth-of-type(5)").get_text(strip=True)


def test_the_status_follows_the_dates_without_anything_running(provider_client, organisation):
    document = _insurance(provider_client, organisation, 200)
    assert _status(provider_client, organisation) == "Current"

    document.current.expiry_date = in_days(59)
    db.session.commit()
    assert _status(provider_client, organisation) == "Expires soon"

    _expire(document)
    assert _status(provider_client, organisation) == "Expired"


def test_a_policy_past_its_review_date_is_overdue(provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")
    only_document().current.review_date = in_days(-1)
    db.session.commit()

    assert _status(provider_client, organisation) == "Review overdue"


def test_an_expired_mandatory_document_stops_new_call_offs_until_replaced(
    provider_client, organisation
):
    """The rule itself, and every place that asks it, is in
    tests/admissions/test_call_off_eligibility.py; here, the library says it and replacing the
    document puts it right."""
    factories.admit(organisation, "mentoring")  # with each required document in date
    document = db.session.scalar(select(Document).where(Document.kind == "insurance_certificate"))
    library = f"/documents/organisations/{organisation.id}"
    assert "cannot be asked to quote" not in page_text(provider_client.get(library))
    _expire(document)

    assert (
        "You cannot be asked to quote for new call-offs until you put this right: "
        f"‘Insurance certificate’ expired on {format_date(in_days(-1))}"
    ) in page_text(provider_client.get(library))

    replace(provider_client, document, "certificate.png", expiry_date=date_parts(in_days(200)))
    assert "cannot be asked to quote" not in page_text(provider_client.get(library))


def test_reviewers_see_documents_needing_attention(
    reviewer_client, provider_client, organisation, other_provider_client, other_organisation
):
    _expire(_insurance(provider_client, organisation, 200))
    upload(other_provider_client, other_organisation, "policy.pdf")

    page = reviewer_client.get("/documents/attention")

    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup(page).select("tbody tr")
    ]
    assert [(row[0], row[3]) for row in rows] == [
        ("Organisation A Ltd", "Expired"),
        ("Organisation B Ltd", "Not scanned"),
    ]
    assert rows[0][1] == "Insurance certificate Insurance certificate (required)"


def test_the_attention_list_is_for_council_staff_only(provider_client):
    assert provider_client.get("/documents/attention").status_code == 403
    assert provider_client.get("/documents").status_code == 302


def test_staff_start_from_what_needs_attention(reviewer_client):
    assert reviewer_client.get("/documents").location == "/documents/attention"


@pytest.mark.parametrize(
    ("expires_in", "reminder"),
    [(61, None), (60, 60), (45, 60), (30, 30), (20, 30), (14, 14), (2, 14), (1, 1), (0, 1)],
)
def test_the_nearest_reminder_due_is_sent(
    app, provider_client, provider, organisation, expires_in, reminder
):
    document = _insurance(provider_client, organisation, 200)
    document.current.expiry_date = in_days(expires_in)
    db.session.commit()

    output = run_command(app, "documents", "remind")

    sent = db.session.scalars(select(DocumentReminder.days_before)).all()
    assert sent == ([reminder] if reminder else [])
    assert output.startswith(f"Sent {1 if reminder else 0} expiry reminder(s)")
    emails = emails_to(provider.email)
    assert len(emails) == (1 if reminder else 0)
    if reminder:
        assert emails[0].subject.startswith("Insurance certificate expires on ")
        assert f"/documents/organisations/{organisation.id}/{document.id}/replace" in (
            emails[0].body
        )


def test_each_reminder_is_sent_once_and_the_next_when_it_is_due(
    app, provider_client, provider, organisation
):
    document = _insurance(provider_client, organisation, 200)
    document.current.expiry_date = in_days(50)
    db.session.commit()

    run_command(app, "documents", "remind")
    run_command(app, "documents", "remind")
    assert len(emails_to(provider.email)) == 1
    # Later, 14 days before: the 14-day reminder goes (the 30-day one was missed, and is
    # not sent late on top of it).
    only_document().current.expiry_date = in_days(10)
    db.session.commit()
    run_command(app, "documents", "remind")
    run_command(app, "documents", "remind")

    assert sorted(db.session.scalars(select(DocumentReminder.days_before)).all()) == [14, 60]
    assert len(emails_to(provider.email)) == 2
    # The organisation's main contact hears too.
    assert len(emails_to(organisation.contact_email)) == 2


def test_an_expired_or_replaced_document_gets_no_reminder(
    app, provider_client, provider, organisation
):
    document = _insurance(provider_client, organisation, 200)
    _expire(document)
    replace(
        provider_client, only_document(), "certificate.png", expiry_date=date_parts(in_days(10))
    )
    only_document().versions[0].expiry_date = in_days(5)
    db.session.commit()

    run_command(app, "documents", "remind")

    assert db.session.scalars(select(DocumentReminder.document_version_id)).all() == [
        only_document().current.id
    ]
    assert len(emails_to(provider.email)) == 1
    assert (only_document().current.expiry_date - in_days(0)) == timedelta(days=10)
