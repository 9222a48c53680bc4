"""A contract's life once sent: the provider accepts it (or a commissioner records its
acceptance on paper, with why), a commissioner varies it (extend, change the volume or the
rate, each a new version with its reason and who approved it) or terminates it.

A contract ends when its end date passes: that is read from the date (`shown_status`), never
flipped by a timer, so nothing depends on a scheduler running (DESIGN.md's rule for deadline
states), and extending a contract that has just run out brings it back without a special move.
Termination, which someone decides, is a move of its own.

Every change goes through workflow.move or workflow.change with the version of the page the
person saw, so a page older than the contract is refused and two changes at once cannot both
land."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.competitions import personal_data
from portal.contracts import ocds
from portal.contracts.models import (
    ACTIVE,
    CHANGE_RATE,
    CHANGE_VOLUME,
    DRAFT,
    ENDED,
    EXTEND,
    TERMINATED,
    Contract,
    ContractVersion,
    Delivery,
)
from portal.contracts.services.common import (
    ACTIVATED,
    CONTRACT_MOVES,
    WITHDRAWN,
    ContractError,
    Terms,
    check_terms,
    clean_reason,
    tell,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.time import utcnow
from portal.outbox.services import queue_email
from portal.settings.services import framework_settings


def shown_status(contract: Contract, on: date) -> str:
    """The contract's status as people see it on `on`: an active contract whose end date has
    passed has ended."""
    if contract.status == ACTIVE and contract.end_on < on:
        return ENDED
    return contract.status


def _seen(contract: Contract, seen: int | None) -> int:
    """The version a change is compared with: the page's, or without one the version loaded,
    so two changes at once never both land."""
    return contract.lock_version if seen is None else seen


def _reason(text: str | None, what: str = "a reason") -> str:
    reason = clean_reason(text, "reason", what)
    problem = personal_data.problem_in(reason, "The reason")
    if problem:
        raise ContractError(problem, "reason")
    return reason


# Acceptance -------------------------------------------------------------------------------------


def accept(user: User, contract: Contract, seen: int | None) -> None:
    """The provider accepts the contract it was sent: it is active from now. The commissioner
    who made it is told, and the contract is published (an OCDS "contract" release)."""
    if contract.status == DRAFT and contract.sent_at is None:
        raise ContractError("This contract has not been sent to you yet")
    _activate(user, contract, seen, "contract.accepted", {})
    if contract.created_by is not None and contract.created_by.is_active:
        queue_email(
            contract.created_by.email,
            f"Contract accepted: {contract.reference}",
            "contract_accepted",
            contract=contract,
            commissioner=contract.created_by,
            accepted_by=user,
        )


def record_paper_acceptance(
    user: User, contract: Contract, reason: str | None, seen: int | None
) -> None:
    """A commissioner records that the provider accepted the contract on paper, with why it was
    not accepted in the portal: active from now."""
    if contract.status == DRAFT and contract.sent_at is None:
        raise ContractError("Complete the contract and send it to the provider first")
    why = _reason(reason)
    _activate(
        user,
        contract,
        seen,
        "contract.accepted_on_paper",
        {"reason": why},
        accepted_on_paper_reason=why,
    )


def _activate(
    user: User,
    contract: Contract,
    seen: int | None,
    action: str,
    detail: dict[str, str],
    **values: Any,
) -> None:
    """Accepted by (or, on paper, for) the provider: the contract is active from now, audited
    as `action` with `detail`, and published."""
    workflow.move(
        contract,
        ACTIVE,
        CONTRACT_MOVES,
        seen=_seen(contract, seen),
        accepted_at=utcnow(),
        accepted_by_id=user.id,
        **values,
    )
    record_change(
        action,
        contract,
        user,
        contract.organisation_id,
        before={"status": DRAFT},
        after={"status": ACTIVE, **detail},
    )
    ocds.record_release(contract, ocds.CONTRACT)
    tell(ACTIVATED, user, contract)


# Variations -------------------------------------------------------------------------------------


@dataclass
class Variation:
    """A change a commissioner asks for: `kind` (EXTEND, CHANGE_VOLUME or CHANGE_RATE) with the
    one new value it needs."""

    kind: str
    end_on: date | None = None
    planned_units: int | None = None
    rate_pence: int | None = None
    reason: str | None = None


_VALUE_FIELD = {EXTEND: "end_on", CHANGE_VOLUME: "planned_units", CHANGE_RATE: "rate"}


def vary(user: User, contract: Contract, variation: Variation, seen: int | None) -> ContractVersion:
    """Vary an active contract: a new version with the new terms and total, its reason and
    who approved it (`user`); the contract's current terms follow. Refused: an end date before
    a month already delivered, a volume below the units already delivered, terms check_terms
    refuses, and a value that changes nothing. A variation whose value changes by more than
    the threshold in the settings is published (an OCDS "contractAmendment" release)."""
    if contract.status != ACTIVE:
        raise ContractError("Only an active contract can be varied")
    if seen is not None and seen != contract.lock_version:
        # A page older than the contract: refused before its values are judged.
        raise CONTRACT_MOVES.refuse(
            workflow.Refusal(contract, ACTIVE, ACTIVE, workflow.STALE, allowed=True)
        )
    field = _VALUE_FIELD[variation.kind]
    new = Terms(
        organisation_id=contract.organisation_id,
        lot_id=contract.lot_id,
        title=contract.title,
        team=contract.team,
        start_on=contract.start_on,
        end_on=variation.end_on or contract.end_on,
        unit=contract.unit,
        rate_pence=(
            variation.rate_pence if variation.rate_pence is not None else contract.rate_pence
        ),
        planned_units=(
            variation.planned_units
            if variation.planned_units is not None
            else contract.planned_units
        ),
        held_back_percent=contract.held_back_percent,
    )
    _check_variation(contract, variation, new, field)
    why = _reason(variation.reason)
    total = new.total_pence
    number = contract.version_number + 1
    before_total = contract.total_pence
    before = {
        "version": contract.version_number,
        "end_on": contract.end_on.isoformat(),
        "planned_units": contract.planned_units,
        "rate_pence": contract.rate_pence,
        "total_pence": before_total,
    }
    workflow.change(
        contract,
        CONTRACT_MOVES,
        seen=_seen(contract, seen),
        end_on=new.end_on,
        planned_units=new.planned_units,
        rate_pence=new.rate_pence,
        total_pence=total,
        version_number=number,
    )
    version = ContractVersion(
        contract_id=contract.id,
        number=number,
        kind=variation.kind,
        reason=why,
        start_on=contract.start_on,
        end_on=new.end_on,
        rate_pence=new.rate_pence,
        planned_units=new.planned_units,
        total_pence=total,
        approved_by_id=user.id,
    )
    db.session.add(version)
    db.session.flush()
    record_change(
        "contract.varied",
        contract,
        user,
        contract.organisation_id,
        before=before,
        after={
            "version": number,
            "kind": variation.kind,
            "reason": why,
            "end_on": new.end_on.isoformat(),
            "planned_units": new.planned_units,
            "rate_pence": new.rate_pence,
            "total_pence": total,
        },
    )
    threshold = framework_settings().ocds_variation_threshold_pounds * 100
    if abs(total - before_total) > threshold:
        ocds.record_release(contract, ocds.AMENDMENT, version=version)
    return version


def _check_variation(contract: Contract, variation: Variation, new: Terms, field: str) -> None:
    given = {
        EXTEND: variation.end_on,
        CHANGE_VOLUME: variation.planned_units,
        CHANGE_RATE: variation.rate_pence,
    }[variation.kind]
    if given is None:
        raise ContractError(
            {
                "end_on": "Enter the new end date",
                "planned_units": "Enter the new planned volume",
                "rate": "Enter the new rate",
            }[field],
            field,
        )
    current = {
        "end_on": contract.end_on,
        "planned_units": contract.planned_units,
        "rate": contract.rate_pence,
    }[field]
    if given == current:
        raise ContractError("Enter a different value: this is what the contract says now", field)
    try:
        check_terms(new)
    except ContractError as refused:
        message = refused.errors.get(field)
        if message:
            raise ContractError(message, field) from None
        raise
    delivered_month, delivered_units = db.session.execute(
        select(
            func.max(Delivery.month), func.coalesce(func.sum(Delivery.units_delivered), 0)
        ).where(Delivery.contract_id == contract.id)
    ).one()
    if (
        variation.kind == EXTEND
        and delivered_month is not None
        and variation.end_on is not None
        and variation.end_on < delivered_month
    ):
        raise ContractError(
            f"The end date must not be before {delivered_month:%B %Y}: that month's "
            "delivery has been recorded",
            field,
        )
    if variation.kind == CHANGE_VOLUME and (variation.planned_units or 0) < delivered_units:
        raise ContractError(
            f"The planned volume must not be below the {delivered_units:,} already delivered",
            field,
        )


# Termination ------------------------------------------------------------------------------------


def terminate(user: User, contract: Contract, reason: str | None, seen: int | None) -> None:
    """End the contract early (or withdraw a draft), with why. A contract that was active is
    published as terminated (an OCDS "contractTermination" release)."""
    why = _reason(reason)
    was = contract.status
    workflow.move(
        contract,
        TERMINATED,
        CONTRACT_MOVES,
        seen=_seen(contract, seen),
        ended_at=utcnow(),
        termination_reason=why,
    )
    record_change(
        "contract.terminated",
        contract,
        user,
        contract.organisation_id,
        before={"status": was},
        after={"status": TERMINATED, "reason": why},
    )
    if was == ACTIVE:
        ocds.record_release(contract, ocds.TERMINATION)
    else:
        tell(WITHDRAWN, user, contract)
