from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import Base, UTCDateTime

# The role names live with the permission table that is written in them; a User has one.
from portal.core.roles import (  # noqa: F401 - imported from here by the domains
    ADMIN,
    COMMISSIONER,
    PROVIDER,
    REVIEWER,
    ROLE_LABELS,
    ROLES,
    STAFF_ROLES,
)
from portal.core.time import utcnow
from portal.core.words import shown

# The deferred group of a user's password hash and two-factor secret (undefer_group to read them
# with the user, where they are sure to be read).
SECRETS = "secrets"


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # The secrets load only when read (together: SECRETS), so the many pages that name people
    # (a decision's reviewer, an organisation's members, the staff list) never read them.
    password_hash: Mapped[str] = mapped_column(String(200), deferred=True, deferred_group=SECRETS)
    # Indexed: the reviewers to assign an application to are found by role.
    role: Mapped[str] = mapped_column(String(20), default=PROVIDER, index=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the login id: bumping it signs out every session of this user.
    session_version: Mapped[int] = mapped_column(default=1)
    totp_secret: Mapped[str | None] = mapped_column(
        String(64), deferred=True, deferred_group=SECRETS
    )
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last TOTP time step accepted, so a code cannot be replayed within its window.
    totp_last_step: Mapped[int | None] = mapped_column()
    # Set while an admin has deactivated the (staff) account: it cannot sign in, and loads as
    # no one, so any session still in a browser ends on its next request.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the password was last accepted (before any two-factor code), for the staff list.
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_provider(self) -> bool:
        return self.role == PROVIDER

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    role_label = shown(ROLE_LABELS, "role")


class UserSession(Base):
    """One signed-in browser. The cookie carries a random token and this row its hash: signing
    out deletes the row, so a copy of the cookie stops working, and a session older than
    SESSION_LIFETIME_HOURS is refused however busy it has been."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Indexed: ending every session of one person (deactivation, a two-factor reset).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(Base):
    """A one-time code a staff member can use when their authenticator is lost."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class StaffInvitation(Base):
    """An admin's invitation for a council officer to create a staff account with a role."""

    __tablename__ = "staff_invitations"
    __table_args__ = (CheckConstraint(f"role IN {STAFF_ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AddressBrake(Base):
    """How often something has happened lately to one email address (wrong passwords and codes,
    emails sent to it from the anonymous forms), counted atomically in the database.

    Kept per address typed, not per account, so that an address without an account is slowed
    and locked exactly as one with an account is: the answers cannot tell them apart. The
    address is stored only as a keyed hash, since most rows are addresses attackers typed.
    """

    __tablename__ = "address_brakes"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column()
    # Indexed: rows whose window has passed are deleted as new events arrive.
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
