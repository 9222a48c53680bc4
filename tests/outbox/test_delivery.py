from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import message_from_bytes, policy
from threading import Barrier

from sqlalchemy import update

from portal.core.db import db
from portal.core.time import utcnow
from portal.outbox import delivery
from portal.outbox.models import OutboxEmail
from tests.outbox.helpers import add_emails, free_port, outbox, smtp_settings


def _send(app) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_send_delivers_due_emails_over_smtp(make_app, smtp_server):
    app = make_app(**smtp_settings(smtp_server.port))
    add_emails(app, 2)

    assert _send(app) == "Tried 2 email(s).\n"

    received = smtp_server.handler.messages
    assert [m["To"] for m in received] == ["person1@example.org", "person2@example.org"]
    assert received[0]["Subject"] == "Your application 1 has been returned"
    assert received[0]["From"] == "Flexible Learning Support Framework <noreply@example.org>"
    assert "Reviewer comments for application 1." in received[0].get_content()
    emails = outbox(app)
    assert [(e.status, e.attempts, e.last_error) for e in emails] == [("sent", 1, None)] * 2
    assert all(e.sent_at is not None for e in emails)
    assert _send(app) == "Tried 0 email(s).\n"
    assert len(received) == 2


def test_a_mail_server_that_is_down_keeps_the_email_for_later(make_app):
    app = make_app(**smtp_settings(free_port(), OUTBOX_MAX_ATTEMPTS=2))
    add_emails(app)

    _send(app)

    [email] = outbox(app)
    assert (email.status, email.attempts) == ("pending", 1)
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.next_attempt_at > utcnow()
    assert _send(app) == "Tried 0 email(s).\n"  # not due again until the backoff has passed


def test_an_email_is_marked_failed_after_the_last_attempt(make_app):
    app = make_app(**smtp_settings(free_port(), OUTBOX_MAX_ATTEMPTS=2))
    add_emails(app)
    _send(app)
    with app.app_context():
        past = utcnow() - timedelta(minutes=1)
        db.session.execute(update(OutboxEmail).values(next_attempt_at=past))
        db.session.commit()

    _send(app)

    [email] = outbox(app)
    assert (email.status, email.attempts) == ("failed", 2)
    assert email.last_error.startswith("ConnectionRefusedError")
    assert _send(app) == "Tried 0 email(s).\n"


def test_the_file_backend_writes_an_eml_file(make_app, tmp_path):
    app = make_app(MAIL_BACKEND="file", MAIL_DIR=str(tmp_path / "mail"))
    [email_id] = add_emails(app)

    _send(app)

    written = message_from_bytes(
        (tmp_path / "mail" / f"outbox-{email_id}.eml").read_bytes(), policy=policy.default
    )
    assert written["To"] == "person1@example.org"
    assert written["Subject"] == "Your application 1 has been returned"
    assert "Reviewer comments for application 1." in written.get_content()
    assert outbox(app)[0].status == "sent"


def test_two_deliverers_at_once_never_send_an_email_twice(make_app, smtp_server):
    app = make_app(**smtp_settings(smtp_server.port))
    add_emails(app, 30)
    start = Barrier(2)

    def deliverer() -> int:
        with app.app_context():
            start.wait()
            return delivery.deliver_due()

    with ThreadPoolExecutor(2) as pool:
        tried = [future.result() for future in [pool.submit(deliverer) for _ in range(2)]]

    assert sum(tried) == 30
    sent_to = Counter(m["To"] for m in smtp_server.handler.messages)
    assert len(sent_to) == 30 and set(sent_to.values()) == {1}
    assert {(e.status, e.attempts) for e in outbox(app)} == {("sent", 1)}
