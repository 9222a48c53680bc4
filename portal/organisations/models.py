from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import Base, UTCDateTime
from portal.core.time import utcnow
from portal.core.words import shown

LEGAL_FORMS = {
    "company": "Limited company",
    "charity": "Charity or charitable incorporated organisation (CIO)",
    "cic": "Community interest company (CIC)",
    "sole_trader": "Sole trader",
    "partnership": "Partnership",
    "other": "Other",
}
# What the organisation tells us about itself (the rest, such as is_local, we work out).
DETAIL_FIELDS = (
    "legal_name",
    "trading_name",
    "legal_form",
    "company_number",
    "charity_number",
    "vat_number",
    "is_sme",
    "is_vcse",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "website",
    "contact_name",
    "contact_email",
)
OWNER = "owner"
MEMBER = "member"
MEMBER_ROLES = (OWNER, MEMBER)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(f"legal_form IN {tuple(LEGAL_FORMS)!r}", name="legal_form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    trading_name: Mapped[str | None] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(20))
    # One organisation per registered company or charity (several may have none).
    company_number: Mapped[str | None] = mapped_column(String(8), unique=True)
    charity_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    is_sme: Mapped[bool] = mapped_column(default=False)
    is_vcse: Mapped[bool] = mapped_column(default=False)
    address_line_1: Mapped[str] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(8))
    is_local: Mapped[bool] = mapped_column(default=False)
    # Its VAT registration number, when it has one: printed on the council's self-billing
    # statements, which add VAT only for a registered provider.
    vat_number: Mapped[str | None] = mapped_column(String(14))
    phone: Mapped[str] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def display_name(self) -> str:
        return self.trading_name or self.legal_name

    legal_form_label = shown(LEGAL_FORMS, "legal_form")


# The reviewers' list of providers is in the order of the legal name: read a page at a time.
Index("ix_organisations_legal_name", Organisation.legal_name, Organisation.id)


# display_name in SQL. Lists of organisations are in its lower-cased order, which this index
# keeps, so a page of them is read in order rather than every organisation sorted. PostgreSQL
# only: SQLite (development and tests) can make it but not read it back for the migrations check.
NAME_SHOWN = func.coalesce(Organisation.trading_name, Organisation.legal_name)
Index("ix_organisations_name_shown", func.lower(NAME_SHOWN), Organisation.id).ddl_if(
    dialect="postgresql"
)


class OrganisationOwned:
    """A record that belongs to one organisation and goes when the organisation does."""

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )


class Membership(OrganisationOwned, Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id"),
        CheckConstraint(f"role IN {MEMBER_ROLES!r}", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default=MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class OrganisationInvitation(OrganisationOwned, Base):
    """An invitation, by email, to join an organisation. Accepted once, before it expires."""

    __tablename__ = "organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User] = relationship()
