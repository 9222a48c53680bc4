"""Reading contracts: the council's list (filtered, a page at a time), a provider's own
contracts, one contract with its versions, and how many current contracts each provider has
per lot (for the public list of providers). Lists read only the columns they show, a fixed
number of queries however many contracts there are.

"Ended" is read from the end date (agreeing.shown_status): the lists filter on it in SQL the
same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Select,
    Subquery,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.contracts.models import (
    ACTIVE,
    DRAFT,
    ENDED,
    STATUS_LABELS,
    Contract,
    ContractVersion,
)
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.core.time import today
from portal.lots.models import Lot
from portal.lots.services import LotChoice
from portal.organisations.models import NAME_SHOWN, Membership, Organisation

# A draft made from an award that no commissioner has sent yet: shown apart in the filters.
TO_SEND = "to_send"
STATUS_FILTERS = {TO_SEND: "To complete and send", **STATUS_LABELS}


def shown_status_clause(status: str, on: date | ColumnElement[date]) -> ColumnElement[bool]:
    """Contracts whose status as people see it on `on` is `status` (see agreeing.shown_status);
    TO_SEND for drafts not sent yet."""
    if status == TO_SEND:
        return and_(Contract.status == DRAFT, Contract.sent_at.is_(None))
    if status == ACTIVE:
        return and_(Contract.status == ACTIVE, Contract.end_on >= on)
    if status == ENDED:
        return or_(Contract.status == ENDED, and_(Contract.status == ACTIVE, Contract.end_on < on))
    return Contract.status == status


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    lot: str | None = None  # a lot's slug
    team: str | None = None
    provider: str = ""  # words in the provider's name

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], lots: Sequence[Lot | LotChoice], teams: list[str]
    ) -> Filters:
        """The filters in a query string; anything unknown is ignored."""
        status, lot, team = args.get("status"), args.get("lot"), args.get("team")
        return cls(
            status=status if status in STATUS_FILTERS else None,
            lot=lot if lot in {each.slug for each in lots} else None,
            team=team if team in teams else None,
            provider=(args.get("provider") or "").strip()[:100],
        )

    @property
    def any(self) -> bool:
        return bool(self.status or self.lot or self.team or self.provider)


@dataclass(frozen=True)
class Row:
    """A contract as a list shows it."""

    id: int
    title: str
    provider: str
    lot: str
    team: str
    status: str  # as people see it today
    sent: bool
    start_on: date
    end_on: date
    total_pence: int

    @property
    def reference(self) -> str:
        return f"CO-{self.id}"

    @property
    def tag(self) -> str:
        """The status its tag shows: TO_SEND for a draft not sent yet."""
        return TO_SEND if self.status == DRAFT and not self.sent else self.status

    @property
    def status_label(self) -> str:
        return STATUS_FILTERS[self.tag]


def _rows(
    criteria: list[ColumnElement[bool]],
    number: int,
    on: date,
    joins: tuple[type[Organisation] | type[Lot], ...] = (),
) -> Page:
    # The count joins only the tables a filter names (`joins`): every contract has exactly one
    # organisation and one lot (foreign keys, not null), so the joins cannot change it, and
    # joining 24,000 contracts to both costs PostgreSQL ten times what counting them alone does.
    count = select(func.count()).select_from(Contract)
    if Organisation in joins:
        count = count.join(Organisation, Organisation.id == Contract.organisation_id)
    if Lot in joins:
        count = count.join(Lot, Lot.id == Contract.lot_id)
    count = count.where(*criteria)
    # How many in all rides on the page's rows (pagination.rows_and_total), counted by a
    # subquery not correlated to them: a statement of its own cost a round trip more.
    query = (
        select(
            Contract.id,
            Contract.title,
            NAME_SHOWN.label("provider"),
            Lot.name.label("lot"),
            Contract.team,
            Contract.status,
            Contract.sent_at,
            Contract.start_on,
            Contract.end_on,
            Contract.total_pence,
            count.correlate(None).scalar_subquery().label("total"),
        )
        .join(Organisation, Organisation.id == Contract.organisation_id)
        .join(Lot, Lot.id == Contract.lot_id)
        .where(*criteria)
        .order_by(Contract.id.desc())
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
            title=row.title,
            provider=row.provider,
            lot=row.lot,
            team=row.team,
            status=ENDED if row.status == ACTIVE and row.end_on < on else row.status,
            sent=row.sent_at is not None,
            start_on=row.start_on,
            end_on=row.end_on,
            total_pence=row.total_pence,
        )
        for row in found
    ]
    return Page(rows, number, total)


def contracts_for_staff(filters: Filters, number: int) -> Page:
    """A page of the council's contracts matching `filters`, newest first: one query (two for a
    page past the end)."""
    on = today()
    criteria: list[ColumnElement[bool]] = []
    joins: tuple[type[Organisation] | type[Lot], ...] = ()
    if filters.status:
        criteria.append(shown_status_clause(filters.status, on))
    if filters.lot:
        criteria.append(Lot.slug == filters.lot)
        joins += (Lot,)
    if filters.team:
        criteria.append(Contract.team == filters.team)
    if filters.provider:
        joins += (Organisation,)
        words = filters.provider.lower()
        criteria.append(
            or_(
                func.lower(Organisation.legal_name).contains(words, autoescape=True),
                func.lower(func.coalesce(Organisation.trading_name, "")).contains(
                    words, autoescape=True
                ),
            )
        )
    return _rows(criteria, number, on, joins)


def contracts_for_provider(user: User, number: int) -> Page:
    """A page of the contracts of the organisations `user` belongs to, newest first, without
    drafts the council has not sent yet: one query (two for a page past the end)."""
    mine = select(Membership.organisation_id).where(Membership.user_id == user.id)
    criteria = [
        Contract.organisation_id.in_(mine),
        or_(Contract.status != DRAFT, Contract.sent_at.is_not(None)),
    ]
    return _rows(criteria, number, today())


# One contract -----------------------------------------------------------------------------------


# One statement: the versions (a handful per contract) are joined in rather than read by a
# second, as are the organisation, lot and the people named. Built once, with the ids bound: a
# statement built for every request (and its cache key worked out) cost more than running it.
_CONTRACT = (
    select(Contract)
    .where(Contract.id == bindparam("contract_id"))
    .options(
        joinedload(Contract.organisation),
        joinedload(Contract.lot),
        joinedload(Contract.created_by),
        joinedload(Contract.versions).joinedload(ContractVersion.approved_by),
    )
)
# The same, only among the contracts of organisations the user belongs to.
_MEMBERS_CONTRACT = _CONTRACT.where(
    Contract.organisation_id.in_(
        select(Membership.organisation_id).where(Membership.user_id == bindparam("user_id"))
    )
)


def _load(statement: Select[Contract], **ids: int) -> Contract | None:
    return db.session.execute(statement, ids).unique().scalar_one_or_none()


def contract_for_member(user: User, contract_id: int) -> Contract:
    """One of the contracts of an organisation `user` belongs to, once sent. Raises
    NotFoundForUser (404) for anyone else's, or a draft the council has not sent, so ids
    cannot be probed."""
    contract = _load(_MEMBERS_CONTRACT, contract_id=contract_id, user_id=user.id)
    if contract is None or (contract.status == DRAFT and contract.sent_at is None):
        raise NotFoundForUser()
    return contract


def contract_for_council(contract_id: int) -> Contract:
    """Any contract, for council staff. Raises NotFoundForUser (404)."""
    contract = _load(_CONTRACT, contract_id=contract_id)
    if contract is None:
        raise NotFoundForUser()
    return contract


# For the public list of providers ---------------------------------------------------------------


def current_contracts_by_lot(organisation_ids: BindParameter[Any]) -> Subquery:
    """How many current contracts (active, not past their end date today) each of the
    organisations (an expanding parameter of their ids) has on each lot, as a subquery of
    (organisation_id, lot_id, current) for a query to join: the public list reads each
    provider's lots with their counts in one statement. No values."""
    return (
        select(
            Contract.organisation_id,
            Contract.lot_id,
            func.count(Contract.id).label("current"),
        )
        .where(
            Contract.organisation_id.in_(organisation_ids),
            # Today's date when the statement runs.
            shown_status_clause(ACTIVE, bindparam("contracts_on", type_=Date, callable_=today)),
        )
        .group_by(Contract.organisation_id, Contract.lot_id)
        .subquery()
    )
