"""Monthly delivery: what the provider delivered on a contract each month (units, sessions
offered and attended, cancellations by reason), drafted and then submitted. Submitting makes the
month's self-billing statement (portal/contracts/services/statements.py); a statement the council
queries sends the delivery back to the provider to answer, correct and submit again.

A month's delivery is due on the same working day after the month ends as a KPI return (the
KPI_DUE_WORKING_DAYS setting, England and Wales bank holidays), and whether it is due or overdue
is worked out from dates when it is read, never flipped by a timer. Reminders are sent by
`send_reminders` (`flask contracts remind`), each once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.audit.services import record_change
from portal.competitions import personal_data
from portal.contracts.models import (
    ACTIVE,
    CANCELLATION_REASONS,
    DELIVERY_APPROVED,
    DELIVERY_DRAFT,
    DELIVERY_QUERIED,
    DELIVERY_SUBMITTED,
    DRAFT,
    ENDED,
    Contract,
    Delivery,
    DeliveryReminder,
    Statement,
)
from portal.contracts.services import statements
from portal.contracts.services.common import (
    DELIVERY_MOVES,
    MAX_UNITS,
    ContractError,
    clean_reason,
    contract_for_provider,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.numbers import whole_number
from portal.core.time import format_date, utcnow, working_days_between
from portal.core.words import shown
from portal.kpi_returns import months
from portal.organisations.models import Organisation
from portal.organisations.services import email_members_of
from portal.settings.services import framework_settings

NOTES_LIMIT = 2000
# More sessions than this in a month is a typing slip, not a placement.
MAX_SESSIONS = 1_000
# Contracts whose delivery is still recorded: active ones, and ended ones for their last months
# (a contract ends on its end date, before its last month's delivery can be submitted). A draft
# contract has not started; a terminated one is settled by the commissioner outside the portal.
RECORDING = (ACTIVE, ENDED)

# A month's state, as the provider's pages and the home page show it.
NOT_ENDED = "not_ended"  # the month has begun but not ended: a draft may be saved
DUE = "due"
OVERDUE = "overdue"
SUBMITTED = "submitted"  # waiting for the council
QUERIED = "queried"
APPROVED = "approved"
STATE_LABELS = {
    NOT_ENDED: "Month not ended",
    DUE: "Due",
    OVERDUE: "Overdue",
    SUBMITTED: "Waiting for the council",
    QUERIED: "Queried by the council",
    APPROVED: "Approved",
}

# Reminders: from REMINDER_WORKING_DAYS before the due date, and the day after it.
REMINDER_DUE = "due"
REMINDER_OVERDUE = "overdue"
REMINDER_WORKING_DAYS = 5
REMINDER_SUBJECTS = {
    REMINDER_DUE: "Delivery for {month} on {reference} is due on {due}",
    REMINDER_OVERDUE: "Delivery for {month} on {reference} is overdue",
}

_COUNT_NAMES = {
    "units_delivered": "Units delivered",
    "sessions_offered": "Sessions offered",
    "sessions_attended": "Sessions attended",
}


def cancellation_field(reason: str) -> str:
    """The form's name for the count of sessions cancelled for `reason`."""
    return f"cancelled_{reason}"


@dataclass(frozen=True)
class Figures:
    """A month's delivery as the provider gives it: counts checked, notes cleaned."""

    units_delivered: int
    sessions_offered: int
    sessions_attended: int
    cancellations: dict[str, int]
    notes: str | None

    def values(self) -> dict[str, object]:
        return {
            "units_delivered": self.units_delivered,
            "sessions_offered": self.sessions_offered,
            "sessions_attended": self.sessions_attended,
            "cancellations": self.cancellations,
            "notes": self.notes,
        }


def _count(text: str | None, label: str, limit: int) -> tuple[int | None, str | None]:
    """A count typed into a box: (the number, None), or (None, what is wrong)."""
    typed = (text or "").strip().replace(",", "")
    if not typed:
        return 0, None
    if typed.startswith("-") and whole_number(typed[1:]) is not None:
        return None, f"{label} must be 0 or more"
    number = whole_number(typed)
    if number is None and typed.isascii() and typed.isdigit():
        return None, f"{label} must be {limit:,} or fewer"  # beyond what a column holds
    if number is None:
        return None, f"{label} must be a whole number, like 12"
    if number > limit:
        return None, f"{label} must be {limit:,} or fewer"
    return number, None


def read_figures(typed: dict[str, str | None], *, submitting: bool) -> Figures:
    """The figures from what was typed (`typed` holds the form's boxes by name), or
    ContractError naming each box that is wrong. A draft may leave boxes blank (as 0); a
    submission must deliver at least one unit."""
    errors: dict[str, str] = {}
    counts: dict[str, int] = {}
    for name, label in _COUNT_NAMES.items():
        limit = MAX_UNITS if name == "units_delivered" else MAX_SESSIONS
        number, problem = _count(typed.get(name), label, limit)
        if problem:
            errors[name] = problem
        counts[name] = number or 0
    if submitting and "units_delivered" not in errors and counts["units_delivered"] == 0:
        errors["units_delivered"] = (
            "Enter the units delivered this month: at least 1. If nothing was delivered, "
            "tell the commissioner rather than submitting"
        )
    if (
        "sessions_offered" not in errors
        and "sessions_attended" not in errors
        and counts["sessions_attended"] > counts["sessions_offered"]
    ):
        errors["sessions_attended"] = (
            f"Sessions attended must be no more than the sessions offered "
            f"({counts['sessions_offered']:,})"
        )
    cancellations: dict[str, int] = {}
    for reason, label in CANCELLATION_REASONS.items():
        name = cancellation_field(reason)
        number, problem = _count(
            typed.get(name), f"Sessions cancelled: {label[0].lower()}{label[1:]}", MAX_SESSIONS
        )
        if problem:
            errors[name] = problem
        elif number:
            cancellations[reason] = number
    notes = (typed.get("notes") or "").strip() or None
    if notes and len(notes) > NOTES_LIMIT:
        errors["notes"] = f"Notes must be {NOTES_LIMIT:,} characters or fewer"
    elif notes:
        problem = personal_data.problem_in(notes, "Notes")
        if problem:
            errors["notes"] = problem
    if errors:
        raise ContractError(errors=errors)
    return Figures(
        units_delivered=counts["units_delivered"],
        sessions_offered=counts["sessions_offered"],
        sessions_attended=counts["sessions_attended"],
        cancellations=cancellations,
        notes=notes,
    )


def clean_answer(text: str | None) -> str:
    """The provider's answer to the council's query: given, not too long, naming no child."""
    answer = clean_reason(text, "answer", "your answer to the council's question")
    problem = personal_data.problem_in(answer, "Your answer")
    if problem:
        raise ContractError(problem, "answer")
    return answer


# Months and their states -------------------------------------------------------------------------


def contract_months(contract: Contract) -> list[date]:
    """Every month the contract runs in, from its start to its end."""
    return months.months_between(contract.start_on, contract.end_on)


class StatementShown(NamedTuple):
    """A month's statement as the contract page shows it beside the month."""

    id: int
    number: str
    status: str
    gross_pence: int


@dataclass(frozen=True)
class MonthState:
    contract: Contract
    month: date
    due: date
    state: str
    statement: StatementShown | None = None
    has_draft: bool = False  # the provider has saved a draft of the month's delivery

    label = shown(STATE_LABELS, "state")


def state_of(month: date, status: str | None, on: date, due: date) -> str:
    """A month's state from its delivery's status (None: no delivery recorded)."""
    if status is not None and status != DELIVERY_DRAFT:
        return {
            DELIVERY_SUBMITTED: SUBMITTED,
            DELIVERY_QUERIED: QUERIED,
            DELIVERY_APPROVED: APPROVED,
        }[status]
    if on <= months.last_day(month):
        return NOT_ENDED
    return OVERDUE if on > due else DUE


class DueDates:
    """Due dates by month, each worked out once (the setting is read once)."""

    def __init__(self) -> None:
        self._working_days = framework_settings().kpi_due_working_days
        self._dates: dict[date, date] = {}

    def __call__(self, month: date) -> date:
        if month not in self._dates:
            self._dates[month] = months.due_date(month, self._working_days)
        return self._dates[month]


# Each delivery's status with its statement's columns the page shows (a delivery has one
# statement at most): one statement of columns, not the deliveries and then their statements
# as objects of every column. Built once, with the contracts' ids bound.
_MONTHS_RECORDED = (
    select(
        Delivery.contract_id,
        Delivery.month,
        Delivery.status,
        Statement.id,
        Statement.number,
        Statement.status,
        Statement.gross_pence,
    )
    .outerjoin(Statement, Statement.delivery_id == Delivery.id)
    .where(Delivery.contract_id.in_(bindparam("contract_ids", expanding=True)))
)


def month_states(contracts: list[Contract], on: date) -> list[MonthState]:
    """Every month of each of `contracts` that has begun by `on`, newest first within each
    contract, with its delivery's state and its statement (one query, however many)."""
    recorded = {
        (contract_id, month): (
            status,
            None if statement_id is None else StatementShown(statement_id, number, state, gross),
        )
        for contract_id, month, status, statement_id, number, state, gross in db.session.execute(
            _MONTHS_RECORDED, {"contract_ids": [contract.id for contract in contracts]}
        )
    }
    due = DueDates()
    states = []
    for contract in contracts:
        for month in reversed(contract_months(contract)):
            if month > on:
                continue
            status, statement = recorded.get((contract.id, month), (None, None))
            states.append(
                MonthState(
                    contract=contract,
                    month=month,
                    due=due(month),
                    state=state_of(month, status, on, due(month)),
                    statement=statement,
                    has_draft=status == DELIVERY_DRAFT,
                )
            )
    return states


# Built once, the ids bound: every provider's home page and record page ask.
_RECORDING = (
    select(Contract)
    .where(
        Contract.organisation_id.in_(bindparam("ids", expanding=True)),
        Contract.status.in_(RECORDING),
    )
    .order_by(Contract.start_on, Contract.id)
)


def contracts_recording(organisation_ids: list[int]) -> list[Contract]:
    """The organisations' contracts whose delivery is recorded, oldest first."""
    return list(db.session.scalars(_RECORDING, {"ids": organisation_ids}))


def months_owed(organisation_ids: list[int], on: date) -> list[MonthState]:
    """The months whose delivery is due or overdue from the organisations, oldest due first.

    On every provider's home page: so it reads only the month and status of each delivery
    recorded, not whole records and their statements, which a long contract has dozens of."""
    return owed_months(contracts_recording(organisation_ids), on)


# Built once: a statement built for every request costs more than running it.
_RECORDED = select(Delivery.contract_id, Delivery.month, Delivery.status).where(
    Delivery.contract_id.in_(bindparam("contract_ids", expanding=True))
)


def owed_months(contracts: list[Contract], on: date) -> list[MonthState]:
    """months_owed for contracts already read (contracts_recording): one query."""
    recorded = {
        (contract_id, month): status
        for contract_id, month, status in db.session.execute(
            _RECORDED, {"contract_ids": [contract.id for contract in contracts]}
        )
    }
    return owed_from(contracts, recorded, on)


def owed_from(
    contracts: list[Contract], recorded: dict[tuple[int, date], str], on: date
) -> list[MonthState]:
    """owed_months for contracts whose deliveries' statuses are read already, by (contract id,
    month)."""
    due = DueDates()
    owed = []
    for contract in contracts:
        for month in ended_months(contract.start_on, contract.end_on, on):
            status = recorded.get((contract.id, month))
            if status not in (None, DELIVERY_DRAFT):
                continue  # its delivery is in
            owed.append(
                MonthState(
                    contract=contract,
                    month=month,
                    due=due(month),
                    state=owed_state(due(month), on),
                    has_draft=status == DELIVERY_DRAFT,
                )
            )
    return sorted(owed, key=lambda state: (state.due, state.contract.id))


def ended_months(start_on: date, end_on: date, on: date) -> list[date]:
    """The months of a contract running from `start_on` to `end_on` that have ended by `on`,
    oldest first: those whose delivery can be owed (a month not ended may only be drafted)."""
    return months.months_between(*ended_span(start_on, end_on, on))


def ended_span(start_on: date, end_on: date, on: date) -> tuple[date, date]:
    """The first and last of ended_months (the last before the first when none has ended)."""
    return months.first_of(start_on), months.first_of(min(end_on, months.last_ended(on)))


def owed_state(due: date, on: date) -> str:
    """A month owed (its delivery not in): overdue once its due date has passed, else due."""
    return OVERDUE if on > due else DUE


# A month's page and saving it --------------------------------------------------------------------


@dataclass
class DeliveryPage:
    contract: Contract
    month: date
    due: date
    state: str
    delivery: Delivery | None
    statement: Statement | None
    can_submit: bool = field(default=False)

    @property
    def editable(self) -> bool:
        return self.state in (NOT_ENDED, DUE, OVERDUE, QUERIED)

    label = shown(STATE_LABELS, "state")


def delivery_page(
    organisation: Organisation, contract_id: int, month: date, on: date
) -> DeliveryPage:
    """The month's delivery on one of `organisation`'s contracts: NotFoundForUser (404) for
    another organisation's contract; ContractError for a month the contract does not run in,
    one not yet begun, or a contract whose delivery is not recorded."""
    contract = _contract_recording(organisation, contract_id)
    _check_month(contract, month, on)
    delivery = _delivery_of(contract.id, month)
    statement = statements.statement_of(delivery) if delivery else None
    due = months.due_date(month)
    return DeliveryPage(
        contract=contract,
        month=month,
        due=due,
        state=state_of(month, delivery.status if delivery else None, on, due),
        delivery=delivery,
        statement=statement,
        can_submit=on > months.last_day(month),
    )


def _contract_recording(organisation: Organisation, contract_id: int) -> Contract:
    contract = contract_for_provider(organisation, contract_id)
    if contract.status == DRAFT:
        raise ContractError(
            f"Contract {contract.reference} is not active yet: accept it before recording delivery"
        )
    if contract.status not in RECORDING:
        raise ContractError(
            f"Contract {contract.reference} has been terminated, so no more delivery is recorded "
            "on it. Ask the commissioner about any month not yet paid"
        )
    return contract


def _check_month(contract: Contract, month: date, on: date) -> None:
    if month not in contract_months(contract):
        raise ContractError(
            f"Contract {contract.reference} runs from {format_date(contract.start_on)} to "
            f"{format_date(contract.end_on)}: {months.month_name(month)} is outside it"
        )
    if month > on:
        raise ContractError(
            f"You can record delivery for {months.month_name(month)} once the month has begun"
        )


def _delivery_of(contract_id: int, month: date) -> Delivery | None:
    return db.session.scalar(
        select(Delivery).where(Delivery.contract_id == contract_id, Delivery.month == month)
    )


def save_delivery(
    user: User,
    organisation: Organisation,
    contract_id: int,
    month: date,
    figures: Figures,
    *,
    submit: bool,
    seen: int | None,
    answer: str | None = None,
    on: date,
) -> Delivery:
    """Save the month's delivery as a draft, or submit it (which makes, or after a query
    remakes, its self-billing statement). `seen` is the delivery's lock_version the page showed
    (None for a page shown before there was one): a page older than the record is refused, as
    is a month already submitted or approved. After a query, submitting needs `answer`."""
    page = delivery_page(organisation, contract_id, month, on)
    delivery, contract = page.delivery, page.contract
    if delivery is not None and delivery.status in (DELIVERY_SUBMITTED, DELIVERY_APPROVED):
        raise ContractError(settled_message(delivery))
    if submit and not page.can_submit:
        raise ContractError(
            f"You can submit the delivery for {months.month_name(month)} once the month has "
            f"ended, from {format_date(months.add_months(month, 1))}. Save it as a draft for now"
        )
    queried = delivery is not None and delivery.status == DELIVERY_QUERIED
    if queried and submit:
        answer = clean_answer(answer)
    created = delivery is None
    if delivery is None:
        if seen is not None:  # the page showed a record that is not there now
            raise _changed()
        delivery = _first_save(contract, month, figures)
    check = workflow.UNCHECKED if created else workflow.page_version(seen)
    after: dict[str, object] = {
        "contract_id": contract.id,
        "month": months.iso_month(month),
        **figures.values(),
    }
    if submit:
        workflow.move(
            delivery,
            DELIVERY_SUBMITTED,
            DELIVERY_MOVES,
            seen=check,
            submitted_at=utcnow(),
            submitted_by_id=user.id,
            **figures.values(),
        )
        statement = statements.issue_statement(user, contract, delivery, answer=answer)
        after["statement"] = statement.number
    elif not created:
        workflow.change(delivery, DELIVERY_MOVES, seen=check, **figures.values())
    record_change(_ACTIONS[queried, submit], delivery, user, organisation.id, after=after)
    return delivery


_ACTIONS = {
    (False, False): "delivery.saved",
    (True, False): "delivery.saved",
    (False, True): "delivery.submitted",
    (True, True): "delivery.resubmitted",
}


def _changed() -> ContractError:
    refusal = DELIVERY_MOVES.refuse(workflow.Refusal(None, None, None, workflow.LOST, True))
    assert isinstance(refusal, ContractError)
    return refusal


def _first_save(contract: Contract, month: date, figures: Figures) -> Delivery:
    """The month's first record. Two first saves at once (two tabs): the second is told the
    record has just been made, and nothing of it is written."""
    delivery = Delivery(
        contract_id=contract.id, month=month, status=DELIVERY_DRAFT, **figures.values()
    )
    try:
        with db.session.begin_nested():
            db.session.add(delivery)
            db.session.flush()
    except IntegrityError:
        raise _changed() from None
    return delivery


def settled_message(delivery: Delivery | None) -> str:
    """Why a month's delivery can no longer be changed."""
    assert delivery is not None  # only a submitted or approved record is settled
    name = months.month_name(delivery.month)
    if delivery.status == DELIVERY_APPROVED:
        return f"The delivery for {name} has been approved, so it can no longer be changed"
    return (
        f"The delivery for {name} has been submitted and is waiting for the council. You can "
        "change it only if the council queries its statement"
    )


# Reminders ---------------------------------------------------------------------------------------


def reminder_due(due: date, on: date) -> str | None:
    """Which reminder is due on `on` for a month due on `due`: from REMINDER_WORKING_DAYS
    working days before, the due one; after the due date, the overdue one."""
    if on > due:
        return REMINDER_OVERDUE
    if working_days_between(on, due) <= REMINDER_WORKING_DAYS:
        return REMINDER_DUE
    return None


def send_reminders(on: date) -> int:
    """Email each organisation's members about the months of delivery due soon or overdue on
    `on` (the last two months ended, so an overdue reminder follows a month due late in the
    last), each reminder once: its DeliveryReminder row is written in the same transaction as
    its emails. Safe to run at any time and as often as wanted. Returns how many were sent."""
    last = months.last_ended(on)
    recent = (last, months.add_months(last, -1))
    contracts = list(db.session.scalars(select(Contract).where(Contract.status.in_(RECORDING))))
    submitted = set(
        db.session.execute(
            select(Delivery.contract_id, Delivery.month).where(
                Delivery.month.in_(recent), Delivery.status != DELIVERY_DRAFT
            )
        ).all()
    )
    due_dates = {month: months.due_date(month) for month in recent}
    owed = [
        (contract.id, month)
        for contract in contracts
        for month in recent
        if month in contract_months(contract) and (contract.id, month) not in submitted
    ]
    # Read before the read transaction ends: each reminder below is a transaction of its own.
    db.session.rollback()
    sent = 0
    for contract_id, month in owed:
        kind = reminder_due(due_dates[month], on)
        if kind is None:
            continue
        try:
            with db.session.begin():
                db.session.add(DeliveryReminder(contract_id=contract_id, month=month, kind=kind))
                db.session.flush()
                contract = db.session.get_one(Contract, contract_id)
                _remind(contract, month, due_dates[month], kind)
        except IntegrityError:
            continue  # sent already
        sent += 1
    return sent


def _remind(contract: Contract, month: date, due: date, kind: str) -> None:
    subject = REMINDER_SUBJECTS[kind].format(
        month=months.month_name(month),
        reference=contract.reference,
        due=f"{due:%A} {format_date(due)}",
    )
    email_members_of(
        contract.organisation,
        subject,
        "delivery_reminder",
        contract=contract,
        month=month,
        month_name=months.month_name(month),
        due=due,
        late=kind == REMINDER_OVERDUE,
    )
