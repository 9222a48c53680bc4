"""The public list of providers: who is on the framework, for anyone, with nothing about any
person. Only the columns the list shows are read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, distinct, exists, func, or_, select

from portal.admissions.models import ADMITTED, Admission
from portal.core.db import db
from portal.core.pagination import PER_PAGE, Page, offset_of
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


# How many current contracts each organisation has on each lot: {organisation id: {lot id:
# count}} for the organisations asked about. The contracts domain gives it (the app factory
# wires it in: contracts reads admissions, so admissions cannot import contracts).
_contract_counts: list[Callable[[list[int]], dict[int, dict[int, int]]]] = []


def count_current_contracts_with(source: Callable[[list[int]], dict[int, dict[int, int]]]) -> None:
    if source not in _contract_counts:
        _contract_counts.append(source)


def _current_contracts(organisation_ids: list[int]) -> dict[int, dict[int, int]]:
    counts: dict[int, dict[int, int]] = {}
    for source in _contract_counts:
        for organisation_id, by_lot in source(organisation_ids).items():
            counts.setdefault(organisation_id, {}).update(by_lot)
    return counts


def public_providers(filters: PublicFilters, number: int) -> Page:
    """A page of PublicProviders: organisations admitted to a lot (not suspended from it or
    removed), matching `filters`, by name, each with the lots it is admitted to. Only the
    columns the public list shows are read, with each lot's number of current contracts.
    Four queries, however many there are."""
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
        total = db.count(
            select(func.count(distinct(Admission.organisation_id))).where(*admitted[1:])
        )
    else:
        total = db.count(select(func.count(Organisation.id)).where(*criteria))
    number, offset = offset_of(number, total)
    found = db.session.execute(
        select(
            Organisation.id,
            NAME_SHOWN.label("name"),
            Organisation.is_sme,
            Organisation.is_vcse,
            Organisation.is_local,
            Organisation.website,
        )
        .where(*criteria)
        .order_by(func.lower(NAME_SHOWN), Organisation.id)
        .limit(PER_PAGE)
        .offset(offset)
    ).all()
    lots: dict[int, list[tuple[str, int]]] = {row.id: [] for row in found}
    contracts = _current_contracts(list(lots))
    for organisation_id, lot_id, lot_name in db.session.execute(
        select(Admission.organisation_id, Lot.id, Lot.name)
        .join(Lot, Lot.id == Admission.lot_id)
        .where(Admission.organisation_id.in_(lots), Admission.status == ADMITTED)
        .order_by(Lot.position, Lot.name)
    ):
        lots[organisation_id].append((lot_name, contracts.get(organisation_id, {}).get(lot_id, 0)))
    providers = [
        PublicProvider(row.name, lots[row.id], row.is_sme, row.is_vcse, row.is_local, row.website)
        for row in found
    ]
    return Page(providers, number, total)
