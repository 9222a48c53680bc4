"""A demo email the outbox gave up on: two days ago Bright Futures invited a colleague with a
mistyped address, and the council's mail relay refused it (no such domain) at every attempt,
so after OUTBOX_MAX_ATTEMPTS the outbox marked it failed. The administrator's home lists it.

It is delivered the way the outbox worker delivers every email (`delivery.attempt`, over SMTP)
to a relay that refuses the address: a small SMTP server here, on a free local port, for the
few moments of the seed. Nothing else is sent: the rest of the demo's emails wait for
`make run`'s outbox worker."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.core.time import LONDON, clock_set_to, today
from portal.demo.settings import settings_for_a_while
from portal.organisations import services as organisations
from portal.organisations.models import Organisation
from portal.outbox import delivery
from portal.outbox.models import PENDING, OutboxEmail

OWNER = "provider@example.org"
MISTYPED = "jo.baker@brightfutures.exmaple.org"
REFUSAL = b"550 5.1.2 Recipient address rejected: Domain not found"


class _RefusingRelay(socketserver.StreamRequestHandler):
    """A mail relay that knows no such domain: it takes the connection and refuses every
    recipient, as a relay checking recipients' domains does."""

    def handle(self) -> None:
        self._reply(b"220 relay.example.org ESMTP")
        for line in self.rfile:
            verb = line[:4].upper()
            if verb == b"QUIT":
                self._reply(b"221 Bye")
                return
            self._reply(REFUSAL if verb == b"RCPT" else b"250 OK")

    def _reply(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")


def seed(users: dict[str, User], made: dict[str, Organisation]) -> None:
    """The invitation and its failed email, once (nothing is made when an email to the
    mistyped address exists)."""
    if db.session.scalar(select(OutboxEmail.id).where(OutboxEmail.to_address == MISTYPED)):
        return
    invited_at = datetime.combine(today() - timedelta(days=2), time(14), tzinfo=LONDON)
    with clock_set_to(invited_at.astimezone(UTC)):
        organisations.invite_member(users[OWNER], made[OWNER], MISTYPED)
        db.session.flush()
    message = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == MISTYPED)
    ).one()
    with _relay_refusing():
        while message.status == PENDING:
            with clock_set_to(message.next_attempt_at):
                delivery.attempt(message)


@contextmanager
def _relay_refusing() -> Iterator[None]:
    """Email goes over SMTP to a _RefusingRelay for the duration. The outbox's error when it
    gives up is kept quiet: it is expected here, and the administrator's home reports it."""
    with socketserver.TCPServer(("127.0.0.1", 0), _RefusingRelay) as relay:
        serving = threading.Thread(target=relay.serve_forever, name="demo-relay", daemon=True)
        serving.start()
        try:
            with settings_for_a_while(
                quiet=current_app.logger,
                MAIL_BACKEND="smtp",
                SMTP_HOST="127.0.0.1",
                SMTP_PORT=relay.server_address[1],
                SMTP_STARTTLS=False,
                SMTP_USERNAME=None,
            ):
                yield
        finally:
            relay.shutdown()
            serving.join()
