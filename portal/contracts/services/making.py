"""Making a contract and sending it to the provider: a draft from each confirmed award, which a
commissioner completes (team, end date, share held back, placement reference) and sends; or a
direct call-off, which a commissioner makes with every term and the published ground it rests
on, and which is sent as it is made.

The provider must be one the council may buy from on the lot when the contract is sent (the
published call-off method's one rule, admissions.call_off_refusals), and no free text may carry
a child's personal data (the rules placement requests follow)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select, update

from portal.accounts.models import User
from portal.admissions import services as admissions
from portal.audit.services import record_change
from portal.competitions import personal_data
from portal.competitions.services.awarding import ConfirmedAward
from portal.contracts.models import (
    DIRECT_GROUNDS,
    DRAFT,
    FROM_AWARD,
    UNIT_FROM_PRICE_BASIS,
    Contract,
    ContractVersion,
)
from portal.contracts.services.common import (
    CONTRACT_MOVES,
    REASON_LIMIT,
    SENT,
    ContractError,
    Terms,
    check_terms,
    contract_for_competition,
    make_contract,
    teams,
    tell,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.time import LONDON, as_utc, today, utcnow
from portal.lots.models import Lot
from portal.organisations.models import Organisation
from portal.organisations.services import email_members_of

TITLE_LIMIT = 200


# From an award ----------------------------------------------------------------------------------


def make_from_award(user: User, award: ConfirmedAward) -> Contract:
    """The draft contract for a confirmed award, on the winning quote's terms: its latest
    price as the rate (a total price is one fixed fee), the units the competition planned to
    buy, starting when the placement request asked (else the day of confirmation), for the
    first commissioning team. Its end date is the start date until a commissioner completes
    it. One per competition: the competition's confirmation is one compare-and-set move, and
    `competition_id` is unique besides."""
    existing = contract_for_competition(award.competition_id)
    if existing is not None:
        return existing
    unit = UNIT_FROM_PRICE_BASIS[award.price_basis]
    planned = 1 if award.price_basis == "total" else (award.planned_units or 1)
    start = award.start_date or as_utc(award.confirmed_at).astimezone(LONDON).date()
    terms = Terms(
        organisation_id=award.organisation_id,
        lot_id=award.lot_id,
        title=award.title[:TITLE_LIMIT],
        team=next(iter(teams())),
        start_on=start,
        end_on=start,
        unit=unit,
        rate_pence=award.price_pence,
        planned_units=planned,
        placement_reference=award.reference_code if award.is_placement else None,
    )
    return make_contract(user, terms, competition_id=award.competition_id)


def is_waiting_to_be_sent(contract: Contract) -> bool:
    """A draft made from an award that no commissioner has completed and sent yet."""
    return contract.status == DRAFT and contract.sent_at is None


@dataclass
class Completion:
    """What a commissioner gives to complete a draft made from an award."""

    team: str
    end_on: date | None
    held_back_percent: int | None
    placement_reference: str | None


def complete_and_send(
    user: User, contract: Contract, completion: Completion, seen: int | None
) -> None:
    """Complete a draft made from an award and send it to the provider to accept (emailing
    its members). The terms are checked as a direct call-off's are; its first version takes
    the completed terms (a draft's terms are not yet agreed, so nothing agreed is rewritten)."""
    if not is_waiting_to_be_sent(contract):
        raise ContractError("This contract has already been sent to the provider")
    errors: dict[str, str] = {}
    if completion.team not in teams():
        errors["team"] = "Select the commissioning team"
    if completion.end_on is None:
        errors["end_on"] = "Enter the end date"
    if completion.held_back_percent is None:
        errors["held_back_percent"] = "Enter the share held back for outcomes, from 0 to 30%"
    reference = _reference_problem(completion.placement_reference)
    if reference:
        errors["placement_reference"] = reference
    terms = replace(
        _terms_of(contract),
        team=completion.team,
        end_on=completion.end_on or contract.end_on,
        held_back_percent=(
            completion.held_back_percent if completion.held_back_percent is not None else 0
        ),
        placement_reference=completion.placement_reference or None,
    )
    errors = _term_errors(terms) | errors
    if errors:
        raise ContractError(errors=_in_order(errors))
    _check_eligible(contract.organisation, contract.lot)
    workflow.change(
        contract,
        CONTRACT_MOVES,
        # Without a page's version, the one loaded: two sends at once cannot both land.
        seen=contract.lock_version if seen is None else seen,
        team=terms.team,
        end_on=terms.end_on,
        held_back_percent=terms.held_back_percent,
        placement_reference=terms.placement_reference,
        sent_at=utcnow(),
    )
    db.session.execute(
        update(ContractVersion)
        .where(ContractVersion.contract_id == contract.id, ContractVersion.number == 1)
        .values(end_on=terms.end_on)
        .execution_options(synchronize_session=False)
    )
    _sent(user, contract)


# A direct call-off ------------------------------------------------------------------------------


def make_direct_call_off(
    user: User, terms: Terms, ground: str | None, ground_detail: str | None
) -> Contract:
    """A direct call-off on `terms`, resting on `ground` (one of DIRECT_GROUNDS, with why it
    applies), sent to the provider at once. Every field that is wrong is named at once; then
    the provider must be one the council may buy from on the lot."""
    errors = _term_errors(terms)
    if ground not in DIRECT_GROUNDS:
        errors["ground"] = "Select the ground for a direct call-off"
    detail = (ground_detail or "").strip()
    if problem := personal_data.text_problem(
        detail,
        "Why the ground applies",
        REASON_LIMIT,
        missing="Enter why the ground applies to this call-off",
    ):
        errors["ground_detail"] = problem
    if terms.team not in teams():
        errors["team"] = "Select the commissioning team"
    organisation = db.session.get(Organisation, terms.organisation_id)
    lot = db.session.get(Lot, terms.lot_id)
    if organisation is None:
        errors["organisation"] = "Select the provider"
    if lot is None or not lot.is_active:
        errors["lot"] = "Select the type of service"
    if errors:
        raise ContractError(errors=_in_order(errors))
    assert organisation is not None and lot is not None  # checked above
    _check_eligible(organisation, lot)
    contract = make_contract(user, terms, direct_ground=ground, direct_ground_detail=detail)
    workflow.change(contract, CONTRACT_MOVES, sent_at=utcnow())
    _sent(user, contract)
    return contract


# Shared -----------------------------------------------------------------------------------------

# The order of the fields on the forms, for the error summary.
_FIELD_ORDER = (
    "organisation",
    "lot",
    "ground",
    "ground_detail",
    "team",
    "title",
    "placement_reference",
    "start_on",
    "end_on",
    "unit",
    "rate",
    "planned_units",
    "held_back_percent",
)


def _in_order(errors: dict[str, str]) -> dict[str, str]:
    return {name: errors[name] for name in _FIELD_ORDER if name in errors}


def _reference_problem(reference: str | None) -> str | None:
    if not reference:
        return None
    problem = personal_data.reference_code_problem(reference)
    return problem.replace("Reference code", "Placement reference", 1) if problem else None


def _term_errors(terms: Terms) -> dict[str, str]:
    """Everything wrong with `terms`, by field: check_terms's refusals, a title that is missing,
    too long or names a child, and a placement reference that is not the council's kind."""
    errors: dict[str, str] = {}
    try:
        check_terms(terms)
    except ContractError as refused:
        errors.update({name: text for name, text in refused.errors.items() if name})
    if problem := personal_data.text_problem(
        terms.title.strip(), "Title", TITLE_LIMIT, missing="Enter a title"
    ):
        errors["title"] = problem
    reference = _reference_problem(terms.placement_reference)
    if reference:
        errors["placement_reference"] = reference
    return errors


def _terms_of(contract: Contract) -> Terms:
    return Terms(
        organisation_id=contract.organisation_id,
        lot_id=contract.lot_id,
        title=contract.title,
        team=contract.team,
        start_on=contract.start_on,
        end_on=contract.end_on,
        unit=contract.unit,
        rate_pence=contract.rate_pence,
        planned_units=contract.planned_units,
        held_back_percent=contract.held_back_percent,
        placement_reference=contract.placement_reference,
    )


def _check_eligible(organisation: Organisation, lot: Lot) -> None:
    refusals = admissions.call_off_refusals(organisation, lot, today())
    if refusals:
        raise ContractError(
            f"The council cannot make a call-off with {organisation.display_name} on "
            f"{lot.name}: {'; '.join(refusals)}",
            "organisation",
        )


def _sent(user: User, contract: Contract) -> None:
    """Record the sending and ask the provider's members to accept the contract."""
    record_change(
        "contract.sent",
        contract,
        user,
        contract.organisation_id,
        after={
            "team": contract.team,
            "end_on": contract.end_on.isoformat(),
            "held_back_percent": contract.held_back_percent,
            "placement_reference": contract.placement_reference,
        },
    )
    tell(SENT, user, contract)
    email_members_of(
        contract.organisation,
        f"A contract to accept: {contract.reference}",
        "contract_to_accept",
        contract=contract,
        from_award=contract.origin == FROM_AWARD,
    )


def organisations_to_choose() -> list[Organisation]:
    """The providers a direct call-off may name: those on the framework."""
    return admissions.organisations_on_framework()


def lots_to_choose() -> list[Lot]:
    return list(
        db.session.scalars(select(Lot).where(Lot.is_active.is_(True)).order_by(Lot.position))
    )
