"""Contracts with random terms, approved (and not yet approved) statements and outcome
decisions, written directly as the delivery and outcome stages would leave them, for the spend
reports' tests. Everything written is also kept in plain Python, so a test can add it up
independently of the portal's SQL."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from portal.contracts.models import (
    ACTIVE,
    DEFAULT_TEAMS,
    DELIVERY_APPROVED,
    LINE_DELIVERY,
    LINE_HELD_BACK,
    LINE_OUTCOME,
    OUTCOME_DUE,
    OUTCOME_EVIDENCED,
    OUTCOME_MET,
    OUTCOME_NOT_MET,
    OUTCOME_PARTLY_MET,
    STATEMENT_APPROVED,
    STATEMENT_QUERIED,
    STATEMENT_WAITING,
    UNITS,
    Contract,
    ContractOutcome,
    Delivery,
    MonthlySpend,
    OutcomeDefinition,
    Statement,
    StatementLine,
)
from portal.contracts.services.common import CONTRACT_MOVES, Terms, make_contract
from portal.core import workflow
from portal.core.db import db
from portal.core.time import utcnow
from portal.lots.models import Lot
from portal.lots.services import ensure_starting_lots
from portal.organisations.models import Organisation
from tests.support import factories

LOT_SLUGS = ("mentoring", "online-tuition", "alternative-provision", "therapeutic-support")


@dataclass
class Row:
    """A contract as the test knows it."""

    id: int
    organisation_id: int
    lot_id: int
    team: str
    unit: str
    rate_pence: int
    start_on: date
    total_pence: int
    active: bool


@dataclass
class StatementRow:
    contract: Row
    month: date
    approved: bool
    net_pence: int
    held_back_pence: int  # as a positive sum
    released_pence: int


@dataclass
class Decision:
    contract: Row
    status: str
    decided_at: datetime | None


@dataclass
class Built:
    organisations: dict[int, tuple[bool, bool, bool]] = field(default_factory=dict)
    contracts: list[Row] = field(default_factory=list)
    statements: list[StatementRow] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


_numbers = iter(range(1, 10**9))


def _lots() -> list[Lot]:
    ensure_starting_lots()
    found = {lot.slug: lot for lot in db.session.scalars(select(Lot))}
    return [found[slug] for slug in LOT_SLUGS]


def lot(slug: str) -> Lot:
    ensure_starting_lots()
    return db.session.scalar(select(Lot).where(Lot.slug == slug))


def _definitions(lots: list[Lot]) -> dict[int, int]:
    ids = {}
    for lot in lots:
        definition = db.session.scalar(
            select(OutcomeDefinition).where(OutcomeDefinition.lot_id == lot.id)
        )
        if definition is None:
            definition = OutcomeDefinition(lot_id=lot.id, title="Attendance rises")
            db.session.add(definition)
            db.session.flush()
        ids[lot.id] = definition.id
    return ids


def make_organisations(rng: random.Random, count: int, built: Built) -> list[int]:
    made = []
    for _ in range(count):
        number = next(_numbers)
        owner = factories.make_user(f"spend-owner-{number}@example.org")
        flags = (rng.random() < 0.6, rng.random() < 0.35, rng.random() < 0.5)
        organisation = factories.make_organisation(
            owner,
            legal_name=f"Spend Provider {number} Ltd",
            is_sme=flags[0],
            is_vcse=flags[1],
            is_local=flags[2],
        )
        built.organisations[organisation.id] = flags
        made.append(organisation.id)
    return made


def build(
    rng: random.Random,
    contracts: int,
    organisations: list[int],
    built: Built,
    *,
    first: date = date(2026, 10, 1),
    days: int = 540,
) -> Built:
    """`contracts` contracts between `organisations` starting within `days` of `first`, about a
    tenth left as drafts, each active one with up to four months of statements (most approved)
    and up to two outcomes (most decided, with money released on a statement)."""
    lots = _lots()
    definitions = _definitions(lots)
    teams = list(DEFAULT_TEAMS)
    for _ in range(contracts):
        lot = rng.choice(lots)
        start = first + timedelta(days=rng.randrange(days))
        unit = rng.choice(list(UNITS))
        terms = Terms(
            organisation_id=rng.choice(organisations),
            lot_id=lot.id,
            title="Support for a placement",
            team=rng.choice(teams),
            start_on=start,
            end_on=start + timedelta(days=180),
            unit=unit,
            rate_pence=rng.randint(500, 25_000),
            planned_units=rng.randint(1, 300),
            held_back_percent=rng.choice((0, 5, 10, 15, 30)),
        )
        contract = make_contract(None, terms, direct_ground="urgent_need")
        active = rng.random() > 0.1
        if active:
            workflow.move(contract, ACTIVE, CONTRACT_MOVES, accepted_at=utcnow())
        row = Row(
            contract.id,
            terms.organisation_id,
            lot.id,
            terms.team,
            unit,
            terms.rate_pence,
            start,
            terms.total_pence,
            active,
        )
        built.contracts.append(row)
        if active:
            _statements_and_outcomes(rng, contract, row, terms, definitions[lot.id], built)
    db.session.commit()
    return built


def _statements_and_outcomes(rng, contract, row: Row, terms: Terms, definition_id, built) -> None:
    month = row.start_on.replace(day=1)
    made: list[tuple[Statement, StatementRow]] = []
    for _ in range(rng.randint(0, 4)):
        units = rng.randint(0, 40)
        delivery = Delivery(
            contract_id=contract.id,
            month=month,
            status=DELIVERY_APPROVED,
            units_delivered=units,
            sessions_offered=units,
            sessions_attended=rng.randint(0, units),
        )
        db.session.add(delivery)
        db.session.flush()
        amount = units * terms.rate_pence
        held_back = amount * terms.held_back_percent // 100
        status = rng.choice((STATEMENT_APPROVED,) * 4 + (STATEMENT_WAITING, STATEMENT_QUERIED))
        statement = Statement(
            number=f"SB-{next(_numbers):06d}",
            contract_id=contract.id,
            delivery_id=delivery.id,
            month=month,
            status=status,
            net_pence=amount - held_back,
            vat_pence=0,
            gross_pence=amount - held_back,
            approved_at=utcnow() if status == STATEMENT_APPROVED else None,
        )
        statement.lines = [
            StatementLine(position=1, kind=LINE_DELIVERY, description="Sessions",
                          quantity=units, unit_pence=terms.rate_pence, amount_pence=amount),
            StatementLine(position=2, kind=LINE_HELD_BACK, description="Held back for outcomes",
                          amount_pence=-held_back),
        ]  # fmt: skip
        db.session.add(statement)
        record = StatementRow(
            row, month, status == STATEMENT_APPROVED, amount - held_back, held_back, 0
        )
        built.statements.append(record)
        made.append((statement, record))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    db.session.flush()
    for position in range(rng.randint(0, 2)):
        status = rng.choice(
            (OUTCOME_MET, OUTCOME_PARTLY_MET, OUTCOME_NOT_MET, OUTCOME_DUE, OUTCOME_EVIDENCED)
        )
        decided = status in (OUTCOME_MET, OUTCOME_PARTLY_MET, OUTCOME_NOT_MET)
        decided_at = (
            datetime(2026, 10, 1, 12, tzinfo=UTC) + timedelta(days=rng.randrange(540))
            if decided
            else None
        )
        achieved = {OUTCOME_MET: 100, OUTCOME_PARTLY_MET: rng.randint(1, 99)}.get(status, 0)
        released = rng.randint(1, 50_000) if achieved else None
        outcome = ContractOutcome(
            contract_id=contract.id,
            definition_id=definition_id,
            position=position,
            baseline="60% attendance",
            target="85% attendance",
            review_on=row.start_on + timedelta(days=90),
            share_percent=50,
            status=status,
            achieved_percent=achieved if decided else None,
            decided_at=decided_at,
            released_pence=released,
        )
        db.session.add(outcome)
        db.session.flush()
        built.decisions.append(Decision(row, status, decided_at))
        if released and made:
            statement, record = rng.choice(made)
            statement.lines.append(
                StatementLine(
                    position=len(statement.lines) + 1,
                    kind=LINE_OUTCOME,
                    description="Outcome money released",
                    amount_pence=released,
                    outcome_id=outcome.id,
                )
            )
            statement.net_pence += released
            statement.gross_pence += released
            outcome.paid_on_statement_id = statement.id
            record.net_pence += released
            record.released_pence += released


# MonthlySpend against the statements ----------------------------------------------------------


def monthly_spend_kept() -> dict[tuple, tuple[int, ...]]:
    """MonthlySpend's rows, but those whose statements have all gone (every figure 0)."""
    rows = db.session.execute(
        select(MonthlySpend.month, MonthlySpend.lot_id, MonthlySpend.team, MonthlySpend.is_sme,
               MonthlySpend.is_vcse, MonthlySpend.is_local, MonthlySpend.statement_count,
               MonthlySpend.spend_pence, MonthlySpend.money_line_count,
               MonthlySpend.held_back_pence, MonthlySpend.released_pence)
    ).all()  # fmt: skip
    return {tuple(row[:6]): tuple(row[6:]) for row in rows if any(row[6:])}


def monthly_spend_added_up() -> dict[tuple, tuple[int, ...]]:
    """The approved statements and their held-back and outcome lines, added up afresh by
    month, lot, team and the organisation's flags as they are now."""
    key = (
        Statement.month,
        Contract.lot_id,
        Contract.team,
        Organisation.is_sme,
        Organisation.is_vcse,
        Organisation.is_local,
    )
    approved = (
        select(*key)
        .join(Contract, Contract.id == Statement.contract_id)
        .join(Organisation, Organisation.id == Contract.organisation_id)
        .where(Statement.status == STATEMENT_APPROVED)
        .group_by(*key)
    )
    found: dict[tuple, list[int]] = {}
    for *group, count, net in db.session.execute(
        approved.add_columns(func.count(), func.sum(Statement.net_pence))
    ):
        found[tuple(group)] = [int(count), int(net), 0, 0, 0]
    for *group, kind, count, amount in db.session.execute(
        approved.join(StatementLine, StatementLine.statement_id == Statement.id)
        .where(StatementLine.kind.in_((LINE_HELD_BACK, LINE_OUTCOME)))
        .group_by(StatementLine.kind)
        .add_columns(StatementLine.kind, func.count(), func.sum(StatementLine.amount_pence))
    ):
        figures = found[tuple(group)]
        figures[2] += int(count)
        if kind == LINE_HELD_BACK:
            figures[3] -= int(amount)  # held back is kept as a positive sum
        else:
            figures[4] += int(amount)
    return {group: tuple(figures) for group, figures in found.items()}
