"""Call-off contracts: what the council buys after an award (or a direct call-off), every version
of its terms, the outcomes part of its money waits for, the provider's monthly delivery, the
self-billing statements made from it, and the exports of approved statements to finance.

Money is whole pence everywhere, and every total is kept beside the lines it is the sum of, so
it can be worked out again from them. Nothing here names a child: a placement is known by the
council's pseudonymous reference only (the same rule as placement requests).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    FetchedValue,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow
from portal.core.words import shown
from portal.lots.models import Lot
from portal.organisations.models import Organisation

# A contract's life. Draft until the provider accepts it (or a commissioner records acceptance
# on paper), active while it is delivered, then ended on its end date or terminated early.
DRAFT = "draft"
ACTIVE = "active"
ENDED = "ended"
TERMINATED = "terminated"
STATUSES = (DRAFT, ACTIVE, ENDED, TERMINATED)
STATUS_LABELS = {
    DRAFT: "Waiting for the provider to accept",
    ACTIVE: "Active",
    ENDED: "Ended",
    TERMINATED: "Terminated",
}

# Where a contract came from: a confirmed award of a competition, or a direct call-off.
FROM_AWARD = "award"
DIRECT = "direct"
ORIGINS = (FROM_AWARD, DIRECT)

# The priced unit, and how it reads after a rate ("£40 an hour").
UNITS = {
    "session": "per session",
    "hour": "per hour",
    "day": "per day",
    "week": "per week",
    "fixed": "fixed fee",
}
UNIT_NAMES = {
    "session": "sessions",
    "hour": "hours",
    "day": "days",
    "week": "weeks",
    "fixed": "fee",
}
# A competition's price basis to a contract's unit: a total price is one fixed fee; a price
# per placement is a fixed fee for each of the planned placements.
UNIT_FROM_PRICE_BASIS = {
    "total": "fixed",
    "hourly": "hour",
    "daily": "day",
    "per_placement": "fixed",
}

# The grounds the published call-off method allows for a direct call-off (shown on the public
# page about call-offs, and the only choices on the commissioner's form).
DIRECT_GROUNDS = {
    "urgent_need": (
        "A child needs provision so urgently that there is no time to ask for quotes, "
        "for example after a sudden change in their needs or an exclusion"
    ),
    "continuity": (
        "The child already receives this provision from the provider, and a change of "
        "provider would harm them"
    ),
    "named_in_plan": (
        "The provider is named in the child's education, health and care plan or by a tribunal"
    ),
    "only_provider": (
        "Only one provider on the framework for the type of service can meet the child's needs"
    ),
}

# The commissioning teams that pay for contracts, with the finance system's cost centre for
# each: the default for the COMMISSIONING_TEAMS setting an admin can change.
DEFAULT_TEAMS = {
    "SEND": "SEND",
    "Virtual School": "VSCH",
    "Alternative Provision": "APRV",
}

# The outcome-linked share held back from each payment is at most this percentage.
MAX_HELD_BACK_PERCENT = 30

# A version of a contract's terms: the original, and each variation.
ORIGINAL = "original"
EXTEND = "extend"
CHANGE_VOLUME = "volume"
CHANGE_RATE = "rate"
VARIATION_KINDS = {
    ORIGINAL: "Original terms",
    EXTEND: "Extended",
    CHANGE_VOLUME: "Volume changed",
    CHANGE_RATE: "Rate changed",
}

# An outcome: waiting for evidence, evidenced by the provider, then decided by a commissioner.
OUTCOME_DUE = "due"
OUTCOME_EVIDENCED = "evidenced"
OUTCOME_MET = "met"
OUTCOME_PARTLY_MET = "partly_met"
OUTCOME_NOT_MET = "not_met"
OUTCOME_STATUSES = (
    OUTCOME_DUE,
    OUTCOME_EVIDENCED,
    OUTCOME_MET,
    OUTCOME_PARTLY_MET,
    OUTCOME_NOT_MET,
)

# A month's delivery record and the self-billing statement made from it. The provider drafts
# and submits the delivery; the portal makes the statement; a commissioner approves it or
# queries it (the provider answers and submits again); an approved statement is exported to
# finance exactly once.
DELIVERY_DRAFT = "draft"
DELIVERY_SUBMITTED = "submitted"
DELIVERY_QUERIED = "queried"
DELIVERY_APPROVED = "approved"
DELIVERY_STATUSES = (DELIVERY_DRAFT, DELIVERY_SUBMITTED, DELIVERY_QUERIED, DELIVERY_APPROVED)

STATEMENT_WAITING = "waiting"  # for a commissioner
STATEMENT_QUERIED = "queried"
STATEMENT_APPROVED = "approved"
STATEMENT_STATUSES = (STATEMENT_WAITING, STATEMENT_QUERIED, STATEMENT_APPROVED)

# Why a planned session did not happen.
CANCELLATION_REASONS = {
    "child_absent": "The child was absent",
    "provider_cancelled": "The provider cancelled",
    "school_or_council": "The school or the council cancelled",
    "other": "Another reason",
}

# A statement's lines: the month's units, the share held back, outcome money released.
LINE_DELIVERY = "delivery"
LINE_HELD_BACK = "held_back"
LINE_OUTCOME = "outcome"
LINE_KINDS = (LINE_DELIVERY, LINE_HELD_BACK, LINE_OUTCOME)


def reference_of(contract_id: int) -> str:
    """How people refer to a contract: "CO-12" (lists read its id alone)."""
    return f"CO-{contract_id}"


class Contract(Base):
    """One call-off contract. Its current terms are here; every version of them (the original
    and each variation) is a ContractVersion."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(f"origin IN {ORIGINS!r}", name="origin"),
        CheckConstraint(f"unit IN {tuple(UNITS)!r}", name="unit"),
        CheckConstraint(
            f"held_back_percent BETWEEN 0 AND {MAX_HELD_BACK_PERCENT}", name="held_back_percent"
        ),
        CheckConstraint("rate_pence > 0 AND planned_units > 0", name="positive_terms"),
        CheckConstraint("end_on >= start_on", name="dates_in_order"),
        # A direct call-off always has its ground; a contract from an award always has its
        # competition (one contract per competition).
        CheckConstraint(
            "(origin = 'direct' AND direct_ground IS NOT NULL) "
            "OR (origin = 'award' AND competition_id IS NOT NULL)",
            name="origin_recorded",
        ),
        Index("ix_contracts_organisation_status", "organisation_id", "status"),
        # The commissioners' home lists the drafts made from awards and not yet sent, oldest
        # first, and counts them: a few among every contract ever made.
        Index(
            "ix_contracts_to_send",
            "id",
            postgresql_where=text(f"status = '{DRAFT}' AND sent_at IS NULL"),
            sqlite_where=text(f"status = '{DRAFT}' AND sent_at IS NULL"),
        ),
        # The spend reports find the contracts starting in a period, a year's among every one,
        # and add up those committed from this index alone (migration f3a9c1e7d2b8).
        Index(
            "ix_contracts_committed",
            "start_on",
            "status",
            "lot_id",
            "team",
            "organisation_id",
            "total_pence",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    origin: Mapped[str] = mapped_column(String(10))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    # The competition whose confirmed award made it (no foreign key, as competitions refer to
    # their winning quote: the two domains point one way only).
    competition_id: Mapped[int | None] = mapped_column(unique=True)
    direct_ground: Mapped[str | None] = mapped_column(String(30))
    direct_ground_detail: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(60), index=True)  # the commissioning team
    # The council's pseudonymous reference for the placement (never a child's name).
    placement_reference: Mapped[str | None] = mapped_column(String(30))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(String(10))
    rate_pence: Mapped[int] = mapped_column(BigInteger)
    planned_units: Mapped[int] = mapped_column()
    total_pence: Mapped[int] = mapped_column(BigInteger)  # rate times planned units
    held_back_percent: Mapped[int] = mapped_column(default=0)
    version_number: Mapped[int] = mapped_column(default=1)  # the ContractVersion in force

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When a commissioner sent the draft to the provider to accept (a direct call-off is sent as
    # it is made; a draft made from an award waits for a commissioner to complete it).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set when a commissioner recorded the provider's acceptance on paper, with why.
    accepted_on_paper_reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    termination_reason: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    lot: Mapped[Lot] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    versions: Mapped[list[ContractVersion]] = relationship(
        back_populates="contract", order_by="ContractVersion.number"
    )
    outcomes: Mapped[list[ContractOutcome]] = relationship(
        back_populates="contract", order_by="ContractOutcome.position"
    )

    @property
    def reference(self) -> str:
        """How people refer to it: "CO-12"."""
        return reference_of(self.id)

    status_label = shown(STATUS_LABELS, "status")
    unit_label = shown(UNITS, "unit")


class ContractVersion(Base):
    """A contract's terms as they stood from one version to the next: the original terms and
    each variation, with its reason and who approved it. Never changed once written."""

    __tablename__ = "contract_versions"
    __table_args__ = (
        UniqueConstraint("contract_id", "number"),
        CheckConstraint(f"kind IN {tuple(VARIATION_KINDS)!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    number: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    rate_pence: Mapped[int] = mapped_column(BigInteger)
    planned_units: Mapped[int] = mapped_column()
    total_pence: Mapped[int] = mapped_column(BigInteger)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    contract: Mapped[Contract] = relationship(back_populates="versions")
    approved_by: Mapped[User | None] = relationship()


class OutcomeDefinition(Base):
    """An outcome in a lot's catalogue (admins edit it): what a contract on the lot may pay
    for, such as "Attendance rises to a target percentage"."""

    __tablename__ = "outcome_definitions"
    __table_args__ = (UniqueConstraint("lot_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # A retired outcome stays on the contracts that name it but is offered for no new one.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lot: Mapped[Lot] = relationship()


class ContractOutcome(Base):
    """One of a contract's 1-5 outcomes: baseline, target, review date and its share of the
    money held back. The provider evidences progress; a commissioner decides, releasing
    `released_pence` on the provider's next statement."""

    __tablename__ = "contract_outcomes"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTCOME_STATUSES!r}", name="status"),
        CheckConstraint("share_percent BETWEEN 1 AND 100", name="share_percent"),
        CheckConstraint(
            "achieved_percent IS NULL OR achieved_percent BETWEEN 0 AND 100",
            name="achieved_percent",
        ),
        # The commissioners' home lists the outcomes with evidence to decide, longest waiting
        # first, and counts them: a few among every outcome ever agreed.
        Index(
            "ix_contract_outcomes_evidenced",
            "evidenced_at",
            "id",
            postgresql_where=text(f"status = '{OUTCOME_EVIDENCED}'"),
            sqlite_where=text(f"status = '{OUTCOME_EVIDENCED}'"),
        ),
        # The spend reports count the outcomes decided in a period by lot (and team) from this
        # index alone.
        Index(
            "ix_contract_outcomes_decided",
            "decided_at",
            "status",
            "contract_lot_id",
            "contract_team",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("outcome_definitions.id"))
    position: Mapped[int] = mapped_column(default=0)
    baseline: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(200))
    review_on: Mapped[date] = mapped_column(Date)
    share_percent: Mapped[int] = mapped_column()  # of the contract's held-back money
    status: Mapped[str] = mapped_column(String(20), default=OUTCOME_DUE)
    progress: Mapped[str | None] = mapped_column(Text)  # the provider's account, with evidence
    evidence_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    evidenced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    achieved_percent: Mapped[int | None] = mapped_column()  # 100 met, 0 not met, or between
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    released_pence: Mapped[int | None] = mapped_column(BigInteger)
    # The statement that paid the released money (each release is paid once).
    paid_on_statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"))
    # When the provider was reminded that the review date is near (once per outcome).
    review_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(default=1)
    # Its contract's lot and team, kept by the database (migration f3a9c1e7d2b8's triggers set
    # them whenever an outcome is added or moved or its contract's lot or team changes), never
    # written by the portal: the spend report counts decided outcomes by them without reading
    # the contracts. Read them in queries only (an outcome loaded before a write may hold them
    # as they were).
    contract_lot_id: Mapped[int | None] = mapped_column(
        server_default=FetchedValue(), server_onupdate=FetchedValue(), deferred=True
    )
    contract_team: Mapped[str | None] = mapped_column(
        String(60), server_default=FetchedValue(), server_onupdate=FetchedValue(), deferred=True
    )

    contract: Mapped[Contract] = relationship(back_populates="outcomes")
    definition: Mapped[OutcomeDefinition] = relationship()


class Delivery(Base):
    """What the provider delivered on one contract in one month (aggregates only)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("contract_id", "month"),
        CheckConstraint(f"status IN {DELIVERY_STATUSES!r}", name="status"),
        CheckConstraint(
            "units_delivered >= 0 AND sessions_offered >= 0 "
            "AND sessions_attended BETWEEN 0 AND sessions_offered",
            name="counts",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # the first day of the month
    status: Mapped[str] = mapped_column(String(20), default=DELIVERY_DRAFT)
    units_delivered: Mapped[int] = mapped_column(default=0)
    sessions_offered: Mapped[int] = mapped_column(default=0)
    sessions_attended: Mapped[int] = mapped_column(default=0)
    # {reason key in CANCELLATION_REASONS: how many sessions}
    cancellations: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lock_version: Mapped[int] = mapped_column(default=1)

    contract: Mapped[Contract] = relationship()

    @property
    def attendance_percent(self) -> float | None:
        if not self.sessions_offered:
            return None
        return 100 * self.sessions_attended / self.sessions_offered


class FinanceExport(Base):
    """One export of approved statements to the council's finance system. The file is kept as
    it was first made, so it downloads again byte for byte even after a supplier's legal name or
    a team's cost centre changes; each statement it took names it (`exported_in_id`)."""

    __tablename__ = "finance_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    statement_count: Mapped[int] = mapped_column()
    total_pence: Mapped[int] = mapped_column(BigInteger)  # the statements' gross amounts
    content: Mapped[str] = mapped_column(Text)  # the CSV file

    made_by: Mapped[User | None] = relationship()


class Statement(Base):
    """A self-billing statement for one month's delivery: its own number, the provider's VAT
    status, lines that add up to its totals, approval or query, and the finance export that
    took it (each approved statement is exported exactly once)."""

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("delivery_id"),
        CheckConstraint(f"status IN {STATEMENT_STATUSES!r}", name="status"),
        # An export takes only approved statements.
        CheckConstraint("exported_in_id IS NULL OR status = 'approved'", name="exported_approved"),
        Index("ix_statements_status_exported", "status", "exported_in_id"),
        # The commissioners' home counts the statements waiting and finds the oldest: a few
        # among every statement ever issued.
        Index(
            "ix_statements_waiting",
            "issued_at",
            postgresql_where=text(f"status = '{STATEMENT_WAITING}'"),
            sqlite_where=text(f"status = '{STATEMENT_WAITING}'"),
        ),
        # The spend reports add up a period's approved statements by month and contract, and
        # join their held-back and outcome lines: read from the index alone (no table rows)
        # where the table is vacuumed.
        Index(
            "ix_statements_approved_month",
            "month",
            "contract_id",
            "net_pence",
            "id",
            postgresql_where=text(f"status = '{STATEMENT_APPROVED}'"),
            sqlite_where=text(f"status = '{STATEMENT_APPROVED}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "SB-000123": stable once issued, printed on the statement and in the finance export.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))
    month: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=STATEMENT_WAITING)
    # The provider's VAT registration when the statement was made (none: not registered).
    vat_number: Mapped[str | None] = mapped_column(String(20))
    vat_rate_percent: Mapped[int] = mapped_column(default=0)
    net_pence: Mapped[int] = mapped_column(BigInteger)  # the sum of the lines
    vat_pence: Mapped[int] = mapped_column(BigInteger)
    gross_pence: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    query_reason: Mapped[str | None] = mapped_column(Text)
    provider_answer: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    exported_in_id: Mapped[int | None] = mapped_column(ForeignKey("finance_exports.id"))
    lock_version: Mapped[int] = mapped_column(default=1)

    contract: Mapped[Contract] = relationship()
    delivery: Mapped[Delivery] = relationship()
    lines: Mapped[list[StatementLine]] = relationship(
        back_populates="statement", order_by="StatementLine.position"
    )


class StatementLine(Base):
    """One line of a statement: units times rate, the share held back (negative), or outcome
    money released. The statement's net total is the sum of its lines' amounts."""

    __tablename__ = "statement_lines"
    __table_args__ = (
        CheckConstraint(f"kind IN {LINE_KINDS!r}", name="kind"),
        # The spend reports add up the held-back and outcome lines (about half of all lines),
        # from the index alone where the table is vacuumed.
        Index(
            "ix_statement_lines_money",
            "statement_id",
            "kind",
            "amount_pence",
            postgresql_where=text(f"kind IN ('{LINE_HELD_BACK}', '{LINE_OUTCOME}')"),
            sqlite_where=text(f"kind IN ('{LINE_HELD_BACK}', '{LINE_OUTCOME}')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int | None] = mapped_column()
    unit_pence: Mapped[int | None] = mapped_column(BigInteger)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("contract_outcomes.id"))

    statement: Mapped[Statement] = relationship(back_populates="lines")


class MonthlySpend(Base):
    """What the council approved in one month for one lot, commissioning team and kind of
    provider (its organisation's SME, VCSE and local flags as they are now): how many approved
    statements, their net total, and their held-back and outcome lines, so the spend report adds
    up a few hundred of these rather than every approved statement and line (178,000 and more in
    a financial year at ten times the council's size).

    The database keeps it, never the portal: triggers (migration b8d5f3a20c46) add or take away
    a statement's figures whenever a statement or a line is written or removed, and move them
    when a contract's lot, team or organisation or an organisation's flags change, in the same
    transaction. So it always equals the sums over the approved statements, however they were
    written. A row whose statements have all gone stays with zero counts."""

    __tablename__ = "monthly_spend"
    # Rows the database derives from other tables' rows: tests put them back by writing the
    # sources again (tests/support/snapshots.py) and empty them after their sources.
    __table_args__ = {"info": {"derived": True}}

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the month
    lot_id: Mapped[int] = mapped_column(primary_key=True)
    team: Mapped[str] = mapped_column(String(60), primary_key=True)
    is_sme: Mapped[bool] = mapped_column(primary_key=True)
    is_vcse: Mapped[bool] = mapped_column(primary_key=True)
    is_local: Mapped[bool] = mapped_column(primary_key=True)
    statement_count: Mapped[int] = mapped_column()
    spend_pence: Mapped[int] = mapped_column(BigInteger)  # the statements' net totals
    money_line_count: Mapped[int] = mapped_column()  # their held-back and outcome lines
    held_back_pence: Mapped[int] = mapped_column(BigInteger)  # as a positive sum
    released_pence: Mapped[int] = mapped_column(BigInteger)


class ContractRelease(Base):
    """An OCDS release about a contract as it was published (contract, a variation over the
    threshold, termination): kept exactly as first served, never rewritten."""

    __tablename__ = "contract_releases"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    number: Mapped[int] = mapped_column()
    tag: Mapped[str] = mapped_column(String(30))
    released_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class DeliveryReminder(Base):
    """A reminder sent about a month's delivery record: one row per contract, month and kind
    ("due", "overdue"), so each goes once."""

    __tablename__ = "delivery_reminders"
    __table_args__ = (UniqueConstraint("contract_id", "month", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    month: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
