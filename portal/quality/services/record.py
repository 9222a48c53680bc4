"""The provider record page for council staff (/reviews/providers/<id>): everything the council
knows of one provider on one page. Its admissions per lot, documents, DBS flags, latest KPI
return and escalations come from admissions' `provider_for_reviewers`; the rest (risk and its
reasons, the KPI trend, visits, review meetings, the action plan, contracts and their
delivery) is gathered here. A fixed number of queries, however long the record."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import BindParameter, bindparam, case, select
from sqlalchemy.orm import load_only

from portal.admissions import services as admissions
from portal.admissions.models import ADMITTED, REMOVED, Admission
from portal.contracts.models import Contract
from portal.contracts.services import delivery
from portal.core.db import db
from portal.core.time import LONDON, as_utc
from portal.kpi_returns import months, ratings
from portal.kpi_returns import reports as kpi_reports
from portal.kpi_returns.models import SUBMITTED
from portal.quality.models import (
    ACTION_CLOSED,
    ACTION_OPEN,
    HIGH,
    MEETING_CANCELLED,
    MEETING_HELD,
    MEETING_SCHEDULED,
    VISIT_CANCELLED,
    VISIT_PUBLISHED,
    Action,
    Meeting,
    ProviderRisk,
    Visit,
)
from portal.quality.services import meetings, risk

# How many months of KPI ratings the record shows.
TREND_MONTHS = 6


@dataclass(frozen=True)
class TrendMonth:
    month: date
    rating: str | None  # None: no submitted return, or not rated

    @property
    def label(self) -> str:
        return ratings.label(self.rating) if self.rating else "No rated return"

    @property
    def colour(self) -> str:
        return ratings.colour(self.rating)


@dataclass(frozen=True)
class ContractLine:
    contract: Contract
    owed: list[str]  # "March 2027 overdue"


@dataclass(frozen=True)
class ProviderRecord:
    row: admissions.ProviderRow
    history: list[admissions.HistoryEntry]
    rating: risk.Rating
    kept: ProviderRisk | None  # the rating last kept, for when it last changed
    due: meetings.Due | None  # None when no longer on the framework
    trend: list[TrendMonth]
    visits: list[Visit]
    meetings: list[Meeting]
    actions: list[Action]
    contracts: list[ContractLine]
    on: date

    @property
    def suspendable(self) -> list[Admission]:
        """High risk: the admissions a reviewer may suspend it from, with the reasons."""
        if self.rating.rating != HIGH:
            return []
        return [admission for admission in self.row.admissions if admission.status == ADMITTED]

    @property
    def overdue_actions(self) -> int:
        return sum(
            1 for action in self.actions if action.status == ACTION_OPEN and action.due_on < self.on
        )


def _trend(organisation_id: int, on: date) -> list[TrendMonth]:
    last = months.last_ended(on)
    first = months.add_months(last, -(TREND_MONTHS - 1))
    summaries = kpi_reports.return_summaries([organisation_id], first, last)
    shown = []
    for month in months.months_between(first, last):
        summary = summaries.get((organisation_id, month))
        rated = summary.rating if summary and summary.status == SUBMITTED else None
        shown.append(TrendMonth(month, rated))
    return shown


# The page's statements are built once, the organisation's id bound: building them (and their
# cache keys) on every view cost about as much CPU as running them.
_ORGANISATION_ID: BindParameter[int] = bindparam("organisation_id")

# Its visits, not cancelled, newest first: only what the page and the rule read.
_VISITS = (
    select(Visit)
    .where(Visit.organisation_id == _ORGANISATION_ID, Visit.status != VISIT_CANCELLED)
    .options(
        load_only(
            Visit.organisation_id,
            Visit.status,
            Visit.judgement,
            Visit.planned_on,
            Visit.visited_on,
            raiseload=True,
        )
    )
    .order_by(Visit.planned_on.desc(), Visit.id.desc())
)

# Its meetings, not cancelled, newest first, without their agenda and minutes.
_MEETINGS = (
    select(Meeting)
    .where(Meeting.organisation_id == _ORGANISATION_ID, Meeting.status != MEETING_CANCELLED)
    .options(
        load_only(
            Meeting.organisation_id,
            Meeting.status,
            Meeting.meets_on,
            Meeting.held_on,
            raiseload=True,
        )
    )
    .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
)

# Its action plan, open first (by due date), closed last.
_ACTIONS = (
    select(Action)
    .where(Action.organisation_id == _ORGANISATION_ID)
    .options(
        load_only(
            Action.organisation_id,
            Action.visit_id,
            Action.title,
            Action.owner,
            Action.due_on,
            Action.status,
            raiseload=True,
        )
    )
    .order_by(case((Action.status == ACTION_CLOSED, 1), else_=0), Action.due_on, Action.id)
)

# The rating last kept.
_KEPT = select(ProviderRisk).where(ProviderRisk.organisation_id == _ORGANISATION_ID)


def _risk_inputs(
    organisation_id: int,
    row: admissions.ProviderRow,
    trend: list[TrendMonth],
    visits: list[Visit],
    actions: list[Action],
    on: date,
) -> risk.RiskInputs:
    """What the risk rule reads (risk.inputs_for), taken from what the page has already read
    rather than read again: the KPI ratings of the trend's last months, the open escalations
    and DBS flags of the admissions row, the action plan and the visits. Only the lapsed
    documents are asked for (one query). test_record_page checks it agrees with the rule."""
    colours = Counter(month.colour for month in trend[-risk.KPI_MONTHS :] if month.rating)
    published = [visit for visit in visits if visit.status == VISIT_PUBLISHED]
    judged = [visit for visit in published if visit.judgement is not None]
    latest = max(judged, key=lambda visit: (visit.visited_on or date.min, visit.id), default=None)
    seen = {visit.id for visit in published}
    overdue = sum(
        1
        for action in actions
        if action.status == ACTION_OPEN
        and action.due_on < on
        and (action.visit_id is None or action.visit_id in seen)
    )
    return risk.RiskInputs(
        red_returns=colours["red"],
        amber_returns=colours["yellow"],
        open_escalations=len(row.escalations),
        overdue_actions=overdue,
        lapsed_documents=risk.lapsed_documents([organisation_id], on).get(organisation_id, 0),
        dbs_flagged=row.dbs_flagged,
        visit_judgement=latest.judgement if latest else None,
    )


def _due(
    organisation_id: int,
    row: admissions.ProviderRow,
    rating: risk.Rating,
    listed: list[Meeting],
) -> meetings.Due | None:
    """When its next meeting is due (meetings.dues), from the admissions and meetings the page
    has read; None when it is no longer on the framework."""
    joined = [
        as_utc(admission.admitted_at).astimezone(LONDON).date()
        for admission in row.admissions
        if admission.status != REMOVED
    ]
    if not joined:
        return None
    held = [meeting.held_on for meeting in listed if meeting.status == MEETING_HELD]
    scheduled = [meeting for meeting in listed if meeting.status == MEETING_SCHEDULED]
    return meetings.due_from(
        organisation_id,
        rating,
        min(joined),
        max((day for day in held if day is not None), default=None),
        min(scheduled, key=lambda meeting: (meeting.meets_on, meeting.id), default=None),
    )


def provider_record(organisation_id: int, on: date) -> ProviderRecord:
    """The whole record of one provider. Raises NotFoundForUser (404), as
    provider_for_reviewers does, for an organisation with no admission. What the risk rule and
    the meeting due date read is taken from what the page reads anyway, not read twice."""
    row, history = admissions.provider_for_reviewers(organisation_id, on)
    trend = _trend(organisation_id, on)
    ids = {_ORGANISATION_ID.key: organisation_id}
    visits = list(db.session.scalars(_VISITS, ids))
    listed = list(db.session.scalars(_MEETINGS, ids))
    actions = list(db.session.scalars(_ACTIONS, ids))
    rating = risk.rate(_risk_inputs(organisation_id, row, trend, visits, actions, on))
    contracts = delivery.contracts_recording([organisation_id])
    owed: dict[int, list[str]] = {}
    # Newest first within each contract; only the month and status of each delivery are read.
    for state in sorted(
        delivery.owed_months(contracts, on), key=lambda state: state.month, reverse=True
    ):
        owed.setdefault(state.contract.id, []).append(
            f"{months.month_name(state.month)} {state.label.lower()}"
        )
    return ProviderRecord(
        row=row,
        history=history,
        rating=rating,
        kept=db.session.scalar(_KEPT, ids),
        due=_due(organisation_id, row, rating, listed),
        trend=trend,
        visits=visits,
        meetings=listed,
        actions=actions,
        contracts=[ContractLine(contract, owed.get(contract.id, [])) for contract in contracts],
        on=on,
    )
