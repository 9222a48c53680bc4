"""Reminders by email: five working days and one working day before a return is due, and a
chaser the day after it is missed (which also opens an escalation for the council).

`send_reminders` is safe to run at any time and as often as wanted: a row per organisation,
month and kind records each reminder in the same transaction as its email, so none goes twice.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.admissions.models import Admission
from portal.core.db import db
from portal.core.time import working_days_between
from portal.kpi_returns import escalations, months
from portal.kpi_returns.models import CHASER, FIVE_DAYS, ONE_DAY, SUBMITTED, KpiReminder, KpiReturn
from portal.kpi_returns.obligations import obligations_for
from portal.organisations.models import Organisation
from portal.organisations.services import email_members_of

SUBJECTS = {
    FIVE_DAYS: "Your KPI return for {month} is due on {due}",
    ONE_DAY: "Your KPI return for {month} is due tomorrow, {due}",
    CHASER: "Your KPI return for {month} is late",
}


def reminder_due(month_due: date, on: date) -> str | None:
    """Which reminder, if any, is due on `on` for a return due on `month_due`: from five working
    days before it, the five-day one; on the working day before, the one-day one; after it, the
    chaser. Only the latest is sent if a run was missed."""
    if on > month_due:
        return CHASER
    left = working_days_between(on, month_due)
    if left <= 1 and on < month_due:
        return ONE_DAY
    if left <= 5 and on < month_due:
        return FIVE_DAYS
    return None


def send_reminders(on: date) -> int:
    """Send the reminders due on `on` for the last two months ended (so a chaser follows a
    return due early in this month or late last). Returns how many were sent."""
    # Every organisation ever admitted: one removed still owes the months before its removal.
    ids = list(db.session.scalars(select(Admission.organisation_id).distinct()))
    obligations = obligations_for(ids)
    recent = [months.last_ended(on), months.add_months(months.last_ended(on), -1)]
    submitted = set(
        db.session.execute(
            select(KpiReturn.organisation_id, KpiReturn.month).where(
                KpiReturn.month.in_(recent), KpiReturn.status == SUBMITTED
            )
        ).all()
    )
    # Read before the read transaction ends: each reminder below is a transaction of its own.
    due_dates = {month: months.due_date(month) for month in recent}
    db.session.rollback()
    sent = 0
    for organisation_id in ids:
        for month in recent:
            if not obligations[organisation_id].owes(month):
                continue
            if (organisation_id, month) in submitted:
                continue
            due = due_dates[month]
            kind = reminder_due(due, on)
            if kind is None:
                continue
            try:
                with db.session.begin():
                    db.session.add(
                        KpiReminder(organisation_id=organisation_id, month=month, kind=kind)
                    )
                    db.session.flush()
                    organisation = db.session.get_one(Organisation, organisation_id)
                    _email(organisation, month, due, kind)
                    if kind == CHASER:
                        escalations.open_for_missing(organisation_id, month, due)
            except IntegrityError:
                continue  # sent already
            sent += 1
    return sent


def _email(organisation: Organisation, month: date, due: date, kind: str) -> None:
    subject = SUBJECTS[kind].format(
        month=months.month_name(month), due=f"{due:%A} {due.day} {due:%B}"
    )
    email_members_of(
        organisation,
        subject,
        "kpi_return_reminder",
        organisation=organisation,
        month=month,
        month_name=months.month_name(month),
        due=due,
        late=kind == CHASER,
    )
