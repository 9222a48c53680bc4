"""The documents needing a reviewer's attention: how many each organisation has, how many in
all, and the reviewers' list of them, most urgent first. Read from the versions' kept columns
and indexes and the tally of days the database keeps (portal/documents/models.py), never by
loading every version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Date,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)

from portal.core.db import db
from portal.core.pagination import PER_PAGE, Page, offset_of
from portal.core.words import shown
from portal.documents.models import (
    ATTENTION_ORDER,
    EXPIRES_SOON_DAYS,
    FILE_GONE,
    FILE_NOT_SCANNED,
    FILE_PENDING,
    FILE_RETAINED,
    KINDS,
    MANDATORY_KINDS,
    Document,
    DocumentAttentionDay,
    DocumentVersion,
    Status,
    StoredFile,
    attention_order_kept,
    needs_attention_kept,
    status_of,
)
from portal.organisations.models import Organisation


def needing_attention_of(organisation_ids: list[int], on: date) -> dict[int, int]:
    """How many of each organisation's documents need attention on `on` (their current
    version's status is not green: DocumentVersion.status), by id: one query, counted by the
    database."""
    counts = dict.fromkeys(organisation_ids, 0)
    if organisation_ids:
        # Counted from the current versions' kept columns alone, which one partial index holds
        # by organisation (ix_document_versions_organisation_attention): looking up each
        # document's current version by its number and joining its file read some 1,250
        # documents one by one for the reviewers' list at 10x (3 to 6 ms; this, 0.2).
        for organisation_id, count in db.session.execute(
            select(DocumentVersion.document_organisation_id, func.count())
            .where(
                *_current_needing_attention(on),
                DocumentVersion.document_organisation_id.in_(organisation_ids),
                needs_attention_kept(on),
            )
            .group_by(DocumentVersion.document_organisation_id)
        ):
            assert organisation_id is not None  # one of organisation_ids
            counts[organisation_id] = count
    return counts


def needing_attention_count(
    organisation_id: ColumnElement[int], on: date | None
) -> ScalarSelect[int]:
    """needing_attention_of for the organisation whose id is `organisation_id`, as a column of a
    query of organisations: a list's own query counts them (from the same partial index, one
    range per organisation) rather than one more query with the page's ids. With `on` None,
    the day is a bound parameter (attention_dates), for a statement built once."""
    if on is None:
        current, needing = _current_needing_attention(_ON), needs_attention_kept(_ON, _EXPIRING_BY)
    else:
        current, needing = _current_needing_attention(on), needs_attention_kept(on)
    return (
        select(func.count())
        .select_from(DocumentVersion)
        .where(*current, DocumentVersion.document_organisation_id == organisation_id, needing)
        .scalar_subquery()
    )


# The day, and the day EXPIRES_SOON_DAYS after it, as bound parameters of statements built once
# (needing_attention_count with `on` None); attention_dates gives their values.
_ON = bindparam("attention_on", type_=Date)
_EXPIRING_BY = bindparam("attention_expiring_by", type_=Date)


def attention_dates(on: date) -> dict[str, date]:
    """The parameters of a statement built with needing_attention_count(..., None), for `on`."""
    return {_ON.key: on, _EXPIRING_BY.key: on + timedelta(days=EXPIRES_SOON_DAYS)}


# The day of call_off_clear's statements, bound (call_off_dates gives its value).
_CALL_OFF_ON = bindparam("call_off_on", type_=Date)


def call_off_clear(organisation_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether every mandatory kind has a current version with no _call_off_problem, as a
    column of a query of organisations built once (the day bound: call_off_dates), from the
    versions' kept columns alone. True means call_off_problems finds none, so a list reads no
    library for it; false means only that the rule must be worked out (a file the kept part
    calls gone, or retained, is one whose is_available is false). Keep it in step with
    services._call_off_problem (tests/documents/test_call_off_clear.py compares the two)."""
    on = _CALL_OFF_ON
    # Each kind's look-up a subquery of its own row with LIMIT, not EXISTS: PostgreSQL planned
    # an EXISTS as a hash of every organisation's good versions of the kind (8,000 at 10x,
    # about 4 ms each), where the page needs 50 organisations' few.
    return and_(
        *(
            select(literal_column("1"))
            .where(
                DocumentVersion.is_current,
                DocumentVersion.document_organisation_id == organisation_id,
                DocumentVersion.document_kind == kind,
                or_(DocumentVersion.expiry_date.is_(None), DocumentVersion.expiry_date >= on),
                or_(DocumentVersion.review_date.is_(None), DocumentVersion.review_date >= on),
                or_(
                    DocumentVersion.file_attention.is_(None),
                    DocumentVersion.file_attention.not_in((FILE_GONE, FILE_RETAINED)),
                ),
            )
            .limit(1)
            .scalar_subquery()
            .is_not(None)
            for kind in MANDATORY_KINDS
        )
    )


def call_off_dates(on: date) -> dict[str, date]:
    """The parameters of a statement built with call_off_clear, for `on`."""
    return {_CALL_OFF_ON.key: on}


@dataclass(frozen=True)
class Attention:
    """A row of the reviewers' list: what it shows of a document, its current version and its
    organisation, read as columns."""

    organisation_id: int
    organisation_name: str
    document_id: int
    title: str
    kind: str
    issue_date: date | None
    expiry_date: date | None
    review_date: date | None
    label: str
    colour: str

    kind_label = shown(KINDS, "kind")

    @property
    def is_mandatory(self) -> bool:
        return self.kind in MANDATORY_KINDS


def documents_needing_attention(on: date, number: int = 1) -> Page:
    """A page of Attention: documents whose current version is expired, expiring soon, overdue
    for review, missing, found to be a virus, waiting for a virus check or not scanned at all;
    the most urgent first. For reviewers. A fixed number of queries, however many there are:
    the count from the kept tally of days (DocumentAttentionDay), then the page's rows, chosen
    by urgency from the versions' kept columns (_needing_attention_by_urgency) and only then
    joined to their documents, files and organisations."""
    total = count_needing_attention(on)
    number, offset = offset_of(number, total)
    rows = db.session.execute(_attention_page(on, offset))
    items = []
    for row in rows:
        status = status_of(
            row.scan_state, row.removed_reason, row.removed_at, row.expiry_date,
            row.review_date, on,
        )  # fmt: skip
        if not status.needs_attention:  # green to the provider, but never virus-checked
            status = Status("Not scanned", "grey")
        items.append(
            Attention(
                row.organisation_id,
                row.trading_name or row.legal_name,
                row.id,
                row.title,
                row.kind,
                row.issue_date,
                row.expiry_date,
                row.review_date,
                status.label,
                status.colour,
            )  # fmt: skip
        )
    return Page(items, number, total)


@lru_cache(maxsize=16)
def _attention_page(on: date, offset: int) -> Select:
    """The columns of the page of documents needing attention on `on` that starts at `offset`.
    Built once a day for each page asked for: putting the statement together cost more than
    the database took to run it (1.5 ms)."""
    chosen = _needing_attention_by_urgency(on, offset)
    return (
        select(
            Document.organisation_id,
            Organisation.trading_name,
            Organisation.legal_name,
            Document.id,
            Document.title,
            Document.kind,
            DocumentVersion.issue_date,
            DocumentVersion.expiry_date,
            DocumentVersion.review_date,
            StoredFile.scan_state,
            StoredFile.removed_reason,
            StoredFile.removed_at,
        )
        .select_from(chosen)
        .join(Document, Document.id == chosen.c.document_id)
        .join(Organisation, Organisation.id == Document.organisation_id)
        .join(
            DocumentVersion,
            (DocumentVersion.document_id == Document.id) & DocumentVersion.is_current,
        )
        .join(StoredFile, StoredFile.id == DocumentVersion.file_id)
        .order_by(*chosen.c)
    )


def _needing_attention_by_urgency(on: date, offset: int):
    """The ordering columns (urgency, organisation, kind, document) of the page of current
    versions needing attention on `on` that starts at `offset`, as a subquery.

    Sorting every version that needs attention by urgency (attention_order_kept) read 18,000 at
    ten times the council's size for fifty, most of them files never virus-checked: the least
    urgent. The versions needing attention are instead read in four parts that between them
    hold each exactly once, each from an index of the current versions that finds it (models.py
    DocumentVersion), each only as far as the page's end, then sorted together:
    files not plainly clean but never checked aside (a virus, gone, deleted, waiting for a
    check; few); dates expired or expiring (as many as expire in EXPIRES_SOON_DAYS, and those
    expired and not replaced); reviews overdue without such an expiry; and files never checked
    with neither, all grey, read in the list's order so that a page of them is read. The
    conditions are attention_order_kept's branches, grouped; keep the two in step."""
    end = offset + PER_PAGE
    soon = on + timedelta(days=EXPIRES_SOON_DAYS)
    version = DocumentVersion
    dated = or_(version.file_attention.is_(None), version.file_attention == FILE_NOT_SCANNED)
    not_expiring = or_(version.expiry_date.is_(None), version.expiry_date > soon)
    urgency = attention_order_kept(on)
    order = (version.document_organisation_id, version.document_kind, version.document_id)
    # (urgency, what it is sorted by, conditions): a part of one urgency is sorted as the list
    # is within it, which the grey part's index gives as it is read.
    parts = (
        (
            urgency,
            (urgency, *order),
            [version.file_attention.in_((FILE_GONE, FILE_RETAINED, FILE_PENDING))],
        ),
        (urgency, (urgency, *order), [dated, version.expiry_date <= soon]),
        (
            literal(ATTENTION_ORDER["yellow"]),
            order,
            [dated, version.review_date < on, not_expiring],
        ),
        (
            literal(ATTENTION_ORDER["grey"]),
            order,
            [
                version.file_attention == FILE_NOT_SCANNED,
                not_expiring,
                or_(version.review_date.is_(None), version.review_date >= on),
            ],
        ),
    )
    read = [
        select(
            select(urgency.label("urgency"), *order)
            .where(version.is_current, *conditions)
            .order_by(*sort)
            .limit(end)
            .subquery()
        )
        for urgency, sort, conditions in parts
    ]
    together = union_all(*read).subquery()
    return select(*together.c).order_by(*together.c).limit(PER_PAGE).offset(offset).subquery()


def _current_needing_attention(on: date | ColumnElement[date]) -> tuple:
    """The conditions on DocumentVersion for a document's current version that needs a
    reviewer's attention on `on` (attention_order(on) is not NULL), as the database keeps them
    (DocumentVersion.is_current and attention_from)."""
    return (DocumentVersion.is_current, DocumentVersion.attention_from <= on)


# How many documents need a reviewer's attention on the day `on`: those whose current version
# starts to need it on or before that day, summed from the tally the database keeps of them by
# day (DocumentAttentionDay), a row a day, so a reviewer's home page, which asks on every view,
# never reads the versions. Built once, with the day bound: one row whatever the data.
NEEDING_ATTENTION_COUNT = select(func.coalesce(func.sum(DocumentAttentionDay.documents), 0)).where(
    DocumentAttentionDay.day <= bindparam("on", type_=Date)
)


def count_needing_attention(on: date) -> int:
    """How many documents need a reviewer's attention on `on` (NEEDING_ATTENTION_COUNT)."""
    count: int = db.session.execute(NEEDING_ATTENTION_COUNT, {"on": on}).scalar_one()
    return count
