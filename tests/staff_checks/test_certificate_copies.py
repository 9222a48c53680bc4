"""A copy of a DBS certificate may be uploaded, and is deleted from the store six months later
by `flask documents retention`; the register entry and an audit event stay."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.documents import files
from tests.documents import corpus
from tests.documents.helpers import keys_in_store, run_command
from tests.staff_checks.helpers import add, checks
from tests.support.pages import page_errors, page_text


def _upload_copy(client, organisation, check, filename="certificate.png", content=None):
    return client.post(
        f"/staff-checks/organisations/{organisation.id}/{check.id}/certificate-copy",
        data={"file": (io.BytesIO(corpus.png() if content is None else content), filename)},
        content_type="multipart/form-data",
    )


def test_a_copy_is_kept_for_six_months_then_deleted(
    app, provider_client, reviewer_client, reviewer, organisation
):
    add(provider_client, organisation)
    check = checks()[0]

    response = _upload_copy(provider_client, organisation, check)

    assert response.location == f"/staff-checks/organisations/{organisation.id}"
    copy = checks()[0].certificate_copy
    assert copy.purpose == "dbs_certificate"
    assert timedelta(days=180) <= copy.delete_after - copy.uploaded_at <= timedelta(days=185)
    assert keys_in_store(organisation) == [copy.object_key]
    download = f"/staff-checks/organisations/{organisation.id}/{check.id}/certificate-copy/download"
    assert reviewer_client.get(download).status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.downloaded"))
    assert (event.actor_id, event.object_type) == (reviewer.id, "staff_check")

    assert "Deleted 0 file(s)" in run_command(app, "documents", "retention")
    files.apply_retention(now=copy.delete_after + timedelta(seconds=1))

    assert keys_in_store(organisation) == []
    check = checks()[0]
    assert check.full_name == "Jo Tutor"
    assert check.certificate_copy.removed_reason == "retention"
    assert "Copy deleted" in page_text(
        reviewer_client.get(f"/staff-checks/organisations/{organisation.id}")
    )
    assert reviewer_client.get(download).status_code == 404
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.removed"))
    assert event.after["dbs_certificate"] is True


def test_a_new_copy_replaces_the_old_one(provider_client, organisation):
    add(provider_client, organisation)
    check = checks()[0]
    _upload_copy(provider_client, organisation, check)
    first = checks()[0].certificate_copy.object_key

    _upload_copy(provider_client, organisation, check, "certificate.pdf", corpus.pdf())

    assert keys_in_store(organisation) == [checks()[0].certificate_copy.object_key]
    assert first not in keys_in_store(organisation)


def test_a_bad_copy_is_refused_and_nothing_kept(provider_client, organisation):
    add(provider_client, organisation)
    check = checks()[0]

    response = _upload_copy(provider_client, organisation, check, "certificate.pdf", b"")

    assert page_errors(response) == {"file": "The selected file is empty"}
    assert checks()[0].certificate_copy is None
    assert keys_in_store(organisation) == []


def test_removing_a_person_deletes_their_copy(provider_client, organisation):
    add(provider_client, organisation)
    check = checks()[0]
    _upload_copy(provider_client, organisation, check)

    provider_client.post(f"/staff-checks/organisations/{organisation.id}/{check.id}/delete")

    assert checks() == []
    assert keys_in_store(organisation) == []
