"""The public list of providers: who is on the framework, for anyone, with nothing about any
person. Only the columns the list shows are read."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
)

from portal.admissions.models import ADMITTED, Admission
from portal.core.db import db
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.lots.models import Lot
from portal.organisations.models import NAME_SHOWN, Organisation


@dataclass(frozen=True)
class PublicFilters:
    search: str = ""
    lot: str | None = None
    sme: bool = False
    vcse: bool = False
    local: bool = False

    @classmethod
    def from_args(cls, args, lots: list[Lot]) -> PublicFilters:
        lot = args.get("lot")
        return cls(
            search=(args.get("search") or "").strip()[:100],
            lot=lot if lot in {lot.slug for lot in lots} else None,
            sme=args.get("sme") == "yes",
            vcse=args.get("vcse") == "yes",
            local=args.get("local") == "yes",
        )

    @property
    def any(self) -> bool:
        return bool(self.search or self.lot or self.sme or self.vcse or self.local)


@dataclass(frozen=True)
class PublicProvider:
    """What the public sees of a provider: nothing about any person. `lots` are the names of
    the lots it is admitted to, each with its number of current contracts (no values)."""

    name: str
    lots: list[tuple[str, int]]
    is_sme: bool
    is_vcse: bool
    is_local: bool
    website: str | None


# How many current contracts each of some organisations (an expanding parameter of their ids)
# has on each lot, as a subquery of (organisation_id, lot_id, current) to join. The contracts
# domain gives it (the app factory wires it in: contracts reads admissions, so admissions cannot
# import contracts).
ContractsByLot = Callable[[BindParameter[Any]], Subquery]
_contract_counts: list[ContractsByLot] = []


def count_current_contracts_with(source: ContractsByLot) -> None:
    if source not in _contract_counts:
        _contract_counts.append(source)
        _lots_of.cache_clear()


@functools.cache
def _lots_of() -> Select[int, str, int]:
    """The lots each organisation (`ids`) is admitted to, in order, each with its number of
    current contracts (0 with nobody to count them). Built once: building it cost more than
    running it."""
    ids: BindParameter[Any] = bindparam("ids", expanding=True)
    counted = [source(ids) for source in _contract_counts]
    current: ColumnElement[int] = literal(0)
    for each in counted:
        current = current + func.coalesce(each.c.current, 0)
    lots = select(Admission.organisation_id, Lot.name, current).join(
        Lot, Lot.id == Admission.lot_id
    )
    for each in counted:
        lots = lots.outerjoin(
            each,
            and_(
                each.c.organisation_id == Admission.organisation_id,
                each.c.lot_id == Admission.lot_id,
            ),
        )
    return lots.where(Admission.organisation_id.in_(ids), Admission.status == ADMITTED).order_by(
        Lot.position, Lot.name
    )


def public_providers(filters: PublicFilters, number: int) -> Page:
    """A page of PublicProviders: organisations admitted to a lot (not suspended from it or
    removed), matching `filters`, by name, each with the lots it is admitted to. Only the
    columns the public list shows are read, with each lot's number of current contracts.
    Two queries, however many there are (three for a page past the end)."""
    admitted = [Admission.organisation_id == Organisation.id, Admission.status == ADMITTED]
    if filters.lot:
        admitted.append(
            Admission.lot_id == select(Lot.id).where(Lot.slug == filters.lot).scalar_subquery()
        )
    criteria: list[ColumnElement[bool]] = [exists().where(*admitted)]
    if filters.search:
        words = filters.search.lower()
        criteria.append(
            or_(
                func.lower(Organisation.legal_name).contains(words, autoescape=True),
                and_(
                    Organisation.trading_name.is_not(None),
                    func.lower(Organisation.trading_name).contains(words, autoescape=True),
                ),
            )
        )
    for wanted, column in (
        (filters.sme, Organisation.is_sme),
        (filters.vcse, Organisation.is_vcse),
        (filters.local, Organisation.is_local),
    ):
        if wanted:
            criteria.append(column.is_(True))
    if len(criteria) == 1:
        # Only the admissions decide (no search or other filter): they are counted alone, one
        # per organisation (a foreign key, so each is there). Joining every organisation to
        # its admissions to count them took the database three times as long at 10x.
        counted = select(func.count(distinct(Admission.organisation_id))).where(*admitted[1:])
    else:
        counted = select(func.count(Organisation.id)).where(*criteria)
    # How many in all rides on the page's rows (pagination.rows_and_total): a statement of its
    # own for the count cost about as much as the page's.
    page = (
        select(
            Organisation.id,
            NAME_SHOWN.label("name"),
            Organisation.is_sme,
            Organisation.is_vcse,
            Organisation.is_local,
            Organisation.website,
            # Not correlated: the count is of every match, not of each row's organisation.
            counted.correlate(None).scalar_subquery().label("total"),
        )
        .where(*criteria)
        .order_by(func.lower(NAME_SHOWN), Organisation.id)
        .limit(PER_PAGE)
    )
    found, number, total = rows_and_total(
        number,
        lambda first: db.session.execute(page.offset(first)).all(),
        lambda: db.count(counted),
    )
    lots: dict[int, list[tuple[str, int]]] = {row.id: [] for row in found}
    if lots:
        # Each one's lots with their counts of current contracts, in one statement.
        for organisation_id, lot_name, contracts in db.session.execute(
            _lots_of(), {"ids": list(lots)}
        ):
            lots[organisation_id].append((lot_name, contracts))
    providers = [
        PublicProvider(row.name, lots[row.id], row.is_sme, row.is_vcse, row.is_local, row.website)
        for row in found
    ]
    return Page(providers, number, total)
