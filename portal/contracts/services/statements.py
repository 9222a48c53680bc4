"""Self-billing statements: the council bills itself on the provider's behalf for each month's
submitted delivery, and a commissioner approves the statement or queries it.

A statement's lines are the month's units at the contract's current rate, the outcome-linked
share held back from them (a negative line), and one line for each outcome whose held-back money
a commissioner has released and no statement has yet paid. Its net total is the sum of its lines;
VAT is 20% of net, rounded half up to the penny, when the provider gave a VAT number, else
nothing; gross is net plus VAT. Every amount is whole pence.

A query sends the delivery back to the provider (DELIVERY_MOVES); its answer and corrected
delivery remake the same statement (same number, new lines). Each statement is approved once:
the approval is one compare-and-set move, so of twenty commissioners approving at once one
succeeds and the others are told it has been done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import uuid4

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from portal.accounts.models import User
from portal.accounts.services import active_staff_who_may
from portal.audit.services import record_change
from portal.competitions import personal_data
from portal.contracts.models import (
    DELIVERY_APPROVED,
    DELIVERY_QUERIED,
    LINE_DELIVERY,
    LINE_HELD_BACK,
    LINE_OUTCOME,
    STATEMENT_APPROVED,
    STATEMENT_QUERIED,
    STATEMENT_WAITING,
    UNIT_NAMES,
    Contract,
    ContractOutcome,
    Delivery,
    Statement,
    StatementLine,
)
from portal.contracts.services.common import (
    DELIVERY_MOVES,
    STATEMENT_MOVES,
    ContractError,
    clean_reason,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import NotFoundForUser, found
from portal.core.money import format_pence
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.core.time import utcnow
from portal.kpi_returns import months
from portal.organisations.models import Organisation
from portal.organisations.services import email_members_of
from portal.outbox.services import queue_email

VAT_RATE_PERCENT = 20


def statement_number(statement_id: int) -> str:
    """ "SB-000123": the number printed on the statement and in the finance export."""
    return f"SB-{statement_id:06d}"


def vat_on(net_pence: int, rate_percent: int) -> int:
    """VAT on `net_pence` at `rate_percent`, rounded half up to the penny (half a penny up)."""
    exact = Decimal(net_pence) * rate_percent / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Line:
    kind: str
    description: str
    amount_pence: int
    quantity: int | None = None
    unit_pence: int | None = None
    outcome_id: int | None = None


def delivery_lines(contract: Contract, delivery: Delivery) -> list[Line]:
    """The month's units at the contract's current rate, and the share held back from them."""
    amount = delivery.units_delivered * contract.rate_pence
    lines = [
        Line(
            kind=LINE_DELIVERY,
            description=f"{delivery.units_delivered:,} {UNIT_NAMES[contract.unit]} at "
            f"{format_pence(contract.rate_pence)} {contract.unit_label}",
            amount_pence=amount,
            quantity=delivery.units_delivered,
            unit_pence=contract.rate_pence,
        )
    ]
    if contract.held_back_percent:
        lines.append(
            Line(
                kind=LINE_HELD_BACK,
                description=f"{contract.held_back_percent}% held back until outcomes are met",
                amount_pence=-(amount * contract.held_back_percent // 100),
            )
        )
    return lines


def statement_of(delivery: Delivery) -> Statement | None:
    return db.session.scalar(select(Statement).where(Statement.delivery_id == delivery.id))


def issue_statement(
    user: User, contract: Contract, delivery: Delivery, *, answer: str | None = None
) -> Statement:
    """Make the statement for a delivery just submitted, or remake a queried one (with the
    provider's `answer`) from the corrected delivery. Outcome money released and not yet paid
    is paid on it. The commissioners who hear of contract work are emailed."""
    organisation = contract.organisation
    statement = statement_of(delivery)
    if statement is None:
        # The number comes from the id, known once the row is written.
        statement = Statement(
            number=f"new-{uuid4().hex[:12]}",
            contract_id=contract.id,
            delivery_id=delivery.id,
            month=delivery.month,
            status=STATEMENT_WAITING,
            net_pence=0,
            vat_pence=0,
            gross_pence=0,
        )
        db.session.add(statement)
        db.session.flush()
        statement.number = statement_number(statement.id)
    else:
        workflow.move(statement, STATEMENT_WAITING, STATEMENT_MOVES, provider_answer=answer)
        db.session.execute(delete(StatementLine).where(StatementLine.statement_id == statement.id))
    lines = delivery_lines(contract, delivery) + _outcome_lines(contract, statement)
    vat_rate = VAT_RATE_PERCENT if organisation.vat_number else 0
    net = sum(line.amount_pence for line in lines)
    statement.vat_number = organisation.vat_number
    statement.vat_rate_percent = vat_rate
    statement.net_pence = net
    statement.vat_pence = vat_on(net, vat_rate)
    statement.gross_pence = net + statement.vat_pence
    statement.issued_at = utcnow()
    for position, line in enumerate(lines, start=1):
        db.session.add(
            StatementLine(
                statement_id=statement.id,
                position=position,
                kind=line.kind,
                description=line.description,
                quantity=line.quantity,
                unit_pence=line.unit_pence,
                amount_pence=line.amount_pence,
                outcome_id=line.outcome_id,
            )
        )
    db.session.flush()
    db.session.expire(statement, ["lines"])
    record_change(
        "statement.issued" if answer is None else "statement.reissued",
        statement,
        user,
        contract.organisation_id,
        after={
            "number": statement.number,
            "net_pence": statement.net_pence,
            "vat_pence": statement.vat_pence,
            "gross_pence": statement.gross_pence,
            "answer": answer,
        },
    )
    _tell_commissioners(statement, contract, organisation)
    return statement


def _outcome_lines(contract: Contract, statement: Statement) -> list[Line]:
    """One line for each of the contract's outcomes whose released money is not yet paid (or
    paid on this statement, when it is remade), claimed for this statement in one UPDATE each
    so that no release is paid on two statements."""
    outcomes = db.session.scalars(
        select(ContractOutcome)
        .where(
            ContractOutcome.contract_id == contract.id,
            ContractOutcome.released_pence > 0,
            or_(
                ContractOutcome.paid_on_statement_id.is_(None),
                ContractOutcome.paid_on_statement_id == statement.id,
            ),
        )
        .options(selectinload(ContractOutcome.definition))
        .order_by(ContractOutcome.position, ContractOutcome.id)
    ).all()
    lines = []
    for outcome in outcomes:
        claimed = db.set_where(
            ContractOutcome,
            ContractOutcome.id == outcome.id,
            or_(
                ContractOutcome.paid_on_statement_id.is_(None),
                ContractOutcome.paid_on_statement_id == statement.id,
            ),
            paid_on_statement_id=statement.id,
        )
        if claimed != 1 or outcome.released_pence is None:
            continue
        lines.append(
            Line(
                kind=LINE_OUTCOME,
                description=f"Outcome money released: {outcome.definition.title}",
                amount_pence=outcome.released_pence,
                outcome_id=outcome.id,
            )
        )
    return lines


def _tell_commissioners(
    statement: Statement, contract: Contract, organisation: Organisation
) -> None:
    for person in active_staff_who_may("hear_of_contract_work"):
        queue_email(
            person.email,
            f"Statement {statement.number} from {organisation.display_name} is waiting for "
            "approval",
            "statement_waiting",
            user=person,
            statement=statement,
            contract=contract,
            organisation=organisation,
            month_name=months.month_name(statement.month),
        )


# Loading -----------------------------------------------------------------------------------------


def statement_for(organisation: Organisation, statement_id: int) -> Statement:
    """One of `organisation`'s statements with its lines, delivery and contract; NotFoundForUser
    (404) for any other, so ids cannot be probed."""
    statement = db.session.scalar(
        select(Statement)
        .where(Statement.id == statement_id)
        .options(
            selectinload(Statement.lines),
            selectinload(Statement.delivery),
            selectinload(Statement.contract).selectinload(Contract.organisation),
        )
    )
    if statement is None or statement.contract.organisation_id != organisation.id:
        raise NotFoundForUser()
    return statement


def statement_for_staff(statement_id: int) -> Statement:
    statement = found(db.session.get(Statement, statement_id))
    return statement


# The commissioner's decision ---------------------------------------------------------------------


def approve_statement(user: User, statement: Statement, *, seen: int | None) -> None:
    """Approve a waiting statement (and its delivery) for payment, from a page that showed
    version `seen`; the provider's members are emailed. Approved once however many approve at
    the same moment: the others are refused, nothing written."""
    workflow.move(
        statement,
        STATEMENT_APPROVED,
        STATEMENT_MOVES,
        seen=workflow.page_version(seen),
        approved_at=utcnow(),
        approved_by_id=user.id,
    )
    workflow.move(statement.delivery, DELIVERY_APPROVED, DELIVERY_MOVES)
    record_change(
        "statement.approved",
        statement,
        user,
        statement.contract.organisation_id,
        after={"number": statement.number, "gross_pence": statement.gross_pence},
    )
    _tell_provider(statement, "statement_approved", f"Statement {statement.number} approved")


def query_statement(
    user: User, statement: Statement, reason: str | None, *, seen: int | None
) -> None:
    """Query a waiting statement with a reason: the delivery goes back to the provider, whose
    members are emailed, to answer and correct. Refused from an old page or once decided."""
    text = clean_reason(reason, "reason", "what is wrong with the statement")
    problem = personal_data.problem_in(text, "Your question")
    if problem:
        raise ContractError(problem, "reason")
    workflow.move(
        statement,
        STATEMENT_QUERIED,
        STATEMENT_MOVES,
        seen=workflow.page_version(seen),
        query_reason=text,
        provider_answer=None,
    )
    workflow.move(statement.delivery, DELIVERY_QUERIED, DELIVERY_MOVES)
    record_change(
        "statement.queried",
        statement,
        user,
        statement.contract.organisation_id,
        after={"number": statement.number, "reason": text},
    )
    _tell_provider(
        statement,
        "statement_queried",
        f"The council has a question about statement {statement.number}",
    )


def _tell_provider(statement: Statement, template: str, subject: str) -> None:
    organisation = statement.contract.organisation
    email_members_of(
        organisation,
        subject,
        template,
        statement=statement,
        contract=statement.contract,
        organisation=organisation,
        month_name=months.month_name(statement.month),
    )


# Lists -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementFilters:
    """What the council's list of statements is narrowed to: a status (waiting by default), a
    commissioning team and a month, each None for all."""

    status: str | None = STATEMENT_WAITING
    team: str | None = None
    month: date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.status:
            conditions.append(Statement.status == self.status)
        if self.team:
            conditions.append(Contract.team == self.team)
        if self.month:
            conditions.append(Statement.month == self.month)
        return conditions


def council_statements(filters: StatementFilters, page: int) -> Page:
    """A page of statements for the council, oldest issued first (the longest waiting on
    top), each with its contract and organisation: one query, however many there are (two for
    a page past the end)."""
    conditions = filters.conditions()
    counted = (
        select(func.count(Statement.id))
        .join(Contract, Contract.id == Statement.contract_id)
        .where(*conditions)
    )
    # How many in all rides on the page's rows (pagination.rows_and_total), counted by a
    # subquery not correlated to them: not a statement of its own.
    query = (
        select(Statement, counted.correlate(None).scalar_subquery().label("total"))
        .join(Statement.contract)
        .join(Contract.organisation)
        .where(*conditions)
        .options(contains_eager(Statement.contract).contains_eager(Contract.organisation))
        .order_by(Statement.issued_at, Statement.id)
        .limit(PER_PAGE)
    )
    rows, number, total = rows_and_total(
        page,
        lambda first: db.session.execute(query.offset(first)).all(),
        lambda: db.count(counted),
    )
    return Page([row[0] for row in rows], number, total)


def statements_of(organisation_id: int) -> list[Statement]:
    """An organisation's statements, newest month first, with their contracts (one query)."""
    return list(
        db.session.scalars(
            select(Statement)
            .join(Statement.contract)
            .where(Contract.organisation_id == organisation_id)
            .options(contains_eager(Statement.contract))
            .order_by(Statement.month.desc(), Statement.id.desc())
        )
    )


@dataclass(frozen=True)
class MonthApproved:
    month: date
    statements: int
    net_pence: int
    vat_pence: int
    gross_pence: int


def approved_by_month(organisation_id: int) -> list[MonthApproved]:
    """What the council has approved for an organisation, month by month, newest first."""
    rows = db.session.execute(
        select(
            Statement.month,
            func.count(Statement.id),
            func.sum(Statement.net_pence),
            func.sum(Statement.vat_pence),
            func.sum(Statement.gross_pence),
        )
        .join(Contract, Contract.id == Statement.contract_id)
        .where(Contract.organisation_id == organisation_id, Statement.status == STATEMENT_APPROVED)
        .group_by(Statement.month)
        .order_by(Statement.month.desc())
    ).all()
    return [
        MonthApproved(month, int(count), int(net), int(vat), int(gross))
        for month, count, net, vat, gross in rows
    ]


# How many statements wait for a commissioner, and when the oldest was issued: one row, for a
# home page to read with its other figures. Both are read from the index of waiting statements
# alone (ix_statements_waiting): count(*), as count(id) would have to fetch each row for an id
# the index does not hold. Built once.
WAITING_COUNT = select(func.count(), func.min(Statement.issued_at)).where(
    Statement.status == STATEMENT_WAITING
)
