"""What of call-off contracts is waiting for someone, for their home page. A provider: contracts
sent to it to accept, months of delivery due soon or overdue, the council's questions on its
statements, outcomes due for evidence. A commissioner: drafts made from awards to complete and
send, statements waiting for approval, outcome evidence to decide. A fixed number of queries,
however many contracts there are."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, bindparam, func, literal_column, select

from portal.accounts.models import User
from portal.contracts.models import (
    ACTIVE,
    DRAFT,
    OUTCOME_DUE,
    OUTCOME_EVIDENCED,
    Contract,
    ContractOutcome,
    OutcomeDefinition,
    reference_of,
)
from portal.contracts.services import delivery, statements
from portal.core.db import db
from portal.core.permissions import can
from portal.core.time import format_date, today
from portal.core.waiting import DUE_SOON, OVERDUE, TO_DO, Waiting, plural
from portal.kpi_returns import months
from portal.organisations.models import Organisation

# How many contracts the home lists one by one (the rest are counted).
LISTED = 10


# The provider's home lists an outcome for evidence from this many days before its review date.
DUE_WITHIN_DAYS = 30
# How many outcomes waiting for a decision a commissioner's home lists one by one.
OUTCOMES_LISTED = 10


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    if not user.is_staff:
        return _for_provider(organisations)
    if not can(user, "manage_contracts"):
        return []
    return [*_to_send(), *_statements_to_approve(), *_outcomes_to_decide()]


# Built once: a statement built for every request costs more than running it.
_PROVIDER_CONTRACTS = select(Contract).where(
    Contract.organisation_id.in_(bindparam("ids", expanding=True))
)
_DUE_FOR_EVIDENCE = (
    select(ContractOutcome.contract_id, ContractOutcome.review_on, OutcomeDefinition.title)
    .join(OutcomeDefinition, OutcomeDefinition.id == ContractOutcome.definition_id)
    .where(
        ContractOutcome.contract_id.in_(bindparam("contract_ids", expanding=True)),
        ContractOutcome.status == OUTCOME_DUE,
        ContractOutcome.review_on <= bindparam("until", type_=Date),
    )
    .order_by(ContractOutcome.review_on, ContractOutcome.id)
)


def _for_provider(organisations: list[Organisation]) -> list[Waiting]:
    """The organisations' contracts are read once (those sent to accept, those recording
    delivery, the active ones with outcomes), then what each part needs of them: three queries
    at most, one for an organisation with no contract accepted."""
    names = {organisation.id: organisation.display_name for organisation in organisations}
    if not names:
        return []
    contracts = list(db.session.scalars(_PROVIDER_CONTRACTS, {"ids": list(names)}))
    sent = sorted(
        (each for each in contracts if each.status == DRAFT and each.sent_at is not None),
        key=lambda each: (each.sent_at, each.id),
    )
    recording = sorted(
        (each for each in contracts if each.status in delivery.RECORDING),
        key=lambda each: (each.start_on, each.id),
    )
    active = {each.id: each for each in contracts if each.status == ACTIVE}
    # Deliveries, and statements queried, are only ever on contracts accepted.
    accepted = [each.id for each in contracts if each.status != DRAFT]
    recorded, queried = delivery.recorded_and_queried(accepted) if accepted else ({}, [])
    organisation_of = {each.id: each.organisation_id for each in contracts}
    return [
        *_to_accept(sent, names),
        *_delivery_due(recording, recorded, organisations),
        *_statements_queried(queried, organisation_of),
        *_due_for_evidence(active, names),
    ]


def _to_accept(sent: list[Contract], names: dict[int, str]) -> list[Waiting]:
    return [
        Waiting(
            link=f"Accept contract {contract.reference}: ‘{contract.title}’",
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
# run once on the listed rows, one statement, not two (with none listed, none is counted, and
# none is needed). Both read the partial index of such drafts (ix_contracts_to_send) alone, not
# the table; the status is written into the SQL, not a parameter, so that a prepared statement's
# plan can use that index too. Built once, and of the columns the items show.
_WAITING_TO_SEND = (Contract.status == literal_column(f"'{DRAFT}'"), Contract.sent_at.is_(None))
_TO_SEND = (
    select(
        Contract.id,
        Contract.title,
        select(func.count())
        .where(*_WAITING_TO_SEND)
        .correlate(None)
        .scalar_subquery()
        .label("total"),
    )
    .where(*_WAITING_TO_SEND)
    .order_by(Contract.id)
    .limit(LISTED)
)


def _to_send() -> list[Waiting]:
    rows = db.session.execute(_TO_SEND).all()
    total = rows[0].total if rows else 0
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


def _delivery_due(
    recording: list[Contract],
    recorded: dict[tuple[int, date], str],
    organisations: list[Organisation],
) -> list[Waiting]:
    on = months.current_day()
    names = {organisation.id: organisation.display_name for organisation in organisations}
    items = []
    for state in delivery.owed_from(recording, recorded, on):
        if state.state == delivery.DUE and state.due > on + timedelta(days=DUE_WARNING_DAYS):
            continue
        late = state.state == delivery.OVERDUE
        contract = state.contract
        named = f" for {names[contract.organisation_id]}" if len(organisations) > 1 else ""
        items.append(
            Waiting(
                link=f"Record the delivery for {months.month_name(state.month)} on "
                f"{contract.reference}{named}",
                endpoint="contracts.delivery_month",
                args={
                    "organisation_id": contract.organisation_id,
                    "contract_id": contract.id,
                    "year": state.month.year,
                    "month": state.month.month,
                },
                hint=f"{'Overdue: it was due' if late else 'Due'} on "
                f"{state.due:%A} {format_date(state.due)}",
                urgency=OVERDUE if late else DUE_SOON,
                due=state.due,
            )
        )
    return items


def _statements_queried(
    queried: list[delivery.Queried], organisation_of: dict[int, int]
) -> list[Waiting]:
    items = []
    for statement in queried:
        items.append(
            Waiting(
                link=f"Answer the council’s question on statement {statement.number}",
                endpoint="contracts.delivery_month",
                args={
                    "organisation_id": organisation_of[statement.contract_id],
                    "contract_id": statement.contract_id,
                    "year": statement.month.year,
                    "month": statement.month.month,
                },
                hint=f"Delivery for {months.month_name(statement.month)}: correct it or say why "
                "it is right, and submit it again",
                urgency=DUE_SOON,
            )
        )
    return items


def _statements_to_approve() -> list[Waiting]:
    count, oldest = statements.waiting_count()
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


def _due_for_evidence(active: dict[int, Contract], names: dict[int, str]) -> list[Waiting]:
    """A provider's outcomes due for evidence (review date within DUE_WITHIN_DAYS, or past) on
    its active contracts: one query of columns, none without an active contract."""
    if not active:
        return []
    on = today()
    items = []
    for contract_id, review_on, title in db.session.execute(
        _DUE_FOR_EVIDENCE,
        {"contract_ids": list(active), "until": on + timedelta(days=DUE_WITHIN_DAYS)},
    ):
        contract = active[contract_id]
        named = f" for {names[contract.organisation_id]}" if len(names) > 1 else ""
        past = review_on < on
        items.append(
            Waiting(
                link=f"Give evidence for ‘{title}’{named}",
                endpoint="contracts.outcomes",
                args={"contract_id": contract.id},
                hint=f"{contract.reference}: the review date "
                f"{'was' if past else 'is'} {format_date(review_on)}",
                urgency=OVERDUE if past else DUE_SOON,
                due=review_on,
            )
        )
    return items


# The oldest few and the count, each from the index of outcomes with evidence
# (ix_contract_outcomes_evidenced), in one statement: the count a subquery run once (a count
# over the listed rows' window would join every one of them to its contract first), the
# outcome's title joined, not loaded by a second query. Built once, of the columns shown.
_EVIDENCED = ContractOutcome.status == OUTCOME_EVIDENCED
_OUTCOMES_TO_DECIDE = (
    select(
        ContractOutcome.evidenced_at,
        ContractOutcome.review_on,
        Contract.id,
        Contract.title,
        OutcomeDefinition.title,
        select(func.count()).where(_EVIDENCED).correlate(None).scalar_subquery().label("total"),
    )
    .join(Contract, Contract.id == ContractOutcome.contract_id)
    .join(OutcomeDefinition, OutcomeDefinition.id == ContractOutcome.definition_id)
    .where(_EVIDENCED)
    .order_by(ContractOutcome.evidenced_at, ContractOutcome.id)
    .limit(OUTCOMES_LISTED)
)


def _outcomes_to_decide() -> list[Waiting]:
    rows = db.session.execute(_OUTCOMES_TO_DECIDE).all()
    total = rows[0].total if rows else 0
    on = today()
    items = [
        Waiting(
            link=f"Decide the outcome ‘{title}’ on {reference_of(contract_id)}",
            endpoint="contracts.outcomes",
            args={"contract_id": contract_id},
            hint=f"{contract_title}: evidence given {format_date(evidenced_at)}",
            urgency=OVERDUE if review_on < on else TO_DO,
            due=review_on,
        )
        for evidenced_at, review_on, contract_id, contract_title, title, _total in rows
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
