"""The reviewers' count of documents needing attention (their home page) and their list of them
read two figures the database keeps on each version: whether it is its document's current one,
and the day from which it needs attention (DocumentVersion.is_current and attention_from, kept
by triggers), and the tally of current versions by that day that the count sums
(DocumentAttentionDay, kept by triggers from those two). Each kind of write that can change them
shows on the next request: a new version,
a virus scan's verdict, a file removed (a virus, retention, found missing), a document deleted,
dates changed (by the ORM or by an UPDATE of many rows), and a day passing."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select, update

from portal.core.db import db
from portal.core.extensions import object_store
from portal.core.time import clock_set_to, utcnow
from portal.documents import files
from portal.documents.models import Document, DocumentVersion
from tests.documents import corpus
from tests.documents.helpers import (
    client_of,
    date_parts,
    in_days,
    only_document,
    replace,
    run_command,
    upload,
)
from tests.documents.test_attention_list import listed
from tests.support import factories
from tests.support.pages import page_text

INSURANCE = "Insurance certificate"
POLICY = "Safeguarding and child protection policy"


def _seen(client) -> tuple[int, list[tuple[str, str]]]:
    """What a reviewer sees: the count on their home page (0 when it is not there) and the list
    of documents needing attention, (title, status) most urgent first."""
    home = page_text(client.get("/home"))
    found = re.search(r"(\d+) documents? expired, expiring, due for review", home)
    return (int(found.group(1)) if found else 0), listed(client.get("/documents/attention"))


def _insurance(client, organisation, expires_in: int) -> None:
    upload(
        client,
        organisation,
        "certificate.png",
        kind="insurance_certificate",
        expiry_date=date_parts(in_days(expires_in)),
    )


def test_a_new_version_takes_its_documents_place(scanning_app, provider, reviewer, organisation):
    provider_client = client_of(scanning_app, provider)
    reviewer_client = client_of(scanning_app, reviewer)
    _insurance(provider_client, organisation, 200)
    assert _seen(reviewer_client) == (0, [])

    replace(provider_client, only_document(), "certificate.png", expiry_date=date_parts(in_days(9)))
    assert _seen(reviewer_client) == (1, [(INSURANCE, "Expires soon")])

    replace(
        provider_client, only_document(), "certificate.png", expiry_date=date_parts(in_days(300))
    )
    assert _seen(reviewer_client) == (0, [])


def test_a_scan_clean_or_a_virus_shows_on_the_next_request(
    scanner_away_app, scanning_app, provider, reviewer, organisation
):
    away = client_of(scanner_away_app, provider)
    reviewer_client = client_of(scanning_app, reviewer)
    upload(away, organisation, "policy.pdf")
    upload(away, organisation, "policy.docx", corpus.docx_with_eicar(), kind="other")
    assert _seen(reviewer_client) == (
        2,
        [("Ofsted report", "Waiting for virus check"), (POLICY, "Waiting for virus check")],
    )

    assert run_command(scanning_app, "documents", "scan") == (
        "1 clean, 1 rejected, 0 still pending.\n"
    )

    assert _seen(reviewer_client) == (1, [("Ofsted report", "Virus found")])


def test_a_file_removed_shows_and_a_document_deleted_goes(
    app, scanning_app, provider, reviewer, organisation
):
    provider_client = client_of(scanning_app, provider)
    reviewer_client = client_of(scanning_app, reviewer)
    upload(provider_client, organisation, "policy.pdf")
    upload(provider_client, organisation, "certificate.png", kind="dbs_evidence", title="DBS")
    assert _seen(reviewer_client) == (0, [])

    policy = _only_document_of_kind("safeguarding_policy")
    object_store.delete(policy.current.file.object_key)
    assert "1 missing file(s) marked" in run_command(app, "documents", "reconcile")
    assert _seen(reviewer_client) == (1, [(POLICY, "File missing")])

    dbs = _only_document_of_kind("dbs_evidence")
    files.apply_retention(now=dbs.current.file.delete_after + timedelta(minutes=1))
    assert _seen(reviewer_client) == (2, [(POLICY, "File missing"), ("DBS", "File deleted")])

    url = f"/documents/organisations/{organisation.id}/{policy.id}/delete"
    assert provider_client.post(url).status_code == 302
    assert _seen(reviewer_client) == (1, [("DBS", "File deleted")])


def _only_document_of_kind(kind: str) -> Document:
    db.session.rollback()
    return db.session.scalars(select(Document).where(Document.kind == kind)).one()


def test_dates_changed_by_the_orm_or_by_one_update_of_many_show(
    scanning_app, provider, reviewer, organisation
):
    provider_client = client_of(scanning_app, provider)
    reviewer_client = client_of(scanning_app, reviewer)
    upload(provider_client, organisation, "policy.pdf")  # reviewed in a year
    assert _seen(reviewer_client) == (0, [])

    only_document().current.review_date = in_days(-1)
    db.session.commit()
    assert _seen(reviewer_client) == (1, [(POLICY, "Review overdue")])

    db.session.execute(
        update(DocumentVersion).values(review_date=in_days(100), expiry_date=in_days(-3))
    )
    db.session.commit()
    assert _seen(reviewer_client) == (1, [(POLICY, "Expired")])

    db.session.execute(update(DocumentVersion).values(expiry_date=None))
    db.session.commit()
    assert _seen(reviewer_client) == (0, [])


def test_a_day_passing_brings_a_document_into_expiring(
    scanning_app, provider, reviewer, organisation
):
    _insurance(client_of(scanning_app, provider), organisation, 61)
    assert _seen(_signed_in_by_the_clock(scanning_app, reviewer)) == (0, [])

    with clock_set_to(utcnow() + timedelta(days=1)):
        tomorrow = _signed_in_by_the_clock(scanning_app, reviewer)
        assert _seen(tomorrow) == (1, [(INSURANCE, "Expires soon")])


def _signed_in_by_the_clock(app, user):
    """`user` signed in to `app` with the two-factor code of the portal's clock, which may be
    set on (tests.conftest.sign_in takes the code of the real time)."""
    client = app.test_client()
    db.session.commit()
    client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    code = pyotp.TOTP(user.totp_secret).at(utcnow())
    assert client.post("/two-factor", data={"code": code}).status_code == 302
    return client


def test_the_list_is_ordered_by_the_kept_urgency_and_document(
    scanner_away_app, scanning_app, provider, reviewer, organisation
):
    """The list is sorted from figures kept on each version (DocumentVersion.file_attention,
    document_organisation_id and document_kind): a scan's verdict moves a document up the list,
    and a document's kind changed, however it is written, moves it among those as urgent."""
    away = client_of(scanner_away_app, provider)
    reviewer_client = client_of(scanning_app, reviewer)
    _insurance(client_of(scanning_app, provider), organisation, 9)
    upload(away, organisation, "policy.docx", corpus.docx_with_eicar(), kind="other")
    upload(away, organisation, "policy.pdf")
    assert _seen(reviewer_client)[1] == [
        (INSURANCE, "Expires soon"),
        ("Ofsted report", "Waiting for virus check"),
        (POLICY, "Waiting for virus check"),
    ]

    run_command(scanning_app, "documents", "scan")
    assert _seen(reviewer_client)[1] == [
        ("Ofsted report", "Virus found"),
        (INSURANCE, "Expires soon"),
    ]

    # Listed by kind among the equally urgent: "insurance_certificate" sorts before "other",
    # after "accreditation".
    db.session.execute(
        update(DocumentVersion)
        .where(DocumentVersion.expiry_date.is_not(None))
        .values(expiry_date=in_days(-1))
    )
    db.session.commit()
    assert _seen(reviewer_client)[1] == [(INSURANCE, "Expired"), ("Ofsted report", "Virus found")]
    db.session.execute(
        update(Document).where(Document.kind == "other").values(kind="accreditation")
    )
    db.session.commit()
    assert _seen(reviewer_client)[1] == [("Ofsted report", "Virus found"), (INSURANCE, "Expired")]
