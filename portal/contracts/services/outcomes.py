"""A contract's outcomes and the money held back for them.

A commissioner names 1-5 outcomes from the lot's catalogue (each with a baseline, a target, a
review date within the contract and a share of the held-back money); the provider reports
progress with evidence from its document library; a commissioner decides met, partly met or not
met, which releases money by the one published rule (MONEY_RULE, `released_pence`). The
released money is paid on the provider's next statement, which sets `paid_on_statement_id`.

Every change of an outcome's state goes through OUTCOME_MOVES with the version the person's
page showed, so of two commissioners deciding at once one decision lands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.accounts.services import active_staff_who_may
from portal.audit.services import fields_of, record_change
from portal.competitions import personal_data
from portal.contracts.models import (
    ACTIVE,
    DRAFT,
    LINE_HELD_BACK,
    OUTCOME_DUE,
    OUTCOME_EVIDENCED,
    OUTCOME_MET,
    OUTCOME_NOT_MET,
    OUTCOME_PARTLY_MET,
    STATEMENT_APPROVED,
    Contract,
    ContractOutcome,
    OutcomeDefinition,
    Statement,
    StatementLine,
)
from portal.contracts.services.common import (
    CONTRACT_MOVES,
    OUTCOME_MOVES,
    REASON_LIMIT,
    ContractError,
    contract_for_staff,
)
from portal.core import workflow
from portal.core.db import db
from portal.core.errors import NotFoundForUser, found
from portal.core.money import format_pence
from portal.core.numbers import whole_number
from portal.core.permissions import can
from portal.core.time import format_date, today, utcnow
from portal.documents import services as documents
from portal.documents.models import Document
from portal.organisations.models import Membership
from portal.organisations.services import email_members_of, get_organisation_for, members_of
from portal.outbox.services import queue_email

MAX_OUTCOMES = 5
TEXT_LIMIT = 200  # baseline and target: the columns' length
# The provider is reminded by email this many days before the review date (once an outcome).
REMIND_DAYS = 14

DECISIONS = {
    OUTCOME_MET: "Met",
    OUTCOME_PARTLY_MET: "Partly met",
    OUTCOME_NOT_MET: "Not met",
}
STATUS_TAGS = {
    OUTCOME_DUE: ("Waiting for evidence", "govuk-tag--grey"),
    OUTCOME_EVIDENCED: ("Evidence to decide", "govuk-tag--blue"),
    OUTCOME_MET: ("Met", "govuk-tag--green"),
    OUTCOME_PARTLY_MET: ("Partly met", "govuk-tag--yellow"),
    OUTCOME_NOT_MET: ("Not met", "govuk-tag--red"),
}

# The rule for the money, as the contract page publishes it; `released_pence` is the code.
MONEY_RULE = (
    "When the council decides an outcome, it releases part of the money held back so far: the "
    "total held back on the contract's approved statements, times the outcome's share, times "
    "how far the outcome was achieved (met is 100%, partly met is the percentage the council "
    "gives, not met is 0%), rounded down to the penny. The provider's next statement pays it."
)


def released_pence(held_back: int, share_percent: int, achieved_percent: int) -> int:
    """The money an outcome's decision releases: MONEY_RULE, in whole pence rounded down."""
    return held_back * share_percent * achieved_percent // 10_000


# Built once, with the contract's id bound: a statement built for every request (and its cache
# key worked out) cost more than running it.
_HELD_BACK = (
    select(func.coalesce(func.sum(StatementLine.amount_pence), 0))
    .join(Statement, Statement.id == StatementLine.statement_id)
    .where(
        Statement.contract_id == bindparam("contract_id"),
        Statement.status == STATEMENT_APPROVED,
        StatementLine.kind == LINE_HELD_BACK,
    )
)


def held_back_pence(contract_id: int) -> int:
    """The money held back on the contract's approved statements so far (their held-back lines
    are negative amounts), in pence."""
    return -int(db.session.scalar(_HELD_BACK, {"contract_id": contract_id}) or 0)


# Loading ----------------------------------------------------------------------------------------


def contract_for_user(user: User, contract_id: int) -> Contract:
    """The contract, for council staff who may read contracts or a member of its provider;
    NotFoundForUser (404) for anyone else, so ids cannot be probed."""
    if user.is_staff:
        if not can(user, "read_contracts"):
            raise NotFoundForUser()
        return contract_for_staff(contract_id)
    contract = found(db.session.get(Contract, contract_id))
    get_organisation_for(user, contract.organisation_id)
    return contract


def outcome_of(contract: Contract, outcome_id: int) -> ContractOutcome:
    """One of the contract's outcomes; NotFoundForUser (404) for any other id."""
    return found(db.session.get(ContractOutcome, outcome_id), contract_id=contract.id)


_OUTCOMES = (
    select(ContractOutcome)
    .where(ContractOutcome.contract_id == bindparam("contract_id"))
    .options(joinedload(ContractOutcome.definition))
    .order_by(ContractOutcome.position, ContractOutcome.id)
)


def outcomes_of(contract: Contract) -> list[ContractOutcome]:
    """The contract's outcomes in order, with their catalogue entries (one query, built once)."""
    return list(db.session.scalars(_OUTCOMES, {"contract_id": contract.id}))


@dataclass(frozen=True)
class OutcomeSection:
    """What the contract page shows of its outcomes, and what the person looking may do."""

    contract: Contract
    outcomes: list[ContractOutcome]
    evidence: dict[int, Document]  # the outcomes' evidence documents, by id
    held_back_pence: int
    may_name: bool  # the commissioner may name (or change) the outcomes now
    may_decide: bool
    may_evidence: bool
    today: date

    @property
    def released_pence(self) -> int:
        return sum(outcome.released_pence or 0 for outcome in self.outcomes)

    @property
    def shares_total(self) -> int:
        return sum(outcome.share_percent for outcome in self.outcomes)

    @property
    def money_rule(self) -> str:
        return MONEY_RULE

    def tag(self, outcome: ContractOutcome) -> tuple[str, str]:
        return STATUS_TAGS[outcome.status]

    def can_evidence(self, outcome: ContractOutcome) -> bool:
        return self.may_evidence and is_open_to_evidence(self.contract, outcome)

    def can_decide(self, outcome: ContractOutcome) -> bool:
        return self.may_decide and is_decidable(outcome, self.today)


def outcome_section(user: User, contract: Contract) -> OutcomeSection:
    """The outcomes part of a contract's page for `user` (who may see the contract): four
    queries, however many outcomes there are."""
    outcomes = outcomes_of(contract)
    ids = {o.evidence_document_id for o in outcomes if o.evidence_document_id is not None}
    staff = user.is_staff
    return OutcomeSection(
        contract=contract,
        outcomes=outcomes,
        evidence=documents.documents_by_id(contract.organisation_id, ids),
        held_back_pence=held_back_pence(contract.id),
        may_name=staff and can(user, "manage_contracts") and is_open_to_naming(contract, outcomes),
        may_decide=staff and can(user, "manage_contracts"),
        may_evidence=not staff,
        today=today(),
    )


def is_open_to_naming(contract: Contract, outcomes: Iterable[ContractOutcome]) -> bool:
    """Outcomes are named on a draft or active contract until the provider has given evidence
    for any of them (or one is decided): after that the set is what the work was measured by."""
    return contract.status in (DRAFT, ACTIVE) and all(
        outcome.status == OUTCOME_DUE and outcome.evidenced_at is None for outcome in outcomes
    )


def is_open_to_evidence(contract: Contract, outcome: ContractOutcome) -> bool:
    """The provider gives evidence while the contract is active, until the outcome is decided."""
    return contract.status == ACTIVE and outcome.status in (OUTCOME_DUE, OUTCOME_EVIDENCED)


def is_decidable(outcome: ContractOutcome, on: date) -> bool:
    """Evidence waiting for a decision, or no evidence and the review date has come."""
    return outcome.status == OUTCOME_EVIDENCED or (
        outcome.status == OUTCOME_DUE and outcome.review_on <= on
    )


# Naming a contract's outcomes -------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRow:
    """One row of the commissioner's form, as typed (`number` counts from 1). A row with no
    outcome chosen and nothing typed is left out."""

    number: int
    definition_id: int | None
    baseline: str
    target: str
    review_on: date | None
    share: str

    @property
    def is_empty(self) -> bool:
        return self.definition_id is None and not (
            self.baseline or self.target or self.review_on or self.share
        )


def _text(value: str, what: str, field: str, errors: dict[str, str]) -> str:
    text = " ".join((value or "").split())
    if problem := personal_data.text_problem(
        text, what, TEXT_LIMIT, missing=f"Enter the {what.lower()}"
    ):
        errors[field] = problem
    return text


def name_outcomes(
    user: User, contract: Contract, rows: list[OutcomeRow], seen: int | None
) -> list[ContractOutcome]:
    """Set the contract's outcomes to `rows` (1-5 of them, each from the lot's catalogue, not
    retired, none twice, reviewed within the contract's dates; shares of the held-back money
    that total 100% when the contract holds money back). Refused, naming each field, with
    nothing written; refused too once the provider has given evidence for any outcome, or when
    the contract has changed since the page was opened (`seen`, its version)."""
    current = outcomes_of(contract)
    if not is_open_to_naming(contract, current):
        raise ContractError(
            "These outcomes can no longer be changed: the provider has given evidence, "
            "or the contract has ended"
        )
    chosen = [row for row in rows if not row.is_empty]
    errors: dict[str, str] = {}
    if not chosen:
        errors["definition_1"] = "Choose at least one outcome"
    if len(chosen) > MAX_OUTCOMES:
        raise ContractError(
            f"Name no more than {MAX_OUTCOMES} outcomes",
            f"definition_{chosen[MAX_OUTCOMES].number}",
        )
    wanted = {row.definition_id for row in chosen if row.definition_id is not None}
    catalogue = {
        definition.id: definition
        for definition in db.session.scalars(
            select(OutcomeDefinition).where(OutcomeDefinition.id.in_(wanted))
        )
    }
    already = {outcome.definition_id for outcome in current}
    seen_definitions: set[int] = set()
    shares: list[int] = []
    made = []
    for row in chosen:
        n = row.number
        definition = catalogue.get(row.definition_id or 0)
        if definition is None or definition.lot_id != contract.lot_id:
            errors[f"definition_{n}"] = "Choose an outcome from this type of service's list"
        elif definition.retired_at is not None and definition.id not in already:
            errors[f"definition_{n}"] = (
                f"‘{definition.title}’ has been retired from the list. Choose another outcome"
            )
        elif definition.id in seen_definitions:
            errors[f"definition_{n}"] = f"You have chosen ‘{definition.title}’ more than once"
        else:
            seen_definitions.add(definition.id)
        baseline = _text(row.baseline, "Baseline", f"baseline_{n}", errors)
        target = _text(row.target, "Target", f"target_{n}", errors)
        if row.review_on is None:
            errors[f"review_on_{n}"] = "Enter the review date"
        elif not contract.start_on <= row.review_on <= contract.end_on:
            errors[f"review_on_{n}"] = (
                f"Review date must be within the contract, from {format_date(contract.start_on)} "
                f"to {format_date(contract.end_on)}"
            )
        share = whole_number(row.share.strip() if row.share else None)
        if share is None or not 1 <= share <= 100:
            errors[f"share_{n}"] = "Share must be a whole number from 1 to 100"
        else:
            shares.append(share)
        made.append((row, definition, baseline, target, share))
    if (
        chosen
        and contract.held_back_percent > 0
        and len(shares) == len(chosen)
        and sum(shares) != 100
    ):
        errors[f"share_{chosen[0].number}"] = (
            f"Shares must add up to 100%: they add up to {sum(shares)}%"
        )
    if errors:
        raise ContractError(errors=errors)
    # The contract's version is the lock: of two commissioners saving at once, one set lands.
    workflow.change(contract, CONTRACT_MOVES, seen=workflow.page_version(seen))
    before = [_outcome_record(outcome) for outcome in current]
    db.session.execute(delete(ContractOutcome).where(ContractOutcome.contract_id == contract.id))
    outcomes = []
    for position, (row, definition, baseline, target, share) in enumerate(made, start=1):
        assert definition is not None and row.review_on is not None and share is not None
        outcome = ContractOutcome(
            contract_id=contract.id,
            definition_id=definition.id,
            position=position,
            baseline=baseline,
            target=target,
            review_on=row.review_on,
            share_percent=share,
            status=OUTCOME_DUE,
        )
        db.session.add(outcome)
        outcomes.append(outcome)
    db.session.flush()
    db.session.expire(contract, ["outcomes"])
    record_change(
        "contract.outcomes_named",
        contract,
        user,
        contract.organisation_id,
        before={"outcomes": before},
        after={"outcomes": [_outcome_record(outcome) for outcome in outcomes]},
    )
    return outcomes


def _outcome_record(outcome: ContractOutcome) -> dict[str, object]:
    return fields_of(outcome, ("definition_id", "baseline", "target", "review_on", "share_percent"))


# Evidence ---------------------------------------------------------------------------------------


def evidence_choices(contract: Contract) -> list[Document]:
    """The provider's documents it may give as evidence today: its own library's, in date and
    with a file that is not a virus (the documents domain's rule)."""
    return documents.usable_documents(contract.organisation_id, today())


def give_evidence(
    user: User,
    contract: Contract,
    outcome: ContractOutcome,
    *,
    progress: str | None,
    document_id: int | None,
    seen: int | None,
) -> ContractOutcome:
    """The provider's account of progress and a document from its own library as evidence:
    the outcome waits for a commissioner's decision (and may be evidenced again until then).
    The commissioners are told."""
    errors: dict[str, str] = {}
    text = (progress or "").strip().replace("\r\n", "\n")
    if problem := personal_data.text_problem(
        text, "Progress", REASON_LIMIT, missing="Enter the progress made towards the outcome"
    ):
        errors["progress"] = problem
    choosable = {document.id: document for document in evidence_choices(contract)}
    if document_id is None:
        errors["document_id"] = "Select a document from your library as evidence"
    elif document_id not in choosable:
        errors["document_id"] = (
            "Select a document from your library that is in date and has passed its virus check"
        )
    if errors:
        raise ContractError(errors=errors)
    if contract.status != ACTIVE:
        raise ContractError("Evidence can be given only while the contract is active")
    assert document_id is not None
    before = outcome.status
    workflow.move(
        outcome,
        OUTCOME_EVIDENCED,
        OUTCOME_MOVES,
        seen=workflow.page_version(seen),
        progress=text,
        evidence_document_id=document_id,
        evidenced_at=utcnow(),
    )
    record_change(
        "contract_outcome.evidenced",
        outcome,
        user,
        contract.organisation_id,
        before={"status": before},
        after={"status": OUTCOME_EVIDENCED, "document_id": document_id, "progress": text},
    )
    _tell_commissioners(contract, outcome, choosable[document_id])
    return outcome


def _tell_commissioners(contract: Contract, outcome: ContractOutcome, document: Document) -> None:
    for user in active_staff_who_may("hear_of_contract_work"):
        queue_email(
            user.email,
            f"Outcome evidence to decide: {contract.reference}",
            "outcome_evidence_submitted",
            user=user,
            contract=contract,
            organisation=contract.organisation,
            outcome=outcome,
            document=document,
        )


# Deciding ---------------------------------------------------------------------------------------


def decide_outcome(
    user: User,
    contract: Contract,
    outcome: ContractOutcome,
    *,
    decision: str | None,
    percent: str | None,
    reason: str | None,
    seen: int | None,
) -> ContractOutcome:
    """A commissioner's decision: met (100%), partly met (1-99%) or not met (0%), with a reason;
    not met may be decided without evidence once the review date has come. Releases
    `released_pence` by MONEY_RULE from the money held back on approved statements now; the
    provider's next statement pays it. The provider's members are told."""
    errors: dict[str, str] = {}
    achieved: int | None = None
    if decision not in DECISIONS:
        errors["decision"] = "Select whether the outcome was met, partly met or not met"
    elif decision == OUTCOME_MET:
        achieved = 100
    elif decision == OUTCOME_NOT_MET:
        achieved = 0
    else:
        achieved = whole_number((percent or "").strip().removesuffix("%").strip())
        if achieved is None or not 1 <= achieved <= 99:
            errors["percent"] = "Enter how far the outcome was achieved, as a whole number 1 to 99"
            achieved = None
    why = (reason or "").strip().replace("\r\n", "\n")
    if problem := personal_data.text_problem(
        why, "Reason", REASON_LIMIT, missing="Enter the reason for the decision"
    ):
        errors["reason"] = problem
    if errors:
        raise ContractError(errors=errors)
    assert decision is not None and achieved is not None
    if outcome.status == OUTCOME_DUE and decision != OUTCOME_NOT_MET:
        raise ContractError(
            "Without evidence from the provider the outcome can only be decided as not met",
            "decision",
        )
    if outcome.status == OUTCOME_DUE and outcome.review_on > today():
        raise ContractError(
            "The provider has not given evidence yet. Without it you can decide the outcome is "
            f"not met from its review date, {format_date(outcome.review_on)}",
            "decision",
        )
    held_back = held_back_pence(contract.id)
    released = released_pence(held_back, outcome.share_percent, achieved)
    before = outcome.status
    workflow.move(
        outcome,
        decision,
        OUTCOME_MOVES,
        seen=workflow.page_version(seen),
        achieved_percent=achieved,
        decision_reason=why,
        decided_at=utcnow(),
        decided_by_id=user.id,
        released_pence=released,
    )
    record_change(
        "contract_outcome.decided",
        outcome,
        user,
        contract.organisation_id,
        before={"status": before},
        after={
            "status": decision,
            "achieved_percent": achieved,
            "reason": why,
            "held_back_pence": held_back,
            "released_pence": released,
        },
    )
    email_members_of(
        contract.organisation,
        f"The council has decided an outcome on {contract.reference}",
        "outcome_decided",
        contract=contract,
        outcome=outcome,
        decision=DECISIONS[decision],
        released=format_pence(released),
    )
    return outcome


# The reminder -------------------------------------------------------------------------------------


def send_review_reminders(on: date) -> int:
    """Email the provider's members about each outcome of an active contract still waiting for
    evidence whose review date is within REMIND_DAYS (or past): once an outcome. Returns how
    many outcomes were reminded of."""
    outcomes = db.session.scalars(
        select(ContractOutcome)
        .join(Contract, Contract.id == ContractOutcome.contract_id)
        .where(
            Contract.status == ACTIVE,
            ContractOutcome.status == OUTCOME_DUE,
            ContractOutcome.review_reminded_at.is_(None),
            ContractOutcome.review_on <= on + timedelta(days=REMIND_DAYS),
        )
        .options(
            selectinload(ContractOutcome.definition),
            selectinload(ContractOutcome.contract).selectinload(Contract.organisation),
        )
        .order_by(ContractOutcome.id)
    ).all()
    members: dict[int, list[Membership]] = {}
    for outcome in outcomes:
        contract = outcome.contract
        if contract.organisation_id not in members:
            members[contract.organisation_id] = members_of(contract.organisation)
        for membership in members[contract.organisation_id]:
            queue_email(
                membership.user.email,
                f"Outcome review date coming: {contract.reference}",
                "outcome_review_reminder",
                member=membership.user,
                contract=contract,
                outcome=outcome,
            )
        outcome.review_reminded_at = utcnow()
    db.session.flush()
    return len(outcomes)
