"""What every stage of a contract shares: its error, the state machines, the loaders that keep
one organisation's contracts from another's, and the one function that makes a contract (from
an award or as a direct call-off), with its first version.

Every change of state goes through `portal.core.workflow.move` over the tables here, which
checks the move and the row's lock_version in one UPDATE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.services import fields_of, record_change
from portal.contracts.models import (
    ACTIVE,
    DELIVERY_APPROVED,
    DELIVERY_DRAFT,
    DELIVERY_QUERIED,
    DELIVERY_SUBMITTED,
    DIRECT,
    DIRECT_GROUNDS,
    DRAFT,
    ENDED,
    FROM_AWARD,
    MAX_HELD_BACK_PERCENT,
    ORIGINAL,
    OUTCOME_DUE,
    OUTCOME_EVIDENCED,
    OUTCOME_MET,
    OUTCOME_NOT_MET,
    OUTCOME_PARTLY_MET,
    STATEMENT_APPROVED,
    STATEMENT_QUERIED,
    STATEMENT_WAITING,
    TERMINATED,
    UNITS,
    Contract,
    ContractVersion,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import ServiceError, found
from portal.organisations.models import Organisation
from portal.settings.services import framework_settings

REASON_LIMIT = 2000
# No rate or volume beyond these is a real call-off: a typing slip, refused with a message.
MAX_RATE_PENCE = 10_000_000  # £100,000 a unit
# A fixed fee can be a whole block purchase (a mini-competition's total price).
MAX_FEE_PENCE = 1_000_000_000  # £10 million
MAX_UNITS = 100_000


class ContractError(ServiceError):
    """Something that cannot be done to a contract, with a message to show (on `field`)."""


CONTRACT_MOVES = workflow.worded(
    ContractError,
    {(DRAFT, ACTIVE), (ACTIVE, ENDED), (ACTIVE, TERMINATED), (DRAFT, TERMINATED)},
    changed="This contract has just been changed by someone else. Check it again",
    illegal="This contract can no longer be changed in that way",
)
DELIVERY_MOVES = workflow.worded(
    ContractError,
    {
        (DELIVERY_DRAFT, DELIVERY_SUBMITTED),
        (DELIVERY_SUBMITTED, DELIVERY_QUERIED),
        (DELIVERY_QUERIED, DELIVERY_SUBMITTED),
        (DELIVERY_SUBMITTED, DELIVERY_APPROVED),
    },
    changed="This delivery record has just been changed. Check it and try again",
    illegal="This delivery record can no longer be changed",
)
STATEMENT_MOVES = workflow.worded(
    ContractError,
    {
        (STATEMENT_WAITING, STATEMENT_APPROVED),
        (STATEMENT_WAITING, STATEMENT_QUERIED),
        (STATEMENT_QUERIED, STATEMENT_WAITING),
    },
    changed="This statement has just been approved or queried by someone else",
    illegal="This statement can no longer be changed",
)
OUTCOME_MOVES = workflow.worded(
    ContractError,
    {
        (OUTCOME_DUE, OUTCOME_EVIDENCED),
        (OUTCOME_EVIDENCED, OUTCOME_EVIDENCED),
        (OUTCOME_EVIDENCED, OUTCOME_MET),
        (OUTCOME_EVIDENCED, OUTCOME_PARTLY_MET),
        (OUTCOME_EVIDENCED, OUTCOME_NOT_MET),
        (OUTCOME_DUE, OUTCOME_NOT_MET),  # no evidence by the review date
    },
    changed="This outcome has just been changed by someone else. Check it and try again",
    illegal="This outcome has already been decided",
)


def teams() -> dict[str, str]:
    """The commissioning teams a contract may name, with their finance cost centres (the
    COMMISSIONING_TEAMS framework setting, which admins change)."""
    return framework_settings().commissioning_teams


# What follows a contract elsewhere ---------------------------------------------------------------

# Told when a contract is sent to its provider, becomes active, or is withdrawn before it
# started, in the same request's transaction (the app factory registers them: contracts knows
# nothing of what follows, as competitions knows nothing of what follows an award).
SENT = "sent"
ACTIVATED = "activated"
WITHDRAWN = "withdrawn"
_listeners: dict[str, list[Callable[[User, Contract], object]]] = {
    SENT: [],
    ACTIVATED: [],
    WITHDRAWN: [],
}


def on_contract(event: str, callback: Callable[[User, Contract], object]) -> None:
    """Call `callback` with each contract as `event` (SENT, ACTIVATED, WITHDRAWN) happens."""
    if callback not in _listeners[event]:
        _listeners[event].append(callback)


def tell(event: str, user: User, contract: Contract) -> None:
    for callback in _listeners[event]:
        callback(user, contract)


# Loading -----------------------------------------------------------------------------------------


def contract_for_provider(organisation: Organisation, contract_id: int) -> Contract:
    """One of `organisation`'s contracts; NotFoundForUser (404) for anyone else's, so ids
    cannot be probed."""
    return found(db.session.get(Contract, contract_id), organisation_id=organisation.id)


def contract_for_staff(contract_id: int) -> Contract:
    return found(db.session.get(Contract, contract_id))


def contract_for_competition(competition_id: int) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.competition_id == competition_id))


# Making a contract -------------------------------------------------------------------------------


@dataclass
class Terms:
    """A contract's terms as a commissioner (or an award) gives them."""

    organisation_id: int
    lot_id: int
    title: str
    team: str
    start_on: date
    end_on: date
    unit: str
    rate_pence: int
    planned_units: int
    held_back_percent: int = 0
    placement_reference: str | None = None

    @property
    def total_pence(self) -> int:
        return self.rate_pence * self.planned_units


def check_terms(terms: Terms) -> None:
    """Refuse terms no contract can have, naming each field that is wrong."""
    errors: dict[str, str] = {}
    if terms.unit not in UNITS:
        errors["unit"] = "Select how the provider is paid"
    if terms.unit == "fixed" and not 0 < terms.rate_pence <= MAX_FEE_PENCE:
        errors["rate"] = "Enter a fee between 1p and £10 million"
    elif terms.unit != "fixed" and not 0 < terms.rate_pence <= MAX_RATE_PENCE:
        errors["rate"] = "Enter a rate between 1p and £100,000"
    if not 0 < terms.planned_units <= MAX_UNITS:
        errors["planned_units"] = f"Enter a planned volume between 1 and {MAX_UNITS:,}"
    if not 0 <= terms.held_back_percent <= MAX_HELD_BACK_PERCENT:
        errors["held_back_percent"] = (
            f"Enter a share held back for outcomes between 0 and {MAX_HELD_BACK_PERCENT}%"
        )
    if terms.end_on < terms.start_on:
        errors["end_on"] = "The end date must be the same as or after the start date"
    if errors:
        raise ContractError(errors=errors)


def make_contract(
    user: User | None,
    terms: Terms,
    *,
    competition_id: int | None = None,
    direct_ground: str | None = None,
    direct_ground_detail: str | None = None,
) -> Contract:
    """Make a draft contract with its original version: from a confirmed award
    (`competition_id`) or as a direct call-off (`direct_ground`, one of DIRECT_GROUNDS). The
    caller has checked who may have it; the provider accepts it next."""
    check_terms(terms)
    if competition_id is None and direct_ground not in DIRECT_GROUNDS:
        raise ContractError("Select the ground for a direct call-off", "ground")
    contract = Contract(
        status=DRAFT,
        origin=FROM_AWARD if competition_id is not None else DIRECT,
        competition_id=competition_id,
        direct_ground=direct_ground if competition_id is None else None,
        direct_ground_detail=direct_ground_detail,
        organisation_id=terms.organisation_id,
        lot_id=terms.lot_id,
        title=terms.title,
        team=terms.team,
        placement_reference=terms.placement_reference,
        start_on=terms.start_on,
        end_on=terms.end_on,
        unit=terms.unit,
        rate_pence=terms.rate_pence,
        planned_units=terms.planned_units,
        total_pence=terms.total_pence,
        held_back_percent=terms.held_back_percent,
        version_number=1,
        created_by_id=user.id if user else None,
    )
    db.session.add(contract)
    db.session.flush()
    db.session.add(
        ContractVersion(
            contract_id=contract.id,
            number=1,
            kind=ORIGINAL,
            start_on=terms.start_on,
            end_on=terms.end_on,
            rate_pence=terms.rate_pence,
            planned_units=terms.planned_units,
            total_pence=terms.total_pence,
            approved_by_id=user.id if user else None,
        )
    )
    record_change(
        "contract.made", contract, user, contract.organisation_id, after=fields_of(contract, _TERMS)
    )
    return contract


# A contract's terms as its audit events keep them.
_TERMS = (
    "origin",
    "competition_id",
    "direct_ground",
    "team",
    "start_on",
    "end_on",
    "unit",
    "rate_pence",
    "planned_units",
    "total_pence",
    "held_back_percent",
)


def clean_reason(text: str | None, field: str = "reason", what: str = "a reason") -> str:
    """A reason a person must give: stripped, not empty, not too long."""
    reason = (text or "").strip()
    if not reason:
        raise ContractError(f"Enter {what}", field)
    if len(reason) > REASON_LIMIT:
        raise ContractError(
            f"{what.capitalize()} must be {REASON_LIMIT:,} characters or fewer", field
        )
    return reason
