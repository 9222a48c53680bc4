"""Demo call-off contracts, made through the contract services by the people who would make
them, with the clock set to when each step happened: Bright Futures' tuition contract two months
in (the first month's statement approved and exported, the second's waiting for a commissioner,
an outcome due for evidence soon), a contract Stourbridge Mentoring Trust has still to accept,
and a few more across the lots and teams (large and small, voluntary, local and not), so the
contracts list and the council's figures have something in them. All are direct call-offs, each
with its published ground: the demo's award is still in its standstill."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.contracts.models import Contract, Delivery, OutcomeDefinition
from portal.contracts.services import (
    agreeing,
    delivery,
    finance_exports,
    making,
    outcomes,
    statements,
)
from portal.contracts.services.common import Terms
from portal.core.db import db
from portal.core.time import clock_set_to, london_hour, today, utcnow
from portal.kpi_returns import months
from portal.lots.models import Lot
from portal.organisations.models import Organisation


@dataclass(frozen=True)
class Planned:
    owner: str  # the provider's owner's email
    lot: str
    title: str
    team: str
    unit: str
    rate_pence: int
    planned_units: int
    ground: str
    why: str
    reference: str
    delivered: int  # months delivered: 2 (the first approved), 1 (approved), 0
    accepted: bool = True


PLANNED = (
    Planned("provider@example.org", "in-person-tuition", "Maths and English tuition for SEND-0388",
            "SEND", "hour", 3_500, 96, "continuity",
            "Bright Futures has taught this pupil at home since the spring; a new tutor now "
            "would undo the progress made.", "SEND-0388", delivered=2),
    Planned("owner@nationallearning.example.org", "alternative-provision",
            "Alternative provision for AP-0112", "Alternative Provision", "day", 9_500, 60,
            "urgent_need", "Permanently excluded; the school place ends this week.", "AP-0112",
            delivered=1),
    Planned("owner@halesowenforest.example.org", "creative-therapeutic-provision",
            "Forest school sessions for VS-0231", "Virtual School", "session", 6_000, 24,
            "named_in_plan", "The pupil's plan names this provider since its annual review.",
            "VS-0231", delivered=1),
    Planned("owner@sedgleyyouth.example.org", "semh-mentoring", "SEMH mentoring for VS-0245",
            "Virtual School", "week", 12_000, 20, "continuity",
            "Mentored by Sedgley Youth Trust in Year 8; the same mentor carries on.", "VS-0245",
            delivered=0),
    Planned("provider2@example.org", "mentoring", "Mentoring after a managed move, SEND-0456",
            "SEND", "session", 4_500, 30, "urgent_need",
            "A managed move starts next week and the pupil needs a mentor from the first day.",
            "SEND-0456", delivered=0, accepted=False),
)  # fmt: skip

FIGURES: dict[str, str | None] = {
    "units_delivered": "16",
    "sessions_offered": "18",
    "sessions_attended": "16",
    "cancelled_child_absent": "2",
    "cancelled_provider_cancelled": "0",
    "cancelled_school_or_council": "0",
    "cancelled_other": "0",
    "notes": "Steady progress; the pupil attended every session offered but two.",
}


def seed(users: dict[str, User], made: dict[str, Organisation], lots: dict[str, Lot]) -> None:
    """The contracts, made 41 days ago (after the providers' documents, uploaded 42 days ago),
    starting on the first of the month before last; `made` holds the organisations by their
    owner's email."""
    commissioner = users["commissioner@example.org"]
    now = today()
    this_month = months.first_of(now)
    start = months.add_months(this_month, -2)
    made_at = london_hour(now - timedelta(days=41), 10)
    # The first month is delivered once it has ended and the contract is made; approved the
    # day after, exported the day after that.
    first_delivered = max(london_hour(months.add_months(this_month, -1) + timedelta(days=2), 10),
                          made_at + timedelta(days=2))  # fmt: skip
    contracts: dict[Planned, Contract] = {}
    for number, plan in enumerate(PLANNED):
        organisation = made[plan.owner]
        terms = Terms(
            organisation_id=organisation.id,
            lot_id=lots[plan.lot].id,
            title=plan.title,
            team=plan.team,
            start_on=start if plan.delivered else this_month,
            end_on=months.add_months(start, 6) - timedelta(days=1),
            unit=plan.unit,
            rate_pence=plan.rate_pence,
            planned_units=plan.planned_units,
            held_back_percent=10,
            placement_reference=plan.reference,
        )
        # The one still to accept was sent two days ago; the rest 41 days ago.
        sent = made_at if plan.accepted else min(london_hour(now - timedelta(days=2), 10), utcnow())
        with clock_set_to(sent + timedelta(minutes=number)):
            contract = making.make_direct_call_off(commissioner, terms, plan.ground, plan.why)
        if plan.accepted:
            with clock_set_to(sent + timedelta(hours=3, minutes=number)):
                agreeing.accept(users[plan.owner], contract, None)
        contracts[plan] = contract

    bright = contracts[PLANNED[0]]
    with clock_set_to(made_at + timedelta(days=1)):
        _name_outcome(commissioner, bright, now + timedelta(days=14))

    # The first month, delivered and approved for every contract that has it.
    for plan, contract in contracts.items():
        if plan.delivered:
            _deliver(users[plan.owner], made[plan.owner], contract, start, first_delivered)
            with clock_set_to(first_delivered + timedelta(days=1)):
                statement = statements.statement_of(_delivery_of(contract, start))
                assert statement is not None  # made when the delivery was submitted
                statements.approve_statement(commissioner, statement, seen=statement.lock_version)
    with clock_set_to(first_delivered + timedelta(days=2)):
        finance_exports.make_finance_export(commissioner)

    # Bright Futures' second month, delivered this month: its statement waits for approval.
    second = min(london_hour(this_month + timedelta(days=1), 10), utcnow() - timedelta(minutes=10))
    _deliver(users[PLANNED[0].owner], made[PLANNED[0].owner], bright,
             months.add_months(start, 1), second)  # fmt: skip


def _deliver(
    user: User, organisation: Organisation, contract: Contract, month: date, moment: datetime
) -> None:
    with clock_set_to(moment):
        figures = delivery.read_figures(FIGURES, submitting=True)
        delivery.save_delivery(
            user, organisation, contract.id, month, figures, submit=True, seen=None, on=today()
        )


def _delivery_of(contract: Contract, month: date) -> Delivery:
    found = delivery.delivery_page(contract.organisation, contract.id, month, today()).delivery
    assert found is not None
    return found


def _name_outcome(commissioner: User, contract: Contract, review_on: date) -> None:
    """The first outcome in the lot's catalogue, all the held-back money on it."""
    definition = _first_definition(contract.lot_id)
    outcomes.name_outcomes(
        commissioner,
        contract,
        [
            outcomes.OutcomeRow(
                number=1,
                definition_id=definition.id,
                baseline="Working at grade 2 in maths and English",
                target="Grade 4 in both by the mock exams",
                review_on=review_on,
                share="100",
            )
        ],
        contract.lock_version,
    )


def _first_definition(lot_id: int) -> OutcomeDefinition:
    definition = db.session.scalar(
        select(OutcomeDefinition)
        .where(OutcomeDefinition.lot_id == lot_id, OutcomeDefinition.retired_at.is_(None))
        .order_by(OutcomeDefinition.position)
    )
    assert definition is not None  # the starting catalogue has outcomes for every lot
    return definition
