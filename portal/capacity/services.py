"""The rules of capacity: what a provider may publish and confirm (on a lot it is admitted to),
what makes it stale and the reminder that follows, and the council's search of it (by lot, age,
need, postcode district and places), which a referral's matching and a placement request's
invitation list use too. The search as its pages show it (a page of rows, the filters as
typed, the download) is portal/capacity/listing.py.

Only capacity on a lot its provider is admitted to (not suspended or removed) is ever found:
a provider taken off a lot has no places to offer on it, whatever it last published.

Capacity has no states, only versions: a change goes through `portal.core.workflow.change`,
which compares the version the person's page showed, so of two people editing at once the
second is told rather than silently overwriting the first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Integer,
    Select,
    String,
    bindparam,
    exists,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.admissions.models import ADMITTED, Admission
from portal.audit.services import record_change
from portal.capacity.models import (
    NEEDS,
    OLDEST,
    STALE_AFTER_DAYS,
    YOUNGEST,
    Capacity,
    CapacityDistrict,
    CapacityNeed,
)
from portal.core import workflow
from portal.core.db import UTCDateTime, db
from portal.core.errors import ServiceError, found
from portal.core.numbers import whole_number
from portal.core.time import as_utc, format_date, utcnow
from portal.lots.models import Lot
from portal.organisations.models import Membership, Organisation
from portal.organisations.services import members_of
from portal.outbox.services import queue_email

NOTES_LIMIT = 2000
# More places than any provider on the framework offers on one lot: a typing slip.
MAX_PLACES = 1000
MAX_DISTRICTS = 100
# A UK postcode's outward code (its district): A9, A99, AA9, AA99, A9A or AA9A.
DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
FULL_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}")
# What separates the districts a provider types: commas, semicolons, new lines or spaces.
_SEPARATORS = re.compile(r"[,;\n]+")

CHANGED = "This capacity has just been changed by someone else. Check it and try again"


class CapacityError(ServiceError):
    """Capacity that cannot be published or confirmed as given, with a message for each field
    that is wrong."""


def _refuse(_refusal: workflow.Refusal) -> ServiceError:
    return CapacityError(CHANGED)


# `change` reads a record's state only to name it in a refusal; capacity's lot stands in for one.
CAPACITY_CHANGES = workflow.Workflow(frozenset(), _refuse, state="lot_id")


def stale_before(now: datetime | None = None) -> datetime:
    """Capacity last confirmed before this moment is stale."""
    return (now or utcnow()) - timedelta(days=STALE_AFTER_DAYS)


def is_stale(capacity: Capacity, now: datetime | None = None) -> bool:
    return as_utc(capacity.confirmed_at) < stale_before(now)


def confirmed_text(capacity: Capacity, now: datetime | None = None) -> str:
    """ "Last confirmed 3 May 2026", with "— out of date" once it is stale: the words every page
    showing capacity uses."""
    return confirmed_words(capacity.confirmed_at, stale_before(now))


def confirmed_words(confirmed_at: datetime, stale: datetime) -> str:
    """confirmed_text for a moment read as a column, against `stale_before`."""
    text = f"Last confirmed {format_date(confirmed_at)}"
    return f"{text} — out of date" if as_utc(confirmed_at) < stale else text


# What a provider publishes ----------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityDetails:
    """What a provider says it can take on one lot."""

    places_now: int
    places_next_term: int
    age_from: int
    age_to: int
    needs: tuple[str, ...]
    districts: tuple[str, ...]
    travel_support: bool
    notes: str = ""


@dataclass(frozen=True)
class TypedCapacity:
    """The capacity form as typed: numbers as text, the districts as one line."""

    places_now: str
    places_next_term: str
    age_from: str
    age_to: str
    needs: Sequence[str]
    districts: str
    travel_support: str
    notes: str


_LABELS = {
    "places_now": "Places now",
    "places_next_term": "Places next term",
    "age_from": "Youngest age",
    "age_to": "Oldest age",
}


def _places(text: str, name: str, errors: dict[str, str]) -> int:
    what = _LABELS[name]
    if not text:
        errors[name] = f"Enter {what.lower()}"
    elif re.fullmatch(r"\s*-\s*[0-9]+", text):
        errors[name] = f"{what} must be 0 or more"
    else:
        number = whole_number(text)
        if number is None:
            errors[name] = f"{what} must be a whole number, like 3"
        elif number > MAX_PLACES:
            errors[name] = f"{what} must be {MAX_PLACES} or fewer"
        else:
            return number
    return 0


def _age(text: str, name: str, errors: dict[str, str]) -> int:
    what = _LABELS[name]
    number = whole_number(text, maximum=1000)
    if not text:
        errors[name] = f"Enter the {what.lower()}"
    elif number is None or not YOUNGEST <= number <= OLDEST:
        errors[name] = f"{what} must be a whole number from {YOUNGEST} to {OLDEST}"
    else:
        return number
    return YOUNGEST


def read_districts(text: str) -> tuple[str, ...]:
    """The postcode districts typed as a list ("DY1, DY2, b63"): each checked as a UK outward
    code, upper case, each once, in the order typed. Raises CapacityError (on `districts`)."""
    found: list[str] = []
    for part in _SEPARATORS.split((text or "").upper()):
        part = part.strip()
        if not part:
            continue
        if FULL_POSTCODE.fullmatch(part):
            raise CapacityError(
                f"Enter postcode districts only, like DY1, not full postcodes such as ‘{part}’",
                "districts",
            )
        for district in part.split():
            if not DISTRICT.fullmatch(district):
                raise CapacityError(
                    f"‘{district[:10]}’ is not a postcode district. Enter districts like DY1, "
                    "DY2, B63",
                    "districts",
                )
            found.append(district)
    districts = tuple(dict.fromkeys(found))
    if not districts:
        raise CapacityError(
            "Enter the postcode districts you serve, like DY1, DY2, B63", "districts"
        )
    if len(districts) > MAX_DISTRICTS:
        raise CapacityError(f"Enter {MAX_DISTRICTS} postcode districts or fewer", "districts")
    return districts


def read_details(typed: TypedCapacity) -> CapacityDetails:
    """The capacity form's answers, each checked: raises CapacityError naming every field that
    is wrong, in the order of the form."""
    errors: dict[str, str] = {}
    places_now = _places(typed.places_now, "places_now", errors)
    places_next_term = _places(typed.places_next_term, "places_next_term", errors)
    age_from = _age(typed.age_from, "age_from", errors)
    age_to = _age(typed.age_to, "age_to", errors)
    try:
        districts = read_districts(typed.districts)
    except CapacityError as error:
        errors["districts"], districts = error.message, ()
    if typed.travel_support not in ("yes", "no"):
        errors["travel_support"] = "Select yes if you help children travel to you"
    details = CapacityDetails(
        places_now=places_now,
        places_next_term=places_next_term,
        age_from=age_from,
        age_to=age_to,
        needs=tuple(typed.needs),
        districts=districts,
        travel_support=typed.travel_support == "yes",
        notes=typed.notes or "",
    )
    for name, message in problems(details).items():
        errors.setdefault(name, message)
    if errors:
        order = [*_LABELS, "needs", "districts", "travel_support", "notes"]
        raise CapacityError(errors={name: errors[name] for name in order if name in errors})
    return details


def problems(details: CapacityDetails) -> dict[str, str]:
    """Every rule `details` breaks, by field: the same rules whoever publishes (the form, the
    demo), and the database's own checks behind them."""
    found: dict[str, str] = {}
    for name in ("places_now", "places_next_term"):
        value = getattr(details, name)
        if value < 0:
            found[name] = f"{_LABELS[name]} must be 0 or more"
        elif value > MAX_PLACES:
            found[name] = f"{_LABELS[name]} must be {MAX_PLACES} or fewer"
    for name in ("age_from", "age_to"):
        if not YOUNGEST <= getattr(details, name) <= OLDEST:
            found[name] = f"{_LABELS[name]} must be a whole number from {YOUNGEST} to {OLDEST}"
    if "age_from" not in found and "age_to" not in found and details.age_from > details.age_to:
        found["age_to"] = "Oldest age must be the same as or more than the youngest age"
    if any(need not in NEEDS for need in details.needs):
        found["needs"] = "Select the needs you support from the list"
    if not details.districts:
        found["districts"] = "Enter the postcode districts you serve, like DY1, DY2, B63"
    elif any(not DISTRICT.fullmatch(district) for district in details.districts):
        found["districts"] = "Enter postcode districts like DY1, DY2, B63"
    if len(details.notes) > NOTES_LIMIT:
        found["notes"] = f"Notes must be {NOTES_LIMIT} characters or fewer"
    return found


# Loading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LotCapacity:
    """A lot the provider is admitted to, and what it has published on it (None: nothing).
    From capacity_of, the names of the needs it supports and its districts, in order (the
    capacity's own lists are not loaded there)."""

    lot: Lot
    capacity: Capacity | None
    needs: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)


def _with_details(query: Select[Capacity]) -> Select[Capacity]:
    return query.options(
        selectinload(Capacity.organisation),
        selectinload(Capacity.lot),
        selectinload(Capacity.needs),
        selectinload(Capacity.districts),
    )


# Built once, the ids bound: the provider's capacity page asks on every request, and building a
# statement (and its cache key) each time cost about as much as running it.
_ADMITTED_LOTS = (
    select(Admission.organisation_id, Lot)
    .join(Lot, Lot.id == Admission.lot_id)
    .where(
        Admission.organisation_id.in_(bindparam("ids", expanding=True)),
        Admission.status == ADMITTED,
    )
    .order_by(Lot.position, Lot.name)
)
_PUBLISHED_BY = select(Capacity).where(Capacity.organisation_id == bindparam("organisation_id"))
# The needs and the districts of an organisation's capacities by one statement, not one each
# (as selectinload did), and as names, not objects: each kind in its own order (the union is
# ordered by kind, then by the value), the kind told apart by a column.
_NEED, _DISTRICT = 0, 1
_DETAILS = union_all(
    select(CapacityNeed.capacity_id, literal(_NEED).label("kind"), CapacityNeed.need)
    .join(Capacity, Capacity.id == CapacityNeed.capacity_id)
    .where(Capacity.organisation_id == bindparam("organisation_id")),
    select(CapacityDistrict.capacity_id, literal(_DISTRICT), CapacityDistrict.district)
    .join(Capacity, Capacity.id == CapacityDistrict.capacity_id)
    .where(Capacity.organisation_id == bindparam("organisation_id")),
).order_by(literal_column("kind"), literal_column("need"))


def admitted_lots(organisation_ids: list[int]) -> list[tuple[int, Lot]]:
    """(organisation id, lot) for every lot each organisation is admitted to now, by lot."""
    return [
        (organisation_id, lot)
        for organisation_id, lot in db.session.execute(
            _ADMITTED_LOTS, {"ids": list(organisation_ids)}
        )
    ]


def capacity_of(organisation: Organisation) -> list[LotCapacity]:
    """Each lot `organisation` is admitted to, with its capacity there and the names of its
    needs and districts (the lot and organisation are known): three queries."""
    published = {
        capacity.lot_id: capacity
        for capacity in db.session.scalars(_PUBLISHED_BY, {"organisation_id": organisation.id})
    }
    needs: dict[int, list[str]] = {}
    districts: dict[int, list[str]] = {}
    if published:
        for capacity_id, kind, value in db.session.execute(
            _DETAILS, {"organisation_id": organisation.id}
        ):
            if kind == _NEED:
                needs.setdefault(capacity_id, []).append(NEEDS[value])
            else:
                districts.setdefault(capacity_id, []).append(value)
    lots = []
    for _id, lot in admitted_lots([organisation.id]):
        capacity = published.get(lot.id)
        if capacity is None:
            lots.append(LotCapacity(lot, None))
        else:
            lots.append(
                LotCapacity(
                    lot, capacity, needs.get(capacity.id, []), districts.get(capacity.id, [])
                )
            )
    return lots


def lot_capacity(organisation: Organisation, lot_id: int) -> LotCapacity:
    """`organisation`'s capacity on a lot it is admitted to. Raises NotFoundForUser (404) for a
    lot it is not admitted to (never admitted, suspended or removed) or that does not exist."""
    lot = found(
        db.session.scalar(
            select(Lot)
            .join(Admission, Admission.lot_id == Lot.id)
            .where(
                Lot.id == lot_id,
                Admission.organisation_id == organisation.id,
                Admission.status == ADMITTED,
            )
        )
    )
    capacity = db.session.scalar(
        _with_details(
            select(Capacity).where(
                Capacity.organisation_id == organisation.id, Capacity.lot_id == lot_id
            )
        )
    )
    return LotCapacity(lot, capacity)


# Publishing and confirming ----------------------------------------------------------------------


def _snapshot(capacity: Capacity) -> dict[str, Any]:
    return {
        "places_now": capacity.places_now,
        "places_next_term": capacity.places_next_term,
        "age_from": capacity.age_from,
        "age_to": capacity.age_to,
        "needs": [row.need for row in capacity.needs],
        "districts": [row.district for row in capacity.districts],
        "travel_support": capacity.travel_support,
        "notes": capacity.notes,
    }


def publish_capacity(
    actor: User,
    organisation: Organisation,
    lot_id: int,
    details: CapacityDetails,
    seen: int | None,
) -> Capacity:
    """Publish (or change) `organisation`'s capacity on a lot it is admitted to, which confirms
    it as of now. `seen` is the version the page showed (0: it showed none yet); a page older
    than the capacity is refused, as is a first publication someone else made a moment ago.
    Raises CapacityError, or NotFoundForUser for a lot it is not admitted to; nothing is
    written then."""
    found = problems(details)
    if found:
        raise CapacityError(errors=found)
    current = lot_capacity(organisation, lot_id)
    values: dict[str, Any] = {
        "places_now": details.places_now,
        "places_next_term": details.places_next_term,
        "age_from": details.age_from,
        "age_to": details.age_to,
        "travel_support": details.travel_support,
        "notes": details.notes,
        "confirmed_at": utcnow(),
        "confirmed_by_id": actor.id,
        "reminded_at": None,
    }
    capacity = current.capacity
    if capacity is None:
        if seen:
            raise CapacityError(CHANGED)
        return _first_publication(actor, organisation, lot_id, details, values)
    before = _snapshot(capacity)
    workflow.change(
        capacity, CAPACITY_CHANGES, seen=workflow.UNCHECKED if seen is None else seen, **values
    )
    _replace_rows(capacity, details)
    db.session.flush()
    record_change(
        "capacity.updated",
        capacity,
        actor,
        capacity.organisation_id,
        before=before,
        after=_snapshot(capacity),
    )
    return capacity


def _first_publication(
    actor: User,
    organisation: Organisation,
    lot_id: int,
    details: CapacityDetails,
    values: dict[str, Any],
) -> Capacity:
    capacity = Capacity(organisation_id=organisation.id, lot_id=lot_id, **values)
    capacity.needs = [CapacityNeed(need=need) for need in dict.fromkeys(details.needs)]
    capacity.districts = [CapacityDistrict(district=each) for each in details.districts]
    try:
        with db.session.begin_nested():
            db.session.add(capacity)
    except IntegrityError:  # the organisation's other member published it a moment ago
        raise CapacityError(CHANGED) from None
    record_change(
        "capacity.published", capacity, actor, capacity.organisation_id, after=_snapshot(capacity)
    )
    return capacity


def _replace_rows(capacity: Capacity, details: CapacityDetails) -> None:
    """Keep the needs and districts rows still named, drop the others and add the new: rows are
    never deleted and added again with the same value in one flush (their unique keys)."""
    needs = set(details.needs)
    kept_needs = [row for row in capacity.needs if row.need in needs]
    known = {row.need for row in kept_needs}
    capacity.needs = kept_needs + [
        CapacityNeed(need=need) for need in dict.fromkeys(details.needs) if need not in known
    ]
    districts = set(details.districts)
    kept = [row for row in capacity.districts if row.district in districts]
    named = {row.district for row in kept}
    capacity.districts = kept + [
        CapacityDistrict(district=each) for each in details.districts if each not in named
    ]


def confirm_capacity(
    actor: User, organisation: Organisation, lot_id: int, seen: int | None
) -> Capacity:
    """Say that the capacity published on a lot is still right, in one click: confirmed as of
    now, and reminded again only once it next goes out of date. Raises CapacityError (nothing
    published yet, or changed since the page was shown) or NotFoundForUser."""
    capacity = lot_capacity(organisation, lot_id).capacity
    if capacity is None:
        raise CapacityError("Publish your capacity for this type of service first")
    before = {"confirmed_at": capacity.confirmed_at.isoformat()}
    workflow.change(
        capacity,
        CAPACITY_CHANGES,
        seen=workflow.UNCHECKED if seen is None else seen,
        confirmed_at=utcnow(),
        confirmed_by_id=actor.id,
        reminded_at=None,
    )
    record_change(
        "capacity.confirmed",
        capacity,
        actor,
        capacity.organisation_id,
        before=before,
        after={"confirmed_at": capacity.confirmed_at.isoformat()},
    )
    return capacity


# Reminders --------------------------------------------------------------------------------------


def send_stale_reminders(now: datetime | None = None) -> int:
    """Email each member of a provider whose capacity on a lot it is admitted to has gone out
    of date, once per lapse (confirming it starts the count again). Returns how many capacities
    were reminded of."""
    stale = list(
        db.session.scalars(
            _admitted(select(Capacity))
            .where(Capacity.confirmed_at < stale_before(now), Capacity.reminded_at.is_(None))
            .options(selectinload(Capacity.organisation), selectinload(Capacity.lot))
            .order_by(Capacity.organisation_id, Capacity.lot_id)
        )
    )
    by_organisation: dict[int, list[Capacity]] = {}
    for capacity in stale:
        by_organisation.setdefault(capacity.organisation_id, []).append(capacity)
    for capacities in by_organisation.values():
        organisation = capacities[0].organisation
        members: list[Membership] = members_of(organisation)
        for membership in members:
            queue_email(
                membership.user.email,
                "Your capacity is out of date: confirm it or change it",
                "capacity_stale",
                member=membership.user,
                organisation=organisation,
                capacities=capacities,
                confirmed_text=confirmed_text,
            )
        for capacity in capacities:
            capacity.reminded_at = utcnow()
    db.session.flush()
    return len(stale)


# The council's search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityFilters:
    """What the council is looking for. Every field is optional: none means any. `needs` are
    all required (a provider must support each); `age` must be within the provider's range, or
    with `age_to` (an age band) any age from `age` to `age_to`; `places` is the fewest places
    now; `confirmed_only` leaves out stale capacity."""

    lot_id: int | None = None
    age: int | None = None
    needs: tuple[str, ...] = field(default_factory=tuple)
    district: str | None = None
    places: int | None = None
    confirmed_only: bool = False
    age_to: int | None = None


def _admitted(query: Select[Capacity]) -> Select[Capacity]:
    return query.where(
        exists().where(
            Admission.organisation_id == Capacity.organisation_id,
            Admission.lot_id == Capacity.lot_id,
            Admission.status == ADMITTED,
        )
    )


class SearchShape(NamedTuple):
    """Which of the search's filters are in use (how many needs): what decides its statement's
    shape. Their values are bound (search_values)."""

    lot: bool
    age: bool
    needs: int
    district: bool
    places: bool
    confirmed_only: bool


def search_shape(filters: CapacityFilters) -> SearchShape:
    return SearchShape(
        filters.lot_id is not None,
        filters.age is not None,
        len(filters.needs),
        bool(filters.district),
        filters.places is not None,
        filters.confirmed_only,
    )


# The filters' values, bound: each need is a parameter of its own (need_0, need_1, ...).
_LOT_ID = bindparam("lot_id", type_=Integer)
_YOUNGEST = bindparam("youngest", type_=Integer)
_OLDEST = bindparam("oldest", type_=Integer)
_IN_DISTRICT = bindparam("district", type_=String)
_PLACES = bindparam("places", type_=Integer)
_STALE_BEFORE = bindparam("stale_before", type_=UTCDateTime())
# The moment search_values gives as the one before which capacity is stale.
STALE_BEFORE_KEY = _STALE_BEFORE.key


def _need_key(number: int) -> str:
    return f"need_{number}"


def search_values(filters: CapacityFilters, now: datetime | None) -> dict[str, Any]:
    """The values of a statement made by matching_statement for `filters`."""
    return {
        _LOT_ID.key: filters.lot_id,
        _YOUNGEST.key: filters.age,
        _OLDEST.key: filters.age if filters.age_to is None else filters.age_to,
        _IN_DISTRICT.key: filters.district.upper() if filters.district else None,
        _PLACES.key: filters.places,
        _STALE_BEFORE.key: stale_before(now),
        **{_need_key(number): need for number, need in enumerate(filters.needs)},
    }


@cache
def matching_statement(shape: SearchShape) -> Select[Capacity]:
    """The query `search` runs for filters of this shape, before its details are loaded and it
    is ordered (SEARCH_ORDER), the values bound (search_values): built on the first search of
    each shape, then reused. Built on every search, it and the page's statements over it (with
    the needs and districts read by id twice over, a hundred parameters) cost the search page
    3.1 ms of CPU at 10x where it now spends 1.0."""
    query = _admitted(select(Capacity))
    if shape.lot:
        query = query.where(Capacity.lot_id == _LOT_ID)
    if shape.age:
        query = query.where(Capacity.age_from <= _OLDEST, Capacity.age_to >= _YOUNGEST)
    for number in range(shape.needs):
        query = query.where(
            exists().where(
                CapacityNeed.capacity_id == Capacity.id,
                CapacityNeed.need == bindparam(_need_key(number), type_=String),
            )
        )
    if shape.district:
        query = query.where(
            exists().where(
                CapacityDistrict.capacity_id == Capacity.id,
                CapacityDistrict.district == _IN_DISTRICT,
            )
        )
    if shape.places:
        query = query.where(Capacity.places_now >= _PLACES)
    if shape.confirmed_only:
        query = query.where(Capacity.confirmed_at >= _STALE_BEFORE)
    return query


SEARCH_ORDER = (Capacity.places_now.desc(), Capacity.confirmed_at.desc(), Capacity.id)


def search(filters: CapacityFilters, now: datetime | None = None) -> list[Capacity]:
    """The capacity matching `filters`, most places first then most recently confirmed, with
    organisation, lot, needs and districts loaded: a fixed number of queries however much is
    found."""
    statement = _with_details(matching_statement(search_shape(filters))).order_by(*SEARCH_ORDER)
    return list(db.session.scalars(statement, search_values(filters, now)))


def band_ages(age_band: str | None) -> tuple[int, int] | None:
    """The ages of an age band written "11-13" (a placement request's or a referral's)."""
    matched = re.fullmatch(r"([0-9]{1,2})-([0-9]{1,2})", age_band or "")
    return (int(matched[1]), int(matched[2])) if matched else None


def matching(
    lot_id: int,
    age_band: str | None,
    needs: Sequence[str],
    district: str | None,
    *,
    confirmed_only: bool = False,
    now: datetime | None = None,
) -> list[Capacity]:
    """The capacity that fits a child described as a placement request or a referral describes
    one: on the lot, serving some age in the band, supporting every need, in the district."""
    ages = band_ages(age_band)
    return search(
        CapacityFilters(
            lot_id=lot_id,
            age=ages[0] if ages else None,
            age_to=ages[1] if ages else None,
            needs=tuple(needs),
            district=district or None,
            confirmed_only=confirmed_only,
        ),
        now,
    )
