"""Filling and reading the outbox of a given app, and an inbox for a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select

from portal.core.db import db
from portal.outbox.models import OutboxEmail


def free_port() -> int:
    """A port nothing listens on (the kernel hands out a free one and we let it go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        # Called as each message arrives, before it is accepted: a test's fault goes here.
        self.on_message: Callable[[], None] | None = None

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.on_message is not None:
            self.on_message()
        return "250 Message accepted for delivery"


def smtp_settings(port: int, **overrides) -> dict:
    return {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_STARTTLS": False,
    } | overrides


def add_emails(app, count: int = 1) -> list[int]:
    with app.app_context():
        emails = [
            OutboxEmail(
                to_address=f"person{n}@example.org",
                subject=f"Your application {n} has been returned",
                body=f"Hello,\n\nReviewer comments for application {n}.\n",
            )
            for n in range(1, count + 1)
        ]
        db.session.add_all(emails)
        db.session.commit()
        return [email.id for email in emails]


def outbox(app) -> list[OutboxEmail]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))
