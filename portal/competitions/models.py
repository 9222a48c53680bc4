"""Mini-competitions and placement requests: what the council asks for, who it invites, the
questions asked and answered, the sealed quotes (every version kept) and how they are scored.

Whether a competition is open, closed for questions or closed for quotes is never stored: it is
worked out from its deadlines and the database's clock when it is read (see services.now).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import (
    JSON,
    BigInteger,
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
from portal.core.words import shown
from portal.documents.models import StoredFile
from portal.lots.models import Lot
from portal.organisations.models import Organisation, OrganisationOwned

MINI_COMPETITION = "mini_competition"
PLACEMENT_REQUEST = "placement_request"
KINDS = {MINI_COMPETITION: "Mini-competition", PLACEMENT_REQUEST: "Placement request"}


def reference_of(kind: str, competition_id: int) -> str:
    """How people refer to a competition: "MC-12" or "PR-12" (lists read the parts alone)."""
    return f"{'PR' if kind == PLACEMENT_REQUEST else 'MC'}-{competition_id}"


TOTAL_PRICE = "total"
PRICE_BASES = {
    TOTAL_PRICE: "Total price",
    "hourly": "Price per hour",
    "daily": "Price per day",
    "per_placement": "Price per placement",
}

NO_PREFERENCE = "none"
LOCAL_ONLY = "local_only"
LOCAL_WEIGHTED = "weighted"
LOCAL_PREFERENCES = {
    NO_PREFERENCE: "No local preference",
    LOCAL_ONLY: "Invite only providers based in {area}",
    LOCAL_WEIGHTED: "Give marks to providers based in {area}",
}

# A competition's own statuses. Open, closed and "being evaluated" are read from the deadlines.
DRAFT = "draft"
PUBLISHED = "published"
AWARDED = "awarded"  # a winner chosen; in standstill until confirmed
CONFIRMED = "confirmed"  # the award confirmed (after any standstill)
CANCELLED = "cancelled"
STATUSES = (DRAFT, PUBLISHED, AWARDED, CONFIRMED, CANCELLED)

# A quote's statuses. A submitted quote can be edited: the edits are a draft until submitted
# again, and the latest submitted version is the one that counts.
QUOTE_DRAFT = "draft"
QUOTE_SUBMITTED = "submitted"
QUOTE_WITHDRAWN = "withdrawn"
QUOTE_STATUSES = (QUOTE_DRAFT, QUOTE_SUBMITTED, QUOTE_WITHDRAWN)

# How a quality question is answered: in words (scored by evaluators), or by choosing how far
# away the provider is (scored by the published distance bands, no evaluator needed).
TEXT_ANSWER = "text"
DISTANCE_BAND = "distance_band"
ANSWER_KINDS = (TEXT_ANSWER, DISTANCE_BAND)

# Placement requests: the child is known by the council's reference code and these bands only.
AGE_BANDS = {
    "5-7": "5 to 7",
    "8-10": "8 to 10",
    "11-13": "11 to 13",
    "14-16": "14 to 16",
    "17-19": "17 to 19",
    "20-25": "20 to 25",
}


class Competition(Base):
    """A mini-competition or a placement request on one lot."""

    __tablename__ = "competitions"
    __table_args__ = (
        CheckConstraint(f"kind IN {tuple(KINDS)!r}", name="kind"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(f"price_basis IN {tuple(PRICE_BASES)!r}", name="price_basis"),
        CheckConstraint(
            f"local_preference IN {tuple(LOCAL_PREFERENCES)!r}", name="local_preference"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    price_basis: Mapped[str] = mapped_column(String(20))
    # How many hours, days or placements the council expects to buy at the winning rate (none
    # for a total price): the award's published value is the rate times this.
    planned_units: Mapped[int | None] = mapped_column()
    # Out of 100 with the quality questions' weights (which total quality_weight).
    quality_weight: Mapped[int] = mapped_column()
    price_weight: Mapped[int] = mapped_column()
    local_preference: Mapped[str] = mapped_column(String(20), default=NO_PREFERENCE)
    local_weight: Mapped[int] = mapped_column(default=0)
    clarification_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    # Placement requests: needs without identifying the child.
    reference_code: Mapped[str | None] = mapped_column(String(30))
    age_band: Mapped[str | None] = mapped_column(String(10))
    needs_summary: Mapped[str | None] = mapped_column(Text)
    hours_per_week: Mapped[int | None] = mapped_column()
    start_date: Mapped[date | None] = mapped_column(Date)
    area: Mapped[str | None] = mapped_column(String(4))  # a postcode district, like DY1
    # The needs it names from capacity's controlled list, and, when the commissioner invited
    # only providers with matching confirmed capacity, why (recorded with the invitation list).
    needs: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    capacity_limit_reason: Mapped[str | None] = mapped_column(Text)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many were invited, set at publication (the invitee list never changes after), so a
    # list of competitions need not count a thousand invitations each.
    invited_count: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Evaluation closes when the lead closes moderation (or a placement request's evaluator
    # submits): from then on the scores are final.
    moderation_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The winning quote (no foreign key: quotes refer to competitions, not the other way).
    winner_quote_id: Mapped[int | None] = mapped_column()
    award_reason: Mapped[str | None] = mapped_column(Text)  # when not the top-ranked
    standstill_ends_on: Mapped[date | None] = mapped_column(Date)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(default=1)

    lot: Mapped[Lot] = relationship()
    created_by: Mapped[User | None] = relationship()
    questions: Mapped[list[QualityQuestion]] = relationship(
        back_populates="competition",
        order_by="QualityQuestion.position",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[CompetitionAttachment]] = relationship(
        back_populates="competition",
        order_by="CompetitionAttachment.id",
        cascade="all, delete-orphan",
    )

    @property
    def units(self) -> int:
        """How many of the priced unit the council buys: one, for a total price."""
        return self.planned_units or 1

    kind_label = shown(KINDS, "kind")
    price_basis_label = shown(PRICE_BASES, "price_basis")

    @property
    def is_placement(self) -> bool:
        return self.kind == PLACEMENT_REQUEST

    @property
    def local_preference_label(self) -> str:
        area = current_app.config["COUNCIL_AREA"]  # named: "the borough" leaves people guessing
        return LOCAL_PREFERENCES[self.local_preference].format(area=area)

    @property
    def age_band_label(self) -> str:
        return AGE_BANDS.get(self.age_band or "", "")

    @property
    def reference(self) -> str:
        """How people refer to it: "MC-12" or "PR-12"."""
        return reference_of(self.kind, self.id)


class QualityQuestion(Base):
    """A question every quote answers, with its weight (out of 100) and word limit."""

    __tablename__ = "competition_questions"
    __table_args__ = (CheckConstraint(f"answer_kind IN {ANSWER_KINDS!r}", name="answer_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    weight: Mapped[int] = mapped_column()
    word_limit: Mapped[int] = mapped_column(default=500)
    answer_kind: Mapped[str] = mapped_column(String(20), default=TEXT_ANSWER)

    competition: Mapped[Competition] = relationship(back_populates="questions")

    @property
    def key(self) -> str:
        """The key of its answer in a quote's answers."""
        return str(self.id)


class CompetitionAttachment(Base):
    """A file the council publishes with a competition (a specification, a pricing schedule),
    kept in the council's part of the document store. Attached and removed while the
    competition is a draft; from publication on, what the invited providers read."""

    __tablename__ = "competition_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)

    competition: Mapped[Competition] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship()


class Invitation(OrganisationOwned, Base):
    """A provider invited when the competition was published: the record of who was asked."""

    __tablename__ = "competition_invitations"
    __table_args__ = (
        UniqueConstraint("competition_id", "organisation_id"),
        # Declines counted per competition read only the few that declined.
        Index(
            "ix_competition_invitations_declined",
            "competition_id",
            postgresql_where=text("declined_at IS NOT NULL"),
            sqlite_where=text("declined_at IS NOT NULL"),
        ),
        # A provider's home reads its organisations' invitations not declined, with the
        # competition each is for, from this index alone.
        Index(
            "ix_competition_invitations_open",
            "organisation_id",
            "competition_id",
            postgresql_where=text("declined_at IS NULL"),
            sqlite_where=text("declined_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    declined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()


class Clarification(Base):
    """A provider's question. Published to every invited provider with its answer, without the
    asker (who is kept only for the council's record, never shown)."""

    __tablename__ = "competition_clarifications"
    __table_args__ = (
        # The commissioner's home asks of every competition whether any question waits for an
        # answer: a few questions among every one ever asked.
        Index(
            "ix_competition_clarifications_unanswered",
            "competition_id",
            postgresql_where=text("answered_at IS NULL"),
            sqlite_where=text("answered_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    question: Mapped[str] = mapped_column(Text)
    # The question as published: the commissioner may reword it so it does not identify the asker.
    published_question: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Quote(OrganisationOwned, Base):
    """One organisation's quote: the working copy it edits. Each submission is kept as a
    QuoteVersion; the latest submitted version is the one evaluated."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("competition_id", "organisation_id"),
        CheckConstraint(f"status IN {QUOTE_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=QUOTE_DRAFT)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    price_pence: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    versions: Mapped[list[QuoteVersion]] = relationship(
        back_populates="quote", order_by="QuoteVersion.number", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[QuoteAttachment]] = relationship(
        back_populates="quote", order_by="QuoteAttachment.id", cascade="all, delete-orphan"
    )


class QuoteVersion(Base):
    """A quote as submitted, frozen: answers, price and the files attached at the time."""

    __tablename__ = "quote_versions"
    __table_args__ = (UniqueConstraint("quote_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    price_pence: Mapped[int] = mapped_column(BigInteger)
    attachment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    quote: Mapped[Quote] = relationship(back_populates="versions")


class QuoteAttachment(Base):
    """A file attached to a quote, kept in the organisation's part of the document store. Once a
    submitted version names it, it is never deleted."""

    __tablename__ = "quote_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quote: Mapped[Quote] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship()


class Evaluator(Base):
    """A member of council staff named to score the quotes. Before any quote opens to them they
    declare whether they have a conflict of interest; a conflict takes them off the panel."""

    __tablename__ = "competition_evaluators"
    __table_args__ = (UniqueConstraint("competition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    has_conflict: Mapped[bool | None] = mapped_column()
    conflict_detail: Mapped[str | None] = mapped_column(Text)
    scores_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def can_score(self) -> bool:
        return self.declared_at is not None and not self.has_conflict


class Score(Base):
    """One evaluator's score (0-4) for one question of one quote, with their comment."""

    __tablename__ = "competition_scores"
    __table_args__ = (
        UniqueConstraint("evaluator_id", "quote_id", "question_id"),
        CheckConstraint("score BETWEEN 0 AND 4", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluator_id: Mapped[int] = mapped_column(
        ForeignKey("competition_evaluators.id", ondelete="CASCADE"), index=True
    )
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("competition_questions.id", ondelete="CASCADE")
    )
    score: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModeratedScore(Base):
    """The panel's agreed score for one question of one quote, with the lead's rationale: the
    score the bidder is told, and the one that counts."""

    __tablename__ = "competition_moderated_scores"
    __table_args__ = (
        UniqueConstraint("quote_id", "question_id"),
        CheckConstraint("score BETWEEN 0 AND 4", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("competition_questions.id", ondelete="CASCADE")
    )
    score: Mapped[int] = mapped_column()
    rationale: Mapped[str] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CompetitionRelease(Base):
    """An OCDS release as it was published (tender, amendment, award, award update,
    cancellation): kept exactly as first served, never rewritten, so the public history of a
    competition stays what people saw at the time."""

    __tablename__ = "competition_releases"
    __table_args__ = (UniqueConstraint("competition_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()  # 1, 2, ... in the order they were published
    tag: Mapped[str] = mapped_column(String(30))
    released_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
