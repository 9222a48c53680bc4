"""The rules for KPI returns: a provider saves a draft, submits, amends with a reason until the
council locks the month; the council asks questions on a value and the provider answers.

Every change of a return goes through `portal.core.workflow.move` over WORKFLOW, which checks
TRANSITIONS and the return's lock_version, so two people saving at once cannot both win.
Services flush; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.admissions.models import Admission
from portal.audit.services import record_change, record_event
from portal.core.db import db
from portal.core.errors import NotFoundForUser, ServiceError, typed_text
from portal.core.time import format_date, utcnow
from portal.core.workflow import LOST, Refusal, Workflow, move
from portal.kpi_returns import escalations, months, ratings
from portal.kpi_returns.definitions import Catalogue
from portal.kpi_returns.models import (
    ANSWERED,
    DRAFT,
    OPEN,
    SUBMITTED,
    YES_NO,
    KpiMonthLock,
    KpiQuery,
    KpiReturn,
    KpiReturnVersion,
    KpiValue,
    KpiVersion,
)
from portal.kpi_returns.obligations import (
    MonthState,
    Obligation,
    ReturnSummary,
    obligation_of,
    state_of,
)
from portal.kpi_returns.values import parse_value
from portal.organisations.models import Organisation
from portal.organisations.services import email_members_of
from portal.outbox.services import queue_email

# Every change a return may make: (from, to), None for a return not yet made.
TRANSITIONS = {
    (None, DRAFT),  # save a draft
    (None, SUBMITTED),  # submit straight away
    (DRAFT, DRAFT),  # save the draft again
    (DRAFT, SUBMITTED),  # submit the draft
    (SUBMITTED, SUBMITTED),  # amend, with a reason
}
# A question on a return is answered once, by an answer or an amendment.
QUERY_TRANSITIONS = {(OPEN, ANSWERED)}
COMMENT_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 2000
QUESTION_MAX_LENGTH = 2000


class ReturnError(ServiceError):
    """A change to a return that cannot be made, with a message to show (and the field it is
    about, if any)."""


@dataclass(frozen=True)
class Entry:
    """One KPI's value and comment, read and checked."""

    definition: KpiVersion
    value: float | None
    comment: str


def read_entries(
    definitions: list[KpiVersion],
    values: dict[int, str],
    comments: dict[int, str],
    *,
    complete: bool,
) -> tuple[list[Entry], dict[int, str]]:
    """The entries for `definitions` from text keyed by KPI id, and the problems by KPI id. A
    `complete` return (one being submitted) must have every required KPI."""
    entries, problems = [], {}
    for definition in definitions:
        comment = (comments.get(definition.kpi_id) or "").strip()
        try:
            value = parse_value(definition, values.get(definition.kpi_id))
        except ValueError as error:
            problems[definition.kpi_id] = str(error)
            continue
        if value is None and complete and definition.is_required:
            verb = "Select" if definition.unit == YES_NO else "Enter"
            name = definition.name[0].lower() + definition.name[1:]
            problems[definition.kpi_id] = f"{verb} {name}"
        elif len(comment) > COMMENT_MAX_LENGTH:
            problems[definition.kpi_id] = (
                f"Comment on {definition.name} must be {COMMENT_MAX_LENGTH} characters or fewer"
            )
        entries.append(Entry(definition, value, comment))
    return entries, problems


# Reading one return --------------------------------------------------------------------------


def is_locked(month: date) -> bool:
    return db.session.scalar(select(KpiMonthLock.id).where(KpiMonthLock.month == month)) is not None


def check_month(organisation: Organisation, obligation: Obligation, month: date, on: date) -> None:
    """Raises ReturnError for a month whose return cannot be made: one not yet ended, or before
    the organisation was on the framework."""
    if month > months.last_ended(on):
        raise ReturnError(
            f"You cannot make a return for {months.month_name(month)} yet: "
            "a month's return can be made once the month has ended"
        )
    if not obligation.owes(month):
        first = obligation.first_month
        since = (
            f" Returns start from {months.month_name(first)}." if first and month < first else ""
        )
        raise ReturnError(
            f"{organisation.display_name} was not on the framework in "
            f"{months.month_name(month)}, so there is no return to make for it.{since}"
        )


def _load_return(*criteria) -> KpiReturn | None:
    return db.session.scalar(
        select(KpiReturn)
        .where(*criteria)
        .options(
            selectinload(KpiReturn.versions)
            .selectinload(KpiReturnVersion.values)
            .selectinload(KpiValue.kpi_version)
            .selectinload(KpiVersion.kpi),
            selectinload(KpiReturn.versions).selectinload(KpiReturnVersion.saved_by),
        )
    )


def return_for(organisation: Organisation, month: date) -> KpiReturn | None:
    return _load_return(KpiReturn.organisation_id == organisation.id, KpiReturn.month == month)


def get_return(return_id: int) -> KpiReturn:
    """A return by id, for council staff. Raises NotFoundForUser (404) if there is none."""
    found = _load_return(KpiReturn.id == return_id)
    if found is None:
        raise NotFoundForUser()
    return found


def summary_of(kpi_return: KpiReturn | None) -> ReturnSummary | None:
    if kpi_return is None:
        return None
    return ReturnSummary(
        kpi_return.id,
        kpi_return.organisation_id,
        kpi_return.month,
        kpi_return.status,
        kpi_return.submitted_at,
        kpi_return.version_count,
        kpi_return.rating,
    )


@dataclass
class ReturnPage:
    """Everything a page about one month's return shows."""

    organisation: Organisation
    month: date
    definitions: list[KpiVersion]
    kpi_return: KpiReturn | None
    state: MonthState
    locked: bool
    queries: list[KpiQuery] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return bool(self.kpi_return and self.kpi_return.status == SUBMITTED)

    @property
    def values(self) -> dict[int, KpiValue]:
        """The current version's values by KPI id."""
        if self.kpi_return is None:
            return {}
        return {value.kpi_id: value for value in self.kpi_return.current.values}

    @property
    def open_queries(self) -> list[KpiQuery]:
        return [query for query in self.queries if query.status == OPEN]


def return_page(organisation: Organisation, month: date, on: date) -> ReturnPage:
    """The return for `month` and the KPIs it covers. Raises ReturnError for a month whose
    return cannot be made (see check_month)."""
    obligation = obligation_of(organisation.id)
    check_month(organisation, obligation, month, on)
    kpi_return = return_for(organisation, month)
    return _page(organisation, obligation, month, kpi_return, on)


def return_page_for_staff(return_id: int, on: date) -> ReturnPage:
    kpi_return = get_return(return_id)
    organisation = db.session.get_one(Organisation, kpi_return.organisation_id)
    return _page(organisation, obligation_of(organisation.id), kpi_return.month, kpi_return, on)


def _page(
    organisation: Organisation,
    obligation: Obligation,
    month: date,
    kpi_return: KpiReturn | None,
    on: date,
) -> ReturnPage:
    if kpi_return is not None and kpi_return.status == SUBMITTED:
        # A submitted return keeps the KPIs it was made with.
        definitions = [value.kpi_version for value in kpi_return.versions[0].values]
    else:
        definitions = Catalogue().for_month(obligation.lot_ids(month), month)
    queries = []
    if kpi_return is not None:
        queries = list(
            db.session.scalars(
                select(KpiQuery)
                .where(KpiQuery.kpi_return_id == kpi_return.id)
                .options(
                    selectinload(KpiQuery.kpi),
                    selectinload(KpiQuery.asked_by),
                    selectinload(KpiQuery.answered_by),
                )
                .order_by(KpiQuery.asked_at, KpiQuery.id)
            )
        )
    due = months.due_date(month)
    state = state_of(month, obligation.owes(month), summary_of(kpi_return), on, due)
    locked = is_locked(month)
    return ReturnPage(organisation, month, definitions, kpi_return, state, locked, queries)


# Changing a return ---------------------------------------------------------------------------


def _refuse_move(refused: Refusal) -> ReturnError:
    """A move TRANSITIONS does not allow is a submitted return being changed; so is one that
    lost to a submission made meanwhile. Anything else was changed since the page was opened."""
    kpi_return = refused.record
    submitted_meanwhile = (
        refused.why == LOST and kpi_return.status == SUBMITTED and refused.before != SUBMITTED
    )
    if not refused.allowed or submitted_meanwhile:
        return ReturnError(refusal(kpi_return))
    return ReturnError(_changed_message(kpi_return))


WORKFLOW = Workflow(frozenset(TRANSITIONS), _refuse_move)
QUERY_WORKFLOW = Workflow(
    frozenset(QUERY_TRANSITIONS),
    lambda _refused: ReturnError("This question has already been answered", "answer"),
)


def refusal(kpi_return: KpiReturn) -> str:
    month = months.month_name(kpi_return.month)
    return (
        f"The return for {month} was submitted on {format_date(kpi_return.submitted_at)}. "
        "To change it, amend it and say why"
    )


def _changed_message(kpi_return: KpiReturn) -> str:
    return (
        f"The return for {months.month_name(kpi_return.month)} has been changed by someone else "
        "since you opened the page. Check it and try again"
    )


def _values(entries: list[Entry]) -> list[KpiValue]:
    return [
        KpiValue(
            kpi_id=entry.definition.kpi_id,
            kpi_version_id=entry.definition.id,
            position=position,
            value=entry.value,
            comment=entry.comment,
            rating=ratings.rate(entry.value, entry.definition),
        )
        for position, entry in enumerate(entries)
    ]


def _new_return(organisation: Organisation, month: date) -> KpiReturn:
    """A return row for the month, made in a savepoint: if someone else has just made it (on
    PostgreSQL, this waited for their request to finish), say what they did rather than fail
    the request."""
    kpi_return = KpiReturn(organisation_id=organisation.id, month=month, status=DRAFT)
    try:
        with db.session.begin_nested():
            db.session.add(kpi_return)
            db.session.flush()
    except IntegrityError:
        made = return_for(organisation, month)
        if made is not None and made.status == SUBMITTED:
            raise ReturnError(refusal(made)) from None
        raise ReturnError(
            f"Someone else has just started the return for {months.month_name(month)}. "
            "Check it and try again"
        ) from None
    return kpi_return


def save_return(
    actor: User,
    organisation: Organisation,
    month: date,
    entries: list[Entry],
    *,
    submit: bool,
    seen_lock_version: int | None,
    on: date,
) -> KpiReturn:
    """Save the month's values as a draft or submit them. Raises ReturnError for a month that
    cannot have a return, a return already submitted (it must be amended) or changed meanwhile.
    The caller has checked the entries (read_entries, complete when submitting)."""
    obligation = obligation_of(organisation.id)
    check_month(organisation, obligation, month, on)
    kpi_return = return_for(organisation, month)
    to = SUBMITTED if submit else DRAFT
    now = utcnow()
    values = _values(entries)
    rating = ratings.worst(value.rating for value in values)
    changes = {"rating": rating, **({"submitted_at": now} if submit else {})}
    if kpi_return is None:
        if seen_lock_version is not None:
            raise ReturnError("This return has been removed since you opened the page")
        kpi_return = _new_return(organisation, month)
        seen_lock_version = kpi_return.lock_version
        before = None
    elif kpi_return.status == SUBMITTED:  # submitting twice: it is amended instead
        raise ReturnError(refusal(kpi_return))
    else:
        before = kpi_return.status
    # The return's row first (its lock_version checked, the row locked), then its values: of
    # two saves at once, the second waits here and is refused before it touches anything.
    move(kpi_return, to, WORKFLOW, seen=seen_lock_version, **changes)
    if before is None:
        version = KpiReturnVersion(kpi_return=kpi_return, number=1)
        db.session.add(version)
    else:
        version = kpi_return.current
        version.values.clear()
        db.session.flush()
    version.values.extend(values)
    version.saved_at, version.saved_by_id, version.rating = now, actor.id, rating
    if submit:
        version.submitted_at = now
    db.session.flush()
    record_change(
        "kpi_return.submitted" if submit else "kpi_return.saved",
        kpi_return,
        actor,
        organisation.id,
        before={"status": before} if before else None,
        after={"status": to, "month": months.iso_month(month), "rating": rating},
    )
    if submit:
        escalations.check_ratings(organisation, month)
        state = state_of(month, True, summary_of(kpi_return), on, months.due_date(month))
        queue_email(
            actor.email,
            f"KPI return for {months.month_name(month)} submitted",
            "kpi_return_submitted",
            organisation=organisation,
            month_name=months.month_name(month),
            state=state,
        )
    return kpi_return


def amend_return(
    actor: User,
    organisation: Organisation,
    month: date,
    entries: list[Entry],
    reason: str,
    *,
    seen_lock_version: int | None,
    on: date,
) -> KpiReturn:
    """Amend a submitted return: a new version with `reason`, the earlier ones kept. Open
    questions on the return are answered by the amendment. Raises ReturnError without a reason,
    for a month the council has locked, a return not submitted or changed meanwhile."""
    reason = typed_text(
        reason,
        ReturnError,
        "reason",
        missing="Enter the reason for the amendment",
        limit=REASON_MAX_LENGTH,
        what="Reason",
    )
    kpi_return = return_for(organisation, month)
    if kpi_return is None or kpi_return.status != SUBMITTED:
        raise ReturnError(
            f"The return for {months.month_name(month)} has not been submitted yet, "
            "so there is nothing to amend"
        )
    if is_locked(month):
        raise ReturnError(
            f"The council has locked {months.month_name(month)}, so its returns can no longer "
            "be amended. Contact the council if a figure is wrong"
        )
    now = utcnow()
    number = kpi_return.version_count + 1
    values = _values(entries)
    rating = ratings.worst(value.rating for value in values)
    before_rating = kpi_return.rating
    # The row's lock_version first: of two amendments at once, the second is refused here.
    move(
        kpi_return,
        SUBMITTED,
        WORKFLOW,
        seen=seen_lock_version,
        amended_at=now,
        version_count=number,
        rating=rating,
    )
    version = KpiReturnVersion(
        kpi_return=kpi_return,
        number=number,
        saved_at=now,
        saved_by_id=actor.id,
        submitted_at=now,
        reason=reason,
        rating=rating,
    )
    version.values.extend(values)
    db.session.add(version)
    db.session.flush()
    db.session.execute(
        update(KpiQuery)
        .where(KpiQuery.kpi_return_id == kpi_return.id, KpiQuery.status == OPEN)
        .values(
            status=ANSWERED,
            answer=f"Amended the return: {reason}",
            answered_by_id=actor.id,
            answered_at=now,
            lock_version=KpiQuery.lock_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    record_change(
        "kpi_return.amended",
        kpi_return,
        actor,
        organisation.id,
        before={"version": number - 1, "rating": before_rating},
        after={"version": number, "rating": version.rating, "reason": reason},
    )
    escalations.check_ratings(organisation, month)
    return kpi_return


# The council: questions and locks ------------------------------------------------------------


def ask_query(actor: User, kpi_return: KpiReturn, kpi_id: int | None, question: str) -> KpiQuery:
    """Ask the provider about one value of a submitted return; its members are emailed.
    Raises ReturnError."""
    kpi_ids = {value.kpi_id: value for value in kpi_return.current.values}
    if kpi_id not in kpi_ids:
        raise ReturnError("Select the KPI your question is about", "kpi_id")
    question = typed_text(
        question,
        ReturnError,
        "question",
        missing="Enter your question",
        limit=QUESTION_MAX_LENGTH,
        what="Question",
    )
    if kpi_return.status != SUBMITTED:
        raise ReturnError("Only a submitted return can be queried")
    query = KpiQuery(
        kpi_return_id=kpi_return.id, kpi_id=kpi_id, question=question, asked_by_id=actor.id
    )
    db.session.add(query)
    db.session.flush()
    record_change(
        "kpi_query.asked",
        query,
        actor,
        kpi_return.organisation_id,
        after={"return_id": kpi_return.id, "kpi_id": kpi_id},
    )
    organisation = db.session.get_one(Organisation, kpi_return.organisation_id)
    name = kpi_ids[kpi_id].kpi_version.name
    email_members_of(
        organisation,
        f"A question about your KPI return for {months.month_name(kpi_return.month)}",
        "kpi_query_asked",
        organisation=organisation,
        month=kpi_return.month,
        month_name=months.month_name(kpi_return.month),
        kpi_name=name,
        question=question,
    )
    return query


def get_query(organisation: Organisation, query_id: int) -> tuple[KpiQuery, KpiReturn]:
    """A question on one of the organisation's returns. Raises NotFoundForUser (404) for one
    that is missing or about another organisation's return."""
    found = db.session.execute(
        select(KpiQuery, KpiReturn)
        .join(KpiReturn, KpiReturn.id == KpiQuery.kpi_return_id)
        .where(KpiQuery.id == query_id, KpiReturn.organisation_id == organisation.id)
        .options(selectinload(KpiQuery.kpi))
    ).first()
    if found is None:
        raise NotFoundForUser()
    return found[0], found[1]


def answer_query(
    actor: User, query: KpiQuery, kpi_return: KpiReturn, answer: str, seen_lock_version: int | None
) -> None:
    """Answer the council's question. Raises ReturnError for a blank answer or one already
    given."""
    answer = typed_text(
        answer,
        ReturnError,
        "answer",
        missing="Enter your answer",
        limit=QUESTION_MAX_LENGTH,
        what="Answer",
    )
    move(
        query,
        ANSWERED,
        QUERY_WORKFLOW,
        seen=seen_lock_version,
        answer=answer,
        answered_by_id=actor.id,
        answered_at=utcnow(),
    )
    record_change(
        "kpi_query.answered",
        query,
        actor,
        kpi_return.organisation_id,
        after={"return_id": kpi_return.id},
    )


def lock_month(actor: User, month: date, on: date) -> None:
    """Lock a month: its returns can no longer be amended. Raises ReturnError for a month not
    yet ended or already locked."""
    if month > months.last_ended(on):
        raise ReturnError("You can only lock a month that has ended", "month")
    if is_locked(month):
        raise ReturnError(f"{months.month_name(month)} is already locked", "month")
    db.session.add(KpiMonthLock(month=month, locked_by_id=actor.id))
    db.session.flush()
    record_event(
        "kpi_month.locked",
        object_type="kpi_month",
        object_id=None,
        actor_id=actor.id,
        after={"month": months.iso_month(month)},
    )


def locked_months() -> list[date]:
    return list(db.session.scalars(select(KpiMonthLock.month).order_by(KpiMonthLock.month.desc())))


def kpis_of(organisation: Organisation, on: date) -> list[tuple[int, str]]:
    """The KPIs (id, name) the organisation reports on for the last month ended, or for the
    first month it owed a return if it has stopped reporting."""
    obligation = obligation_of(organisation.id)
    month = months.last_ended(on)
    lot_ids = obligation.lot_ids(month) or set(obligation.lots)
    return [
        (definition.kpi_id, definition.name) for definition in Catalogue().for_month(lot_ids, month)
    ]


def organisation_for_staff(organisation_id: int) -> Organisation:
    """An organisation that has been admitted to a lot, for the council's performance pages.
    Raises NotFoundForUser (404) for one that does not exist or never was on the framework."""
    organisation = db.session.get(Organisation, organisation_id)
    admitted = select(Admission.id).where(Admission.organisation_id == organisation_id).limit(1)
    if organisation is None or db.session.scalar(admitted) is None:
        raise NotFoundForUser()
    return organisation
