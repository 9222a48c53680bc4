"""Monthly KPI returns: the KPIs the council asks for (versioned definitions), each provider's
return for a month (versions kept: a draft, the submission, every amendment with its reason),
the council's questions on a return, month locks, reminders sent, and escalations.

Only aggregates per provider and month are kept: nothing here is about a child.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
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
from portal.organisations.models import Organisation, OrganisationOwned

COUNT = "count"
PERCENTAGE = "percentage"
POUNDS = "pounds"
DAYS = "days"
YES_NO = "yes_no"
UNITS = (COUNT, PERCENTAGE, POUNDS, DAYS, YES_NO)
UNIT_LABELS = {
    COUNT: "Number",
    PERCENTAGE: "Percentage",
    POUNDS: "Pounds",
    DAYS: "Days",
    YES_NO: "Yes or no",
}


class Kpi(Base):
    """A key performance indicator, as a stable identity: what it says and how it is rated live
    in its versions, each in force from a month."""

    __tablename__ = "kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The KPI's code in CSV files ("attendance-rate"): never changes.
    code: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[KpiVersion]] = relationship(
        back_populates="kpi", order_by="KpiVersion.effective_from"
    )


kpi_version_lots = Table(
    "kpi_version_lots",
    Base.metadata,
    Column("kpi_version_id", ForeignKey("kpi_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("lot_id", ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True),
)


class KpiVersion(Base):
    """A KPI's definition from `effective_from` (the first of a month) until the next version.
    Never changed once a return may use it: a change is a new version from a later month."""

    __tablename__ = "kpi_versions"
    __table_args__ = (
        UniqueConstraint("kpi_id", "effective_from"),
        CheckConstraint(f"unit IN {UNITS!r}", name="unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    # False: no longer asked for from effective_from.
    is_active: Mapped[bool] = mapped_column(default=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20))
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    is_required: Mapped[bool] = mapped_column(default=True)
    target: Mapped[float | None] = mapped_column(Float)
    # The value at which each rating starts (for lower-is-better KPIs, the value at or below
    # which it applies). None for a KPI that is reported but not rated.
    good_from: Mapped[float | None] = mapped_column(Float)
    approaching_from: Mapped[float | None] = mapped_column(Float)
    requires_improvement_from: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    kpi: Mapped[Kpi] = relationship(back_populates="versions")
    lots: Mapped[list[Lot]] = relationship(secondary=kpi_version_lots, order_by=Lot.position)

    @property
    def is_rated(self) -> bool:
        return self.good_from is not None or self.unit == YES_NO

    unit_label = shown(UNIT_LABELS, "unit")


DRAFT = "draft"
SUBMITTED = "submitted"
RETURN_STATUSES = (DRAFT, SUBMITTED)


class KpiReturn(OrganisationOwned, Base):
    """One organisation's return for one month. Its values live in versions: the draft (until
    submitted), the submission, then one per amendment."""

    __tablename__ = "kpi_returns"
    __table_args__ = (
        UniqueConstraint("organisation_id", "month"),
        CheckConstraint(f"status IN {RETURN_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # the first day of the month
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first submission
    amended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # latest amendment
    version_count: Mapped[int] = mapped_column(default=1)
    # The worst rating of the current version's values (None: nothing rated).
    rating: Mapped[str | None] = mapped_column(String(30))
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    versions: Mapped[list[KpiReturnVersion]] = relationship(
        back_populates="kpi_return", order_by="KpiReturnVersion.number"
    )

    @property
    def current(self) -> KpiReturnVersion:
        return self.versions[-1]


class KpiMonthTally(Base):
    """How many returns for one month are submitted, so the council's home counts the returns
    to check in months not yet locked from a row a month, not from every return ever submitted
    (35,000 at ten times the council's size, all staying submitted).

    The database keeps it, never the portal: triggers (migration a7c9e1f3b5d2) add or take
    away a return as it is submitted, moved or removed, in the same transaction. A month whose
    returns have all gone stays with a zero count."""

    __tablename__ = "kpi_month_tallies"
    # Rows the database derives from other tables' rows (see MonthlySpend).
    __table_args__ = {"info": {"derived": True}}

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the month
    submitted: Mapped[int] = mapped_column()


class KpiReturnVersion(Base):
    """The values of a return as saved (a draft) or submitted: the first submission, then an
    amendment each with its reason. Never changed once submitted."""

    __tablename__ = "kpi_return_versions"
    __table_args__ = (UniqueConstraint("kpi_return_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_return_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_returns.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was amended
    rating: Mapped[str | None] = mapped_column(String(30))

    kpi_return: Mapped[KpiReturn] = relationship(back_populates="versions")
    saved_by: Mapped[User | None] = relationship()
    values: Mapped[list[KpiValue]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="KpiValue.position"
    )


class KpiValue(Base):
    """One KPI's value in one version of a return, with the provider's comment and the rating
    it earned under the definition in force for the month."""

    __tablename__ = "kpi_values"
    __table_args__ = (UniqueConstraint("version_id", "kpi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_return_versions.id", ondelete="CASCADE"), index=True
    )
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"), index=True)
    kpi_version_id: Mapped[int] = mapped_column(ForeignKey("kpi_versions.id"))
    position: Mapped[int] = mapped_column(default=0)
    value: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[str | None] = mapped_column(String(30))

    version: Mapped[KpiReturnVersion] = relationship(back_populates="values")
    kpi_version: Mapped[KpiVersion] = relationship()


class KpiMonthLock(Base):
    """A month the council has locked: its returns can no longer be amended."""

    __tablename__ = "kpi_month_locks"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, unique=True)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


OPEN = "open"
ANSWERED = "answered"
QUERY_STATUSES = (OPEN, ANSWERED)


class KpiQuery(Base):
    """A reviewer's question on one value of a return; the provider answers it or amends."""

    __tablename__ = "kpi_queries"
    __table_args__ = (CheckConstraint(f"status IN {QUERY_STATUSES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_return_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_returns.id", ondelete="CASCADE"), index=True
    )
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"))
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(default=1)

    kpi: Mapped[Kpi] = relationship()
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


FIVE_DAYS = "five_days"
ONE_DAY = "one_day"
CHASER = "chaser"
REMINDER_KINDS = (FIVE_DAYS, ONE_DAY, CHASER)


class KpiReminder(Base):
    """A reminder sent: one row per organisation, month and kind, so each goes once."""

    __tablename__ = "kpi_reminders"
    __table_args__ = (
        UniqueConstraint("organisation_id", "month", "kind"),
        CheckConstraint(f"kind IN {REMINDER_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


TWO_INADEQUATE = "two_inadequate"
THREE_REQUIRES_IMPROVEMENT = "three_requires_improvement"
MISSING_RETURN = "missing_return"
RAISED_BY_COUNCIL = "raised_by_council"  # opened by hand, with a reason
TRIGGERS = (TWO_INADEQUATE, THREE_REQUIRES_IMPROVEMENT, MISSING_RETURN, RAISED_BY_COUNCIL)
CLOSED = "closed"
ESCALATION_STATUSES = (OPEN, CLOSED)


class KpiEscalation(OrganisationOwned, Base):
    """Performance the council must act on: a KPI rated inadequate two months running (or
    requires improvement three), a missing return, or a concern a member of staff raised by
    hand with a reason. Worked through actions, closed with a reason."""

    __tablename__ = "kpi_escalations"
    __table_args__ = (
        CheckConstraint(f"trigger IN {TRIGGERS!r}", name="trigger"),
        CheckConstraint(f"status IN {ESCALATION_STATUSES!r}", name="status"),
        # The open ones, oldest first: the council's home counts them and lists the oldest
        # from it, never reading the closed (most of them, in time).
        Index(
            "ix_kpi_escalations_open_opened_at",
            "opened_at",
            "id",
            postgresql_where=text(f"status = '{OPEN}'"),
            sqlite_where=text(f"status = '{OPEN}'"),
        ),
        # The open ones by organisation: lists of providers count each one's from the index
        # alone (escalations.open_escalation_count), never reading the closed.
        Index(
            "ix_kpi_escalations_open_organisation",
            "organisation_id",
            "id",
            postgresql_where=text(f"status = '{OPEN}'"),
            sqlite_where=text(f"status = '{OPEN}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id"))
    trigger: Mapped[str] = mapped_column(String(40))
    # Organisation, trigger, KPI and month: the same cause never opens two escalations.
    trigger_key: Mapped[str] = mapped_column(String(120), unique=True)
    month: Mapped[date] = mapped_column(Date)  # the latest month of the triggering data
    # What triggered it: [{"month": "2027-01", "value": 61.0, "rating": "inadequate"}, ...]
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who opened it by hand, and why (None for one the returns opened).
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    open_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    close_reason: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    kpi: Mapped[Kpi | None] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    actions: Mapped[list[KpiEscalationAction]] = relationship(
        back_populates="escalation", order_by="KpiEscalationAction.id"
    )


REVIEW_MEETING = "review_meeting"
ACTION_PLAN = "action_plan"
OUTCOME = "outcome"
ACTION_KINDS = (REVIEW_MEETING, ACTION_PLAN, OUTCOME)
ACTION_LABELS = {
    REVIEW_MEETING: "Provider review meeting",
    ACTION_PLAN: "Action plan",
    OUTCOME: "Outcome",
}


class KpiEscalationAction(Base):
    """Something the council did about an escalation: a review meeting, an action plan, an
    outcome."""

    __tablename__ = "kpi_escalation_actions"
    __table_args__ = (CheckConstraint(f"kind IN {ACTION_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_escalations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    on_date: Mapped[date | None] = mapped_column(Date)
    details: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    escalation: Mapped[KpiEscalation] = relationship(back_populates="actions")
    recorded_by: Mapped[User | None] = relationship()

    kind_label = shown(ACTION_LABELS, "kind")
