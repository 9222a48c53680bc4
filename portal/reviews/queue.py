"""The reviewers' queue: the applications waiting for the council, with their flags, filtered,
sorted by how long they have waited and cut to one page.

Its three statements (a count, the page's ids, their rows) are built once for each set of
filters in use and run with the day's dates, the filters' values and the page's ids bound:
building them (a hundred clauses, the flags' subqueries among them) on every view cost more
CPU than running them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Date,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    func,
    select,
)

from portal.applications.models import (
    RETURNED,
    STATUS_LABELS,
    Application,
    ApplicationSubmission,
)
from portal.core.db import db
from portal.core.numbers import whole_number
from portal.core.pagination import Page, rows_and_total
from portal.core.time import LONDON, as_utc, today, working_days_between
from portal.documents.models import (
    ATTENTION_ORDER,
    EXPIRES_SOON_DAYS,
    DocumentUse,
    DocumentVersion,
    StoredFile,
    attention_order,
)
from portal.lots.models import Lot
from portal.organisations.models import Organisation
from portal.reviews.models import Review
from portal.reviews.services import (
    DBS,
    DOCUMENTS,
    FAILED_ANSWERS,
    OVERDUE,
    WAITING,
    ReviewerName,
    overdue_before,
    service_level_days,
)
from portal.staff_checks import services as staff_checks
from portal.staff_checks.models import StaffCheck

# The statuses the queue can show; it shows those waiting (WAITING) unless asked.
QUEUE_STATUSES = (*WAITING, RETURNED)
PAGE_SIZE = 25
# A lot's slug: nothing in it that LIKE would read as a wildcard.
SLUG = re.compile(r"[a-z0-9-]+")
# A document to check: red (expired, virus, missing), waiting for a scan, or never scanned.
DOCUMENT_FLAG_ORDERS = (ATTENTION_ORDER["red"], ATTENTION_ORDER["blue"], ATTENTION_ORDER["grey"])


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None  # one of QUEUE_STATUSES; None for those waiting
    lot: str | None = None  # a lot's slug
    flag: str | None = None  # one of FLAG_LABELS
    assignee: str | None = None  # a user id, "none" for unassigned
    newest_first: bool = False
    page: int = 1


class QueueApplication(NamedTuple):
    """What the queue shows of an application."""

    id: int
    reference: str
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class QueueOrganisation(NamedTuple):
    """What the queue shows of the organisation that applied."""

    trading_name: str | None
    legal_name: str
    is_sme: bool
    is_vcse: bool
    is_local: bool

    @property
    def display_name(self) -> str:
        return self.trading_name or self.legal_name


@dataclass(frozen=True)
class QueueRow:
    application: QueueApplication
    organisation: QueueOrganisation
    lot_names: list[str]
    submitted_at: datetime
    resubmission: bool
    days_waiting: int
    overdue: bool
    flags: list[str]  # codes of FLAG_LABELS
    assigned_to: ReviewerName | None


def queue(
    filters: QueueFilters,
    lots: list[Lot],
    staff: list[ReviewerName],
    on: date | None = None,
) -> Page:
    """The applications waiting for the council, with their flags, filtered, sorted by how long
    they have waited and cut to one page, all in SQL: a count, the page's ids, their rows with
    flags worked out by the database from today's dates (a document that expired while the
    application waited shows), in one statement. `lots` (list_lots) and `staff`
    (reviewer_names) name the lots and assignees: the page lists them in its filters too, so it
    reads each once and passes them in. The same queries, and about the same rows, however long
    the queue."""
    on = on or today()
    lot = filters.lot if filters.lot and SLUG.fullmatch(filters.lot) else None
    assignee_id = whole_number(filters.assignee)
    shape = _Shape(
        statuses=(filters.status,) if filters.status in QUEUE_STATUSES else WAITING,
        lot=lot is not None,
        flag=filters.flag if filters.flag in _FLAG_CODES else None,
        assignee="none" if filters.assignee == "none" else "id" if assignee_id is not None else "",
        newest_first=filters.newest_first,
    )
    count, page_rows = _statements(shape)
    values: dict[str, Any] = {
        _TODAY.key: on,
        _EXPIRING_BY.key: on + timedelta(days=EXPIRES_SOON_DAYS),
        _OVERDUE_BEFORE.key: overdue_before(on, service_level_days()),
        **staff_checks.flag_dates(on),
        # The lots are a JSON list of slugs; a slug in quotes matches that slug alone.
        _LOT_PATTERN.key: f'%"{lot}"%',
        _ASSIGNEE_ID.key: assignee_id,
    }
    found, number, total = rows_and_total(
        filters.page,
        lambda first: db.session.execute(page_rows, {**values, _FIRST.key: first}).all(),
        lambda: db.session.execute(count, values).scalar_one(),
        PAGE_SIZE,
    )
    assignees = {user.id: user for user in staff}
    lot_names = {lot.slug: lot.name for lot in lots}
    rows = []
    for (
        application_id,
        reference,
        status,
        submitted,
        trading_name,
        legal_name,
        is_sme,
        is_vcse,
        is_local,
        assigned_to_id,
        submission_number,
        submission_lots,
        _total,
        *flagged,
    ) in found:
        submitted_at = as_utc(submitted)
        rows.append(
            QueueRow(
                application=QueueApplication(application_id, reference, status),
                organisation=QueueOrganisation(trading_name, legal_name, is_sme, is_vcse, is_local),
                lot_names=[lot_names.get(slug, slug) for slug in submission_lots],
                submitted_at=submitted_at,
                resubmission=submission_number > 1,
                days_waiting=working_days_between(submitted_at.astimezone(LONDON).date(), on),
                overdue=bool(flagged[_FLAG_CODES.index(OVERDUE)]),
                flags=[code for code, on_row in zip(_FLAG_CODES, flagged, strict=True) if on_row],
                assigned_to=assignees.get(assigned_to_id),
            )
        )
    return Page(rows, number, total, PAGE_SIZE)


# The statements -------------------------------------------------------------------------------

# What changes from one view to the next, bound: the day and the dates worked out from it (with
# staff_checks.flag_dates' for the DBS flag), the filters' values, the first row of the page and
# the page's ids.
_TODAY = bindparam("today", type_=Date)
_EXPIRING_BY = bindparam("expiring_by", type_=Date)
_OVERDUE_BEFORE = bindparam("overdue_before", type_=Application.submitted_at.type)
_LOT_PATTERN = bindparam("lot_pattern", type_=Text)
_ASSIGNEE_ID = bindparam("assignee_id", type_=Review.assigned_to_id.type)
_FIRST: BindParameter[int] = bindparam("first")
# The flags in the order the queue lists them (FLAG_LABELS').
_FLAG_CODES = (FAILED_ANSWERS, DOCUMENTS, DBS, OVERDUE)


class _Shape(NamedTuple):
    """What decides the statements' shape: which statuses, which filters are in use (their
    values are bound) and the order."""

    statuses: tuple[str, ...]
    lot: bool
    flag: str | None  # one of _FLAG_CODES
    assignee: str  # "none" (nobody), "id" (someone's) or "" (anyone or nobody)
    newest_first: bool


def _flags() -> dict[str, Any]:
    """Each flag as SQL over an application and its latest submission, by code."""
    latest = ApplicationSubmission
    return {
        FAILED_ANSWERS: func.json_array_length(latest.flags) > 0,
        DOCUMENTS: exists().where(
            DocumentUse.application_submission_id == latest.id,
            DocumentVersion.id == DocumentUse.document_version_id,
            StoredFile.id == DocumentVersion.file_id,
            attention_order(_TODAY, _EXPIRING_BY).in_(DOCUMENT_FLAG_ORDERS),
        ),
        DBS: exists().where(
            StaffCheck.organisation_id == Application.organisation_id,
            staff_checks.flagged(None),
        ),
        OVERDUE: and_(Application.status.in_(WAITING), Application.submitted_at < _OVERDUE_BEFORE),
    }


@cache
def _statements(shape: _Shape) -> tuple[Select[int], Select[*tuple[Any, ...]]]:
    """The count, and the page's rows with the count on each, for queues of this shape: built
    on the first view of each shape (a few dozen in all), then reused."""
    latest = ApplicationSubmission
    flags = _flags()
    query = (
        select(Application)
        .outerjoin(Review, Review.application_id == Application.id)
        .where(Application.status.in_(shape.statuses))
    )
    # Every application in the queue has been submitted, so the latest submission is joined
    # only when a filter reads it: counting and paging the whole queue then touch no submission.
    if shape.lot or shape.flag in (FAILED_ANSWERS, DOCUMENTS):
        query = query.join(latest, _is_latest_submission())
    if shape.lot:
        query = query.where(cast(latest.lots, Text).like(_LOT_PATTERN))
    if shape.flag:
        query = query.where(flags[shape.flag])
    if shape.assignee == "none":
        query = query.where(Review.assigned_to_id.is_(None))
    elif shape.assignee == "id":
        query = query.where(Review.assigned_to_id == _ASSIGNEE_ID)
    count = select(func.count()).select_from(query.subquery())
    order: tuple[Any, ...] = (Application.submitted_at, Application.id)
    if shape.newest_first:
        order = tuple(column.desc() for column in order)
    # The page's ids first (a common table expression, worked out once however often it is
    # read), then their rows with the flags: the database works the flags out for one page of
    # applications, not for every one waiting. How many in all rides on each row
    # (pagination.rows_and_total).
    page = (
        query.with_only_columns(Application.id)
        .order_by(*order)
        .limit(PAGE_SIZE)
        .offset(_FIRST)
        .cte("page")
    )
    ids = select(page.c.id)
    # The columns the page shows, not whole applications and organisations: loading fifty of
    # each into the session took more time than the statement itself.
    rows = (
        select(
            Application.id,
            Application.reference,
            Application.status,
            Application.submitted_at,
            Organisation.trading_name,
            Organisation.legal_name,
            Organisation.is_sme,
            Organisation.is_vcse,
            Organisation.is_local,
            Review.assigned_to_id,
            latest.number,
            latest.lots,
            count.correlate(None).scalar_subquery().label("total"),
            *(flags[code].label(code) for code in _FLAG_CODES),
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(latest, _is_latest_submission())
        .outerjoin(Review, Review.application_id == Application.id)
        # The ids again on the submissions' side, so their index finds the page's submissions
        # rather than the database reading every submission to join them.
        .where(Application.id.in_(ids), latest.application_id.in_(ids))
        .order_by(*order)
    )
    return count, rows


def _is_latest_submission():
    """Join condition: the application's latest submission. A lookup in the (application,
    number) index per application, where a grouped subquery would read every submission."""
    newest = (
        select(func.max(ApplicationSubmission.number))
        .where(ApplicationSubmission.application_id == Application.id)
        .correlate(Application)
        .scalar_subquery()
    )
    return and_(
        ApplicationSubmission.application_id == Application.id,
        ApplicationSubmission.number == newest,
    )
