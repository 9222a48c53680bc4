"""Referrals: a child the council needs a place for, known only by a pseudonymous reference,
an age band, needs, a postcode district and how urgent it is, tracked from received to a
started placement (or closed with a reason). The days each took are what the time-to-place
dashboard reports.

Never a child's name, full postcode or date of birth: the service refuses free text that looks
like one, as placement requests do.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow
from portal.core.words import shown
from portal.lots.models import Lot

# A referral's path: received, matched (a placement request made for it, or a direct call-off
# drafted), offered (a contract sent to a provider), started (the contract is active), or
# closed with a reason at any point before it starts.
RECEIVED = "received"
MATCHED = "matched"
OFFERED = "offered"
STARTED = "started"
CLOSED = "closed"
STATUSES = (RECEIVED, MATCHED, OFFERED, STARTED, CLOSED)
# On their way: not yet started or closed. Queries name these (status IN ...) rather than the
# two they are not (NOT IN), so PostgreSQL finds the few open ones through the status indexes
# instead of reading every referral; the check constraint allows no other status.
OPEN_STATUSES = tuple(status for status in STATUSES if status not in (STARTED, CLOSED))
STATUS_LABELS = {
    RECEIVED: "Received",
    MATCHED: "Matched",
    OFFERED: "Offered",
    STARTED: "Started",
    CLOSED: "Closed",
}

# The colour of each status's tag (GOV.UK Frontend's tag modifiers), as
# templates/referrals/_macros.html's status_tag gives it; the list writes its tags from these.
STATUS_COLOURS = {
    RECEIVED: "blue",
    MATCHED: "light-blue",
    OFFERED: "yellow",
    STARTED: "green",
    CLOSED: "grey",
}

ROUTINE = "routine"
URGENT = "urgent"
EMERGENCY = "emergency"
URGENCIES = (ROUTINE, URGENT, EMERGENCY)
URGENCY_LABELS = {ROUTINE: "Routine", URGENT: "Urgent", EMERGENCY: "Emergency (same week)"}
# Red for an emergency, orange when urgent, as _macros.html's urgency_tag gives it.
URGENCY_COLOURS = {EMERGENCY: "red", URGENT: "orange", ROUTINE: "grey"}

# The measure the Cabinet report's "children often cannot wait" is held to.
TARGET_SCHOOL_DAYS = 10


class ShownAs:
    """How a referral's status and urgency are shown (words, and tag colours): on the referral
    and on a row of the list, which reads only some of its columns. The list writes its two tags
    a row itself, with these colours: a macro call each cost more than the rest of the row."""

    status_label = shown(STATUS_LABELS, "status")
    urgency_label = shown(URGENCY_LABELS, "urgency")
    status_colour = shown(STATUS_COLOURS, "status")
    urgency_colour = shown(URGENCY_COLOURS, "urgency")


class Referral(ShownAs, Base):
    """One referral for a place."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(f"urgency IN {URGENCIES!r}", name="urgency"),
        Index("ix_referrals_status_received", "status", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The council's pseudonymous reference (never a name): unique, as people search by it.
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=RECEIVED, index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    age_band: Mapped[str] = mapped_column(String(10))  # one of competitions' AGE_BANDS
    # Needs from capacity's controlled list (keys of NEEDS), and anything else in words.
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_summary: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str] = mapped_column(String(4))  # a postcode district, like DY1
    urgency: Mapped[str] = mapped_column(String(20))
    team: Mapped[str] = mapped_column(String(60), index=True)  # the commissioning team
    requested_by: Mapped[str] = mapped_column(String(200))  # the team or school asking
    required_start: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The referrer who is emailed as it moves on.
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # How it was matched: the placement request made for it, or the direct call-off (no
    # foreign keys: referrals point at competitions and contracts, never the other way).
    competition_id: Mapped[int | None] = mapped_column(index=True)
    contract_id: Mapped[int | None] = mapped_column(index=True)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_on: Mapped[date | None] = mapped_column(Date)
    # School days from received to started, stored when it starts (a fact fixed then, as a
    # started referral cannot be edited): the time-to-place dashboard adds these up in SQL.
    school_days_to_start: Mapped[int | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)

    lot: Mapped[Lot] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    referrer: Mapped[User | None] = relationship(foreign_keys=[referrer_id])

    @property
    def age_band_label(self) -> str:
        """ "14 to 16" for "14-16"."""
        return self.age_band.replace("-", " to ")


class ReferralDayCount(Base):
    """How many started referrals of one type of service, team and urgency took each number of
    school days to start: what the time-to-place figures add up (measures._all_figures), a few
    hundred rows whatever the number of referrals, where counting the started referrals
    themselves read every one of them on every view of the dashboard.

    The database keeps it, never the portal: triggers (migration c5e8a1d3f7b9) add a referral as
    it starts and take it away if it is changed or removed, in the same transaction. A count
    that falls to 0 stays as a row with n = 0, which the figures leave out."""

    __tablename__ = "referral_day_counts"
    # Rows the database derives from other tables' rows (see MonthlySpend).
    __table_args__ = {"info": {"derived": True}}

    lot_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    team: Mapped[str] = mapped_column(String(60), primary_key=True)
    urgency: Mapped[str] = mapped_column(String(20), primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column()
