"""Escalations: performance the council must act on. A KPI rated inadequate two months running,
or requires improvement (or worse) three months running, opens one when the return is submitted
or amended; a missing return opens one when the chaser goes (`flask kpi remind`); a reviewer or
commissioner can open one by hand, with a reason. Opening one emails the council's reviewers and
commissioners and the provider's members, once. The council records actions (a provider review
meeting, an action plan, an outcome) and closes it with a reason.

Every change goes through `portal.core.workflow.move` over WORKFLOW, which checks TRANSITIONS
and the escalation's lock_version.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, joinedload, selectinload

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.core.db import db
from portal.core.errors import ServiceError, found, typed_text
from portal.core.memo import RowsById, read_once_by_id
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.core.permissions import roles_that_may
from portal.core.time import utcnow
from portal.core.words import shown
from portal.core.workflow import STALE, Refusal, Workflow, move
from portal.kpi_returns import months, ratings
from portal.kpi_returns.models import (
    ACTION_KINDS,
    CLOSED,
    MISSING_RETURN,
    OPEN,
    RAISED_BY_COUNCIL,
    REVIEW_MEETING,
    SUBMITTED,
    THREE_REQUIRES_IMPROVEMENT,
    TWO_INADEQUATE,
    KpiEscalation,
    KpiEscalationAction,
    KpiReturn,
    KpiReturnVersion,
    KpiValue,
    KpiVersion,
)
from portal.kpi_returns.values import format_value
from portal.organisations.models import Organisation
from portal.organisations.services import email_members_of
from portal.outbox.services import queue_email

TRANSITIONS = {(OPEN, OPEN), (OPEN, CLOSED)}  # an action recorded; closed with a reason
TRIGGER_LABELS = {
    TWO_INADEQUATE: "Inadequate two months running",
    THREE_REQUIRES_IMPROVEMENT: "Requires improvement or worse three months running",
    MISSING_RETURN: "Missing return",
    RAISED_BY_COUNCIL: "Raised by the council",
}
# Who at the council is told when an escalation opens.
TOLD_ROLES = roles_that_may("hear_of_escalations")
TEXT_MAX_LENGTH = 4000
_POOR = (ratings.REQUIRES_IMPROVEMENT, ratings.INADEQUATE)


class EscalationError(ServiceError):
    pass


# Opening -------------------------------------------------------------------------------------


def _open(
    organisation_id: int,
    trigger: str,
    month: date,
    kpi_id: int | None,
    evidence: list[dict],
    *,
    actor: User | None = None,
    reason: str | None = None,
) -> KpiEscalation | None:
    """Open an escalation unless one for the same cause exists, or one is already open for the
    same organisation and KPI (a streak that goes on is the same problem), and tell the council
    and the provider. Opened by hand (`actor`, `reason`), it always opens.

    The cause's key is unique: if another request has just opened the same escalation, this one
    opens nothing (in a savepoint, so the rest of the request stands) and sends no email."""
    if actor is None:
        key = f"{organisation_id}:{trigger}:{kpi_id or '-'}:{months.iso_month(month)}"
        already = select(KpiEscalation.id).where(KpiEscalation.trigger_key == key)
        if kpi_id is not None:
            already = select(KpiEscalation.id).where(
                (KpiEscalation.trigger_key == key)
                | (
                    (KpiEscalation.organisation_id == organisation_id)
                    & (KpiEscalation.kpi_id == kpi_id)
                    & (KpiEscalation.status == OPEN)
                )
            )
        if db.session.scalar(already.limit(1)) is not None:
            return None
    else:
        key = f"{organisation_id}:{trigger}:{uuid.uuid4().hex}"
    escalation = KpiEscalation(
        organisation_id=organisation_id,
        kpi_id=kpi_id,
        trigger=trigger,
        trigger_key=key,
        month=month,
        evidence=evidence,
        opened_by_id=actor.id if actor else None,
        open_reason=reason,
    )
    try:
        with db.session.begin_nested():
            db.session.add(escalation)
            db.session.flush()
    except IntegrityError:
        return None  # opened a moment ago by someone else's submission
    record_change(
        "kpi_escalation.opened",
        escalation,
        actor,
        organisation_id,
        after={
            "trigger": trigger,
            "month": months.iso_month(month),
            "kpi_id": kpi_id,
            **({"reason": reason} if reason else {}),
        },
    )
    _tell_opened(escalation, actor)
    return escalation


def _kpi_version(kpi_id: int | None) -> KpiVersion | None:
    if kpi_id is None:
        return None
    return db.session.scalar(
        select(KpiVersion)
        .where(KpiVersion.kpi_id == kpi_id)
        .order_by(KpiVersion.effective_from.desc())
        .limit(1)
    )


def what_happened(escalation: KpiEscalation, kpi: KpiVersion | None) -> list[str]:
    """The escalation's cause in plain English, a sentence a line, for emails."""
    if escalation.trigger == RAISED_BY_COUNCIL:
        about = f" about {kpi.name}" if kpi else ""
        return [f"The council has raised a concern{about}:", escalation.open_reason or ""]
    if escalation.trigger == MISSING_RETURN:
        lines = []
        for item in escalation.evidence:
            month, due = months.parse_month(item["month"]), date.fromisoformat(item["due"])
            lines.append(
                f"The KPI return for {months.month_name(month)} was due on "
                f"{due:%A} {due.day} {due:%B %Y} and has not been submitted."
            )
        return lines
    lines = [f"{kpi.name if kpi else 'A KPI'} was rated:"]
    for item in escalation.evidence:
        value = format_value(item["value"], kpi.unit) if kpi else item["value"]
        month = months.parse_month(item["month"])
        lines.append(
            f"- {months.month_name(month)}: {ratings.label(item['rating']).lower()} ({value})"
        )
    return lines


def _tell_opened(escalation: KpiEscalation, actor: User | None) -> None:
    """Email the council's reviewers and commissioners (but not whoever opened it) and the
    provider's members that the escalation is open, with a link to the page each can see."""
    organisation = db.session.get(Organisation, escalation.organisation_id)
    kpi = _kpi_version(escalation.kpi_id)
    lines = what_happened(escalation, kpi)
    trigger = TRIGGER_LABELS[escalation.trigger]
    staff = db.session.scalars(
        select(User)
        .where(User.role.in_(TOLD_ROLES), User.deactivated_at.is_(None))  # not those who left
        .order_by(User.full_name, User.id)
    )
    for user in staff:
        if actor is not None and user.id == actor.id:
            continue
        queue_email(
            user.email,
            f"Performance escalation opened: {organisation.display_name}",
            "kpi_escalation_opened_council",
            user=user,
            organisation=organisation,
            escalation=escalation,
            trigger=trigger,
            lines=lines,
        )
    email_members_of(
        organisation,
        f"The council has opened a performance escalation for {organisation.display_name}",
        "kpi_escalation_opened_provider",
        organisation=organisation,
        lines=lines,
    )


def check_ratings(organisation: Organisation, month: date) -> list[KpiEscalation]:
    """Open the escalations the ratings around `month` call for (after a submission or an
    amendment of it): two inadequate months running, or three of requires improvement or
    worse, in any run of months that includes `month`."""
    first, last = months.add_months(month, -2), months.add_months(month, 2)
    series: dict[int, dict[date, tuple[float | None, str | None]]] = defaultdict(dict)
    names: dict[int, str] = {}
    for row in db.session.execute(
        select(KpiReturn.month, KpiValue.kpi_id, KpiValue.value, KpiValue.rating, KpiVersion.name)
        .join(KpiReturnVersion, KpiReturnVersion.kpi_return_id == KpiReturn.id)
        .join(KpiValue, KpiValue.version_id == KpiReturnVersion.id)
        .join(KpiVersion, KpiVersion.id == KpiValue.kpi_version_id)
        .where(
            KpiReturn.organisation_id == organisation.id,
            KpiReturn.status == SUBMITTED,
            KpiReturnVersion.number == KpiReturn.version_count,
            KpiReturn.month.between(first, last),
        )
    ):
        series[row.kpi_id][row.month] = (row.value, row.rating)
        names[row.kpi_id] = row.name
    opened = []
    for kpi_id, by_month in series.items():
        for trigger, length, bad in (
            (TWO_INADEQUATE, 2, (ratings.INADEQUATE,)),
            (THREE_REQUIRES_IMPROVEMENT, 3, _POOR),
        ):
            for end in (months.add_months(month, shift) for shift in range(length)):
                run = [months.add_months(end, -back) for back in reversed(range(length))]
                if all(by_month.get(each, (None, None))[1] in bad for each in run):
                    evidence = [
                        {
                            "month": months.iso_month(each),
                            "kpi": names[kpi_id],
                            "value": by_month[each][0],
                            "rating": by_month[each][1],
                        }
                        for each in run
                    ]
                    escalation = _open(organisation.id, trigger, end, kpi_id, evidence)
                    if escalation:
                        opened.append(escalation)
    return opened


def open_for_missing(organisation_id: int, month: date, due: date) -> KpiEscalation | None:
    """Open an escalation for a return not made by its due date (once per month)."""
    evidence = [{"month": months.iso_month(month), "due": due.isoformat()}]
    return _open(organisation_id, MISSING_RETURN, month, None, evidence)


def open_escalation(
    actor: User,
    organisation: Organisation,
    kpi_id: int | None,
    reason: str,
    kpi_ids: set[int],
    on: date,
) -> KpiEscalation:
    """Open an escalation by hand: about one KPI of `kpi_ids` (the provider's) or the returns as
    a whole (None), with a reason. Emails as an automatic one does. Raises EscalationError."""
    if kpi_id is not None and kpi_id not in kpi_ids:
        raise EscalationError(
            "Select a KPI the provider reports, or the returns as a whole", "kpi_id"
        )
    reason = typed_text(
        reason,
        EscalationError,
        "reason",
        missing="Enter why you are opening an escalation",
        limit=TEXT_MAX_LENGTH,
        what="Reason",
    )
    escalation = _open(
        organisation.id,
        RAISED_BY_COUNCIL,
        months.last_ended(on),
        kpi_id,
        [],
        actor=actor,
        reason=reason,
    )
    assert escalation is not None  # a key of its own: never refused
    return escalation


# Working and closing -------------------------------------------------------------------------


def get_escalation(escalation_id: int) -> KpiEscalation:
    """The escalation with its organisation, KPI and actions. Raises NotFoundForUser (404)."""
    escalation = found(
        db.session.scalar(
            select(KpiEscalation)
            .where(KpiEscalation.id == escalation_id)
            .options(
                joinedload(KpiEscalation.organisation),
                joinedload(KpiEscalation.kpi),
                joinedload(KpiEscalation.closed_by),
                joinedload(KpiEscalation.opened_by),
                selectinload(KpiEscalation.actions).selectinload(KpiEscalationAction.recorded_by),
            )
        )
    )
    return escalation


def _refuse_move(refused: Refusal) -> EscalationError:
    if not refused.allowed:
        return EscalationError("This escalation has been closed")
    if refused.why == STALE:
        return EscalationError(
            "This escalation has been changed by someone else since you opened the page. "
            "Check it and try again"
        )
    return EscalationError("This escalation has been changed by someone else. Try again")


WORKFLOW = Workflow(frozenset(TRANSITIONS), _refuse_move)


def record_action(
    actor: User,
    escalation: KpiEscalation,
    kind: str,
    on_date: date | None,
    details: str,
    seen_lock_version: int | None,
) -> KpiEscalationAction:
    """Record what the council did. A review meeting needs its date. Raises EscalationError."""
    if kind not in ACTION_KINDS:
        raise EscalationError("Select what you are recording", "kind")
    if kind == REVIEW_MEETING and on_date is None:
        raise EscalationError("Enter the date of the review meeting", "on_date")
    details = typed_text(
        details,
        EscalationError,
        "details",
        missing="Enter the details",
        limit=TEXT_MAX_LENGTH,
        what="Details",
    )
    move(escalation, OPEN, WORKFLOW, seen=seen_lock_version)
    action = KpiEscalationAction(
        escalation_id=escalation.id,
        kind=kind,
        on_date=on_date,
        details=details,
        recorded_by_id=actor.id,
    )
    db.session.add(action)
    db.session.flush()
    record_change(
        "kpi_escalation.action_recorded",
        escalation,
        actor,
        escalation.organisation_id,
        after={"kind": kind, "on": on_date.isoformat() if on_date else None},
    )
    return action


def close_escalation(
    actor: User, escalation: KpiEscalation, reason: str, seen_lock_version: int | None
) -> None:
    """Close the escalation with a reason. Raises EscalationError."""
    reason = typed_text(
        reason,
        EscalationError,
        "reason",
        missing="Enter the reason for closing the escalation",
        limit=TEXT_MAX_LENGTH,
        what="Reason",
    )
    move(
        escalation,
        CLOSED,
        WORKFLOW,
        seen=seen_lock_version,
        closed_at=utcnow(),
        closed_by_id=actor.id,
        close_reason=reason,
    )
    record_change(
        "kpi_escalation.closed",
        escalation,
        actor,
        escalation.organisation_id,
        before={"status": OPEN},
        after={"status": CLOSED, "reason": reason},
    )


# Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationLine:
    """An escalation as a list shows it."""

    id: int
    organisation_id: int
    organisation_name: str
    trigger: str
    kpi_name: str | None
    month: date
    status: str
    opened_at: datetime

    trigger_label = shown(TRIGGER_LABELS, "trigger")

    @property
    def summary(self) -> str:
        what = self.kpi_name or "Return"
        return f"{what}: {self.trigger_label.lower()} (to {months.month_name(self.month)})"


def _lines(
    *criteria, limit: int | None = None, offset: int = 0, oldest_first: bool = False
) -> list[EscalationLine]:
    return [
        EscalationLine(*row)
        for row in db.session.execute(
            _lines_query(*criteria, limit=limit, offset=offset, oldest_first=oldest_first)
        )
    ]


def _lines_query(*criteria, limit: int | None, offset: int, oldest_first: bool) -> Select:
    name = func.coalesce(Organisation.trading_name, Organisation.legal_name)
    latest_name = (
        select(KpiVersion.name)
        .where(KpiVersion.kpi_id == KpiEscalation.kpi_id)
        .order_by(KpiVersion.effective_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            KpiEscalation.id,
            KpiEscalation.organisation_id,
            name.label("organisation_name"),
            KpiEscalation.trigger,
            latest_name.label("kpi_name"),
            KpiEscalation.month,
            KpiEscalation.status,
            KpiEscalation.opened_at,
        )
        .join(Organisation, Organisation.id == KpiEscalation.organisation_id)
        .where(*criteria)
        .order_by(
            *(
                (KpiEscalation.opened_at, KpiEscalation.id)
                if oldest_first
                else (KpiEscalation.opened_at.desc(), KpiEscalation.id.desc())
            )
        )
    )
    # Neither clause when not asked for: the open escalations of some organisations are read
    # in a union with other statements (core.memo.read_together), where SQLite refuses them.
    if offset:
        query = query.offset(offset)
    if limit:
        query = query.limit(limit)
    return query


# The open status written into the SQL, not a parameter: so that the index of the open ones
# (partial on it) serves every run, prepared or not.
OPEN_IN_SQL = KpiEscalation.status == literal_column(f"'{OPEN}'")

# Built once, the ids bound: the provider record page asks on every view.
_OPEN_OF = _lines_query(
    KpiEscalation.organisation_id.in_(bindparam("ids", expanding=True)),
    OPEN_IN_SQL,
    limit=None,
    offset=0,
    oldest_first=False,
)


# The open escalations of each organisation, newest first (one query, however many; read with a
# page's others by core.memo.read_together).
open_escalations_by_organisation = read_once_by_id(RowsById(_OPEN_OF, 1, EscalationLine))


def open_escalation_count(
    organisation_id: ColumnElement[int] | InstrumentedAttribute[int],
) -> ScalarSelect[int]:
    """How many open escalations the organisation whose id is `organisation_id` has, as a
    column of a query of organisations: what the dashboard shows of them, in its own query of
    the page's providers rather than one more, and without reading each escalation and its
    KPI's name."""
    return (
        select(func.count(KpiEscalation.id))
        .where(KpiEscalation.organisation_id == organisation_id, OPEN_IN_SQL)
        .scalar_subquery()
    )


@cache
def oldest_open_query(limit: int) -> Select:
    """The open escalations that have waited longest (`limit` of them), each with how many are
    open in all, from the index of the open ones: a statement of rows for `oldest_open`, which
    a home reads with its other lists (core.waiting.Listed: limited within a subquery, then in
    its order). Built once for each limit (every commissioner's home runs it): a statement built
    for every request costs more than running it. The count is a subquery run once, not a
    window over the rows, which would look up every open row's KPI name first."""
    in_all = select(func.count()).where(OPEN_IN_SQL).correlate(None).scalar_subquery()
    oldest = (
        _lines_query(OPEN_IN_SQL, limit=limit, offset=0, oldest_first=True)
        .add_columns(in_all.label("total"))
        .subquery()
    )
    return select(*oldest.c).order_by(oldest.c.opened_at, oldest.c.id)


def oldest_open(rows: Sequence[Sequence[Any]]) -> tuple[list[EscalationLine], int]:
    """The escalations in rows of `oldest_open_query`, and how many are open in all (0 when
    none is)."""
    return [EscalationLine(*row[:-1]) for row in rows], rows[0][-1] if rows else 0


def open_escalations_of(organisation_id: int) -> list[EscalationLine]:
    """The organisation's open escalations, newest first (one query, of the open ones only)."""
    return open_escalations_by_organisation([organisation_id])[organisation_id]


def escalation_list(status: str | None, number: int) -> Page:
    """A page of escalations, newest first, optionally only open or closed ones."""
    criteria = [KpiEscalation.status == status] if status in (OPEN, CLOSED) else []
    counted = select(func.count(KpiEscalation.id)).where(*criteria)
    # How many in all rides on the page's rows (pagination.rows_and_total), counted by a
    # subquery not correlated to them: not a statement of its own.
    total_column = counted.correlate(None).scalar_subquery().label("total")
    rows, number, total = rows_and_total(
        number,
        lambda first: db.session.execute(
            _lines_query(*criteria, limit=PER_PAGE, offset=first, oldest_first=False).add_columns(
                total_column
            )
        ).all(),
        lambda: db.count(counted),
    )
    return Page([EscalationLine(*row[:-1]) for row in rows], number, total)
