"""The rules for admissions: an approval admits an organisation to a lot; a reviewer suspends,
reinstates or removes it, each with a reason, an audit event and an email to the members.

Every change of status goes through `_move` and then `portal.core.workflow.move` over
WORKFLOW, which checks TRANSITIONS and the row's lock_version, so two reviewers acting at once
cannot both change it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.orm import joinedload, load_only

from portal.accounts.models import User
from portal.admissions.held import Held, admissions_held
from portal.admissions.models import (
    ADMISSION_COLOURS,
    ADMISSION_LABELS,
    ADMISSION_STATUSES,
    ADMITTED,
    REMOVED,
    SUSPENDED,
    Admission,
)
from portal.audit.models import AuditEvent
from portal.audit.services import record_change
from portal.core import workflow
from portal.core.csv_export import Cell
from portal.core.db import db
from portal.core.errors import NotFoundForUser, ServiceError, found, typed_text
from portal.core.memo import RowsById, read_once_by_id, read_together, reading_once
from portal.core.time import (
    LONDON,
    as_utc,
    format_date,
    format_datetime,
    format_time,
    today,
    utcnow,
)
from portal.core.words import and_list, shown
from portal.documents import attention as document_attention
from portal.documents import services as documents
from portal.kpi_returns import reports as kpi_reports
from portal.kpi_returns.escalations import (
    EscalationLine,
    open_escalations_by_organisation,
)
from portal.kpi_returns.obligations import DueDates, MonthState
from portal.lots.models import Lot
from portal.lots.services import LotChoice
from portal.organisations.models import NAME_SHOWN, Organisation
from portal.organisations.services import email_members_of
from portal.staff_checks import services as staff_checks

# Every change of status an admission may make. An approval also admits again a lot the
# organisation was removed from (a new application, decided afresh).
TRANSITIONS = {
    (ADMITTED, SUSPENDED),
    (SUSPENDED, ADMITTED),
    (ADMITTED, REMOVED),
    (SUSPENDED, REMOVED),
}


class AdmissionError(ServiceError):
    """A change to an admission that cannot be made, with a message to show."""


def admit(actor: User, application_id: int | None, organisation_id: int, lot: Lot) -> Admission:
    """Admit the organisation to `lot` on the approval of application `application_id`. An
    organisation already on the lot stays as it is (an approval never lifts a suspension); one
    removed from it is admitted afresh. The approval's own emails tell the members."""
    admission = db.session.scalar(
        select(Admission)
        .where(Admission.organisation_id == organisation_id, Admission.lot_id == lot.id)
        .with_for_update()
    )
    now = utcnow()
    if admission is None:
        admission = Admission(
            organisation_id=organisation_id,
            lot_id=lot.id,
            status=ADMITTED,
            application_id=application_id,
            admitted_at=now,
            status_changed_at=now,
        )
        db.session.add(admission)
        db.session.flush()
        before = None
    elif admission.status == REMOVED:
        before = admission.status
        db.session.execute(
            update(Admission)
            .where(Admission.id == admission.id)
            .values(
                status=ADMITTED,
                application_id=application_id,
                admitted_at=now,
                status_changed_at=now,
                status_reason=None,
                lock_version=Admission.lock_version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(admission)
    else:
        return admission
    record_change(
        "admission.admitted",
        admission,
        actor,
        organisation_id,
        before={"status": before} if before else None,
        after={"status": ADMITTED, "lot": lot.slug, "application_id": application_id},
    )
    return admission


# Suspending, reinstating and removing --------------------------------------------------------

REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Move:
    """One thing a reviewer can do to an admission."""

    to: str
    action: str  # the audit event's action
    email: str  # the template in templates/emails/
    subject: str  # "{lot}" is the lot's name


SUSPEND = Move(SUSPENDED, "admission.suspended", "admission_suspended", "Suspended from {lot}")
REINSTATE = Move(ADMITTED, "admission.reinstated", "admission_reinstated", "Reinstated to {lot}")
REMOVE = Move(REMOVED, "admission.removed", "admission_removed", "Removed from {lot}")

# Why a move cannot be made from a status, said as a reviewer would need to hear it.
_REFUSALS = {
    (ADMITTED, ADMITTED): "{name} is not suspended from {lot}, so there is nothing to reinstate",
    (SUSPENDED, SUSPENDED): "{name} is already suspended from {lot}",
    (REMOVED, SUSPENDED): "{name} has been removed from {lot}, so it cannot be suspended",
    (REMOVED, ADMITTED): (
        "{name} has been removed from {lot}, so it cannot be reinstated. "
        "It can apply again, and a new approval would admit it"
    ),
    (REMOVED, REMOVED): "{name} has already been removed from {lot}",
}


def get_admission(admission_id: int) -> Admission:
    """The admission with its organisation and lot. Raises NotFoundForUser (404) if there is
    none (only council staff reach the pages that ask)."""
    admission = found(
        db.session.scalar(
            select(Admission)
            .where(Admission.id == admission_id)
            .options(joinedload(Admission.organisation), joinedload(Admission.lot))
        )
    )
    return admission


def check_move(admission: Admission, move: Move) -> None:
    """Raises AdmissionError if TRANSITIONS does not allow `move` from the admission's status."""
    if not WORKFLOW.allows(admission.status, move.to):
        raise _refusal(admission, move.to)


def _refusal(admission: Admission, to: str) -> AdmissionError:
    return AdmissionError(
        _REFUSALS[admission.status, to].format(
            name=admission.organisation.display_name, lot=admission.lot.name
        )
    )


def _refuse_move(refusal: workflow.Refusal) -> AdmissionError:
    if refusal.why == workflow.ILLEGAL:
        return _refusal(refusal.record, refusal.to)
    return AdmissionError(_changed_message(refusal.record))


WORKFLOW = workflow.Workflow(frozenset(TRANSITIONS), _refuse_move)


def suspend(actor: User, admission: Admission, reason: str, seen_lock_version: int | None) -> None:
    """Suspend the organisation from the lot: it is not invited to new competitions for it
    until reinstated. See `_move` for what it raises."""
    _move(actor, admission, SUSPEND, reason, seen_lock_version)


def reinstate(
    actor: User, admission: Admission, reason: str, seen_lock_version: int | None
) -> None:
    """Lift a suspension. See `_move` for what it raises."""
    _move(actor, admission, REINSTATE, reason, seen_lock_version)


def remove(actor: User, admission: Admission, reason: str, seen_lock_version: int | None) -> None:
    """Take the organisation off the lot for good: only a new application can admit it again.
    See `_move` for what it raises."""
    _move(actor, admission, REMOVE, reason, seen_lock_version)


def _move(
    actor: User, admission: Admission, move: Move, reason: str, seen_lock_version: int | None
) -> None:
    """Change the admission's status, if TRANSITIONS allows it and nobody has changed the
    admission since the reviewer's page showed it (`seen_lock_version`); record the event with
    the reason and email every member of the organisation.

    Raises AdmissionError for a missing or too long reason, a change made by someone else
    meanwhile (naming who and when) and a move the table does not allow.
    """
    reason = typed_text(
        reason,
        AdmissionError,
        None,
        missing="Enter a reason",
        limit=REASON_MAX_LENGTH,
        what="Reason",
    )
    before = admission.status
    # Of two reviewers acting at once, the second changes nothing and is told who got there
    # first.
    workflow.move(
        admission,
        move.to,
        WORKFLOW,
        seen=seen_lock_version,
        status_changed_at=utcnow(),
        status_reason=reason,
    )
    record_change(
        move.action,
        admission,
        actor,
        admission.organisation_id,
        before={"status": before},
        after={"status": move.to, "lot": admission.lot.slug, "reason": reason},
    )
    subject = move.subject.format(lot=admission.lot.name)
    email_members_of(
        admission.organisation,
        f"{subject}: {admission.organisation.display_name}",
        move.email,
        admission=admission,
        organisation=admission.organisation,
        lot=admission.lot,
        reason=reason,
    )


def _changed_message(admission: Admission) -> str:
    last = db.session.execute(
        select(AuditEvent.occurred_at, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.object_type == "admission", AuditEvent.object_id == admission.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return "This admission has changed since you opened the page. Check it and try again"
    who = last.full_name or "someone else"
    when = f"{format_time(last.occurred_at)} on {format_date(last.occurred_at)}"
    return (
        f"This admission was changed by {who} at {when}. It is now "
        f"‘{ADMISSION_LABELS[admission.status].lower()}’. Check it and try again"
    )


# Reading: the provider's own and the competitions' --------------------------------------------


def is_on_framework(organisation: Organisation) -> bool:
    """Whether the organisation is admitted to any lot (not only suspended or removed)."""
    return (
        db.session.scalar(
            select(Admission.id)
            .where(Admission.organisation_id == organisation.id, Admission.status == ADMITTED)
            .limit(1)
        )
        is not None
    )


@dataclass(frozen=True)
class Standing:
    """Where an organisation stands on the framework, as its home page says it."""

    on: list[tuple[str, date]]  # lot names joined with "and", and the day they were admitted
    suspended: list[Held]
    removed: list[Held]
    # While on the framework: why it cannot be asked to quote (documents.call_off_problems).
    call_off_problems: list[str]


def standing_of(organisation: Organisation) -> Standing:
    """The organisation's admissions in plain words: the lots it is on, grouped by the day it
    was admitted to them ("Mentoring and Online tuition since 3 March 2027"), and those it is
    suspended or removed from."""
    return standings_of([organisation])[organisation.id]


@dataclass(frozen=True)
class AdmissionLine:
    """One admission of an organisation to a lot, with the lot's slug and name, as the provider
    record and the providers' export show it (and link its buttons by its id)."""

    id: int
    organisation_id: int
    status: str
    lot_slug: str
    lot_name: str
    admitted_at: datetime
    status_changed_at: datetime
    status_reason: str | None

    status_label = shown(ADMISSION_LABELS, "status")
    status_colour = shown(ADMISSION_COLOURS, "status")


# Built once, the ids bound: the provider record page asks on every view. Columns, not
# admissions and their lots as objects: the ORM's making of both cost more than the read.
_ADMISSIONS_OF = (
    select(
        Admission.id,
        Admission.organisation_id,
        Admission.status,
        Lot.slug,
        Lot.name,
        Admission.admitted_at,
        Admission.status_changed_at,
        Admission.status_reason,
    )
    .join(Lot, Lot.id == Admission.lot_id)
    .where(Admission.organisation_id.in_(bindparam("ids", expanding=True)))
    .order_by(Lot.position, Lot.name)
)


# Each organisation's admissions, one per lot it has ever been admitted to, in lot order, with
# their lots' slugs and names (one query; read with the record page's others by
# core.memo.read_together).
_admissions_of = read_once_by_id(RowsById(_ADMISSIONS_OF, 1, AdmissionLine))


def standings_of(organisations: list[Organisation]) -> dict[int, Standing]:
    """standing_of for several organisations, by id: two queries however many there are (none
    for what the page has read already: admissions_held, the documents' libraries). Each
    organisation's admissions are one per lot it has ever been admitted to, in lot order."""
    ids = [organisation.id for organisation in organisations]
    admissions = admissions_held(ids)
    by_day: dict[int, dict[date, list[str]]] = {id_: {} for id_ in ids}
    for id_, held in admissions.items():
        for admission in held:
            if admission.status == ADMITTED:
                day = as_utc(admission.admitted_at).astimezone(LONDON).date()
                by_day[id_].setdefault(day, []).append(admission.lot_name)
    on_framework = [id_ for id_ in ids if by_day[id_]]
    problems = documents.call_off_problems_of(on_framework, today()) if on_framework else {}
    return {
        id_: Standing(
            on=[(and_list(names), day) for day, names in sorted(by_day[id_].items())],
            suspended=[admission for admission in admissions[id_] if admission.status == SUSPENDED],
            removed=[admission for admission in admissions[id_] if admission.status == REMOVED],
            call_off_problems=problems.get(id_, []),
        )
        for id_ in ids
    }


def invitable_organisations(lot: Lot) -> list[Organisation]:
    """The organisations a competition on `lot` may invite: admitted to it, not suspended from
    it or removed. (Whether their mandatory documents are in date is for the competition to
    check, through documents.call_off_problems_of.)"""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Admission, Admission.organisation_id == Organisation.id)
            .where(Admission.lot_id == lot.id, Admission.status == ADMITTED)
            .order_by(Organisation.legal_name, Organisation.id)
        )
    )


def call_off_refusals(organisation: Organisation, lot: Lot, on: date) -> list[str]:
    """Why `organisation` cannot be given a call-off on `lot` on `on`, in words; none when it
    can. The published method's one rule, as invitations apply it: admitted to the lot (not
    suspended from it or removed), with every required document held, in date and reviewed
    (documents.call_off_problems)."""
    status = db.session.scalar(
        select(Admission.status).where(
            Admission.organisation_id == organisation.id, Admission.lot_id == lot.id
        )
    )
    name = organisation.display_name
    if status is None:
        return [f"{name} is not on the framework for {lot.name}"]
    if status != ADMITTED:
        return [f"{name} is {ADMISSION_LABELS[status].lower()} from {lot.name}"]
    return documents.call_off_problems(documents.documents_of(organisation), on)


def organisations_on_framework() -> list[Organisation]:
    """Every organisation admitted to at least one lot (not only suspended or removed), by
    name: those the council may buy from."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                exists().where(
                    Admission.organisation_id == Organisation.id, Admission.status == ADMITTED
                )
            )
            .order_by(func.lower(NAME_SHOWN), Organisation.id)
        )
    )


# Reading: the reviewers' list of providers ----------------------------------------------------


@dataclass(frozen=True)
class ProviderFilters:
    lot: str | None = None  # a lot's slug
    status: str | None = None  # one of ADMISSION_STATUSES

    @classmethod
    def from_args(cls, args, lots: Sequence[Lot | LotChoice]) -> ProviderFilters:
        """The filters in a query string; anything unknown is ignored."""
        lot, status = args.get("lot"), args.get("status")
        return cls(
            lot=lot if lot in {lot.slug for lot in lots} else None,
            status=status if status in ADMISSION_STATUSES else None,
        )


@dataclass(frozen=True)
class ProviderRow:
    """An organisation with an admission, and what a reviewer should look at."""

    organisation: Organisation
    admissions: list[AdmissionLine]
    call_off_problems: list[str]  # why it cannot be asked to quote (documents.call_off_problems)
    documents_needing_attention: int  # expired, expiring soon, review overdue, virus, missing
    dbs_people: int
    dbs_flagged: int  # people on the DBS register with something to check
    dbs_flags: list[str] = field(default_factory=list)  # each different flag, once
    last_return: MonthState | None = None  # the latest KPI return submitted
    escalations: list[EscalationLine] = field(default_factory=list)  # open, on performance

    @property
    def kinds(self) -> list[str]:
        """Which of SME, VCSE and local the organisation is, in that order."""
        organisation = self.organisation
        return kinds_of(organisation.is_sme, organisation.is_vcse, organisation.is_local)


def kinds_of(is_sme: bool, is_vcse: bool, is_local: bool) -> list[str]:
    """Which of SME, VCSE and local an organisation with these flags is, in that order."""
    flags = (is_sme, is_vcse, is_local)
    return [kind for kind, flag in zip(("SME", "VCSE", "local"), flags, strict=True) if flag]


def _admitted_matching(filters: ProviderFilters):
    criteria = [Admission.organisation_id == Organisation.id]
    if filters.lot:
        criteria.append(
            Admission.lot_id == select(Lot.id).where(Lot.slug == filters.lot).scalar_subquery()
        )
    if filters.status:
        criteria.append(Admission.status == filters.status)
    return exists().where(*criteria)


def _provider_rows(organisations: Sequence[Organisation], on: date) -> list[ProviderRow]:
    """A ProviderRow for each organisation (the export's): a fixed number of queries, of counts
    and columns where a list shows no more."""
    ids = [organisation.id for organisation in organisations]
    admissions = _admissions_of(ids)
    # Of the documents, only what the row says: the call-off rule's columns of the admitted
    # organisations' current versions, and a count the database makes (never every version).
    admitted = [id_ for id_ in ids if any(each.status == ADMITTED for each in admissions[id_])]
    call_off_problems = documents.call_off_problems_of(admitted, on)
    needing_attention = document_attention.needing_attention_of(ids, on)
    register = staff_checks.register_counts(ids, on)
    last_returns = kpi_reports.last_returns(ids, on)
    escalations = open_escalations_by_organisation(ids)
    rows = []
    for organisation in organisations:
        rows.append(
            ProviderRow(
                organisation=organisation,
                admissions=admissions[organisation.id],
                call_off_problems=call_off_problems.get(organisation.id, []),
                documents_needing_attention=needing_attention[organisation.id],
                dbs_people=register[organisation.id][0],
                dbs_flagged=register[organisation.id][1],
                last_return=last_returns.get(organisation.id),
                escalations=escalations[organisation.id],
            )
        )
    return rows


EXPORT_HEADINGS = [
    "Organisation",
    "Legal name",
    "Type of service",
    "Status",
    "Admitted on",
    "Status changed on",
    "Reason for status",
    "SME",
    "VCSE",
    "Local",
    "Not eligible for call-offs because",
    "Documents needing attention",
    "People on DBS register",
    "People with DBS flags",
    "Last KPI return",
    "Last KPI return status",
    "Last KPI return rating",
    "Open performance escalations",
]


def export_providers_rows(filters: ProviderFilters, on: date) -> list[list[Cell]]:
    """Every organisation matching `filters`, one row per lot it has an admission for (a
    spreadsheet can then sort and count by lot), for the CSV and XLSX exports: dates as dates
    and counts as numbers. A fixed number of queries."""
    organisations = db.session.scalars(
        select(Organisation)
        .where(_admitted_matching(filters))
        .order_by(Organisation.legal_name, Organisation.id)
    ).all()

    def yes_no(value: bool) -> str:
        return "yes" if value else "no"

    def london_date(moment: datetime) -> date:
        return as_utc(moment).astimezone(LONDON).date()

    rows: list[list[Cell]] = [list(EXPORT_HEADINGS)]
    for row in _provider_rows(organisations, on):
        organisation = row.organisation
        for admission in row.admissions:
            rows.append(
                [
                    organisation.display_name,
                    organisation.legal_name,
                    admission.lot_name,
                    admission.status_label,
                    london_date(admission.admitted_at),
                    london_date(admission.status_changed_at),
                    admission.status_reason or "",
                    yes_no(organisation.is_sme),
                    yes_no(organisation.is_vcse),
                    yes_no(organisation.is_local),
                    "; ".join(row.call_off_problems),
                    row.documents_needing_attention,
                    row.dbs_people,
                    row.dbs_flagged,
                    *_last_return_cells(row.last_return),
                    len(row.escalations),
                ]
            )
    return rows


def _last_return_cells(state: MonthState | None) -> list[str]:
    if state is None:
        return ["", "", ""]
    rating = state.rating_label if state.rating else ""
    status = state.label + (" and amended" if state.amended else "")
    return [state.month.strftime("%B %Y"), status, rating]


# Reading: one provider, for reviewers ---------------------------------------------------------

EVENT_LABELS = {
    "admission.admitted": "Admitted",
    "admission.suspended": "Suspended",
    "admission.reinstated": "Reinstated",
    "admission.removed": "Removed",
}


@dataclass(frozen=True)
class HistoryEntry:
    occurred_at: str  # "5 January 2027 at 10:42am"
    lot: str
    what: str
    who: str
    reason: str


# One provider's row on its record page: the organisation with its figures counted in the same
# query (as the list's are: documents needing attention, the register and its flags, the last
# return), so the page makes one query where it made five and builds no StaffCheck. Built once,
# its id and dates bound: building it (and working out its cache key) on every request cost
# about as much CPU as the five queries it replaced saved.
_FIRST_FLAGGED = staff_checks.first_flagged(Organisation.id)
_PROVIDER_ROW = kpi_reports.with_last_return(
    select(
        Organisation,
        document_attention.needing_attention_count(Organisation.id, None).label(
            "needing_attention"
        ),
        staff_checks.register_size(Organisation.id).label("dbs_people"),
        staff_checks.flagged_count(Organisation.id, None).label("dbs_flagged"),
        *(column.label(f"first_flagged_{n}") for n, column in enumerate(_FIRST_FLAGGED)),
    )
    .where(Organisation.id == bindparam("organisation_id"))
    # Of the organisation, what the record shows (its names, legal form and kinds): not the
    # sixteen other columns (address, contacts, numbers), read and made for nothing.
    .options(
        load_only(
            Organisation.legal_name,
            Organisation.trading_name,
            Organisation.legal_form,
            Organisation.is_sme,
            Organisation.is_vcse,
            Organisation.is_local,
            raiseload=True,
        )
    ),
    Organisation.id,
)


def _provider_row(organisation_id: int, on: date) -> ProviderRow:
    """One provider's ProviderRow (_PROVIDER_ROW), with its DBS flags in words. Raises
    NotFoundForUser (404) for an organisation with no admission."""
    found_row = db.session.execute(
        _PROVIDER_ROW,
        {
            "organisation_id": organisation_id,
            **document_attention.attention_dates(on),
            **staff_checks.flag_dates(on),
        },
    ).one_or_none()
    if found_row is None:
        raise NotFoundForUser()
    organisation = found_row[0]
    admissions = _admissions_of([organisation_id])[organisation_id]
    if not admissions:
        raise NotFoundForUser()
    admitted = [organisation_id] if any(each.status == ADMITTED for each in admissions) else []
    first = [found_row._mapping[f"first_flagged_{n}"] for n in range(len(_FIRST_FLAGGED))]
    return ProviderRow(
        organisation=organisation,
        admissions=admissions,
        call_off_problems=documents.call_off_problems_of(admitted, on).get(organisation_id, []),
        documents_needing_attention=found_row.needing_attention,
        dbs_people=found_row.dbs_people,
        dbs_flagged=found_row.dbs_flagged,
        dbs_flags=staff_checks.flags_in_words(first),
        last_return=kpi_reports.last_return_in(found_row, on, DueDates()),
        escalations=open_escalations_by_organisation([organisation_id])[organisation_id],
    )


class _AdmissionEvent(NamedTuple):
    organisation_id: int
    occurred_at: datetime
    action: str
    object_id: int | None
    after: dict[str, Any] | None
    full_name: str | None


# Every change to an organisation's admissions, newest first, with who made it; built once,
# its ids bound. The columns shown, not whole audit events (with what each was before, and
# where from).
_admission_history = read_once_by_id(
    RowsById(
        select(
            AuditEvent.organisation_id,
            AuditEvent.occurred_at,
            AuditEvent.action,
            AuditEvent.object_id,
            AuditEvent.after,
            User.full_name,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.object_type == "admission",
            AuditEvent.organisation_id.in_(bindparam("ids", expanding=True)),
            AuditEvent.action.in_(EVENT_LABELS),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()),
        0,
        _AdmissionEvent,
    )
)


def provider_for_reviewers(
    organisation_id: int, on: date
) -> tuple[ProviderRow, list[HistoryEntry]]:
    """The organisation's admissions and flags, and every change to its admissions from the
    audit log, newest first. Raises NotFoundForUser (404) for an organisation with no
    admission: it is not on the framework, and its application is in the queue instead. Its
    admissions, history, open escalations and documents are read in one statement."""
    with reading_once():
        read_together(
            (
                _admissions_of,
                _admission_history,
                open_escalations_by_organisation,
                documents.libraries_of,
            ),
            [organisation_id],
        )
        row = _provider_row(organisation_id, on)
        events = _admission_history([organisation_id])[organisation_id]
    lot_names = {admission.lot_slug: admission.lot_name for admission in row.admissions}
    lot_of = {admission.id: admission.lot_name for admission in row.admissions}
    history = [
        HistoryEntry(
            occurred_at=format_datetime(event.occurred_at),
            lot=lot_names.get((event.after or {}).get("lot"), lot_of.get(event.object_id, "")),
            what=EVENT_LABELS[event.action],
            who=event.full_name or "",
            reason=(event.after or {}).get("reason", ""),
        )
        for event in events
    ]
    return row, history
