"""Lots: the framework's types of service. Admins add, rename, describe, reorder, close, reopen
and delete them; each change is audited.

A lot's slug never changes once made: applications' answers and questionnaire files name lots by
slug, so a renamed lot keeps every answer that chose it. Closing a lot stops new applicants
choosing it and hides it from the public filter; admissions to it, and answers that already
chose it, are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import delete, func, select

from portal.accounts.models import User
from portal.admissions.models import Admission
from portal.audit.services import changes, record_change
from portal.competitions.models import Competition
from portal.core.db import db
from portal.core.errors import ServiceError, found
from portal.core.ordering import (
    DIRECTIONS,
    set_unless_already,
    swap_with_neighbour,
    write_unless_taken,
)
from portal.lots.models import Lot

# The lots the framework started with (DESIGN.md); admins can change them later.
STARTING_LOTS = (
    "Alternative Provision",
    "Online tuition",
    "In-person tuition",
    "Mentoring",
    "Post-16 provision",
    "Supported internships",
    "Education other than at school (EOTAS)",
    "Therapeutic support",
    "Personal budgets support",
    "Emotionally-based school avoidance (EBSA) support",
    "Robotics and STEM",
    "SEMH mentoring",
    "Creative therapeutic provision",
)

NAME_MAX_LENGTH = 120  # the column's length
DESCRIPTION_MAX_LENGTH = 1000
SLUG_MAX_LENGTH = 60


class LotError(ServiceError):
    """A change an admin can put right; `field` is the form field it is about, if any."""


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def ensure_starting_lots() -> int:
    """Create any starting lot that is missing; returns how many were created."""
    existing = set(db.session.scalars(select(Lot.name)))
    created = 0
    for position, name in enumerate(STARTING_LOTS, start=1):
        if name not in existing:
            db.session.add(Lot(name=name, slug=slugify(name), position=position))
            created += 1
    db.session.flush()
    return created


def list_lots() -> list[Lot]:
    return list(db.session.scalars(select(Lot).order_by(Lot.position, Lot.name)))


class LotChoice(NamedTuple):
    """A lot as a list page's filter offers it."""

    id: int
    slug: str
    name: str


# Built once: the statement never changes.
_CHOICES = select(Lot.id, Lot.slug, Lot.name).order_by(Lot.position, Lot.name)


def lot_choices() -> list[LotChoice]:
    """The lots in list_lots' order, only what a filter shows: loading the lots as objects cost
    a list page twice as much."""
    return [LotChoice(*row) for row in db.session.execute(_CHOICES)]


def get_lot(lot_id: int) -> Lot:
    """Raises NotFoundForUser (404) when there is no such lot."""
    lot = found(db.session.get(Lot, lot_id))
    return lot


@dataclass(frozen=True)
class LotRow:
    lot: Lot
    admissions: int  # admissions of any status: each keeps the lot from being deleted


def lots_for_admin() -> list[LotRow]:
    """Every lot in order, with how many admissions it has (two queries whatever the count)."""
    counts = dict(
        db.session.execute(select(Admission.lot_id, func.count()).group_by(Admission.lot_id)).all()
    )
    return [LotRow(lot, counts.get(lot.id, 0)) for lot in list_lots()]


# Changes -------------------------------------------------------------------------------------


def _checked_name(name: str | None, lot_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise LotError("Enter the name of the lot", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise LotError(f"Name must be {NAME_MAX_LENGTH} characters or fewer", "name")
    clash = db.session.scalar(
        select(Lot.name).where(func.lower(Lot.name) == name.lower(), Lot.id != (lot_id or 0))
    )
    if clash is not None:
        raise LotError(f"There is already a lot called {clash}", "name")
    return name


def _checked_description(description: str | None) -> str:
    description = (description or "").strip().replace("\r\n", "\n")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise LotError(
            f"Description must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer", "description"
        )
    return description


def _free_slug(name: str) -> str:
    base = slugify(name)[: SLUG_MAX_LENGTH - 4].strip("-") or "lot"
    taken = set(db.session.scalars(select(Lot.slug).where(Lot.slug.like(f"{base}%"))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def add_lot(admin: User, name: str | None, description: str | None) -> Lot:
    """A new lot, open to applications, after the others. Raises LotError."""
    name = _checked_name(name)
    description = _checked_description(description)
    last = db.session.scalar(select(func.max(Lot.position))) or 0
    lot = Lot(
        name=name,
        slug=_free_slug(name),
        description=description,
        position=last + 1,
        is_active=True,
    )
    _write(lambda: db.session.add(lot))
    record_change(
        "lot.added",
        lot,
        admin,
        after={"name": lot.name, "slug": lot.slug, "description": lot.description},
    )
    return lot


def change_lot(admin: User, lot_id: int, name: str | None, description: str | None) -> Lot:
    """Rename or describe a lot; its slug stays, so answers that chose it still do. Raises
    LotError, or NotFoundForUser."""
    lot = get_lot(lot_id)
    name = _checked_name(name, lot.id)
    description = _checked_description(description)
    before, after = changes(
        {"name": lot.name, "description": lot.description},
        {"name": name, "description": description},
    )
    if after:

        def rename() -> None:
            lot.name, lot.description = name, description

        _write(rename)
        record_change("lot.changed", lot, admin, before=before, after=after)
        db.session.flush()
    return lot


def _write(change: Callable[[], None]) -> None:
    """Make `change` and write it now, unless another admin took the name (or slug) since it was
    checked."""
    write_unless_taken(
        change,
        LotError("Another lot was given this name a moment ago. Check the list of lots", "name"),
    )


def move_lot(admin: User, lot_id: int, direction: str) -> Lot:
    """Swap the lot with the one before it ("up") or after it ("down"), in the order applicants
    and the public see. Raises LotError at either end, or NotFoundForUser."""
    if direction not in DIRECTIONS:
        raise LotError("Choose whether to move the lot up or down")
    lots = list_lots()
    lot = get_lot(lot_id)
    before, after = swap_with_neighbour(
        lots, lot, direction, lambda end: LotError(f"{lot.name} is already {end}")
    )
    record_change("lot.moved", lot, admin, before={"position": before}, after={"position": after})
    db.session.flush()
    return lot


def close_lot(admin: User, lot_id: int) -> Lot:
    """Stop new applicants choosing the lot. Its admissions stay, and answers that chose it are
    kept. Compare-and-set, so of two closings at once (two tabs, a page left open) only one
    happens and the other gets LotError."""
    return _set_open(admin, lot_id, False)


def reopen_lot(admin: User, lot_id: int) -> Lot:
    """Let new applicants choose the lot again. Raises LotError when it is open already."""
    return _set_open(admin, lot_id, True)


def _set_open(admin: User, lot_id: int, is_open: bool) -> Lot:
    lot = get_lot(lot_id)
    state = "open to applications" if is_open else "closed to new applications"
    set_unless_already(
        lot,
        Lot,
        Lot.is_active.is_(not is_open),
        lambda: LotError(f"{lot.name} is already {state}"),
        is_active=is_open,
    )
    record_change(
        "lot.reopened" if is_open else "lot.closed",
        lot,
        admin,
        before={"open_to_applications": not is_open},
        after={"open_to_applications": is_open},
    )
    return lot


def delete_lot(admin: User, lot_id: int) -> str:
    """Delete a lot nobody was ever admitted to and no competition was run for; returns its
    name. Raises LotError otherwise (close it instead), or NotFoundForUser."""
    lot = get_lot(lot_id)
    admissions = db.session.scalar(
        select(func.count()).select_from(Admission).where(Admission.lot_id == lot.id)
    )
    if admissions:
        raise LotError(
            f"{lot.name} cannot be deleted: providers have been admitted to it. "
            "Close it to new applications instead"
        )
    if db.session.scalar(select(Competition.id).where(Competition.lot_id == lot.id).limit(1)):
        raise LotError(
            f"{lot.name} cannot be deleted: the council has run competitions for it. "
            "Close it to new applications instead"
        )
    name = lot.name
    record_change(
        "lot.deleted",
        lot,
        admin,
        before={"name": lot.name, "slug": lot.slug, "description": lot.description},
    )
    db.session.expunge(lot)
    db.session.execute(delete(Lot).where(Lot.id == lot_id))
    return name
