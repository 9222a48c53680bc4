"""Outcomes for tests: the lot's starting catalogue, outcomes written directly, approved
statements holding money back (written directly until the statements' own pages make them) and
documents in a provider's library that have passed their virus check."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.contracts.models import (
    DELIVERY_APPROVED,
    LINE_DELIVERY,
    LINE_HELD_BACK,
    STATEMENT_APPROVED,
    Contract,
    ContractOutcome,
    Delivery,
    OutcomeDefinition,
    Statement,
    StatementLine,
)
from portal.contracts.services.catalogue import ensure_starting_outcomes
from portal.core.db import db
from portal.core.time import utcnow
from portal.documents.models import CLEAN, Document
from portal.lots.models import Lot
from tests.contracts.helpers import make_active_contract
from tests.support import factories


def catalogue_of(contract: Contract) -> list[OutcomeDefinition]:
    """The starting catalogue of the contract's lot, made if missing, in order."""
    ensure_starting_outcomes()
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutcomeDefinition)
            .where(OutcomeDefinition.lot_id == contract.lot_id)
            .order_by(OutcomeDefinition.position)
        )
    )


def add_outcome(contract: Contract, definition: OutcomeDefinition, **values) -> ContractOutcome:
    given = {
        "baseline": "62% attendance",
        "target": "85% attendance",
        "review_on": date(2027, 4, 1),
        "share_percent": 100,
        "position": 1,
    }
    outcome = ContractOutcome(
        contract_id=contract.id, definition_id=definition.id, **{**given, **values}
    )
    db.session.add(outcome)
    db.session.commit()
    return outcome


def approve_statement(contract: Contract, month: date, held_back_pence: int) -> Statement:
    """An approved statement for `month` holding back `held_back_pence` (and paying the rest of
    ten times that for the delivery), with the delivery it was made from."""
    delivery = Delivery(contract_id=contract.id, month=month, status=DELIVERY_APPROVED)
    db.session.add(delivery)
    db.session.flush()
    gross = held_back_pence * 10
    statement = Statement(
        number=f"SB-T{contract.id:03d}{month:%y%m}",
        contract_id=contract.id,
        delivery_id=delivery.id,
        month=month,
        status=STATEMENT_APPROVED,
        net_pence=gross - held_back_pence,
        vat_pence=0,
        gross_pence=gross - held_back_pence,
    )
    statement.lines = [
        StatementLine(position=1, kind=LINE_DELIVERY, description="Sessions", amount_pence=gross),
        StatementLine(
            position=2, kind=LINE_HELD_BACK, description="Held back", amount_pence=-held_back_pence
        ),
    ]
    db.session.add(statement)
    db.session.commit()
    return statement


def clean_document(organisation, title: str = "Attendance report") -> Document:
    """A document in the organisation's library whose file has passed its virus check."""
    document = factories.make_document(organisation, "other", title)
    document.current.file.scan_state = CLEAN
    db.session.commit()
    return document


def matrix_rows(organisation, **terms) -> dict[str, int]:
    """For the permission matrix: organisation A's contract (on Online tuition, with `terms`)
    with one outcome whose evidence waits for a decision, and an outcome in the Mentoring
    catalogue."""
    contract = make_active_contract(organisation, lot_slug="online-tuition", **terms)
    outcome = add_outcome(
        contract, catalogue_of(contract)[0], status="evidenced", evidenced_at=utcnow()
    )
    mentoring = db.session.scalar(
        select(OutcomeDefinition).join(OutcomeDefinition.lot).where(Lot.slug == "mentoring")
    )
    return {"contract_id": contract.id, "outcome_id": outcome.id, "definition_id": mentoring.id}
