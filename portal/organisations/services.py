"""The rules for organisations: creating and editing them, members and invitations."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from portal.accounts import invitations, tokens
from portal.accounts.models import User
from portal.audit.services import changes, fields_of, record_change
from portal.core.db import db
from portal.core.errors import ServiceError, found
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.core.time import utcnow
from portal.organisations import validation
from portal.organisations.models import (
    DETAIL_FIELDS,
    MEMBER,
    OWNER,
    Membership,
    Organisation,
    OrganisationInvitation,
)
from portal.outbox.services import queue_email

INVITATION_DAYS = 7


class OrganisationError(ServiceError):
    """A problem the user can fix, with the form field it belongs to."""


# Reading -------------------------------------------------------------------------------------


# Built once: a statement built for every request costs more than running it.
_MEMBERSHIPS = (
    select(Membership)
    .where(Membership.user_id == bindparam("user_id"))
    .join(Membership.organisation)
    .options(contains_eager(Membership.organisation))
    .order_by(Organisation.legal_name)
)


def memberships_of(user: User) -> list[Membership]:
    return list(db.session.scalars(_MEMBERSHIPS, {"user_id": user.id}))


def organisations_page(matching: ColumnElement[bool], number: int) -> Page:
    """Page `number` of the organisations for which `matching` holds, by name (one query, two
    for a page past the end): the lists reviewers start from, each with its own test of which
    organisations it holds."""
    counted = select(func.count(Organisation.id)).where(matching)
    # How many in all rides on the page's rows (pagination.rows_and_total), counted by a
    # subquery not correlated to them, and left off the rows handed back.
    chosen = (
        select(Organisation, counted.correlate(None).scalar_subquery().label("total"))
        .where(matching)
        .order_by(Organisation.legal_name, Organisation.id)
        .limit(PER_PAGE)
    )
    rows, number, total = rows_and_total(
        number,
        lambda first: db.session.execute(chosen.offset(first)).all(),
        lambda: db.count(counted),
    )
    return Page([row[0] for row in rows], number, total)


# Built once, the ids bound: every organisation's page opens with it, and building it (and its
# cache key) on each request cost about as much as running it.
_MEMBERSHIP_OF = (
    select(Membership)
    .where(
        Membership.organisation_id == bindparam("organisation_id"),
        Membership.user_id == bindparam("user_id"),
    )
    .options(joinedload(Membership.organisation))
)


def get_organisation_for(user: User, organisation_id: int) -> tuple[Organisation, Membership]:
    """The organisation and `user`'s membership of it.

    Raises NotFoundForUser (404) when it does not exist or `user` is not a member, so nobody can
    tell the two apart.
    """
    membership = found(
        db.session.scalar(_MEMBERSHIP_OF, {"organisation_id": organisation_id, "user_id": user.id})
    )
    return membership.organisation, membership


def find_organisation(organisation_id: int) -> Organisation | None:
    """Any organisation, as council staff may read it; None when there is none."""
    return db.session.get(Organisation, organisation_id)


def members_of(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .options(selectinload(Membership.user))
            .join(Membership.user)
            .order_by(User.full_name)
        )
    )


def email_members_of(
    organisation: Organisation, subject: str, template: str, /, **context: Any
) -> None:
    """Email each member of `organisation` (`member` in the template is the one it goes to;
    `organisation` may be in `context` too)."""
    for membership in members_of(organisation):
        queue_email(membership.user.email, subject, template, member=membership.user, **context)


def _open_invitations(*criteria) -> list[OrganisationInvitation]:
    """Invitations not yet accepted, cancelled or expired, matching `criteria`."""
    return list(
        db.session.scalars(
            select(OrganisationInvitation)
            .where(
                *criteria,
                *invitations.still_open(OrganisationInvitation),
                OrganisationInvitation.cancelled_at.is_(None),
            )
            .options(selectinload(OrganisationInvitation.organisation))
            .order_by(OrganisationInvitation.created_at)
        )
    )


def pending_invitations(organisation: Organisation) -> list[OrganisationInvitation]:
    return _open_invitations(OrganisationInvitation.organisation_id == organisation.id)


def invitations_for(user: User) -> list[OrganisationInvitation]:
    """Open invitations sent to the user's email address."""
    return _open_invitations(OrganisationInvitation.email == user.email)


# Creating and editing ------------------------------------------------------------------------


def _is_local(postcode: str) -> bool:
    district = validation.postcode_district(postcode)
    return district in current_app.config["LOCAL_POSTCODE_DISTRICTS"]


def _snapshot(organisation: Organisation) -> dict:
    return fields_of(organisation, (*DETAIL_FIELDS, "is_local"))


_REGISTERED_ALREADY = {
    "company_number": "An organisation with this Companies House number is already registered. "
    "Ask one of its owners to invite you",
    "charity_number": "An organisation with this charity number is already registered. "
    "Ask one of its owners to invite you",
}


def _check_not_registered_already(details: dict, organisation: Organisation | None = None) -> None:
    """One legal body, one organisation: a second copy would split its people and records.

    When editing, only a number being changed is checked, so an organisation is never stuck
    behind a clash that was there before.
    """
    for field, message in _REGISTERED_ALREADY.items():
        number = details[field]
        if not number or (organisation is not None and getattr(organisation, field) == number):
            continue
        query = select(Organisation.id).where(getattr(Organisation, field) == number)
        if db.session.scalar(query.limit(1)) is not None:
            raise OrganisationError(message, field)


def create_organisation(user: User, details: dict) -> Organisation:
    """Create an organisation with `user` as its owner. `details` holds DETAIL_FIELDS.

    Raises OrganisationError when its Companies House or charity number is already registered.
    """
    _check_not_registered_already(details)
    organisation = Organisation(**details, is_local=_is_local(details["postcode"]))
    organisation.memberships.append(Membership(user_id=user.id, role=OWNER))
    db.session.add(organisation)
    db.session.flush()
    record_change(
        "organisation.created", organisation, user, organisation.id, after=_snapshot(organisation)
    )
    return organisation


def update_organisation(user: User, organisation: Organisation, details: dict) -> None:
    """Save changed details, auditing only the fields that changed.

    Raises OrganisationError when the new Companies House or charity number belongs to another
    organisation.
    """
    _check_not_registered_already(details, organisation)
    before = _snapshot(organisation)
    for name in DETAIL_FIELDS:
        setattr(organisation, name, details[name])
    organisation.is_local = _is_local(organisation.postcode)
    before, after = changes(before, _snapshot(organisation))
    if after:
        record_change(
            "organisation.updated", organisation, user, organisation.id, before=before, after=after
        )


# Members and invitations ---------------------------------------------------------------------


def invite_member(user: User, organisation: Organisation, email: str) -> OrganisationInvitation:
    """Email `email` a link to join. Inviting someone again replaces their earlier link."""
    email = email.strip().lower()
    already_member = db.session.scalar(
        select(Membership)
        .join(Membership.user)
        .where(Membership.organisation_id == organisation.id, User.email == email)
    )
    if already_member is not None:
        raise OrganisationError(f"{email} is already a member of this organisation", "email")
    now = utcnow()
    for earlier in pending_invitations(organisation):
        if earlier.email == email:
            earlier.cancelled_at = now
    return invitations.send_invitation(
        OrganisationInvitation,
        user,
        now,
        INVITATION_DAYS,
        {"email": email},
        action="organisation.member_invited",
        object_type="organisation_invitation",
        organisation_id=organisation.id,
        subject=f"{user.full_name} has invited you to join {organisation.display_name}",
        template="organisation_invitation",
        organisation=organisation,
    )


def invitation_for_token(token: str) -> OrganisationInvitation:
    """Raises tokens.InvalidToken when the link is unknown, used, cancelled or expired."""
    return invitations.invitation_for_token(
        OrganisationInvitation,
        token,
        selectinload(OrganisationInvitation.organisation),
        unusable=lambda invitation: invitation.cancelled_at is not None,
    )


def organisation_joined_through(user: User, token: str) -> Organisation | None:
    """The organisation `user` is in having accepted this link: opening it again (or a second
    click on accept) should take them there rather than to an error."""
    return db.session.scalar(
        select(Organisation)
        .join(OrganisationInvitation, OrganisationInvitation.organisation_id == Organisation.id)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(
            OrganisationInvitation.token_hash == tokens.hash_token(token),
            OrganisationInvitation.accepted_at.is_not(None),
            OrganisationInvitation.email == user.email,
            Membership.user_id == user.id,
        )
    )


def accept_invitation(user: User, token: str) -> Organisation:
    """Make `user` a member. The invitation must have been sent to their email address."""
    invitation = invitation_for_token(token)
    if user.is_staff:
        raise OrganisationError("Council staff accounts cannot join a provider organisation")
    if invitation.email != user.email:
        raise OrganisationError(
            f"This invitation was sent to {invitation.email}. Sign in with that email address "
            "to accept it"
        )
    organisation = invitation.organisation
    invitation.accepted_at = utcnow()
    existing = db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    )
    if existing is None:
        db.session.add(Membership(organisation_id=organisation.id, user_id=user.id, role=MEMBER))
        db.session.flush()
        record_change(
            "organisation.member_joined",
            organisation,
            user,
            organisation.id,
            after={"user_id": user.id, "email": user.email, "role": MEMBER},
        )
        inviter = db.session.get_one(User, invitation.invited_by_id)
        queue_email(
            inviter.email,
            f"{user.full_name} has joined {organisation.display_name}",
            "organisation_member_joined",
            organisation=organisation,
            member=user,
            inviter=inviter,
        )
    return organisation


def cancel_invitation(user: User, organisation: Organisation, invitation_id: int) -> None:
    invitation = found(
        db.session.scalar(
            select(OrganisationInvitation).where(
                OrganisationInvitation.id == invitation_id,
                OrganisationInvitation.organisation_id == organisation.id,
            )
        )
    )
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = utcnow()
        record_change(
            "organisation.invitation_cancelled",
            invitation,
            user,
            organisation.id,
            before={"email": invitation.email},
            object_type="organisation_invitation",
        )


def get_membership(organisation: Organisation, membership_id: int) -> Membership:
    """Raises NotFoundForUser for a membership of another organisation."""
    membership = found(
        db.session.scalar(
            select(Membership)
            .where(Membership.id == membership_id, Membership.organisation_id == organisation.id)
            .options(selectinload(Membership.user))
        )
    )
    return membership


def _owner_count(organisation: Organisation) -> int:
    return db.count(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation.id, Membership.role == OWNER)
    )


def remove_member(user: User, organisation: Organisation, membership: Membership) -> None:
    """Take someone out of the organisation (an owner may also use this to leave).

    The last owner cannot go: someone must always be able to manage the organisation.
    """
    # Lock the organisation (PostgreSQL) so two owners leaving at once cannot both pass the
    # count below and leave nobody in charge.
    db.session.execute(
        select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )
    if membership.role == OWNER and _owner_count(organisation) <= 1:
        raise OrganisationError(
            "You cannot remove the only owner. Make someone else an owner first"
            if membership.user_id != user.id
            else "You are the only owner, so you cannot leave. Make someone else an owner first"
        )
    removed = membership.user
    db.session.delete(membership)
    db.session.flush()
    record_change(
        "organisation.member_removed",
        organisation,
        user,
        organisation.id,
        before={"user_id": removed.id, "email": removed.email, "role": membership.role},
    )
    if removed.id != user.id:
        queue_email(
            removed.email,
            f"You have been removed from {organisation.display_name}",
            "organisation_member_removed",
            organisation=organisation,
            member=removed,
        )


def make_owner(user: User, organisation: Organisation, membership: Membership) -> None:
    """Give a member the owner's rights (an owner can then leave, with someone left in charge)."""
    if membership.role == OWNER:
        return
    membership.role = OWNER
    record_change(
        "organisation.owner_added",
        organisation,
        user,
        organisation.id,
        before={"user_id": membership.user_id, "role": MEMBER},
        after={"user_id": membership.user_id, "role": OWNER},
    )
