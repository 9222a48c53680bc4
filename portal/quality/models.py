"""Quality: the council's visits and audits of a provider against a versioned checklist, the
action plan its findings (and its review meetings) give the provider, the review meetings
themselves, and the one risk rating per provider that sets how often they meet.

The checklist is content as data, as the questionnaire is: a YAML file per version under
`portal/quality/content/`, loaded into a ChecklistVersion that a visit pins, so a visit is always
read against the items it was recorded on.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
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
from portal.organisations.models import Organisation

# A visit's life: planned, then recorded against the checklist (the grades may be saved as a
# draft while planned), then its findings published to the provider; or cancelled.
VISIT_PLANNED = "planned"
VISIT_RECORDED = "recorded"
VISIT_PUBLISHED = "published"
VISIT_CANCELLED = "cancelled"
VISIT_STATUSES = (VISIT_PLANNED, VISIT_RECORDED, VISIT_PUBLISHED, VISIT_CANCELLED)

ANNOUNCED = "announced"
UNANNOUNCED = "unannounced"
VISIT_NOTICE = (ANNOUNCED, UNANNOUNCED)
ON_SITE = "on_site"
REMOTE = "remote"
VISIT_MODES = (ON_SITE, REMOTE)

# A grade per checklist item.
MET = "met"
PARTLY_MET = "partly_met"
NOT_MET = "not_met"
NOT_SEEN = "not_seen"
GRADES = (MET, PARTLY_MET, NOT_MET, NOT_SEEN)
GRADE_LABELS = {MET: "Met", PARTLY_MET: "Partly met", NOT_MET: "Not met", NOT_SEEN: "Not seen"}

# A visit's overall judgement, which follows the grades by the published rule
# (portal/quality/services/judgement.py).
GOOD = "good"
REQUIRES_IMPROVEMENT = "requires_improvement"
INADEQUATE = "inadequate"
JUDGEMENTS = (GOOD, REQUIRES_IMPROVEMENT, INADEQUATE)
JUDGEMENT_LABELS = {
    GOOD: "Good",
    REQUIRES_IMPROVEMENT: "Requires improvement",
    INADEQUATE: "Inadequate",
}

# An action's life: open until the provider marks it done (with its response and evidence),
# then the council accepts it (closed) or reopens it.
ACTION_OPEN = "open"
ACTION_DONE = "done"
ACTION_CLOSED = "closed"
ACTION_STATUSES = (ACTION_OPEN, ACTION_DONE, ACTION_CLOSED)
ACTION_STATUS_LABELS = {
    ACTION_OPEN: "Open",
    ACTION_DONE: "Done, waiting for the council",
    ACTION_CLOSED: "Closed",
}

# A review meeting's life: scheduled, then held (with its minutes), or cancelled.
MEETING_SCHEDULED = "scheduled"
MEETING_HELD = "held"
MEETING_CANCELLED = "cancelled"
MEETING_STATUSES = (MEETING_SCHEDULED, MEETING_HELD, MEETING_CANCELLED)

# A provider's risk, and how often its review meetings are held at each (months).
LOW = "low"
MEDIUM = "medium"
HIGH = "high"
RISKS = (LOW, MEDIUM, HIGH)
RISK_LABELS = {LOW: "Low", MEDIUM: "Medium", HIGH: "High"}
MEETING_MONTHS = {HIGH: 3, MEDIUM: 6, LOW: 12}


class ChecklistVersion(Base):
    """One version of the visit checklist, loaded from its YAML file (`content` is the parsed
    file: sections, items with ids, text and guidance). Visits pin the version they used."""

    __tablename__ = "checklist_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the file it was loaded from
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Visit(Base):
    """A visit or audit of a provider: planned, recorded against the checklist, its findings
    published to the provider."""

    __tablename__ = "quality_visits"
    __table_args__ = (
        CheckConstraint(f"status IN {VISIT_STATUSES!r}", name="status"),
        CheckConstraint(f"notice IN {VISIT_NOTICE!r}", name="notice"),
        CheckConstraint(f"mode IN {VISIT_MODES!r}", name="mode"),
        CheckConstraint(f"judgement IS NULL OR judgement IN {JUDGEMENTS!r}", name="judgement"),
        Index("ix_quality_visits_organisation_status", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    status: Mapped[str] = mapped_column(String(20), default=VISIT_PLANNED, index=True)
    notice: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    # The lots the visit looks at (ids) and the sites it covers (free text, one per line).
    lot_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    sites: Mapped[str] = mapped_column(Text, default="")
    planned_on: Mapped[date] = mapped_column(Date)
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when recorded: the day it took place, who recorded it, the judgement the grades give
    # and the visitor's summary for the provider.
    visited_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    judgement: Mapped[str | None] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    checklist: Mapped[ChecklistVersion] = relationship()
    planned_by: Mapped[User | None] = relationship(foreign_keys=[planned_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    grades: Mapped[list[VisitGrade]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitGrade.id"
    )


class VisitGrade(Base):
    """The grade a visit gave one checklist item, with the visitor's evidence notes."""

    __tablename__ = "quality_visit_grades"
    __table_args__ = (
        UniqueConstraint("visit_id", "item_id"),
        CheckConstraint(f"grade IN {GRADES!r}", name="grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("quality_visits.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(60))  # the checklist item's id
    grade: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")

    visit: Mapped[Visit] = relationship(back_populates="grades")


class Meeting(Base):
    """A provider review meeting: scheduled (due by risk), its agenda built from the provider's
    record when it was scheduled, then held with minutes, attendees and agreed actions."""

    __tablename__ = "quality_meetings"
    __table_args__ = (
        CheckConstraint(f"status IN {MEETING_STATUSES!r}", name="status"),
        Index("ix_quality_meetings_organisation_status", "organisation_id", "status"),
        # The quality officers' home lists the scheduled meetings whose day has passed, oldest
        # first: the few scheduled among every meeting held, read from the index by day.
        Index(
            "ix_quality_meetings_scheduled_on",
            "meets_on",
            "id",
            postgresql_where=text(f"status = '{MEETING_SCHEDULED}'"),
            sqlite_where=text(f"status = '{MEETING_SCHEDULED}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=MEETING_SCHEDULED, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)  # when the risk says it is due
    meets_on: Mapped[date] = mapped_column(Date)  # the day set for it
    # The risk when it was scheduled, which set its frequency.
    risk: Mapped[str] = mapped_column(String(10))
    # The agenda: items built from the record when scheduled, each {"heading", "lines"}.
    agenda: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    held_on: Mapped[date | None] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minuted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    minuted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    comments: Mapped[list[MeetingComment]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingComment.id"
    )


class MeetingComment(Base):
    """A comment on a held meeting's minutes, by the provider or the council."""

    __tablename__ = "quality_meeting_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("quality_meetings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class Action(Base):
    """One action in a provider's action plan, from a visit's findings or agreed at a review
    meeting (one of the two, or neither for an action a reviewer adds by hand)."""

    __tablename__ = "quality_actions"
    __table_args__ = (
        CheckConstraint(f"status IN {ACTION_STATUSES!r}", name="status"),
        Index("ix_quality_actions_organisation_status", "organisation_id", "status"),
        # The open ones by due date: the council's home counts the overdue from it, never
        # reading the closed (most of them, in time), and with the visit, whether the provider
        # may see each, from the index alone (migration a1c7e5f9b3d2).
        Index(
            "ix_quality_actions_open_due_on",
            "due_on",
            "visit_id",
            postgresql_where=text(f"status = '{ACTION_OPEN}'"),
            sqlite_where=text(f"status = '{ACTION_OPEN}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("quality_visits.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("quality_meetings.id"), index=True)
    # The checklist item a visit's action answers, when it came from one.
    item_id: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(120))  # who at the provider does it
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ACTION_OPEN, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the overdue email went (once per action).
    overdue_emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    notes: Mapped[list[ActionNote]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionNote.id"
    )


class ActionNote(Base):
    """What was said on an action: the provider's response (with evidence from its document
    library) or the council's reason for reopening it."""

    __tablename__ = "quality_action_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("quality_actions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class ProviderRisk(Base):
    """A provider's risk rating as last worked out by the published rule, with the reasons it
    gave (a list of {"factor", "points", "because"}). Kept so a change can be noticed, audited
    and emailed; the rule itself is in portal/quality/services/risk.py."""

    __tablename__ = "provider_risks"
    __table_args__ = (CheckConstraint(f"rating IN {RISKS!r}", name="rating"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    rating: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the rating last changed (rated_at moves on every working-out).
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeetingBasis(Base):
    """What a provider's next review meeting is worked out from, per provider: when it was first
    admitted to the framework (None: no admission but removed ones, so not on it), when it last
    met (its latest meeting held), its next meeting scheduled (the earliest) and when that is
    due. So the calendar and the council's home read a row per provider and compare dates, not
    every admission and meeting ever held and months added up per provider.

    The database keeps it, never the portal: triggers (migration a7c9e1f3b5d2) work a
    provider's row out again from its own admissions, meetings and kept rating whenever one of
    them is written or removed, in the same transaction."""

    __tablename__ = "quality_meeting_bases"
    # Rows the database derives from other tables' rows (see contracts' MonthlySpend).
    __table_args__ = (
        # The quality officers' home counts the providers due a meeting within a month with
        # none scheduled: read from the index by the day they fall due, not every provider.
        Index(
            "ix_quality_meeting_bases_unscheduled_due_on",
            "due_on",
            postgresql_where=text("meets_on IS NULL AND admitted_at IS NOT NULL"),
            sqlite_where=text("meets_on IS NULL AND admitted_at IS NOT NULL"),
        ),
        {"info": {"derived": True}},
    )

    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    admitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_on: Mapped[date | None] = mapped_column(Date)
    meets_on: Mapped[date | None] = mapped_column(Date)
    # When its next meeting falls due by its kept rating (ProviderRisk; low when none), counted
    # from when it last met or else first joined (London; SQLite: UTC), as meetings.py
    # _add_months counts months, with the months MEETING_MONTHS gives (the migration writes
    # them into its triggers: change both together).
    due_on: Mapped[date | None] = mapped_column(Date)
