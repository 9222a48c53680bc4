"""Twenty reviewers deciding the same application at the same moment: exactly one decision is
recorded, and every other reviewer is told whose it was. Run against PostgreSQL in CI (the row
lock), and SQLite (its single writer)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import func, select

from portal.admissions.models import Admission
from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.outbox.models import OutboxEmail
from portal.reviews.models import Decision
from tests.conftest import sign_in
from tests.reviews.test_decisions import start_review
from tests.support import factories
from tests.support.pages import banner_text, field_value

ATTEMPTS = 20
DECISIONS = {
    "approve": {
        "lot-online-tuition": "admit",
        "lot-online-tuition-reason": "Good evidence",
        "lot-mentoring": "refuse",
        "lot-mentoring-reason": "Not shown",
        "reason": "Admitted for online tuition",
    },
    "reject": {"area-safeguarding": "No safeguarding policy", "reason": "Rejected"},
    "return": {"reason": "Please check your answers"},
}


def test_one_decision_out_of_twenty_at_once(make_app, reviewer_client, submitted):
    start_review(reviewer_client, submitted)
    # Twenty sign-ins from one address would meet the sign-in rate limit.
    app = make_app(RATELIMIT_ENABLED=False)
    kinds = [list(DECISIONS)[n % 3] for n in range(ATTEMPTS)]
    clients, forms = [], []
    for n, kind in enumerate(kinds):
        user = factories.make_user(
            f"reviewer-{n}@council.example.org",
            full_name=f"Reviewer {n}",
            role="reviewer",
            two_factor=True,
        )
        client = sign_in(app.test_client(), user)
        page = client.get(f"/reviews/{submitted}/{kind}")
        clients.append(client)
        forms.append(
            {
                "csrf_token": field_value(page, "csrf_token"),
                "lock_version": field_value(page, "lock_version"),
                **DECISIONS[kind],
                "confirm": "yes",
            }
        )
    db.session.commit()
    start = Barrier(ATTEMPTS)

    def attempt(n: int):
        start.wait()
        return clients[n].post(f"/reviews/{submitted}/{kinds[n]}", data=forms[n])

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        responses = list(pool.map(attempt, range(ATTEMPTS)))

    assert [r.status_code for r in responses] == [302] * ATTEMPTS
    db.session.expire_all()
    (decision,) = db.session.scalars(select(Decision)).all()
    application = db.session.get(Application, submitted)
    assert (
        application.status
        == {"return": "returned", "approve": "approved", "reject": "rejected"}[
            {"returned": "return", "approved": "approve", "rejected": "reject"}[decision.kind]
        ]
    )
    winner = decision.decided_by.full_name
    # The winner was told it was done; every other reviewer whose it was and when.
    told = [banner_text(client.get(f"/reviews/{submitted}")) for client in clients]
    done = [text for text in told if "Everyone in the organisation has been emailed" in text]
    refused = [text for text in told if f"by {winner} at" in text]
    assert len(done) == 1 and len(refused) == ATTEMPTS - 1, told
    # One decision's worth of everything: one audit event, one set of emails, admissions once.
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("review.%"))
    ).all()
    assert events == [f"review.{decision.kind}"]
    decision_emails = db.session.scalar(
        select(func.count())
        .select_from(OutboxEmail)
        .where(
            OutboxEmail.subject.like("Decision on your application%")
            | OutboxEmail.subject.like("Your application needs changes%")
        )
    )
    assert decision_emails == 1  # organisation A has one member
    admitted = db.session.scalar(select(func.count()).select_from(Admission))
    assert admitted == (1 if decision.kind == "approved" else 0)
