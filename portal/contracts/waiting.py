"""What of call-off contracts is waiting for someone, for their home page. A provider: contracts
sent to it to accept, months of delivery due soon or overdue, the council's questions on its
statements, outcomes due for evidence. A commissioner: drafts made from awards to complete and
send, statements waiting for approval, outcome evidence to decide. A fixed number of queries,
however many contracts there are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import (
    Date,
    String,
    bindparam,
    cast,
    extract,
    func,
    literal_column,
    select,
)

from portal.accounts.models import User
from portal.contracts.models import (
    ACTIVE,
    DELIVERY_DRAFT,
    DRAFT,
    OUTCOME_DUE,
    OUTCOME_EVIDENCED,
    STATEMENT_QUERIED,
    Contract,
    ContractOutcome,
    Delivery,
    OutcomeDefinition,
    Statement,
    reference_of,
)
from portal.contracts.services import delivery, statements
from portal.core.permissions import can
from portal.core.time import format_date, today
from portal.core.waiting import DUE_SOON, OVERDUE, TO_DO, Figures, Listed, Waiting, plural
from portal.kpi_returns import months
from portal.organisations.models import Organisation

# How many contracts the home lists one by one (the rest are counted).
LISTED = 10


# The provider's home lists an outcome for evidence from this many days before its review date.
DUE_WITHIN_DAYS = 30
# How many outcomes waiting for a decision a commissioner's home lists one by one.
OUTCOMES_LISTED = 10


def waiting_for(
    user: User, organisations: list[Organisation]
) -> Sequence[Waiting | Figures | Listed]:
    if not user.is_staff:
        return _for_provider(organisations)
    if not can(user, "manage_contracts"):
        return []
    return [
        Listed(_SENDING, {}, _to_send),
        _statements_to_approve(),
        Listed(_DECIDING, {}, _outcomes_to_decide),
    ]


# The organisations' contracts as the columns their items show (not objects of every column),
# each with the months its delivery is in for (submitted, queried or approved): how many, the
# first and the last, and the months themselves as text (each month's number counted from
# January of year 0, so no database's way of writing a date matters). A contract whose months
# in are just the months ended, the usual case, owes none, and its months are never read one by
# one; where every month was a row, a provider with ten contracts read two hundred. One
# statement, built once with the ids bound; the deliveries grouped are only these contracts'.
_MONTH_NUMBER = extract("year", Delivery.month) * 12 + extract("month", Delivery.month) - 1
_OF_ORGANISATIONS = select(Contract.id).where(
    Contract.organisation_id.in_(bindparam("ids", expanding=True))
)
_IN = (
    select(
        Delivery.contract_id,
        func.count().label("months_in"),
        func.min(Delivery.month).label("first"),
        func.max(Delivery.month).label("last"),
        func.aggregate_strings(cast(_MONTH_NUMBER, String), ",").label("months"),
    )
    .where(
        Delivery.contract_id.in_(_OF_ORGANISATIONS),
        Delivery.status != DELIVERY_DRAFT,
    )
    .group_by(Delivery.contract_id)
    .subquery()
)
_PROVIDER_CONTRACTS = (
    select(
        Contract.id,
        Contract.organisation_id,
        Contract.status,
        Contract.sent_at,
        Contract.title,
        Contract.start_on,
        Contract.end_on,
        _IN.c.months_in,
        _IN.c.first,
        _IN.c.last,
        _IN.c.months,
    )
    .outerjoin(_IN, _IN.c.contract_id == Contract.id)
    .where(Contract.organisation_id.in_(bindparam("ids", expanding=True)))
)
# The statements the council has queried on the organisations' contracts (only ever on those
# accepted), each month's oldest first, and the outcomes due for evidence (their review date
# within DUE_WITHIN_DAYS, or past) on the active ones, soonest first: each with its contract's
# organisation, so that neither waits for the contracts to be read (all three are read with the
# home's other lists, in one statement).
_QUERIED = (
    select(
        Statement.contract_id,
        Statement.month,
        Statement.number,
        Contract.organisation_id,
    )
    .join(Contract, Contract.id == Statement.contract_id)
    .where(
        Contract.organisation_id.in_(bindparam("ids", expanding=True)),
        Contract.status != DRAFT,
        Statement.status == STATEMENT_QUERIED,
    )
    .order_by(Statement.month, Statement.id)
)
_DUE = (
    select(
        ContractOutcome.contract_id,
        ContractOutcome.review_on,
        OutcomeDefinition.title,
        Contract.organisation_id,
    )
    .join(Contract, Contract.id == ContractOutcome.contract_id)
    .join(OutcomeDefinition, OutcomeDefinition.id == ContractOutcome.definition_id)
    .where(
        Contract.organisation_id.in_(bindparam("ids", expanding=True)),
        Contract.status == ACTIVE,
        ContractOutcome.status == OUTCOME_DUE,
        ContractOutcome.review_on <= bindparam("until", type_=Date),
    )
    .order_by(ContractOutcome.review_on, ContractOutcome.id)
)


def _for_provider(organisations: list[Organisation]) -> list[Listed]:
    """The organisations' contracts, with their months of delivery in (those sent to accept,
    those recording delivery), the statements queried and the outcomes due: three lists read
    with the home's others, none of them before another."""
    names = {organisation.id: organisation.display_name for organisation in organisations}
    if not names:
        return []
    ids = {"ids": list(names)}
    on = today()
    return [
        Listed(_PROVIDER_CONTRACTS, ids, partial(_contract_items, names)),
        Listed(_QUERIED, ids, _statements_queried),
        Listed(
            _DUE,
            {**ids, "until": on + timedelta(days=DUE_WITHIN_DAYS)},
            partial(_due_for_evidence, names, on),
        ),
    ]


def _contract_items(names: dict[int, str], rows: list[Sequence[Any]]) -> list[Waiting]:
    """Contracts sent to accept, and months of delivery due, from the rows of
    _PROVIDER_CONTRACTS."""
    contracts = [_ContractRow._make(row) for row in rows]
    sent = sorted(
        (each for each in contracts if each.status == DRAFT and each.sent_at is not None),
        key=lambda each: (each.sent_at, each.id),
    )
    recording = sorted(
        (each for each in contracts if each.status in delivery.RECORDING),
        key=lambda each: (each.start_on, each.id),
    )
    return [*_to_accept(sent, names), *_delivery_due(recording, names)]


class _ContractRow(NamedTuple):
    """A row of _PROVIDER_CONTRACTS."""

    id: int
    organisation_id: int
    status: str
    sent_at: datetime | None
    title: str
    start_on: date
    end_on: date
    months_in: int | None
    first: date | None
    last: date | None
    months: str | None


def _to_accept(sent: list[_ContractRow], names: dict[int, str]) -> list[Waiting]:
    return [
        Waiting(
            link=f"Accept contract {reference_of(contract.id)}: ‘{contract.title}’",
            endpoint="contracts.show",
            args={"contract_id": contract.id},
            hint=(
                f"The council has sent {names[contract.organisation_id]} a contract to accept. "
                "It starts when you accept it"
            ),
            urgency=DUE_SOON,
        )
        for contract in sent
    ]


# Drafts made from awards and not yet sent, oldest first, with how many in all: by a subquery
# run once on the listed rows (with none listed, none is counted, and none is needed). Both read
# the partial index of such drafts (ix_contracts_to_send) alone, not the table; the status is
# written into the SQL, not a parameter, so that a prepared statement's plan can use that index
# too. Of the columns the items show; read with the home's other lists (_SENDING).
_WAITING_TO_SEND = (Contract.status == literal_column(f"'{DRAFT}'"), Contract.sent_at.is_(None))
_TO_SEND = (
    select(
        Contract.id.label("contract_id"),
        Contract.title.label("contract_title"),
        select(func.count())
        .where(*_WAITING_TO_SEND)
        .correlate(None)
        .scalar_subquery()
        .label("total"),
    )
    .where(*_WAITING_TO_SEND)
    .order_by(Contract.id)
    .limit(LISTED)
    .subquery()
)
# The oldest, limited within, in their order: a list the home reads with its others
# (core.waiting.Listed, which is not limited itself).
_SENDING = select(*_TO_SEND.c).order_by(_TO_SEND.c.contract_id)


def _to_send(rows: list[Sequence[Any]]) -> list[Waiting]:
    """The items for the rows of _SENDING, and one for the rest when there are more."""
    total = rows[0][2] if rows else 0
    items = [
        Waiting(
            link=f"Complete and send contract {reference_of(contract_id)}: ‘{title}’",
            endpoint="contracts.complete",
            args={"contract_id": contract_id},
            hint="Made from a confirmed award: give its team and end date, then send it",
            urgency=TO_DO,
        )
        for contract_id, title, _total in rows
    ]
    if total > LISTED:
        items.append(
            Waiting(
                link="All contracts to complete and send",
                endpoint="contracts.index",
                args={"status": "to_send"},
                hint=f"{plural(total, 'contract', 'contracts')}; the {LISTED} oldest are listed",
            )
        )
    return items


# Delivery and statements --------------------------------------------------------------------------

# How far ahead a provider's home warns of a month's delivery falling due.
DUE_WARNING_DAYS = 14


def _delivery_due(recording: list[_ContractRow], names: dict[int, str]) -> list[Waiting]:
    """Each month of delivery owed on the contracts recording it (a row of _PROVIDER_CONTRACTS
    each) that is overdue or due within DUE_WARNING_DAYS, soonest due first."""
    on = months.current_day()
    due = delivery.DueDates()
    owed = [
        (due(month), contract.id, month, contract)
        for contract in recording
        for month in _months_owed(contract, on)
    ]
    owed.sort(key=lambda each: each[:2])
    items = []
    for due_on, _id, month, contract in owed:
        state = delivery.owed_state(due_on, on)
        if state == delivery.DUE and due_on > on + timedelta(days=DUE_WARNING_DAYS):
            continue
        late = state == delivery.OVERDUE
        named = f" for {names[contract.organisation_id]}" if len(names) > 1 else ""
        items.append(
            Waiting(
                link=f"Record the delivery for {months.month_name(month)} on "
                f"{reference_of(contract.id)}{named}",
                endpoint="contracts.delivery_month",
                args={
                    "organisation_id": contract.organisation_id,
                    "contract_id": contract.id,
                    "year": month.year,
                    "month": month.month,
                },
                hint=f"{'Overdue: it was due' if late else 'Due'} on "
                f"{due_on:%A} {format_date(due_on)}",
                urgency=OVERDUE if late else DUE_SOON,
                due=due_on,
            )
        )
    return items


def _months_owed(contract: _ContractRow, on: date) -> list[date]:
    """The months ended by `on` whose delivery is not in, for a row of _PROVIDER_CONTRACTS.
    When as many months are in as have ended, none before the first nor after the last (a
    month has one delivery), they are the same months: nothing is owed, and neither the months
    ended nor those in are listed one by one."""
    first, last = delivery.ended_span(contract.start_on, contract.end_on, on)
    if last < first:
        return []
    in_, first_in, last_in = contract.months_in, contract.first, contract.last
    if (
        in_ == _number(last) - _number(first) + 1
        and first_in is not None
        and last_in is not None
        and first_in >= first
        and last_in <= last
    ):
        return []
    delivered = {int(month) for month in (contract.months or "").split(",") if month}
    ended = months.months_between(first, last)
    return [month for month in ended if _number(month) not in delivered]


def _number(month: date) -> int:
    """A month's number counted from January of year 0, as _PROVIDER_CONTRACTS gives them."""
    return month.year * 12 + month.month - 1


def _statements_queried(queried: list[Sequence[Any]]) -> list[Waiting]:
    """Each statement the council has queried (a row of _QUERIED), oldest month first."""
    return [
        Waiting(
            link=f"Answer the council’s question on statement {number}",
            endpoint="contracts.delivery_month",
            args={
                "organisation_id": organisation_id,
                "contract_id": contract_id,
                "year": month.year,
                "month": month.month,
            },
            hint=f"Delivery for {months.month_name(month)}: correct it or say why "
            "it is right, and submit it again",
            urgency=DUE_SOON,
        )
        for contract_id, month, number, organisation_id in queried
    ]


def _statements_to_approve() -> Figures:
    return Figures(statements.WAITING_COUNT, {}, _statements_waiting)


def _statements_waiting(figures: Sequence[Any]) -> list[Waiting]:
    """The item for the statements waiting for approval (figures of WAITING_COUNT)."""
    count, oldest = figures
    if not count:
        return []
    return [
        Waiting(
            link="Statements waiting for approval",
            endpoint="contracts.statements_list",
            hint=f"{plural(count, 'statement', 'statements')}, the oldest issued on "
            f"{format_date(oldest)}",
            urgency=DUE_SOON,
        )
    ]


# Outcomes -----------------------------------------------------------------------------------------


def _due_for_evidence(names: dict[int, str], on: date, due: list[Sequence[Any]]) -> list[Waiting]:
    """A provider's outcomes due for evidence on its active contracts (rows of _DUE), soonest
    review date first."""
    items = []
    for contract_id, review_on, title, organisation_id in due:
        named = f" for {names[organisation_id]}" if len(names) > 1 else ""
        past = review_on < on
        items.append(
            Waiting(
                link=f"Give evidence for ‘{title}’{named}",
                endpoint="contracts.outcomes",
                args={"contract_id": contract_id},
                hint=f"{reference_of(contract_id)}: the review date "
                f"{'was' if past else 'is'} {format_date(review_on)}",
                urgency=OVERDUE if past else DUE_SOON,
                due=review_on,
            )
        )
    return items


# The oldest few and the count, each from the index of outcomes with evidence
# (ix_contract_outcomes_evidenced): the count a subquery run once (a count over the listed rows'
# window would join every one of them to its contract first), the outcome's title joined, not
# loaded by a second query. Of the columns shown.
_EVIDENCED = ContractOutcome.status == OUTCOME_EVIDENCED
_OUTCOMES_TO_DECIDE = (
    select(
        ContractOutcome.evidenced_at,
        ContractOutcome.review_on,
        Contract.id.label("contract_id"),
        Contract.title.label("contract_title"),
        OutcomeDefinition.title.label("outcome_title"),
        ContractOutcome.id.label("position"),
        select(func.count()).where(_EVIDENCED).correlate(None).scalar_subquery().label("total"),
    )
    .join(Contract, Contract.id == ContractOutcome.contract_id)
    .join(OutcomeDefinition, OutcomeDefinition.id == ContractOutcome.definition_id)
    .where(_EVIDENCED)
    .order_by(ContractOutcome.evidenced_at, ContractOutcome.id)
    .limit(OUTCOMES_LISTED)
    .subquery()
)
# Those waiting longest, limited within, in their order: a list the home reads with its others.
_DECIDING = select(*_OUTCOMES_TO_DECIDE.c).order_by(
    _OUTCOMES_TO_DECIDE.c.evidenced_at, _OUTCOMES_TO_DECIDE.c.position
)


def _outcomes_to_decide(rows: list[Sequence[Any]]) -> list[Waiting]:
    """The items for the rows of _DECIDING, and one for the rest when there are more."""
    total = rows[0][-1] if rows else 0
    on = today()
    items = [
        Waiting(
            link=f"Decide the outcome ‘{outcome}’ on {reference_of(contract_id)}",
            endpoint="contracts.outcomes",
            args={"contract_id": contract_id},
            hint=f"{title}: evidence given {format_date(evidenced_at)}",
            urgency=OVERDUE if review_on < on else TO_DO,
            due=review_on,
        )
        for evidenced_at, review_on, contract_id, title, outcome, _position, _total in rows
    ]
    if total > OUTCOMES_LISTED:
        items.append(
            Waiting(
                link="More outcome evidence to decide",
                endpoint=None,
                hint=f"{total} outcomes have evidence to decide; the {OUTCOMES_LISTED} waiting "
                "longest are listed above",
            )
        )
    return items
