"""The outcome catalogue: for each lot, the outcomes a contract on it may pay for. Admins add,
change, reorder and retire them; a retired outcome stays on the contracts that name it but is
offered for no new one, and none is ever deleted (a contract may name it).

A lot starts with the catalogue in STARTING_OUTCOMES, made once (`ensure_starting_outcomes`):
what admins change afterwards is theirs, and never made again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.services import changes, record_change
from portal.contracts.models import ContractOutcome, OutcomeDefinition
from portal.contracts.services.common import ContractError
from portal.core.db import db
from portal.core.errors import found
from portal.core.ordering import (
    DIRECTIONS,
    set_unless_already,
    swap_with_neighbour,
    write_unless_taken,
)
from portal.core.time import utcnow
from portal.lots.models import Lot

TITLE_LIMIT = 200  # the column's length
DESCRIPTION_LIMIT = 1000

_ATTENDANCE = (
    "Attendance rises to a target percentage",
    "The child's attendance, measured over the weeks before the review date, reaches the "
    "target agreed in the contract.",
)
_REINTEGRATION = (
    "Reintegration to school by a date",
    "The child returns to a school place, full or part time as agreed, by the target date.",
)
_QUALIFICATION = (
    "A qualification gained",
    "The child gains the qualification or accredited unit named in the target.",
)
_EHCP = (
    "An EHCP outcome met",
    "An outcome in the child's education, health and care plan, named in the target, is met "
    "at the annual review or the review date.",
)
_ENGAGEMENT = (
    "Sustained engagement in education, employment or training (not NEET)",
    "The young person stays in education, employment or training for the period agreed, "
    "and is not NEET at the review date.",
)
_WELLBEING = (
    "Wellbeing improves on an agreed measure",
    "A wellbeing or emotional-health score agreed at the start (for example SDQ or a goal-based "
    "measure) improves to the target.",
)
_PROGRESS = (
    "Progress in English or maths to a target",
    "The child's assessed level in English or maths reaches the target agreed at the start.",
)
_EMPLOYMENT = (
    "Paid work or an apprenticeship after the internship",
    "The young person moves into paid work, an apprenticeship or further training by the "
    "review date.",
)

# The catalogue each starting lot begins with (by lot slug, in order).
STARTING_OUTCOMES: dict[str, tuple[tuple[str, str], ...]] = {
    "alternative-provision": (_ATTENDANCE, _REINTEGRATION, _QUALIFICATION, _EHCP),
    "online-tuition": (_PROGRESS, _QUALIFICATION, _ATTENDANCE, _EHCP),
    "in-person-tuition": (_PROGRESS, _QUALIFICATION, _ATTENDANCE, _EHCP),
    "mentoring": (_ATTENDANCE, _REINTEGRATION, _WELLBEING, _EHCP),
    "post-16-provision": (_ENGAGEMENT, _QUALIFICATION, _ATTENDANCE, _EHCP),
    "supported-internships": (_EMPLOYMENT, _ENGAGEMENT, _QUALIFICATION, _EHCP),
    "education-other-than-at-school-eotas": (_PROGRESS, _QUALIFICATION, _WELLBEING, _EHCP),
    "therapeutic-support": (_WELLBEING, _ATTENDANCE, _EHCP),
    "personal-budgets-support": (_EHCP, _ATTENDANCE, _WELLBEING),
    "emotionally-based-school-avoidance-ebsa-support": (
        _ATTENDANCE,
        _REINTEGRATION,
        _WELLBEING,
        _EHCP,
    ),
    "robotics-and-stem": (_QUALIFICATION, _ATTENDANCE, _PROGRESS),
    "semh-mentoring": (_WELLBEING, _ATTENDANCE, _REINTEGRATION, _EHCP),
    "creative-therapeutic-provision": (_WELLBEING, _ATTENDANCE, _EHCP),
}


def ensure_starting_outcomes() -> int:
    """Give each starting lot that has no catalogue yet its starting one; returns how many
    outcomes were made (safe to run again: a lot with any outcome is left as admins made it)."""
    with_catalogue = set(db.session.scalars(select(OutcomeDefinition.lot_id).distinct()))
    made = 0
    for lot in db.session.scalars(select(Lot).where(Lot.slug.in_(STARTING_OUTCOMES))):
        if lot.id in with_catalogue:
            continue
        for position, (title, description) in enumerate(STARTING_OUTCOMES[lot.slug], start=1):
            db.session.add(
                OutcomeDefinition(
                    lot_id=lot.id, title=title, description=description, position=position
                )
            )
            made += 1
    db.session.flush()
    return made


# Reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    definition: OutcomeDefinition
    contracts: int  # how many contracts name it


@dataclass(frozen=True)
class LotCatalogue:
    lot: Lot
    entries: list[CatalogueEntry]


def catalogue() -> list[LotCatalogue]:
    """Every lot in order with its outcomes in order, each with how many contracts name it:
    three queries, however many there are."""
    lots = list(db.session.scalars(select(Lot).order_by(Lot.position, Lot.name)))
    named = dict(
        db.session.execute(
            select(
                ContractOutcome.definition_id, func.count(ContractOutcome.contract_id.distinct())
            ).group_by(ContractOutcome.definition_id)
        ).all()
    )
    by_lot: dict[int, list[CatalogueEntry]] = {lot.id: [] for lot in lots}
    for definition in db.session.scalars(
        select(OutcomeDefinition).order_by(OutcomeDefinition.position, OutcomeDefinition.id)
    ):
        by_lot[definition.lot_id].append(CatalogueEntry(definition, named.get(definition.id, 0)))
    return [LotCatalogue(lot, by_lot[lot.id]) for lot in lots]


def offered(lot_id: int) -> list[OutcomeDefinition]:
    """The outcomes a new contract on the lot may name: not retired, in the catalogue's order."""
    return list(
        db.session.scalars(
            select(OutcomeDefinition)
            .where(OutcomeDefinition.lot_id == lot_id, OutcomeDefinition.retired_at.is_(None))
            .order_by(OutcomeDefinition.position, OutcomeDefinition.id)
        )
    )


def get_definition(definition_id: int) -> OutcomeDefinition:
    """Raises NotFoundForUser (404) when there is no such outcome."""
    definition = found(db.session.get(OutcomeDefinition, definition_id))
    return definition


def get_lot(lot_id: int) -> Lot:
    """Raises NotFoundForUser (404) when there is no such lot."""
    lot = found(db.session.get(Lot, lot_id))
    return lot


# Changes ----------------------------------------------------------------------------------------


def _checked(title: str | None, description: str | None) -> tuple[str, str]:
    title = " ".join((title or "").split())
    description = (description or "").strip().replace("\r\n", "\n")
    errors = {}
    if not title:
        errors["title"] = "Enter the outcome"
    elif len(title) > TITLE_LIMIT:
        errors["title"] = f"Outcome must be {TITLE_LIMIT} characters or fewer"
    if len(description) > DESCRIPTION_LIMIT:
        errors["description"] = f"Description must be {DESCRIPTION_LIMIT:,} characters or fewer"
    if errors:
        raise ContractError(errors=errors)
    return title, description


def _clash(lot_id: int, title: str, definition_id: int = 0) -> None:
    taken = db.session.scalar(
        select(OutcomeDefinition.title).where(
            OutcomeDefinition.lot_id == lot_id,
            func.lower(OutcomeDefinition.title) == title.lower(),
            OutcomeDefinition.id != definition_id,
        )
    )
    if taken is not None:
        raise ContractError(f"This type of service already has the outcome ‘{taken}’", "title")


def _write(change: Callable[[], None]) -> None:
    """Write `change` now, unless another admin took the title in the lot (the unique
    (lot, title)) since it was checked."""
    write_unless_taken(
        change,
        ContractError(
            "Another outcome was given this title a moment ago. Check the catalogue", "title"
        ),
    )


def add_definition(
    admin: User, lot_id: int, title: str | None, description: str | None
) -> OutcomeDefinition:
    """A new outcome at the end of the lot's catalogue. Raises ContractError."""
    lot = get_lot(lot_id)
    title, description = _checked(title, description)
    _clash(lot.id, title)
    last = db.session.scalar(
        select(func.max(OutcomeDefinition.position)).where(OutcomeDefinition.lot_id == lot.id)
    )
    definition = OutcomeDefinition(
        lot_id=lot.id, title=title, description=description, position=(last or 0) + 1
    )
    _write(lambda: db.session.add(definition))
    record_change(
        "outcome_definition.added",
        definition,
        admin,
        None,
        after={"lot_id": lot.id, "title": title, "description": description},
    )
    return definition


def change_definition(
    admin: User, definition: OutcomeDefinition, title: str | None, description: str | None
) -> OutcomeDefinition:
    """Retitle or describe an outcome (contracts that name it show the new words). Raises
    ContractError."""
    title, description = _checked(title, description)
    _clash(definition.lot_id, title, definition.id)
    before, after = changes(
        {"title": definition.title, "description": definition.description},
        {"title": title, "description": description},
    )
    if not after:
        return definition

    def rewrite() -> None:
        definition.title, definition.description = title, description

    _write(rewrite)
    record_change("outcome_definition.changed", definition, admin, None, before=before, after=after)
    return definition


def move_definition(admin: User, definition: OutcomeDefinition, direction: str) -> None:
    """Swap the outcome with the one before it ("up") or after it ("down") in its lot's
    catalogue. Raises ContractError at either end."""
    if direction not in DIRECTIONS:
        raise ContractError("Choose whether to move the outcome up or down")
    siblings = list(
        db.session.scalars(
            select(OutcomeDefinition)
            .where(OutcomeDefinition.lot_id == definition.lot_id)
            .order_by(OutcomeDefinition.position, OutcomeDefinition.id)
        )
    )
    before, after = swap_with_neighbour(
        siblings,
        definition,
        direction,
        lambda end: ContractError(f"‘{definition.title}’ is already {end}"),
    )
    record_change(
        "outcome_definition.moved",
        definition,
        admin,
        None,
        before={"position": before},
        after={"position": after},
    )
    db.session.flush()


def retire_definition(admin: User, definition: OutcomeDefinition) -> None:
    """Offer the outcome for no new contract; those that name it keep it. Compare-and-set, so
    of two retirements at once one happens and the other is told. Raises ContractError."""
    _set_retired(admin, definition, retire=True)


def reinstate_definition(admin: User, definition: OutcomeDefinition) -> None:
    """Offer a retired outcome to new contracts again. Raises ContractError."""
    _set_retired(admin, definition, retire=False)


def _set_retired(admin: User, definition: OutcomeDefinition, *, retire: bool) -> None:
    offered_now = OutcomeDefinition.retired_at.is_(None)
    state = "retired" if retire else "offered to new contracts"
    set_unless_already(
        definition,
        OutcomeDefinition,
        offered_now if retire else ~offered_now,
        lambda: ContractError(f"‘{definition.title}’ is already {state}"),
        retired_at=utcnow() if retire else None,
    )
    record_change(
        "outcome_definition.retired" if retire else "outcome_definition.reinstated",
        definition,
        admin,
        before={"retired": not retire},
        after={"retired": retire},
    )
