"""Keeping the database and the store in step (`flask documents reconcile`), and deleting DBS
certificate copies six months after upload (`flask documents retention`)."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.extensions import object_store
from portal.core.time import utcnow
from portal.documents import files
from tests.documents import corpus
from tests.documents.helpers import keys_in_store, only_document, run_command, upload
from tests.support.pages import page_text


def _orphan(organisation) -> str:
    """An object with no record: what a worker that died between the two writes leaves."""
    key = object_store.document_key(organisation.id)
    object_store.put_stream(
        key, io.BytesIO(corpus.pdf()), content_type="application/pdf", metadata={}
    )
    return key


def test_reconcile_leaves_a_store_in_step_alone(app, provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")

    output = run_command(app, "documents", "reconcile")

    assert output == "Reconciled: 0 orphaned object(s) deleted, 0 missing file(s) marked.\n"
    assert len(keys_in_store(organisation)) == 1


def test_a_new_orphan_is_left_as_it_may_be_an_upload_in_progress(app, organisation):
    key = _orphan(organisation)

    output = run_command(app, "documents", "reconcile")

    assert f"Left {key}: no record yet, but it may be an upload in progress." in output
    assert keys_in_store(organisation) == [key]


def test_an_old_orphan_is_deleted(app_ctx, provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")
    kept = only_document().current.file.object_key
    orphan = _orphan(organisation)

    report = files.reconcile(now=utcnow() + timedelta(hours=2))

    assert report.orphans_deleted == [orphan]
    assert keys_in_store(organisation) == [kept]


def test_a_record_whose_object_has_gone_is_marked_missing_and_reported(
    app, provider_client, organisation
):
    upload(provider_client, organisation, "policy.pdf")
    document = only_document()
    key = document.current.file.object_key
    object_store.delete(key)

    output = run_command(app, "documents", "reconcile")
    again = run_command(app, "documents", "reconcile")

    assert f"Missing object {key} of file {document.current.file.id} ('policy.pdf'" in output
    assert "1 missing file(s) marked" in output
    assert "0 missing file(s) marked" in again
    stored = only_document().current.file
    assert stored.removed_reason == "missing"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.removed"))
    assert event.after == {"reason": "missing", "filename": "policy.pdf", "object_key": key}
    page = provider_client.get(f"/documents/organisations/{organisation.id}/{document.id}")
    assert "File missing" in page_text(page)
    assert "Upload it again" in page_text(page)


def test_dbs_evidence_is_deleted_from_the_store_six_months_after_upload(
    app, provider_client, organisation
):
    upload(provider_client, organisation, "certificate.png", kind="dbs_evidence")
    document = only_document()
    stored = document.current.file
    assert stored.delete_after is not None
    assert timedelta(days=180) <= stored.delete_after - stored.uploaded_at <= timedelta(days=185)

    assert "Deleted 0 file(s)" in run_command(app, "documents", "retention")
    removed = files.apply_retention(now=stored.delete_after + timedelta(minutes=1))
    db.session.expire_all()

    assert [item.id for item in removed] == [stored.id]
    assert keys_in_store(organisation) == []
    stored = only_document().current.file
    assert stored.removed_reason == "retention"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.removed"))
    assert event.after["reason"] == "retention"
    assert "six months (DBS code of practice)" in event.after["why"]
    page = provider_client.get(f"/documents/organisations/{organisation.id}/{document.id}")
    assert "File deleted" in page_text(page)
    assert "kept for no longer than six months" in page_text(page)
    # Run again: nothing more to do.
    assert files.apply_retention(now=stored.delete_after + timedelta(days=1)) == []


def test_other_documents_are_kept(app_ctx, provider_client, organisation):
    upload(provider_client, organisation, "policy.pdf")

    assert only_document().current.file.delete_after is None
    assert files.apply_retention(now=utcnow() + timedelta(days=4000)) == []
