"""The provider record page for council staff (/reviews/providers/<id>): everything the council
knows of one provider on one page. Its admissions per lot, documents, DBS flags, latest KPI
return and escalations come from admissions' `provider_for_reviewers`; the rest (risk and its
reasons, the KPI trend, visits, review meetings, the action plan, contracts and their
delivery) is gathered here. A fixed number of queries, however long the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, select

from portal.admissions import services as admissions
from portal.admissions.models import ADMITTED, Admission
from portal.contracts.models import Contract
from portal.contracts.services import delivery
from portal.core.db import db
from portal.kpi_returns import months, ratings
from portal.kpi_returns import reports as kpi_reports
from portal.kpi_returns.models import SUBMITTED
from portal.quality.models import (
    ACTION_CLOSED,
    ACTION_OPEN,
    HIGH,
    MEETING_CANCELLED,
    VISIT_CANCELLED,
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


def provider_record(organisation_id: int, on: date) -> ProviderRecord:
    """The whole record of one provider. Raises NotFoundForUser (404), as
    provider_for_reviewers does, for an organisation with no admission."""
    row, history = admissions.provider_for_reviewers(organisation_id, on)
    due = meetings.dues([organisation_id], on).get(organisation_id)
    rating = due.rating if due else risk.rating_of(organisation_id, on)
    contracts = delivery.contracts_recording([organisation_id])
    owed: dict[int, list[str]] = {}
    for state in delivery.month_states(contracts, on):
        if state.state in (delivery.DUE, delivery.OVERDUE):
            owed.setdefault(state.contract.id, []).append(
                f"{months.month_name(state.month)} {state.label.lower()}"
            )
    return ProviderRecord(
        row=row,
        history=history,
        rating=rating,
        kept=db.session.scalar(
            select(ProviderRisk).where(ProviderRisk.organisation_id == organisation_id)
        ),
        due=due,
        trend=_trend(organisation_id, on),
        visits=list(
            db.session.scalars(
                select(Visit)
                .where(Visit.organisation_id == organisation_id, Visit.status != VISIT_CANCELLED)
                .order_by(Visit.planned_on.desc(), Visit.id.desc())
            )
        ),
        meetings=[
            meeting
            for meeting in meetings.meetings_of(organisation_id)
            if meeting.status != MEETING_CANCELLED
        ],
        actions=list(
            db.session.scalars(
                select(Action)
                .where(Action.organisation_id == organisation_id)
                .order_by(
                    case((Action.status == ACTION_CLOSED, 1), else_=0), Action.due_on, Action.id
                )
            )
        ),
        contracts=[ContractLine(contract, owed.get(contract.id, [])) for contract in contracts],
        on=on,
    )
