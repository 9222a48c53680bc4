"""The rules for evidence documents: uploading, replacing, deleting, expiry and reminders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    and_,
    bindparam,
    exists,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.core.db import db
from portal.core.errors import NotFoundForUser, ServiceError, found
from portal.core.memo import RowsById, read_once_by_id, sharing_reads
from portal.core.permissions import can
from portal.core.time import format_date, today
from portal.core.waiting import DUE_SOON, OVERDUE, TO_DO, Figures, Waiting, plural
from portal.documents import attention, files, uploads
from portal.documents.models import (
    CLEAN,
    DBS_EVIDENCE,
    KINDS,
    MANDATORY_KINDS,
    NOT_SCANNED,
    PURPOSE_DOCUMENT,
    REJECTED,
    REMINDER_DAYS,
    Document,
    DocumentReminder,
    DocumentUse,
    DocumentVersion,
    Status,
    StoredFile,
    status_of,
)
from portal.organisations.models import Membership, Organisation
from portal.outbox.services import queue_email

# The details a version carries, besides its file.
VERSION_FIELDS = (
    "issue_date",
    "expiry_date",
    "review_date",
    "cover_type",
    "cover_amount_pence",
    "issuer",
)


class DocumentError(ServiceError):
    """A problem the user can fix, with the form field it belongs to."""


# Reading -------------------------------------------------------------------------------------


def _with_versions(query):
    """Every version of each document, with its file and uploader: two queries in all."""
    versions = selectinload(Document.versions)
    return query.options(
        versions.joinedload(DocumentVersion.file, innerjoin=True),
        versions.joinedload(DocumentVersion.uploaded_by),
    )


def documents_of(organisation: Organisation) -> list[Document]:
    """The organisation's library, by kind then title, with every version loaded."""
    return list(
        db.session.scalars(
            _with_versions(select(Document))
            .where(Document.organisation_id == organisation.id)
            .order_by(Document.kind, Document.title, Document.id)
        )
    )


class Listed(NamedTuple):
    """A document as its organisation's library page lists it: its current version's details
    and its file's state, read as columns, never the document with every version."""

    id: int
    title: str
    kind: str
    number: int
    uploaded_at: datetime
    uploaded_by_id: int | None
    uploader: str | None  # the uploader's name; None once they are gone (uploaded_by_id too)
    issue_date: date | None
    expiry_date: date | None
    review_date: date | None
    scan_state: str
    removed_reason: str | None
    removed_at: datetime | None

    def status(self, on: date) -> Status:
        """DocumentVersion.status of the current version."""
        return status_of(
            self.scan_state,
            self.removed_reason,
            self.removed_at,
            self.expiry_date,
            self.review_date,
            on,
        )

    @property
    def file_available(self) -> bool:
        """StoredFile.is_available of the current version's file."""
        return self.removed_at is None and self.scan_state != REJECTED


# Built once, with the organisation bound: each document's current version by the flag the
# database keeps (`is_current`, the highest number: Document.current), joined to its file and
# uploader (documents_of's two statements loaded every version of every document, for a page
# that shows the current ones).
_LIBRARY = (
    select(
        Document.id,
        Document.title,
        Document.kind,
        DocumentVersion.number,
        DocumentVersion.uploaded_at,
        DocumentVersion.uploaded_by_id,
        User.full_name,
        DocumentVersion.issue_date,
        DocumentVersion.expiry_date,
        DocumentVersion.review_date,
        StoredFile.scan_state,
        StoredFile.removed_reason,
        StoredFile.removed_at,
    )
    .join(
        DocumentVersion,
        (DocumentVersion.document_id == Document.id) & DocumentVersion.is_current,
    )
    .join(StoredFile, StoredFile.id == DocumentVersion.file_id)
    .outerjoin(User, User.id == DocumentVersion.uploaded_by_id)
    .where(Document.organisation_id == bindparam("organisation_id"))
    .order_by(Document.kind, Document.title, Document.id)
)


def library_of(organisation: Organisation) -> list[Listed]:
    """The organisation's library as its page lists it, by kind then title: one query of
    columns."""
    rows = db.session.execute(_LIBRARY, {"organisation_id": organisation.id})
    return [Listed._make(row) for row in rows]


def get_document(organisation: Organisation, document_id: int) -> Document:
    """One of the organisation's documents. Raises NotFoundForUser (404) for a missing document
    or another organisation's."""
    document = found(
        db.session.scalar(
            _with_versions(select(Document)).where(
                Document.id == document_id, Document.organisation_id == organisation.id
            )
        )
    )
    return document


def get_version(document: Document, version_id: int) -> DocumentVersion:
    """A version of `document`. Raises NotFoundForUser (404) for any other id."""
    for version in document.versions:
        if version.id == version_id:
            return version
    raise NotFoundForUser()


def _is_usable(version: DocumentVersion, on: date) -> bool:
    """Whether an application may use `version` (its document's current one) as evidence: the
    file there and not a virus (checked clean, or kept while the scanner was away) and not
    expired."""
    return (
        version.file.scan_state in (CLEAN, NOT_SCANNED)
        and version.file.removed_at is None
        and (version.expiry_date is None or version.expiry_date >= on)
    )


def usable_versions(organisation_id: int, kind: str, on: date) -> list[DocumentVersion]:
    """The current versions of the organisation's documents of `kind` that an application may
    use as evidence (see _is_usable). By title."""
    documents = db.session.scalars(
        _with_versions(select(Document))
        .where(Document.organisation_id == organisation_id, Document.kind == kind)
        .order_by(Document.title, Document.id)
    )
    return [document.current for document in documents if _is_usable(document.current, on)]


def usable_documents(organisation_id: int, on: date) -> list[Document]:
    """The organisation's documents whose current version may be used as evidence today (see
    _is_usable), by kind then title: for other domains' evidence, such as a contract's
    outcomes. Two queries."""
    documents = db.session.scalars(
        _with_versions(select(Document))
        .where(Document.organisation_id == organisation_id)
        .order_by(Document.kind, Document.title, Document.id)
    )
    return [document for document in documents if _is_usable(document.current, on)]


def documents_by_id(organisation_id: int, document_ids: set[int]) -> dict[int, Document]:
    """The organisation's documents among `document_ids`, with their versions, by id (two
    queries); ids of documents gone or another organisation's are left out."""
    if not document_ids:
        return {}
    return {
        document.id: document
        for document in db.session.scalars(
            _with_versions(select(Document)).where(
                Document.id.in_(document_ids), Document.organisation_id == organisation_id
            )
        )
    }


def evidence_problem(organisation_id: int, version_id: int, on: date) -> str | None:
    """Why a version chosen as evidence (in a draft, say) can no longer be used, in words for
    the provider; None while it is still one of usable_versions."""
    version = db.session.scalar(
        select(DocumentVersion)
        .join(Document)
        .where(DocumentVersion.id == version_id, Document.organisation_id == organisation_id)
        .options(
            selectinload(DocumentVersion.document).selectinload(Document.versions),
            selectinload(DocumentVersion.file),
        )
    )
    if version is None:
        return "The document you chose has been deleted. Select another document, or upload one"
    title = version.document.title
    if version.document.current.id != version.id:
        return (
            f"You have uploaded a new version of ‘{title}’ since you chose it. "
            "Select the document again"
        )
    if _is_usable(version, on):
        return None
    if version.expiry_date is not None and version.expiry_date < on:
        return (
            f"‘{title}’ expired on {format_date(version.expiry_date)}. "
            "Upload a new version, then select it again"
        )
    return f"The file of ‘{title}’ can no longer be used. Select another document, or upload one"


def describe_versions(organisation_id: int, version_ids: list[int]) -> dict[int, dict]:
    """The details an application shows of the versions it uses (and freezes when submitted),
    by version id; ids of versions gone or not the organisation's are left out."""
    versions = db.session.scalars(
        select(DocumentVersion)
        .join(Document)
        .where(DocumentVersion.id.in_(version_ids), Document.organisation_id == organisation_id)
        .options(selectinload(DocumentVersion.file), selectinload(DocumentVersion.document))
    )
    return {
        version.id: {
            "version_id": version.id,
            "document_id": version.document_id,
            "kind": version.document.kind,
            "title": version.document.title,
            "version": version.number,
            "filename": version.file.original_filename,
            "expiry_date": version.expiry_date.isoformat() if version.expiry_date else None,
        }
        for version in versions
    }


@dataclass(frozen=True)
class EvidenceToday:
    """A document version an application used as evidence, as it stands today."""

    version: DocumentVersion
    status: Status
    latest: int  # the newest version number of its document: newer ones replaced it


def evidence_today(
    organisation_id: int, version_ids: list[int], on: date
) -> dict[int, EvidenceToday]:
    """The versions an application used, as they are today (for a reviewer, who must see what
    has expired or been replaced since), by version id: one query, however many there are.
    Versions gone or not the organisation's are left out."""
    if not version_ids:
        return {}
    newer = aliased(DocumentVersion)
    latest = (
        select(func.max(newer.number))
        .where(newer.document_id == DocumentVersion.document_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(DocumentVersion, latest)
        .join(Document)
        .where(DocumentVersion.id.in_(version_ids), Document.organisation_id == organisation_id)
        .options(joinedload(DocumentVersion.file), joinedload(DocumentVersion.document))
    )
    return {
        version.id: EvidenceToday(version, version.status(on), newest) for version, newest in rows
    }


def is_used_by_submission(document: Document) -> bool:
    version_ids = [version.id for version in document.versions]
    return bool(
        db.session.scalar(select(exists().where(DocumentUse.document_version_id.in_(version_ids))))
    )


# Uploading, replacing, deleting --------------------------------------------------------------


def _new_version(
    user: User, document: Document, number: int, details: dict, storage: FileStorage | None
) -> DocumentVersion:
    checked = uploads.check_upload(storage, uploads.DOCUMENT_TYPES)
    stored = files.store_file(
        user,
        document.organisation_id,
        checked,
        purpose=PURPOSE_DOCUMENT,
        dbs_copy=document.kind == DBS_EVIDENCE,
    )
    version = DocumentVersion(
        number=number,
        file=stored,
        uploaded_by_id=user.id,
        **{name: details.get(name) for name in VERSION_FIELDS},
    )
    document.versions.append(version)
    return version


def _audit(action: str, user: User, document: Document, version: DocumentVersion | None = None):
    after: dict[str, Any] = {"kind": document.kind, "title": document.title}
    if version is not None:
        after |= {
            "version": version.number,
            "filename": version.file.original_filename,
            "sha256": version.file.sha256,
            "size_bytes": version.file.size_bytes,
            "scan_state": version.file.scan_state,
        }
        after |= {
            name: str(value) if isinstance(value, date) else value
            for name in VERSION_FIELDS
            if (value := getattr(version, name)) is not None
        }
    record_change(action, document, user, document.organisation_id, after=after)


def upload_document(
    user: User, organisation: Organisation, details: dict, storage: FileStorage | None
) -> Document:
    """Add a document to the library with its first version.

    `details` holds kind, title and VERSION_FIELDS. Raises uploads.UploadRefused for a file
    that fails a check and files.StoreUnavailable when the store is down; either way nothing is
    saved.
    """
    document = Document(
        organisation_id=organisation.id,
        kind=details["kind"],
        title=details["title"],
        created_by_id=user.id,
    )
    version = _new_version(user, document, 1, details, storage)
    db.session.add(document)
    db.session.flush()
    _audit("document.uploaded", user, document, version)
    return document


def replace_document(
    user: User, document: Document, details: dict, storage: FileStorage | None
) -> DocumentVersion:
    """Add a new version; the earlier ones stay as the document's history.

    Raises as upload_document does.
    """
    # Lock the document so two replacements at once number their versions one after the other.
    db.session.execute(select(Document.id).where(Document.id == document.id).with_for_update())
    number = (
        db.session.scalar(
            select(func.max(DocumentVersion.number)).where(
                DocumentVersion.document_id == document.id
            )
        )
        or 0
    ) + 1
    version = _new_version(user, document, number, details, storage)
    db.session.flush()
    _audit("document.replaced", user, document, version)
    return version


def delete_document(user: User, document: Document) -> None:
    """Delete a document that no submitted application has used, with every version and file.

    Raises DocumentError for one an application used: it must stay readable as it was.
    """
    if is_used_by_submission(document):
        raise DocumentError(
            "You cannot delete this document because an application you submitted uses it. "
            "Upload a new version instead"
        )
    current = document.current
    stored_files = [version.file for version in document.versions]
    try:
        with db.session.begin_nested():
            db.session.delete(document)
            db.session.flush()
    except IntegrityError:
        # Another part of the portal holds it as evidence (a contract's outcome): the
        # database's reference refuses the delete, and the provider is told instead.
        raise DocumentError(
            "You cannot delete this document because the council holds it as evidence. "
            "Upload a new version instead"
        ) from None
    _audit("document.deleted", user, document, current)
    for stored in stored_files:
        files.delete_file(stored)


def record_use(submission_id: int, version_ids: list[int]) -> None:
    """Note that a submitted application used these versions as evidence, so they are kept.
    For the applications service to call when an application is submitted."""
    for version_id in set(version_ids):
        db.session.add(
            DocumentUse(document_version_id=version_id, application_submission_id=submission_id)
        )


# Expiry --------------------------------------------------------------------------------------


def call_off_problems(documents: list[Document], on: date) -> list[str]:
    """Why an organisation whose library is `documents` cannot be asked to quote for a call-off
    on `on`, in words for the provider and the council; none when it can.

    The one rule for eligibility (publication, invitations, placement requests, the provider's
    home and the reviewers' lists all ask it), as the published call-off method states it: for
    each required kind (MANDATORY_KINDS) the organisation holds at least one document whose
    current version is in date, is not overdue for review, and has a file that can be read (not
    a virus, not missing). A kind held by several documents (insurance: public liability and
    employer's liability) needs one good one.
    """
    return _call_off_problems(
        [
            Shelved(
                document.id,
                document.organisation_id,
                document.kind,
                document.title,
                document.current.expiry_date,
                document.current.review_date,
                document.current.file.is_available,
            )
            for document in documents
            if document.kind in MANDATORY_KINDS
        ],
        on,
    )


def library_call_off_problems(
    organisation: Organisation, library: list[Listed], on: date
) -> list[str]:
    """call_off_problems of the organisation whose library (library_of) is `library`."""
    return _call_off_problems(
        [
            Shelved(
                document.id,
                organisation.id,
                document.kind,
                document.title,
                document.expiry_date,
                document.review_date,
                document.file_available,
            )
            for document in library
            if document.kind in MANDATORY_KINDS
        ],
        on,
    )


def _call_off_problems(library: list[Shelved], on: date) -> list[str]:
    problems = []
    for kind in MANDATORY_KINDS:
        held = [document for document in library if document.kind == kind]
        label = KINDS[kind]
        if not held:
            problems.append(f"No {label[0].lower()}{label[1:]} has been uploaded")
            continue
        reasons = [reason for document in held if (reason := _call_off_problem(document, on))]
        if len(reasons) == len(held):
            problems.append(reasons[0])
    return problems


def _call_off_problem(document: Shelved, on: date) -> str | None:
    name = f"‘{document.title}’"
    if document.expiry_date is not None and document.expiry_date < on:
        return f"{name} expired on {format_date(document.expiry_date)}"
    if document.review_date is not None and document.review_date < on:
        return f"{name} was due for review on {format_date(document.review_date)}"
    if not document.file_available:
        return f"The file of {name} cannot be used: upload it again"
    return None


class Shelved(NamedTuple):
    """A document in a library as lists of many read it: its current version's dates and
    whether its file can be used, never the versions themselves."""

    id: int
    organisation_id: int
    kind: str
    title: str
    expiry_date: date | None
    review_date: date | None
    file_available: bool


# Built once: a statement built for every request costs more than running it. Each document's
# current version by the flag the database keeps (`is_current`), a plain filter: "the highest
# number" as a correlated subquery was worked out again for every version PostgreSQL matched
# (reviewers' providers list at 10x: 38-46 against 26-27 ms of PostgreSQL a request).
_LIBRARIES = (
    select(
        Document.id,
        Document.organisation_id,
        Document.kind,
        Document.title,
        DocumentVersion.expiry_date,
        DocumentVersion.review_date,
        # StoredFile.is_available, worked out by the database: a list of many reads no moment
        # of removal to convert, only whether there was one.
        and_(StoredFile.removed_at.is_(None), StoredFile.scan_state != REJECTED).label(
            "file_available"
        ),
    )
    .join(
        DocumentVersion,
        (DocumentVersion.document_id == Document.id) & DocumentVersion.is_current,
    )
    .join(StoredFile, StoredFile.id == DocumentVersion.file_id)
    .where(Document.organisation_id.in_(bindparam("ids", expanding=True)))
    .order_by(Document.kind, Document.title, Document.id)
)


_MANDATORY_LIBRARIES = _LIBRARIES.where(Document.kind.in_(MANDATORY_KINDS))


# Each organisation's library, by kind then title, as Shelved: one query of columns, however
# many documents and versions. Read once in a page however many of its parts ask (the
# provider's home: its standing's call-off problems, the documents waiting; read there with the
# admissions, core.memo.read_together).
libraries_of = read_once_by_id(RowsById(_LIBRARIES, 1, Shelved))
# libraries_of, of the documents of MANDATORY_KINDS alone: all the call-off rule reads.
_mandatory_libraries_of = RowsById(_MANDATORY_LIBRARIES, 1, Shelved)


def call_off_problems_of(organisation_ids: list[int], on: date) -> dict[int, list[str]]:
    """call_off_problems for each of several organisations, by id: one query in all (none when
    the page has read their libraries already), of columns, never whole versions and files."""
    # The rule looks at the mandatory kinds alone. A page whose parts share their reads (the
    # provider's home, whose list of what is waiting needs every kind) reads whole libraries
    # once; any other reads those kinds' documents only (the reviewers' providers list at 10x:
    # 276 rows of 1,150, and an index lookup per document instead of PostgreSQL hashing every
    # current version, 33 to 1.3 ms).
    read = libraries_of if sharing_reads() else _mandatory_libraries_of
    return {id_: _call_off_problems(library, on) for id_, library in read(organisation_ids).items()}


# What is waiting -----------------------------------------------------------------------------

# How far ahead a provider's home warns of a document expiring.
EXPIRY_WARNING_DAYS = 30
# The council's roles whose home lists the documents needing attention: those who check them.


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting | Figures]:
    """Providers: each of their organisations' documents expired or expiring within
    EXPIRY_WARNING_DAYS, and each required kind not uploaded at all. Council staff: how many
    documents need a reviewer's attention. A fixed number of queries however many documents."""
    on = today()
    if user.is_staff:
        if not can(user, "check_documents"):
            return []
        return [Figures(attention.NEEDING_ATTENTION_COUNT, {"on": on}, _needing_attention)]
    items: list[Waiting | Figures] = []
    # Only what the list says of each document (its current version's expiry): one query of
    # columns, not the documents with every version, file and uploader; none when the page has
    # read the libraries already (the standing's call-off problems).
    libraries = libraries_of([organisation.id for organisation in organisations])
    for organisation in organisations:
        library = libraries[organisation.id]
        named = f" for {organisation.display_name}" if len(organisations) > 1 else ""
        for document in library:
            expiry = document.expiry_date
            if expiry is None or expiry > on + timedelta(days=EXPIRY_WARNING_DAYS):
                continue
            expired = expiry < on
            items.append(
                Waiting(
                    link=f"Upload a new version of ‘{document.title}’{named}",
                    endpoint="documents.replace",
                    args={"organisation_id": organisation.id, "document_id": document.id},
                    hint=f"{'Expired' if expired else 'Expires'} on {format_date(expiry)}",
                    urgency=OVERDUE if expired else DUE_SOON,
                    due=expiry,
                )
            )
        held = {document.kind for document in library}
        for kind in MANDATORY_KINDS:
            if kind not in held:
                label = KINDS[kind]
                items.append(
                    Waiting(
                        link=f"Upload your {label[0].lower()}{label[1:]}{named}",
                        endpoint="documents.upload",
                        args={"organisation_id": organisation.id, "kind": kind},
                        hint="Needed to apply and to be invited to quote",
                        urgency=TO_DO,
                    )
                )
    return items


def _needing_attention(figures: Sequence[Any]) -> list[Waiting]:
    """The council's item for the documents needing attention (counted with the home's other
    figures)."""
    [count] = figures
    if not count:
        return []
    return [
        Waiting(
            link="Check documents that need attention",
            endpoint="documents.attention",
            hint=plural(count, "document", "documents")
            + " expired, expiring, due for review or not checked for viruses",
        )
    ]


def _addresses(organisation: Organisation) -> list[str]:
    """Everyone who should hear about the organisation's documents: its members and its main
    contact."""
    members = db.session.scalars(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(User.email)
    ).all()
    return list(dict.fromkeys([*members, organisation.contact_email.lower()]))


def send_reminders(on: date) -> int:
    """Email each organisation about documents expiring within 60, 30, 14 and 1 days.

    Only the nearest reminder due is sent, once: a row per version and number of days records
    it in the same transaction as the email, so running this twice (or in two places at once)
    sends nothing twice. Returns the number of reminders sent.
    """
    horizon = on + timedelta(days=max(REMINDER_DAYS))
    candidates = db.session.execute(
        select(DocumentVersion.id, DocumentVersion.expiry_date)
        .join(StoredFile, StoredFile.id == DocumentVersion.file_id)
        .where(
            DocumentVersion.expiry_date >= on,
            DocumentVersion.expiry_date <= horizon,
            StoredFile.removed_at.is_(None),
        )
    ).all()
    db.session.rollback()
    sent = 0
    for version_id, expiry_date in candidates:
        assert expiry_date is not None  # the query keeps versions that expire
        days_left = (expiry_date - on).days
        due = min(days for days in REMINDER_DAYS if days >= days_left)
        try:
            with db.session.begin():
                version = db.session.get_one(DocumentVersion, version_id)
                document = version.document
                if document.current.id != version.id:
                    continue  # replaced: the new version has its own dates
                db.session.add(DocumentReminder(document_version_id=version.id, days_before=due))
                db.session.flush()
                organisation = db.session.get_one(Organisation, document.organisation_id)
                for address in _addresses(organisation):
                    queue_email(
                        address,
                        f"{document.title} expires on {format_date(expiry_date)}",
                        "document_expiry_reminder",
                        organisation=organisation,
                        document=document,
                        expiry_date=expiry_date,
                        days_left=days_left,
                    )
        except IntegrityError:
            continue  # sent already
        sent += 1
    return sent


def tell_of_virus(stored: StoredFile) -> None:
    """A file kept while the scanner was away turned out to hold a virus: tell the
    organisation plainly (called by files.scan_pending, in its transaction)."""
    if stored.organisation_id is None:
        _tell_uploader_of_virus(stored)
        return
    version = db.session.scalar(select(DocumentVersion).where(DocumentVersion.file_id == stored.id))
    title = version.document.title if version else "A certificate copy"
    for address in _addresses(db.session.get_one(Organisation, stored.organisation_id)):
        queue_email(
            address,
            f"{title}: we found a virus and deleted the file",
            "document_virus_found",
            title=title,
            filename=stored.original_filename,
            uploaded_at=stored.uploaded_at,
        )


def _tell_uploader_of_virus(stored: StoredFile) -> None:
    """A council document (one attached to a competition, say) belongs to no organisation: the
    member of staff who uploaded it is told."""
    uploader = db.session.get(User, stored.uploaded_by_id) if stored.uploaded_by_id else None
    if uploader is None:
        return
    queue_email(
        uploader.email,
        f"{stored.original_filename}: we found a virus and deleted the file",
        "council_file_virus_found",
        filename=stored.original_filename,
        uploaded_at=stored.uploaded_at,
    )
