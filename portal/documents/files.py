"""Files in the object store and their records: storing, scanning, downloading, and keeping the
database and the store in step.

The object is written first; its StoredFile record is added in the same request's transaction
and so committed only once the object exists. If that transaction rolls back before its COMMIT
is sent, the object is deleted straight away. If the COMMIT itself fails (the connection lost
while PostgreSQL commits), nobody knows whether the record was committed: the object is left,
and `reconcile` deletes it an hour later only if no record names it. If the process dies between
the two, `reconcile` finds the orphan the same way.
Objects are deleted from the store only after the transaction that dropped their record has
committed, so a record never names an object that is already gone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from flask import abort, has_app_context, redirect
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal.accounts.models import User
from portal.audit.services import record_change, record_event
from portal.core.db import db
from portal.core.errors import ServiceError
from portal.core.time import utcnow
from portal.documents.models import (
    CLEAN,
    NOT_SCANNED,
    PENDING,
    PURPOSE_COUNCIL_DOCUMENT,
    PURPOSE_DBS_CERTIFICATE,
    REJECTED,
    REMOVED_AS_MISSING,
    REMOVED_FOR_RETENTION,
    REMOVED_FOR_VIRUS,
    DocumentVersion,
    StoredFile,
)
from portal.documents.uploads import CheckedFile, UploadRefused
from portal.integrations import virus_scanner
from portal.integrations.object_store import ObjectNotFound, object_store

log = logging.getLogger(__name__)

STORE_ERRORS = (BotoCoreError, ClientError, Boto3Error)
STORE_DOWN_MESSAGE = "We could not upload your file. Nothing has been saved. Try again."
VIRUS_MESSAGE = (
    "Our virus checker found a problem with the selected file, so it has not been saved. "
    "Choose another file"
)
# An object younger than this with no record may belong to an upload still in progress.
ORPHAN_GRACE = timedelta(hours=1)
# The DBS code of practice: copies of certificates are kept no longer than six months.
DBS_COPY_KEEP_MONTHS = 6
RETENTION_REASON = (
    "Copies of DBS certificates are kept for no longer than six months (DBS code of practice)"
)
# Where the portal's objects live: each organisation's under org/<id>/, the council's own
# documents under council/. Reconcile looks under both.
STORE_PREFIXES = ("org/", "council/")

_WRITTEN = "objects_written"  # deleted if the transaction rolls back
_TO_DELETE = "objects_to_delete"  # deleted once the transaction commits
_COMMIT_SENT = "commit_sent"  # a rollback after this may follow a COMMIT that took effect


class StoreUnavailable(ServiceError):
    """The object store did not take the file; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(STORE_DOWN_MESSAGE, "file")


class FileNotAvailable(Exception):
    """The file cannot be downloaded: deleted, missing, a virus, or not yet checked."""


# Storing -------------------------------------------------------------------------------------


def _scan(checked: CheckedFile) -> str:
    """The scan state to store. Raises UploadRefused for a virus: nothing of it is kept."""
    if not virus_scanner.is_configured():
        return NOT_SCANNED
    try:
        result = virus_scanner.scan(checked.stream)
    except virus_scanner.ScannerUnavailable:
        # The upload is kept, unusable until `flask documents scan` has checked it.
        log.warning("Virus scanner unavailable: %s kept as pending", checked.sha256, exc_info=True)
        return PENDING
    if not result.clean:
        log.warning("Upload refused: %s found in file %s", result.signature, checked.sha256)
        raise UploadRefused(VIRUS_MESSAGE)
    return CLEAN


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def store_file(
    user: User,
    organisation_id: int | None,
    checked: CheckedFile,
    *,
    purpose: str,
    dbs_copy: bool = False,
) -> StoredFile:
    """Scan `checked`, write it to the store under a new key, and add its record.

    `organisation_id` None stores one of the council's own documents (its purpose must be
    PURPOSE_COUNCIL_DOCUMENT), under the council's prefix. Raises UploadRefused (a virus) or
    StoreUnavailable, in both cases having saved nothing. `dbs_copy` marks a copy of a DBS
    certificate, deleted from the store six months on.
    """
    if (organisation_id is None) != (purpose == PURPOSE_COUNCIL_DOCUMENT):
        raise ValueError("Only a council document has no organisation")
    scan_state = _scan(checked)
    if organisation_id is None:
        key = object_store.council_document_key()
        owner = {"owner": "council"}
    else:
        key = object_store.document_key(organisation_id)
        owner = {"organisation-id": str(organisation_id)}
    metadata = {
        **owner,
        "sha256": checked.sha256,
        "filename": quote(checked.filename, safe=""),
    }
    try:
        object_store.put_stream(
            key, checked.stream, content_type=checked.file_type.content_type, metadata=metadata
        )
    except STORE_ERRORS as error:
        log.error("Could not store an upload for %s: %s", _owner(organisation_id), error)
        # A multipart upload can fail part way: make sure no part of it stays behind.
        _delete_quietly(key)
        raise StoreUnavailable() from error
    db.session.info.setdefault(_WRITTEN, []).append(key)
    now = utcnow()
    stored = StoredFile(
        organisation_id=organisation_id,
        purpose=purpose,
        object_key=key,
        original_filename=checked.filename,
        content_type=checked.file_type.content_type,
        size_bytes=checked.size,
        sha256=checked.sha256,
        scan_state=scan_state,
        scanned_at=now if scan_state == CLEAN else None,
        uploaded_by_id=user.id,
        uploaded_at=now,
        delete_after=add_months(now, DBS_COPY_KEEP_MONTHS) if dbs_copy else None,
    )
    db.session.add(stored)
    return stored


def _owner(organisation_id: int | None) -> str:
    return "the council" if organisation_id is None else f"organisation {organisation_id}"


def owner_of(stored: StoredFile) -> str:
    """Whose file it is, for a command's output: "organisation 12" or "the council"."""
    return _owner(stored.organisation_id)


def delete_file(stored: StoredFile) -> None:
    """Drop the record now and the object once this transaction has committed."""
    db.session.info.setdefault(_TO_DELETE, []).append(stored.object_key)
    db.session.delete(stored)


def _delete_quietly(key: str) -> None:
    try:
        object_store.delete(key)
    except STORE_ERRORS:
        # Left for `flask documents reconcile`, which removes objects without a record.
        log.warning("Could not delete %s from the store; reconcile will remove it", key)


@event.listens_for(Session, "before_commit")
def _flush_then_note_the_commit(session: Session) -> None:
    if session.info.get(_WRITTEN):
        # Flushed here, so that a refusal by the database (a constraint, a lock) comes before
        # the COMMIT, while a rollback still means nothing was committed.
        session.flush()
        session.info[_COMMIT_SENT] = True


@event.listens_for(Session, "after_commit")
def _delete_objects_of_committed_changes(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    session.info.pop(_COMMIT_SENT, None)
    keys = session.info.pop(_TO_DELETE, [])
    if keys and has_app_context():
        for key in keys:
            _delete_quietly(key)


@event.listens_for(Session, "after_rollback")
def _delete_objects_of_rolled_back_uploads(session: Session) -> None:
    session.info.pop(_TO_DELETE, None)
    keys = session.info.pop(_WRITTEN, [])
    if session.info.pop(_COMMIT_SENT, False):
        # The COMMIT failed: the records may have been committed all the same. Deleting their
        # objects could leave a document with no file; leaving them costs at most an hour's
        # storage, until reconcile finds any that no record names.
        for key in keys:
            log.warning("The commit of an upload failed; %s left for reconcile", key)
        return
    if keys and has_app_context():
        for key in keys:
            _delete_quietly(key)


# Downloading ---------------------------------------------------------------------------------


def download_url(user: User, stored: StoredFile, *, object_type: str, object_id: int) -> str:
    """A presigned link (at most a minute) that saves the file under its own name. The caller
    has checked that `user` may see it; council staff downloads are audited.

    Raises FileNotAvailable for a file that is gone, a virus or waiting for its virus check.
    """
    if stored.removed_at is not None or stored.scan_state in (PENDING, REJECTED):
        raise FileNotAvailable()
    if user.is_staff:
        record_event(
            "file.downloaded",
            object_type=object_type,
            object_id=object_id,
            organisation_id=stored.organisation_id,
            actor_id=user.id,
            after={"file_id": stored.id, "filename": stored.original_filename},
        )
    return object_store.presigned_download_url(stored.object_key, filename=stored.original_filename)


def redirect_to_download(link: Callable[[], str]) -> Response:
    """A download page's answer: a redirect to the file's link from `link` (a `download_url`
    the caller has allowed), never kept in a cache as the link is this person's for a minute;
    404 for a file that cannot be downloaded (FileNotAvailable), as for one that is not there."""
    try:
        url = link()
    except FileNotAvailable:
        abort(404)
    response = redirect(url)
    response.headers["Cache-Control"] = "no-store"
    return response


# Commands: scanning, retention, reconciling --------------------------------------------------


def _remove(stored: StoredFile, reason: str, detail: dict) -> None:
    stored.removed_at = utcnow()
    stored.removed_reason = reason
    record_change(
        "file.removed",
        stored,
        None,
        stored.organisation_id,
        after={"reason": reason, "filename": stored.original_filename, **detail},
        object_type="stored_file",
    )


def _locked(file_id: int) -> StoredFile | None:
    """The file's record, locked for this transaction, after the document version that holds it
    (if one does). A change to a file's state makes the database rewrite its version's figures
    (DocumentVersion.attention_from, by trigger), so the version is locked first: in the order a
    provider deleting the document takes them (its versions, then their files), so the two
    wait for each other in turn rather than each holding what the other needs."""
    db.session.execute(
        select(DocumentVersion.id).where(DocumentVersion.file_id == file_id).with_for_update()
    )
    return db.session.get(StoredFile, file_id, with_for_update=True)


# Files the scanner has still to check: those kept while it was away or too slow (pending), and
# those kept while none was configured (not scanned, when ALLOW_UNSCANNED_FILES let the portal
# run without one).
UNCHECKED = (PENDING, NOT_SCANNED)


def scan_pending(on_rejected) -> dict[str, int]:
    """Scan every file the virus scanner has still to check (UNCHECKED), reading it back from
    the store. A virus: the object is deleted, the record kept as rejected and
    `on_rejected(stored)` called (in the same transaction) to tell the people concerned. A file
    that cannot be scanned yet keeps its state. Safe to run at any time."""
    counts = {"clean": 0, "rejected": 0, "still pending": 0}
    if not virus_scanner.is_configured():
        return counts
    ids = db.session.scalars(
        select(StoredFile.id).where(
            StoredFile.scan_state.in_(UNCHECKED), StoredFile.removed_at.is_(None)
        )
    ).all()
    db.session.rollback()
    for file_id in ids:
        with db.session.begin():
            stored = _locked(file_id)
            if stored is None or stored.scan_state not in UNCHECKED or stored.removed_at:
                continue
            try:
                result = scan_stored(stored)
            except (virus_scanner.ScannerUnavailable, ObjectNotFound, *STORE_ERRORS) as error:
                log.warning("Could not scan file %s yet: %s", file_id, error)
                counts["still pending"] += 1
                continue
            record_scan(stored, result, on_rejected)
            counts["clean" if result.clean else "rejected"] += 1
    return counts


def scan_stored(stored: StoredFile) -> virus_scanner.ScanResult:
    """Read the file back from the store and scan it. Raises ScannerUnavailable, ObjectNotFound
    or one of STORE_ERRORS when it cannot be scanned now."""
    body = object_store.get_stream(stored.object_key)
    try:
        return virus_scanner.scan(body)
    finally:
        body.close()


def record_scan(stored: StoredFile, result: virus_scanner.ScanResult, on_rejected) -> None:
    """Record the scanner's verdict on a file it had still to check, in the caller's
    transaction: clean, or a virus (the record kept as rejected, the object deleted once the
    transaction commits, and `on_rejected(stored)` called to tell the people concerned)."""
    stored.scanned_at = utcnow()
    if result.clean:
        stored.scan_state = CLEAN
        return
    stored.scan_state = REJECTED
    stored.scan_signature = result.signature[:200] if result.signature else None
    _remove(stored, REMOVED_FOR_VIRUS, {"signature": stored.scan_signature})
    db.session.info.setdefault(_TO_DELETE, []).append(stored.object_key)
    on_rejected(stored)


def apply_retention(now: datetime | None = None) -> list[StoredFile]:
    """Delete from the store every file kept past its time (DBS certificate copies, six months
    after upload). Each record stays, with an audit event saying when and why. Idempotent."""
    now = now or utcnow()
    ids = db.session.scalars(
        select(StoredFile.id).where(StoredFile.delete_after <= now, StoredFile.removed_at.is_(None))
    ).all()
    db.session.rollback()
    removed = []
    for file_id in ids:
        with db.session.begin():
            stored = _locked(file_id)
            if stored is None or stored.removed_at is not None:
                continue
            _remove(
                stored,
                REMOVED_FOR_RETENTION,
                {
                    "why": RETENTION_REASON,
                    "uploaded_at": stored.uploaded_at.isoformat(),
                    "dbs_certificate": stored.purpose == PURPOSE_DBS_CERTIFICATE,
                },
            )
            db.session.info.setdefault(_TO_DELETE, []).append(stored.object_key)
        removed.append(stored)
    return removed


@dataclass
class Reconciliation:
    orphans_deleted: list[str] = field(default_factory=list)
    orphans_too_new: list[str] = field(default_factory=list)
    missing: list[StoredFile] = field(default_factory=list)


def reconcile(now: datetime | None = None) -> Reconciliation:
    """Bring the store and the database into step, and say what was found.

    Objects with no record, older than ORPHAN_GRACE, are deleted (younger ones may be uploads in
    progress). Records whose object has gone are marked missing, with an audit event, so the
    provider is asked to upload the file again; they are never dropped. Safe to run at any time.
    """
    now = now or utcnow()
    report = Reconciliation()
    # Records first, then the listing: every record read here was committed after its object
    # was written, so its object is in the listing unless it really has gone.
    recorded = dict(
        db.session.execute(
            select(StoredFile.object_key, StoredFile.id).where(StoredFile.removed_at.is_(None))
        ).all()
    )
    db.session.rollback()
    listed = {
        key: modified
        for prefix in STORE_PREFIXES
        for key, modified in object_store.list_objects(prefix)
    }

    for key, file_id in recorded.items():
        if key in listed:
            continue
        try:
            object_store.head(key)
            continue
        except ObjectNotFound:
            pass
        with db.session.begin():
            stored = _locked(file_id)
            if stored is None or stored.removed_at is not None:
                continue
            _remove(stored, REMOVED_AS_MISSING, {"object_key": key})
        report.missing.append(stored)

    live_keys = set(
        db.session.scalars(
            select(StoredFile.object_key).where(StoredFile.removed_at.is_(None))
        ).all()
    )
    db.session.rollback()
    for key, modified in listed.items():
        if key in live_keys:
            continue
        if now - modified < ORPHAN_GRACE:
            report.orphans_too_new.append(key)
            continue
        _delete_quietly(key)
        report.orphans_deleted.append(key)
    return report
