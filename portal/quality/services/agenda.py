"""A review meeting's agenda, built from the provider's record when the meeting is scheduled:
its risk and why, KPI ratings and their trend since the last meeting, open escalations,
documents expired or expiring, DBS register flags, open actions, and contracts with their
delivery. Each item is {"heading", "lines"}, kept on the meeting as it stood that day (the
record moves on; the agenda is what the meeting was called to discuss). Each part is read
through its own domain's services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from portal.contracts.services import delivery
from portal.core.db import db
from portal.core.time import format_date
from portal.documents import services as documents
from portal.kpi_returns import months, ratings
from portal.kpi_returns import reports as kpi_reports
from portal.kpi_returns.escalations import open_escalations_by_organisation
from portal.kpi_returns.models import SUBMITTED
from portal.organisations.models import Organisation
from portal.quality.models import ACTION_DONE, ACTION_OPEN, ACTION_STATUS_LABELS, Action
from portal.quality.services.risk import Rating
from portal.staff_checks import services as staff_checks

# Documents expiring within this many days are on the agenda (and any already expired).
EXPIRING_WITHIN_DAYS = 90
# With no meeting held yet, KPI ratings from this many months back.
FIRST_MEETING_KPI_MONTHS = 6
NOTHING = "Nothing to discuss."


def _item(heading: str, lines: list[str]) -> dict[str, Any]:
    return {"heading": heading, "lines": lines or [NOTHING]}


def build_agenda(
    organisation: Organisation, rating: Rating, since: date | None, on: date
) -> list[dict[str, Any]]:
    """The agenda for `organisation`'s next meeting, from its record on `on`; `since` is the
    day its last meeting was held (None before the first)."""
    return [
        _item(
            f"Risk rating: {rating.label.lower()}",
            [reason.because for reason in rating.reasons] or ["Nothing on the record scores."],
        ),
        _kpis(organisation, since, on),
        _item(
            "Open performance escalations",
            [
                line.summary
                for line in open_escalations_by_organisation([organisation.id])[organisation.id]
            ],
        ),
        _item("Documents expired or expiring", _documents(organisation, on)),
        _item("DBS register flags", _dbs_flags(organisation, on)),
        _item("Open actions", _actions(organisation, on)),
        _item("Contracts and delivery", _contracts(organisation, on)),
    ]


def _kpis(organisation: Organisation, since: date | None, on: date) -> dict[str, Any]:
    last = months.last_ended(on)
    first = (
        months.add_months(months.first_of(since), 1)
        if since
        else months.add_months(last, -(FIRST_MEETING_KPI_MONTHS - 1))
    )
    summaries = kpi_reports.return_summaries([organisation.id], first, last)
    rated = [
        (month, summary.rating)
        for (_id, month), summary in sorted(summaries.items())
        if summary.rating and summary.status == SUBMITTED
    ]
    lines = [f"{months.month_name(month)}: {ratings.label(rating)}" for month, rating in rated]
    if len(rated) >= 2:
        earliest, latest = (ratings.RATINGS.index(rated[i][1]) for i in (0, -1))
        trend = "better" if latest < earliest else "worse" if latest > earliest else "the same"
        lines.append(f"Trend: {trend} than in {months.month_name(rated[0][0])}")
    heading = (
        f"KPI ratings since the last meeting ({format_date(since)})"
        if since
        else f"KPI ratings in the last {FIRST_MEETING_KPI_MONTHS} months"
    )
    return _item(heading, lines or ["No rated KPI return in this time."])


def _documents(organisation: Organisation, on: date) -> list[str]:
    horizon = on + timedelta(days=EXPIRING_WITHIN_DAYS)
    lines = []
    for document in documents.documents_of(organisation):
        expiry = document.current.expiry_date
        if expiry is None or expiry > horizon:
            continue
        when = "expired" if expiry < on else "expires"
        lines.append(f"‘{document.title}’ ({document.kind_label}) {when} on {format_date(expiry)}")
    return lines


def _dbs_flags(organisation: Organisation, on: date) -> list[str]:
    return [
        f"{check.full_name}: {', '.join(found).lower()}"
        for check in staff_checks.checks_of(organisation)
        if (found := staff_checks.flags(check, on))
    ]


def _actions(organisation: Organisation, on: date) -> list[str]:
    lines = []
    for action in db.session.scalars(
        select(Action)
        .where(
            Action.organisation_id == organisation.id,
            Action.status.in_((ACTION_OPEN, ACTION_DONE)),
        )
        .order_by(Action.due_on, Action.id)
    ):
        late = " (overdue)" if action.status == ACTION_OPEN and action.due_on < on else ""
        status = ACTION_STATUS_LABELS[action.status].lower()
        lines.append(f"{action.title}: {status}, due {format_date(action.due_on)}{late}")
    return lines


def _contracts(organisation: Organisation, on: date) -> list[str]:
    contracts = delivery.contracts_recording([organisation.id])
    owed: dict[int, list[str]] = {}
    for state in delivery.month_states(contracts, on):
        if state.state in (delivery.DUE, delivery.OVERDUE):
            owed.setdefault(state.contract.id, []).append(
                f"{months.month_name(state.month)} {state.label.lower()}"
            )
    lines = []
    for contract in contracts:
        running = (
            f"runs to {format_date(contract.end_on)}"
            if contract.end_on >= on
            else f"ended on {format_date(contract.end_on)}"
        )
        late = owed.get(contract.id)
        said = f"; delivery {', '.join(late)}" if late else "; delivery up to date"
        lines.append(f"{contract.reference} ‘{contract.title}’: {running}{said}")
    return lines
