"""The council's list of referrals, filtered by status, type of service, team and urgency, a page
at a time: the columns it shows, in two queries however many referrals there are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select

from portal.core.db import db
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.lots.models import Lot
from portal.lots.services import LotChoice
from portal.referrals.models import (
    CLOSED,
    OPEN_STATUSES,
    STATUS_LABELS,
    URGENCY_LABELS,
    Referral,
    ShownAs,
)
from portal.referrals.services.measures import school_days

# Referrals not yet started or closed, as one choice of the status filter.
OPEN = "open"
STATUS_FILTERS = {OPEN: "Open (not started or closed)", **STATUS_LABELS}


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    lot: str | None = None  # a lot's slug
    team: str | None = None
    urgency: str | None = None

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], lots: Sequence[Lot | LotChoice], teams: list[str]
    ) -> Filters:
        """The filters in a query string; anything unknown is ignored."""
        status, lot = args.get("status"), args.get("lot")
        team, urgency = args.get("team"), args.get("urgency")
        return cls(
            status=status if status in STATUS_FILTERS else None,
            lot=lot if lot in {each.slug for each in lots} else None,
            team=team if team in teams else None,
            urgency=urgency if urgency in URGENCY_LABELS else None,
        )

    @property
    def any(self) -> bool:
        return bool(self.status or self.lot or self.team or self.urgency)

    def criteria(self) -> list[ColumnElement[bool]]:
        criteria: list[ColumnElement[bool]] = []
        if self.status == OPEN:
            criteria.append(Referral.status.in_(OPEN_STATUSES))
        elif self.status:
            criteria.append(Referral.status == self.status)
        if self.lot:
            criteria.append(Lot.slug == self.lot)
        if self.team:
            criteria.append(Referral.team == self.team)
        if self.urgency:
            criteria.append(Referral.urgency == self.urgency)
        return criteria


@dataclass(frozen=True)
class Row(ShownAs):
    """A referral as the list shows it, with the school days it took to start or (open) has
    waited so far; none for a closed one."""

    id: int
    reference: str
    lot: str
    age_band: str
    urgency: str
    team: str
    status: str
    received_on: date
    required_start: date
    days: int | None


def referrals_page(filters: Filters, number: int, on: date) -> Page:
    """A page of the referrals matching `filters`, most recently received first: one query (two
    for a page past the end)."""
    criteria = filters.criteria()
    # Every referral has one lot (a not-null foreign key): the count joins it only to filter.
    count = select(func.count()).select_from(Referral)
    if filters.lot:
        count = count.join(Lot, Lot.id == Referral.lot_id)
    count = count.where(*criteria)
    # How many in all rides on the page's rows (pagination.rows_and_total), counted by a
    # subquery not correlated to them: a statement of its own cost a round trip more.
    query = (
        select(
            Referral.id,
            Referral.reference,
            Lot.name.label("lot"),
            Referral.age_band,
            Referral.urgency,
            Referral.team,
            Referral.status,
            Referral.received_on,
            Referral.required_start,
            Referral.started_on,
            count.correlate(None).scalar_subquery().label("total"),
        )
        .join(Lot, Lot.id == Referral.lot_id)
        .where(*criteria)
        .order_by(Referral.received_on.desc(), Referral.id.desc())
        .limit(PER_PAGE)
    )
    found, number, total = rows_and_total(
        number,
        lambda first: db.session.execute(query.offset(first)).all(),
        lambda: db.count(count),
    )
    rows = [
        Row(
            id=row.id,
            reference=row.reference,
            lot=row.lot,
            age_band=row.age_band,
            urgency=row.urgency,
            team=row.team,
            status=row.status,
            received_on=row.received_on,
            required_start=row.required_start,
            days=_days(row.status, row.received_on, row.started_on, on),
        )
        for row in found
    ]
    return Page(rows, number, total)


def _days(status: str, received_on: date, started_on: date | None, on: date) -> int | None:
    if status == CLOSED:
        return None
    return school_days(received_on, started_on if started_on is not None else on)
