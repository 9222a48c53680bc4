"""The provider record page for council staff (/reviews/providers/<id>): everything the council
knows of one provider on one page. Its admissions per lot, documents, DBS flags, latest KPI
return and escalations come from admissions' `provider_for_reviewers`; the rest (risk and its
reasons, the KPI trend, visits, review meetings, the action plan, contracts and their
delivery) is gathered here. A fixed number of queries, however long the record."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Date,
    Integer,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
)

from portal.admissions import services as admissions
from portal.admissions.models import ADMITTED, REMOVED
from portal.contracts.models import Contract
from portal.contracts.services import delivery
from portal.core.db import UTCDateTime, db
from portal.core.memo import reading_once
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
    kept: KeptRating | None  # the rating last kept, for when it last changed
    due: meetings.Due | None  # None when no longer on the framework
    trend: list[TrendMonth]
    visits: list[VisitLine]
    meetings: list[MeetingLine]
    actions: list[ActionLine]
    contracts: list[ContractLine]
    on: date

    @property
    def suspendable(self) -> list[admissions.AdmissionLine]:
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


@dataclass(frozen=True)
class VisitLine:
    """A visit as the record shows it and the risk rule reads it."""

    id: int
    status: str
    planned_on: date
    visited_on: date | None
    judgement: str | None


@dataclass(frozen=True)
class MeetingLine:
    """A review meeting as the record shows it, without its agenda and minutes."""

    id: int
    status: str
    meets_on: date
    held_on: date | None


@dataclass(frozen=True)
class ActionLine:
    """An action of the plan as the record shows it and the risk rule reads it."""

    id: int
    status: str
    due_on: date
    title: str
    owner: str
    visit_id: int | None


@dataclass(frozen=True)
class KeptRating:
    """The risk rating last kept (ProviderRisk), for when it last changed."""

    rating: str
    since: datetime


# The page's statement of its own is built once, the organisation's id bound: building it (and
# its cache key) on every view cost about as much CPU as running it.
_ORGANISATION_ID: BindParameter[int] = bindparam("organisation_id")

# Its visits and meetings (neither cancelled), its action plan and the rating last kept: one
# statement of four parts, read as columns, where four statements read objects (each statement
# costs the portal about a third of a millisecond of CPU however little it reads). Each part
# fills the columns it has (a NULL of the column's type in the others: the union's columns take
# the first part's types) and is put in its order here, in Python: a few rows each.
_VISIT, _MEETING, _ACTION, _KEPT = 0, 1, 2, 3


def _none(type_: Any) -> Any:
    return cast(null(), type_)


_NO_DAY, _NO_TEXT, _NO_ID = _none(Date()), _none(String()), _none(Integer())
_RECORD_LINES = union_all(
    select(
        literal(_VISIT).label("kind"),
        Visit.id,
        Visit.status,
        Visit.planned_on.label("day"),
        Visit.visited_on.label("other_day"),
        Visit.judgement.label("words"),
        _NO_TEXT.label("owner"),
        _NO_ID.label("visit_id"),
        _none(UTCDateTime()).label("moment"),
    ).where(Visit.organisation_id == _ORGANISATION_ID, Visit.status != VISIT_CANCELLED),
    select(
        literal(_MEETING),
        Meeting.id,
        Meeting.status,
        Meeting.meets_on,
        Meeting.held_on,
        _NO_TEXT,
        _NO_TEXT,
        _NO_ID,
        _none(UTCDateTime()),
    ).where(Meeting.organisation_id == _ORGANISATION_ID, Meeting.status != MEETING_CANCELLED),
    select(
        literal(_ACTION),
        Action.id,
        Action.status,
        Action.due_on,
        _NO_DAY,
        Action.title,
        Action.owner,
        Action.visit_id,
        _none(UTCDateTime()),
    ).where(Action.organisation_id == _ORGANISATION_ID),
    select(
        literal(_KEPT),
        ProviderRisk.id,
        ProviderRisk.rating,
        _NO_DAY,
        _NO_DAY,
        _NO_TEXT,
        _NO_TEXT,
        _NO_ID,
        ProviderRisk.since,
    ).where(ProviderRisk.organisation_id == _ORGANISATION_ID),
)


@dataclass(frozen=True)
class _Lines:
    visits: list[VisitLine]  # newest first
    meetings: list[MeetingLine]  # newest first
    actions: list[ActionLine]  # open first (by due date), closed last
    kept: KeptRating | None


def _lines_of(organisation_id: int) -> _Lines:
    """The organisation's visits, meetings, action plan and kept rating (_RECORD_LINES)."""
    visits, listed, actions, kept = [], [], [], None
    for row in db.rows(_RECORD_LINES, {_ORGANISATION_ID.key: organisation_id}):
        if row.kind == _VISIT:
            visits.append(VisitLine(row.id, row.status, row.day, row.other_day, row.words))
        elif row.kind == _MEETING:
            listed.append(MeetingLine(row.id, row.status, row.day, row.other_day))
        elif row.kind == _ACTION:
            actions.append(
                ActionLine(row.id, row.status, row.day, row.words, row.owner, row.visit_id)
            )
        else:
            kept = KeptRating(row.status, row.moment)
    visits.sort(key=lambda visit: (visit.planned_on, visit.id), reverse=True)
    listed.sort(key=lambda meeting: (meeting.meets_on, meeting.id), reverse=True)
    actions.sort(key=lambda action: (action.status == ACTION_CLOSED, action.due_on, action.id))
    return _Lines(visits, listed, actions, kept)


def _risk_inputs(
    organisation_id: int,
    row: admissions.ProviderRow,
    trend: list[TrendMonth],
    visits: list[VisitLine],
    actions: list[ActionLine],
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
    listed: list[MeetingLine],
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
    the meeting due date read is taken from what the page reads anyway, not read twice (the
    lapsed documents from the library provider_for_reviewers reads)."""
    with reading_once():
        row, history = admissions.provider_for_reviewers(organisation_id, on)
        trend = _trend(organisation_id, on)
        lines = _lines_of(organisation_id)
        inputs = _risk_inputs(organisation_id, row, trend, lines.visits, lines.actions, on)
    rating = risk.rate(inputs)
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
        kept=lines.kept,
        due=_due(organisation_id, row, rating, lines.meetings),
        trend=trend,
        visits=lines.visits,
        meetings=lines.meetings,
        actions=lines.actions,
        contracts=[ContractLine(contract, owed.get(contract.id, [])) for contract in contracts],
        on=on,
    )
