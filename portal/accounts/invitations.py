"""What staff invitations and organisation invitations share: a random token in the emailed
link, of which only the hash is stored, that works until the invitation is accepted or expires.

The two kinds stay apart (their tables, who may send them, what accepting one does and the
emails are each their own); these are only the steps that are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import select

from portal.accounts import tokens
from portal.accounts.models import User
from portal.audit.services import record_change
from portal.core.db import db
from portal.core.time import utcnow
from portal.outbox.services import queue_email


class Invitation(Protocol):
    token_hash: str
    expires_at: datetime
    accepted_at: datetime | None


InvitationT = TypeVar("InvitationT", bound=Invitation)


def still_open(model: Any) -> tuple[Any, Any]:
    """The conditions on `model` (an invitation) that its link still works: not accepted, not
    expired."""
    return model.accepted_at.is_(None), model.expires_at > utcnow()


def send_invitation(
    model: Callable[..., InvitationT],
    inviter: User,
    now: datetime,
    days: int,
    fields: dict[str, Any],
    *,
    action: str,
    object_type: str,
    organisation_id: int | None = None,
    subject: str,
    template: str,
    **context: Any,
) -> InvitationT:
    """A new invitation (`model` with `fields`, among them `email`; to `organisation_id`, if
    any) from `inviter`, working for `days` from `now`: written, audited as `action` with
    `fields` as they are after, and its link emailed with `template`, which is given
    `invitation`, `inviter`, `token`, `days` and `context`."""
    token, token_hash = tokens.random_token()
    to = {} if organisation_id is None else {"organisation_id": organisation_id}
    invitation = model(
        token_hash=token_hash,
        invited_by_id=inviter.id,
        expires_at=now + timedelta(days=days),
        **to,
        **fields,
    )
    db.session.add(invitation)
    db.session.flush()
    record_change(
        action, invitation, inviter, organisation_id, after=fields, object_type=object_type
    )
    queue_email(
        fields["email"],
        subject,
        template,
        invitation=invitation,
        inviter=inviter,
        token=token,
        days=days,
        **context,
    )
    return invitation


def invitation_for_token(
    model: type[InvitationT],
    token: str,
    *options: Any,
    unusable: Callable[[InvitationT], bool] = lambda _: False,
) -> InvitationT:
    """The invitation of `model` whose link carries `token` (loaded with `options`). Raises
    tokens.InvalidToken when there is none, it was accepted or `unusable` says so, and
    tokens.InvalidToken(expired=True) when it has expired."""
    invitation = db.session.scalar(
        select(model)
        .where(model.token_hash == tokens.hash_token(token))  # type: ignore[arg-type]
        .options(*options)
    )
    if invitation is None or invitation.accepted_at is not None or unusable(invitation):
        raise tokens.InvalidToken()
    if invitation.expires_at <= utcnow():
        raise tokens.InvalidToken(expired=True)
    return invitation
