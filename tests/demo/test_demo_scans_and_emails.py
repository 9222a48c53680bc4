"""The demo's documents the virus checker has still to clear or has refused, and its email the
outbox gave up on (portal/demo/documents.py, portal/demo/outbox.py): made through the scanning
and delivery paths (here with a real clamd, as `make run` starts one), seeded once, and one
click from the home page of the demo account whose work they are."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.demo import documents as demo_documents
from portal.demo import outbox as demo_outbox
from portal.documents.models import Document
from portal.integrations.object_store import ObjectNotFound, object_store
from portal.outbox.models import OutboxEmail
from tests.demo.test_demo_seed import _row_counts, _signed_in
from tests.pages.test_home import _links, _tags
from tests.support.pages import page_text, soup


def _attention_rows(response) -> list[tuple[str, str, str]]:
    """(provider, document, status) of each row of the documents needing attention."""
    return [
        (
            cells[0].get_text(" ", strip=True),
            cells[1].select_one("a").get_text(strip=True),
            cells[3].get_text(" ", strip=True),
        )
        for row in soup(response).select("tbody tr")
        if (cells := row.select("td"))
    ]


def _followed(client, home, link: str):
    """The page a link on the home page leads to, after checking it is a waiting item."""
    assert link in [text for text, _tag in _tags(home)], link
    return client.get(_links(home)[link])


def test_the_demo_has_a_document_waiting_a_virus_found_and_a_failed_email(make_app, clamd_server):
    demo = make_app(DEMO_MODE=True, CLAMD_SOCKET=str(clamd_server.socket_path))
    runner = demo.test_cli_runner()

    seeded = runner.invoke(args=["seed", "demo"])
    assert seeded.exit_code == 0, seeded.output
    with demo.app_context():
        first = _row_counts()
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0, again.output
    with demo.app_context():
        assert _row_counts() == first
        files = {
            document.title: document.current.file
            for document in db.session.scalars(select(Document))
        }
        # Scanned by clamd as they were uploaded, but for the two kept while it was away.
        waiting = files.pop(demo_documents.WAITING[2])
        infected = files.pop(demo_documents.INFECTED[2])
        assert {stored.scan_state for stored in files.values()} == {"clean"}
        assert (waiting.scan_state, waiting.scanned_at) == ("pending", None)
        assert (infected.scan_state, infected.removed_reason) == ("rejected", "virus")
        assert infected.scan_signature == "Eicar-Test-Signature.UNOFFICIAL"  # clamd's verdict
        object_store.head(waiting.object_key)
        with pytest.raises(ObjectNotFound):
            object_store.head(infected.object_key)
        virus_emails = db.session.scalars(
            select(OutboxEmail.subject).where(OutboxEmail.to_address == "provider2@example.org")
        ).all()
        assert "Business continuity plan: we found a virus and deleted the file" in virus_emails
        (email,) = db.session.scalars(select(OutboxEmail).where(OutboxEmail.status == "failed"))
        assert (email.to_address, email.attempts) == (demo_outbox.MISTYPED, 5)
        assert "Recipient address rejected: Domain not found" in email.last_error
        db.session.rollback()

    # The reviewer: one click from home to both, most urgent first.
    reviewer = _signed_in(demo, "reviewer@example.org")
    home = reviewer.get("/home")
    rows = _attention_rows(_followed(reviewer, home, "Check documents that need attention"))
    assert rows.index(
        ("Stourbridge Mentoring Trust", "Business continuity plan", "Virus found")
    ) < rows.index(("Bright Futures", "Online safety policy", "Waiting for virus check"))

    # The administrator: one click from home to the email, with why it failed.
    admin = _signed_in(demo, "admin@example.org")
    home = admin.get("/home")
    assert "1 email failed after every retry" in page_text(home)
    mail = page_text(_followed(admin, home, "Emails that could not be sent"))
    assert mail.index("Emails that could not be sent") < mail.index(demo_outbox.MISTYPED)
    assert mail.index(demo_outbox.MISTYPED) < mail.index("Latest emails")
    assert "Tried 5 times. The last error: SMTPRecipientsRefused" in mail
