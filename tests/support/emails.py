"""Reading the outbox, as the person receiving the email would."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from portal.core.db import db
from portal.outbox.models import OutboxEmail


def emails_to(address: str) -> list[OutboxEmail]:
    # See what the requests committed. A rollback ends the test's transaction and expires what
    # it loaded, but (unlike remove) keeps the test's objects attached, so they can still be read.
    db.session.rollback()
    return list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)
        )
    )


def last_email_to(address: str) -> OutboxEmail:
    emails = emails_to(address)
    assert emails, f"no email was queued for {address}"
    return emails[-1]


def link_in(email: OutboxEmail, path_prefix: str) -> str:
    """The path of the first link in `email` starting with `path_prefix`."""
    for url in re.findall(r"https?://\S+", email.body):
        path = urlsplit(url).path
        if path.startswith(path_prefix):
            return path
    raise AssertionError(f"no {path_prefix} link in: {email.body}")
