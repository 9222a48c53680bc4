from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Date,
    FetchedValue,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    case,
    false,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow
from portal.core.words import shown
from portal.organisations.models import OrganisationOwned

# Kinds of document. The policies ask for the date they are next reviewed; the certificates for
# the date they expire.
POLICY_KINDS = {
    "safeguarding_policy": "Safeguarding and child protection policy",
    "allegations_policy": "Allegations management policy",
    "online_safety_policy": "Online safety policy",
    "safer_recruitment_policy": "Safer recruitment policy",
    "health_and_safety_policy": "Health and safety policy",
    "equality_policy": "Equality policy",
    "complaints_policy": "Complaints policy",
    "data_protection_policy": "Data protection policy",
    "business_continuity_plan": "Business continuity plan",
}
INSURANCE = "insurance_certificate"
DBS_EVIDENCE = "dbs_evidence"
ACCREDITATION = "accreditation"
KINDS = {
    **POLICY_KINDS,
    INSURANCE: "Insurance certificate",
    DBS_EVIDENCE: "DBS evidence",
    ACCREDITATION: "Accreditation or registration certificate",
    "accounts": "Accounts or bank reference",
    "other": "Other",
}
# Kinds whose expiry date must be given (an accreditation's is asked for but may not exist).
EXPIRY_REQUIRED = (INSURANCE,)
EXPIRY_ASKED = (INSURANCE, ACCREDITATION)
# The details of a document besides its file, and what each is: some kinds ask only some of them.
DETAILS = {
    "title": "text",
    "cover_type": "choice",
    "cover_amount": "money",
    "issuer": "choice",
    "issue_date": "date",
    "expiry_date": "date",
    "review_date": "date",
}


def details_asked(kind: str, *, replacing: bool = False) -> set[str]:
    """The details the upload form asks about a document of `kind` (a replacement keeps its
    title). One rule for the form and for the questionnaire's `fills`, which name them."""
    asked = {"issue_date"}
    if not replacing:
        asked.add("title")
    if kind in POLICY_KINDS:
        asked.add("review_date")
    if kind in EXPIRY_ASKED:
        asked.add("expiry_date")
    if kind == INSURANCE:
        asked |= {"cover_type", "cover_amount"}
    if kind == ACCREDITATION:
        asked.add("issuer")
    return asked


# A provider is not eligible for new call-offs while one of these has expired.
MANDATORY_KINDS = ("safeguarding_policy", "health_and_safety_policy", INSURANCE)

COVER_TYPES = {
    "public_liability": "Public liability",
    "employers_liability": "Employer's liability",
    "professional_indemnity": "Professional indemnity",
    "other": "Other insurance",
}
ISSUERS = {
    "ofsted": "Ofsted",
    "hcpc": "Health and Care Professions Council (HCPC)",
    "bacp": "British Association for Counselling and Psychotherapy (BACP)",
    "ukcp": "UK Council for Psychotherapy (UKCP)",
    "other": "Another body",
}

# Virus scan states of a stored file.
PENDING = "pending"
CLEAN = "clean"
REJECTED = "rejected"
NOT_SCANNED = "not_scanned"
SCAN_STATES = (PENDING, CLEAN, REJECTED, NOT_SCANNED)
SCAN_LABELS = {
    PENDING: "Waiting for virus check",
    CLEAN: "Virus checked",
    REJECTED: "Virus found",
    NOT_SCANNED: "Not scanned",
}

# Why a stored file's object is gone from the store while its record stays.
REMOVED_FOR_VIRUS = "virus"
REMOVED_FOR_RETENTION = "retention"
REMOVED_AS_MISSING = "missing"
REMOVED_REASONS = (REMOVED_FOR_VIRUS, REMOVED_FOR_RETENTION, REMOVED_AS_MISSING)

# What a stored file is for. A council document (a file the council publishes with a
# competition, say) belongs to no organisation and sits under the council's prefix in the store.
PURPOSE_DOCUMENT = "document"
PURPOSE_DBS_CERTIFICATE = "dbs_certificate"
PURPOSE_COUNCIL_DOCUMENT = "council_document"
PURPOSES = (PURPOSE_DOCUMENT, PURPOSE_DBS_CERTIFICATE, PURPOSE_COUNCIL_DOCUMENT)

REMINDER_DAYS = (60, 30, 14, 1)
EXPIRES_SOON_DAYS = REMINDER_DAYS[0]


class StoredFile(Base):
    """One object in the store and what we know of it. The record is committed only once its
    object has been written, so a record always names an object that was there; when the object
    goes (virus, retention, found missing) the record stays, saying when and why."""

    __tablename__ = "stored_files"
    __table_args__ = (
        CheckConstraint(f"scan_state IN {SCAN_STATES!r}", name="scan_state"),
        CheckConstraint(f"removed_reason IN {REMOVED_REASONS!r}", name="removed_reason"),
        CheckConstraint(f"purpose IN {PURPOSES!r}", name="purpose"),
        # Every file is an organisation's, except the council's own documents, which are none.
        CheckConstraint(
            f"(organisation_id IS NULL) = (purpose = '{PURPOSE_COUNCIL_DOCUMENT}')", name="owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a council document (see PURPOSE_COUNCIL_DOCUMENT).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20), default=PURPOSE_DOCUMENT)
    object_key: Mapped[str] = mapped_column(String(100), unique=True)
    # As the person's computer named it, tidied (no folders or control characters). Shown
    # escaped, used only in Content-Disposition, never in a key or a path.
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    scan_state: Mapped[str] = mapped_column(String(20))
    scan_signature: Mapped[str | None] = mapped_column(String(200))
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # DBS certificate copies go from the store six months after upload (DBS code of practice).
    delete_after: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_reason: Mapped[str | None] = mapped_column(String(20))

    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_available(self) -> bool:
        """Whether the file can be downloaded: still in the store and not found to be a virus."""
        return self.removed_at is None and self.scan_state != REJECTED

    scan_label = shown(SCAN_LABELS, "scan_state")


class Document(OrganisationOwned, Base):
    """A document in an organisation's library: the versions are its history."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(f"kind IN {tuple(KINDS)!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        order_by="DocumentVersion.number",
        cascade="all, delete-orphan",
    )

    kind_label = shown(KINDS, "kind")

    @property
    def current(self) -> DocumentVersion:
        return self.versions[-1]

    @property
    def is_mandatory(self) -> bool:
        return self.kind in MANDATORY_KINDS


class DocumentVersion(Base):
    """One upload of a document, with the dates and details that came with it.

    `is_current` and `attention_from` are kept by the database, never written by the portal:
    triggers (migration a5d0793f2728) set them in the same statement as any write to a version
    or to its file's scan state or removal, however it is written. So are `file_attention`,
    `document_organisation_id` and `document_kind` (migration c3e8a1f0d942), what the reviewers'
    list is ordered by. Read them in queries only (a version loaded before a write may hold them
    as they were)."""

    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        # The current versions by what the reviewers' list of documents needing attention
        # finds each urgency from (documents/attention.py _needing_attention_by_urgency): files
        # not plainly clean, kept in the list's order; expiry dates; review dates.
        Index(
            "ix_document_versions_file_attention",
            "file_attention",
            "document_organisation_id",
            "document_kind",
            "document_id",
            "expiry_date",
            "review_date",
            postgresql_where=text("is_current AND file_attention IS NOT NULL"),
            sqlite_where=text("is_current = 1 AND file_attention IS NOT NULL"),
        ),
        Index(
            "ix_document_versions_current_expiry",
            "expiry_date",
            "file_attention",
            "review_date",
            "document_organisation_id",
            "document_kind",
            "document_id",
            postgresql_where=text("is_current"),
            sqlite_where=text("is_current = 1"),
        ),
        Index(
            "ix_document_versions_current_review",
            "review_date",
            "expiry_date",
            "file_attention",
            "document_organisation_id",
            "document_kind",
            "document_id",
            postgresql_where=text("is_current"),
            sqlite_where=text("is_current = 1"),
        ),
        # The same by organisation first: the reviewers' providers list counts each of its
        # providers' documents needing attention from this index alone (documents/attention.py
        # needing_attention_of), reading that provider's entries, not every provider's.
        Index(
            "ix_document_versions_organisation_attention",
            "document_organisation_id",
            "attention_from",
            "file_attention",
            "expiry_date",
            "review_date",
            postgresql_where=text("is_current"),
            sqlite_where=text("is_current = 1"),
        ),
        # By organisation and kind: the same list asks whether each mandatory kind has a version
        # the call-off rule finds no problem with (documents/attention.py call_off_clear), one
        # entry of this index a kind, with the columns the rule reads.
        Index(
            "ix_document_versions_organisation_kind",
            "document_organisation_id",
            "document_kind",
            "expiry_date",
            "review_date",
            "file_attention",
            postgresql_where=text("is_current"),
            sqlite_where=text("is_current = 1"),
        ),
    )
    # The triggers set both columns after the INSERT: the values an INSERT's RETURNING gives are
    # the ones before them, so the ORM is not to fetch them eagerly (it loads them if asked).
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    issue_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date, index=True)
    review_date: Mapped[date | None] = mapped_column(Date, index=True)
    cover_type: Mapped[str | None] = mapped_column(String(30))
    cover_amount_pence: Mapped[int | None] = mapped_column(BigInteger)
    issuer: Mapped[str | None] = mapped_column(String(20))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The highest-numbered version of its document: the one the library shows.
    is_current: Mapped[bool] = mapped_column(
        server_default=false(), server_onupdate=FetchedValue(), deferred=True
    )
    # The first day on which this version, were it current, needs a reviewer's attention
    # (attention_order is not NULL): the earliest date there is (1 January of the year 1) for a
    # file not plainly clean (a virus, waiting for a check, never checked, gone), else the
    # earlier of expiry_date less EXPIRES_SOON_DAYS and the day after review_date; None if
    # neither date is set.
    attention_from: Mapped[date | None] = mapped_column(
        Date, server_default=FetchedValue(), server_onupdate=FetchedValue(), deferred=True
    )

    # Its file's part in attention_order (FILE_ATTENTION), None for a file plainly clean; and
    # its document's organisation_id and kind: the reviewers' list is ordered by these.
    file_attention: Mapped[int | None] = mapped_column(
        SmallInteger, server_default=FetchedValue(), server_onupdate=FetchedValue(), deferred=True
    )
    document_organisation_id: Mapped[int | None] = mapped_column(
        server_default=FetchedValue(), server_onupdate=FetchedValue(), deferred=True
    )
    document_kind: Mapped[str | None] = mapped_column(
        String(40), server_default=FetchedValue(), server_onupdate=FetchedValue(), deferred=True
    )

    document: Mapped[Document] = relationship(back_populates="versions")
    file: Mapped[StoredFile] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def cover_type_label(self) -> str:
        return COVER_TYPES.get(self.cover_type or "", "")

    @property
    def issuer_label(self) -> str:
        return ISSUERS.get(self.issuer or "", "")

    def status(self, today: date) -> Status:
        """The one word a list shows, worked out from the dates and the file's state today."""
        file = self.file
        return status_of(
            file.scan_state,
            file.removed_reason,
            file.removed_at,
            self.expiry_date,
            self.review_date,
            today,
        )


def status_of(
    scan_state: str,
    removed_reason: str | None,
    removed_at: datetime | None,
    expiry_date: date | None,
    review_date: date | None,
    today: date,
) -> Status:
    """DocumentVersion.status from the columns it reads, for a list that reads columns rather
    than whole versions and files (the reviewers' list of documents needing attention)."""
    if scan_state == REJECTED:
        return Status("Virus found", "red")
    if removed_reason == REMOVED_FOR_RETENTION:
        return Status("File deleted", "grey")
    if removed_at is not None:
        return Status("File missing", "red")
    if expiry_date is not None and expiry_date < today:
        return Status("Expired", "red")
    if scan_state == PENDING:
        return Status("Waiting for virus check", "blue")
    if expiry_date is not None and (expiry_date - today).days <= EXPIRES_SOON_DAYS:
        return Status("Expires soon", "orange")
    if review_date is not None and review_date < today:
        return Status("Review overdue", "yellow")
    return Status("Current", "green")


@dataclass(frozen=True)
class Status:
    label: str
    colour: str

    @property
    def needs_attention(self) -> bool:
        return self.colour != "green"


# How urgent each colour of status is, most urgent first: the reviewers' list is in this order.
ATTENTION_ORDER = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "grey": 4}


def attention_order(
    today: date | ColumnElement[date], expiring_by: date | ColumnElement[date] | None = None
):
    """DocumentVersion.status as SQL, for a query joining a version to its StoredFile: the
    ATTENTION_ORDER of its colour, or NULL for a version that needs no attention. A file not
    scanned at all (green to the provider) is grey here: reviewers should know. The branches
    are status()'s, in its order; keep the two in step. `today` may be a bound parameter (for a
    statement built once), given with `expiring_by`, the day EXPIRES_SOON_DAYS after it, bound
    too (as in needs_attention_kept)."""
    if expiring_by is None:
        expiring_by = today + timedelta(days=EXPIRES_SOON_DAYS)
    return case(
        (StoredFile.scan_state == REJECTED, ATTENTION_ORDER["red"]),
        (StoredFile.removed_reason == REMOVED_FOR_RETENTION, ATTENTION_ORDER["grey"]),
        (StoredFile.removed_at.is_not(None), ATTENTION_ORDER["red"]),
        (DocumentVersion.expiry_date < today, ATTENTION_ORDER["red"]),
        (StoredFile.scan_state == PENDING, ATTENTION_ORDER["blue"]),
        (DocumentVersion.expiry_date <= expiring_by, ATTENTION_ORDER["orange"]),
        (DocumentVersion.review_date < today, ATTENTION_ORDER["yellow"]),
        (StoredFile.scan_state == NOT_SCANNED, ATTENTION_ORDER["grey"]),
        else_=None,
    )


# A file's part in attention_order, kept on each version as DocumentVersion.file_attention by
# triggers (migration c3e8a1f0d942, which writes these numbers out): found to be a virus or gone
# (red whatever the dates), deleted after its retention period (grey whatever the dates),
# waiting for a virus check, never checked. attention_order's file branches, in its order.
FILE_GONE, FILE_RETAINED, FILE_PENDING, FILE_NOT_SCANNED = 1, 2, 3, 4


def attention_order_kept(today: date):
    """attention_order(today) from the version's own columns, its file's part in it kept as
    file_attention: the same value for every version, with no join to its file, so that the
    reviewers' list is sorted from one index. The branches are attention_order's, in its order;
    keep the two in step."""
    return case(
        (DocumentVersion.file_attention == FILE_GONE, ATTENTION_ORDER["red"]),
        (DocumentVersion.file_attention == FILE_RETAINED, ATTENTION_ORDER["grey"]),
        (DocumentVersion.expiry_date < today, ATTENTION_ORDER["red"]),
        (DocumentVersion.file_attention == FILE_PENDING, ATTENTION_ORDER["blue"]),
        (
            DocumentVersion.expiry_date <= today + timedelta(days=EXPIRES_SOON_DAYS),
            ATTENTION_ORDER["orange"],
        ),
        (DocumentVersion.review_date < today, ATTENTION_ORDER["yellow"]),
        (DocumentVersion.file_attention == FILE_NOT_SCANNED, ATTENTION_ORDER["grey"]),
        else_=None,
    )


def needs_attention(today: date):
    """DocumentVersion.status(today).needs_attention as SQL, for a query joining a version to
    its StoredFile: any status but green ("Current"). Unlike attention_order, a file never
    scanned does not count (it is green to the provider and on the reviewers' lists of
    providers). The conditions are status()'s; keep the two in step."""
    return or_(
        StoredFile.scan_state.in_((REJECTED, PENDING)),
        StoredFile.removed_reason == REMOVED_FOR_RETENTION,
        StoredFile.removed_at.is_not(None),
        DocumentVersion.expiry_date <= today + timedelta(days=EXPIRES_SOON_DAYS),
        DocumentVersion.review_date < today,
    )


def needs_attention_kept(
    today: date | ColumnElement[date], expiring_by: date | ColumnElement[date] | None = None
):
    """needs_attention(today) from the version's own kept columns (file_attention, with no
    join to its file), for a query of current versions with attention_from <= today: the
    reviewers' providers list counts each organisation's from one index. A file never scanned
    (FILE_NOT_SCANNED) counts only by its dates, as in needs_attention; keep the two in step.
    `today` may be a bound parameter (for a statement built once), given with `expiring_by`,
    the day EXPIRES_SOON_DAYS after it, bound too."""
    return or_(
        DocumentVersion.file_attention.in_((FILE_GONE, FILE_RETAINED, FILE_PENDING)),
        DocumentVersion.expiry_date
        <= (today + timedelta(days=EXPIRES_SOON_DAYS) if expiring_by is None else expiring_by),
        DocumentVersion.review_date < today,
    )


class DocumentAttentionDay(Base):
    """How many documents' current versions start to need a reviewer's attention on one day
    (DocumentVersion.attention_from), so that the reviewers' home and list count the documents
    needing attention today from a row a day up to today, not from every current version that
    does (18,000 at ten times the council's size, most of them files never virus-checked).
    Keyed by the day attention starts, so the count is right on any later day with no write.

    The database keeps it, never the portal: triggers (migration b6d1e3f8a2c4) add, move or take
    away a version as it becomes or stops being current or its attention_from changes, in the
    same transaction. A day whose versions have all gone stays with a zero count."""

    __tablename__ = "document_attention_days"
    # Rows the database derives from other tables' rows (see MonthlySpend).
    __table_args__ = {"info": {"derived": True}}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    documents: Mapped[int] = mapped_column()


class DocumentReminder(Base):
    """An expiry reminder sent: one row per version and number of days, so each goes once."""

    __tablename__ = "document_reminders"
    __table_args__ = (UniqueConstraint("document_version_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE")
    )
    days_before: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentUse(Base):
    """A document version that a submitted application used as evidence. Such a version, and
    so its document, is never deleted: the application must stay readable as it was."""

    __tablename__ = "document_uses"
    __table_args__ = (UniqueConstraint("document_version_id", "application_submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"), index=True)
    # Indexed: the reviewers' queue asks, per submission, whether its evidence needs checking.
    application_submission_id: Mapped[int] = mapped_column(
        ForeignKey("application_submissions.id"), index=True
    )
