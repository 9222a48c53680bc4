"""The outbox worker lives through a database that is down, locked or cut mid-delivery, and a
mail server that is away, and never sends one email as two different messages."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from portal.core.db import db
from portal.outbox import delivery
from tests.outbox.helpers import add_emails, free_port, outbox, smtp_settings
from tests.support.fault_proxy import database_locked, postgresql_only

STARTED_AND_STOPPED = ["Outbox worker started. Press Ctrl+C to stop.", "Outbox worker stopped."]


def _work(app, rounds: int) -> list[str]:
    result = app.test_cli_runner().invoke(
        args=["outbox", "worker", "--interval", "0", "--rounds", str(rounds)]
    )
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_the_worker_waits_out_a_locked_database(make_app, database_url, smtp_server, caplog):
    app = make_app(**smtp_settings(smtp_server.port), DATABASE_LOCK_TIMEOUT_SECONDS=1)
    add_emails(app)

    with database_locked(database_url), caplog.at_level(logging.ERROR):
        assert _work(app, rounds=2) == STARTED_AND_STOPPED
    assert "Outbox worker: the database failed (2 in a row)" in caplog.text
    assert smtp_server.handler.messages == []

    assert _work(app, rounds=1) == STARTED_AND_STOPPED
    assert [email.status for email in outbox(app)] == ["sent"]
    assert len(smtp_server.handler.messages) == 1


@postgresql_only
def test_the_worker_waits_out_a_database_that_is_gone(
    make_app, database_proxy, smtp_server, caplog
):
    app = make_app(
        DATABASE_URL=database_proxy.url,
        DATABASE_CONNECT_TIMEOUT_SECONDS=2,
        **smtp_settings(smtp_server.port),
    )
    add_emails(app)
    database_proxy.drop()

    with caplog.at_level(logging.ERROR):
        assert _work(app, rounds=2) == STARTED_AND_STOPPED
    assert "Outbox worker: the database failed (2 in a row)" in caplog.text

    database_proxy.pass_traffic()
    assert _work(app, rounds=1) == STARTED_AND_STOPPED
    assert [email.status for email in outbox(app)] == ["sent"]


def test_the_worker_carries_on_while_the_mail_server_is_away(make_app):
    app = make_app(**smtp_settings(free_port()))
    add_emails(app, 2)

    assert _work(app, rounds=3) == STARTED_AND_STOPPED

    emails = outbox(app)
    assert [(e.status, e.attempts) for e in emails] == [("pending", 1)] * 2
    assert all(e.last_error.startswith("ConnectionRefusedError") for e in emails)


@postgresql_only
def test_an_email_sent_again_after_its_status_was_lost_keeps_its_message_id(
    make_app, database_proxy, smtp_server
):
    app = make_app(DATABASE_URL=database_proxy.url, **smtp_settings(smtp_server.port))
    add_emails(app)
    # The database goes away as the mail server takes the email: it is sent, but "sent" is
    # never committed.
    smtp_server.handler.on_message = database_proxy.drop
    with app.app_context(), pytest.raises(OperationalError):
        delivery.deliver_one()

    smtp_server.handler.on_message = None
    database_proxy.pass_traffic()
    with app.app_context():
        assert delivery.deliver_one()
        db.session.remove()

    [email] = outbox(app)
    first, second = smtp_server.handler.messages
    assert email.status == "sent"
    assert first["Message-ID"] == second["Message-ID"] == email.message_id


def test_each_email_keeps_the_message_id_it_was_queued_with(make_app, smtp_server):
    app = make_app(**smtp_settings(smtp_server.port))
    add_emails(app, 2)
    queued = [email.message_id for email in outbox(app)]

    _work(app, rounds=3)

    received = [message["Message-ID"] for message in smtp_server.handler.messages]
    assert received == queued
    assert len(set(queued)) == 2
    assert all(message_id.endswith("@example.org>") for message_id in queued)
