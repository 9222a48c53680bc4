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
from portal.core.db import db
from portal.core.time import utcnow


class Invitation(Protocol):
    token_hash: str
    expires_at: datetime
    accepted_at: datetime | None


InvitationT = TypeVar("InvitationT", bound=Invitation)


def make_invitation(
    model: Callable[..., InvitationT], inviter: Any, now: datetime, days: int, **fields: Any
) -> tuple[InvitationT, str]:
    """A new invitation (`model` with `fields`) from `inviter`, working for `days` from `now`,
    added and flushed (so that it has an id for the audit event); and the token for its link."""
    token, token_hash = tokens.random_token()
    invitation = model(
        token_hash=token_hash,
        invited_by_id=inviter.id,
        expires_at=now + timedelta(days=days),
        **fields,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


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
