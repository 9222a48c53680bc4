"""The council's capacity search as its pages show it: a page of what `services.search` finds
read as plain rows for the table, the filters as typed in the query string (and what is wrong
with them), and the download of every result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Select, bindparam, func, select

from portal.capacity import services
from portal.capacity.models import NEEDS, OLDEST, YOUNGEST, Capacity, CapacityDistrict, CapacityNeed
from portal.capacity.services import CapacityFilters
from portal.core.csv_export import Cell
from portal.core.db import db
from portal.core.numbers import whole_number
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.core.time import as_utc
from portal.lots.models import Lot
from portal.organisations.models import Organisation


@dataclass(frozen=True)
class CapacityRow:
    """One capacity as a table shows it, read as plain columns (a page of ORM objects with
    their needs and districts cost several times as much to load as to show)."""

    provider: str
    lot: str
    places_now: int
    places_next_term: int
    age_from: int
    age_to: int
    needs: tuple[str, ...]  # as the controlled list names them
    districts: tuple[str, ...]
    travel_support: bool
    confirmed: str  # confirmed_text's words
    stale: bool


def rows_of(capacities: Sequence[Capacity], now: datetime | None = None) -> list[CapacityRow]:
    """Capacity already loaded (with its details), as rows for a table."""
    return [
        CapacityRow(
            provider=capacity.organisation.display_name,
            lot=capacity.lot.name,
            places_now=capacity.places_now,
            places_next_term=capacity.places_next_term,
            age_from=capacity.age_from,
            age_to=capacity.age_to,
            needs=tuple(NEEDS[row.need] for row in capacity.needs),
            districts=tuple(row.district for row in capacity.districts),
            travel_support=capacity.travel_support,
            confirmed=services.confirmed_text(capacity, now),
            stale=services.is_stale(capacity, now),
        )
        for capacity in capacities
    ]


# The page's first row: big, as a page number typed in the query string can be.
_FIRST = bindparam("first", type_=BigInteger)
# What separates a capacity's needs, or its districts, read in one string: no need (one of NEEDS)
# or district (services.DISTRICT) has one.
_SEPARATOR = ","


def _listed(detail: type[CapacityNeed | CapacityDistrict], column: Any, capacity_id: Any) -> Any:
    """A capacity's needs or districts (`column` of `detail`) in one string, in no order."""
    return (
        select(func.aggregate_strings(column, _SEPARATOR))
        .where(detail.capacity_id == capacity_id)
        .scalar_subquery()
    )


@cache
def _page_statements(
    shape: services.SearchShape,
) -> tuple[Select[int], Select[*tuple[Any, ...]]]:
    """The page of the search for filters of this shape, each row with how many match in all
    and its capacity's needs and districts, and the count alone (for a page past the end, which
    has no row to carry it): built on the first search of each shape, then reused, the values
    bound (services.search_values, the page's first row). The page is chosen from the
    capacities alone, in the order of their index, and only its rows are joined to their
    provider and lot: joined first, every match was, then sorted.

    One statement, not a count, a page and the page's needs and districts (350 rows at 10x):
    PostgreSQL plans the count inside it apart, as it did alone, and the SEMH search's
    statements cost it 1.9 ms of CPU against 2.4, the page no longer planned afresh on every
    search (its plan for any values had looked dearer than one for these)."""
    query = services.matching_statement(shape)
    count = select(func.count()).select_from(query.with_only_columns(Capacity.id).subquery())
    chosen = (
        query.with_only_columns(
            Capacity.id,
            Capacity.organisation_id,
            Capacity.lot_id,
            Capacity.places_now,
            Capacity.places_next_term,
            Capacity.age_from,
            Capacity.age_to,
            Capacity.travel_support,
            Capacity.confirmed_at,
        )
        .order_by(*services.SEARCH_ORDER)
        .limit(PER_PAGE)
        .offset(_FIRST)
        .subquery()
    )
    page = (
        select(
            func.coalesce(Organisation.trading_name, Organisation.legal_name),
            Lot.name,
            chosen.c.places_now,
            chosen.c.places_next_term,
            chosen.c.age_from,
            chosen.c.age_to,
            chosen.c.travel_support,
            chosen.c.confirmed_at,
            _listed(CapacityNeed, CapacityNeed.need, chosen.c.id),
            _listed(CapacityDistrict, CapacityDistrict.district, chosen.c.id),
            count.scalar_subquery().label("total"),
        )
        .join(Organisation, Organisation.id == chosen.c.organisation_id)
        .join(Lot, Lot.id == chosen.c.lot_id)
        # SEARCH_ORDER, on the chosen rows.
        .order_by(chosen.c.places_now.desc(), chosen.c.confirmed_at.desc(), chosen.c.id)
    )
    return count, page


def _in_order(listed: str | None) -> list[str]:
    """A capacity's needs or districts read in one string, in order (as the ORM's relationships
    order them: by value)."""
    return sorted(listed.split(_SEPARATOR)) if listed else []


def search_page(filters: CapacityFilters, number: int, now: datetime | None = None) -> Page:
    """One page of what `search` finds, as CapacityRows: one query, whatever the data, and a
    count and the last page again for a page past the end."""
    count, page_statement = _page_statements(services.search_shape(filters))
    values = services.search_values(filters, now)
    page, number, total = rows_and_total(
        number,
        lambda first: db.rows(page_statement, {**values, _FIRST.key: first}),
        lambda: db.session.execute(count, values).scalar_one(),
    )
    stale = values[services.STALE_BEFORE_KEY]
    items = [
        CapacityRow(
            provider=provider,
            lot=lot,
            places_now=places_now,
            places_next_term=places_next_term,
            age_from=age_from,
            age_to=age_to,
            needs=tuple(NEEDS[need] for need in _in_order(needs)),
            districts=tuple(_in_order(districts)),
            travel_support=travel_support,
            confirmed=services.confirmed_words(confirmed_at, stale),
            stale=as_utc(confirmed_at) < stale,
        )
        for (
            provider,
            lot,
            places_now,
            places_next_term,
            age_from,
            age_to,
            travel_support,
            confirmed_at,
            needs,
            districts,
            _total,
        ) in page
    ]
    return Page(items, number, total)


@dataclass(frozen=True)
class SearchForm:
    """The search's filters as typed in the query string, kept to show them again."""

    lot: str = ""
    age: str = ""
    needs: tuple[str, ...] = ()
    district: str = ""
    places: str = ""
    confirmed_only: bool = False


def read_filters(
    args: Mapping[str, str], needs: Sequence[str], lot_ids: Sequence[int]
) -> tuple[SearchForm, CapacityFilters, dict[str, str]]:
    """The filters as typed, as the search reads them, and what is wrong with them by field
    (age "abc", a need not on the list, a district that is not one): the search runs only
    when nothing is."""
    typed = SearchForm(
        lot=(args.get("lot") or "").strip(),
        age=(args.get("age") or "").strip(),
        needs=tuple(needs),
        district=(args.get("district") or "").strip().upper(),
        places=(args.get("places") or "").strip(),
        confirmed_only=args.get("confirmed_only") == "yes",
    )
    errors: dict[str, str] = {}
    lot_id = whole_number(typed.lot) if typed.lot else None
    if typed.lot and lot_id not in lot_ids:
        errors["lot"] = "Select a type of service from the list"
    age = whole_number(typed.age, maximum=1000) if typed.age else None
    if typed.age and (age is None or not YOUNGEST <= age <= OLDEST):
        errors["age"] = f"Age must be a whole number from {YOUNGEST} to {OLDEST}"
    if any(need not in NEEDS for need in typed.needs):
        errors["needs"] = "Select needs from the list"
    if typed.district and not services.DISTRICT.fullmatch(typed.district):
        errors["district"] = "Enter a postcode district, like DY1"
    places = whole_number(typed.places, maximum=services.MAX_PLACES) if typed.places else None
    if typed.places and places is None:
        errors["places"] = f"Fewest places must be a whole number from 0 to {services.MAX_PLACES}"
    filters = CapacityFilters(
        lot_id=lot_id,
        age=age,
        needs=tuple(dict.fromkeys(typed.needs)),
        district=typed.district or None,
        places=places,
        confirmed_only=typed.confirmed_only,
    )
    return typed, filters, errors


EXPORT_HEADINGS = [
    "Provider",
    "Type of service",
    "Places now",
    "Places next term",
    "Youngest age",
    "Oldest age",
    "Needs",
    "Postcode districts",
    "Travel support",
    "Notes",
    "Last confirmed",
    "Out of date",
]


def export_rows(filters: CapacityFilters, now: datetime | None = None) -> list[list[Cell]]:
    """Everything `search` finds, as the rows of a CSV or XLSX download (headings first)."""
    rows: list[list[Cell]] = [list(EXPORT_HEADINGS)]
    for capacity in services.search(filters, now):
        rows.append(
            [
                capacity.organisation.display_name,
                capacity.lot.name,
                capacity.places_now,
                capacity.places_next_term,
                capacity.age_from,
                capacity.age_to,
                "; ".join(NEEDS[row.need] for row in capacity.needs),
                ", ".join(row.district for row in capacity.districts),
                "Yes" if capacity.travel_support else "No",
                capacity.notes,
                capacity.confirmed_at,
                "Yes" if services.is_stale(capacity, now) else "No",
            ]
        )
    return rows
