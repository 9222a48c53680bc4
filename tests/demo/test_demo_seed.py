"""`flask seed demo` (run by `make run` in demo mode) makes a small framework through the
services, with work waiting for every demo account one click from its home page; running it
again changes nothing, and it never runs outside demo mode.

Seeding takes seconds, so one test seeds and then looks at everything the seed promises."""

from __future__ import annotations

from sqlalchemy import func, select, table

from portal.contracts.models import (
    STATEMENT_APPROVED,
    STATEMENT_WAITING,
    Contract,
    Statement,
)
from portal.core.db import Base, db
from portal.demo.cli import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.kpi_returns.models import KpiEscalation, KpiReturn
from portal.organisations.models import Organisation
from portal.questionnaires import services as questionnaires
from tests.admissions.helpers import lots_of, provider_names
from tests.pages.test_home import _links, _tags
from tests.support.pages import page_text


def _row_counts() -> dict[str, int]:
    counts = {
        name: db.session.scalar(select(func.count()).select_from(table(name)))
        for name in Base.metadata.tables
    }
    db.session.rollback()
    return counts


def _signed_in(app, email: str):
    """A client signed in as a demo account (in demo mode staff skip two-factor)."""
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


# What each demo account finds waiting on its home page (links, in part).
EXPECTED = {
    "provider@example.org": [
        "Continue your application for Bright Futures",
        "Upload a new version of ‘Public liability’",
        "Answer the council’s question on your",
        "Fill in the KPI return for",
        "Quote for ‘Online GCSE English tuition, spring term’",
        "Give evidence for ‘",
        "Review meeting with the council on",
        "Publish Bright Futures' capacity",
    ],
    "provider2@example.org": [
        "Upload a new version of ‘Employer's liability’",
        "Quote for ‘SEMH mentoring for a Year 9 pupil’",
        "Accept contract CO-",
        "Confirm Stourbridge Mentoring Trust's capacity is still right",
    ],
    "reviewer@example.org": [
        "Applications over the service level",
        "Applications assigned to you",
        "Applications waiting for a decision",
        "Check documents that need attention",
        "KPI returns to check",
        "Escalation: Stourbridge Mentoring Trust",
        "Score the quotes for ‘Mentoring for young people at risk of exclusion’",
        "Schedule 7 review meetings",
    ],
    "commissioner@example.org": [
        "Answer questions on ‘Online GCSE English tuition, spring term’",
        "Score the quotes for ‘Mentoring for young people at risk of exclusion’",
        "Publish ‘After-school robotics club’",
        "Confirm the award of ‘Year 11 maths catch-up tuition’",
        "Escalation: Stourbridge Mentoring Trust",
        "Statements waiting for approval",
        "Find a place for referral RF-DEMO-0001",
    ],
    "admin@example.org": [
        "Staff without two-factor authentication",
        "Emails that could not be sent",
        "Evaluate the quotes for ‘Mentoring for young people at risk of exclusion’",
    ],
}


def test_the_demo_seed_makes_work_for_every_account_once(make_app):
    demo = make_app(DEMO_MODE=True)
    runner = demo.test_cli_runner()

    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "Demo framework seeded in" in result.output
    with demo.app_context():
        first = _row_counts()
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0, again.output
    assert "Demo framework seeded in" not in again.output
    with demo.app_context():
        assert _row_counts() == first

        published = questionnaires.published_version()
        assert (published.version, len(questionnaires.content_of(published).questions)) == (
            1,
            152,
        )
        assert len(questionnaires.list_versions()) == 1
        # Eight providers a year on the framework: twelve monthly returns each.
        assert db.session.scalar(select(func.count(KpiReturn.id))) == 8 * 12
        assert db.session.scalar(select(func.count(KpiEscalation.id))) >= 1
        db.session.rollback()
    assert first["organisations"] == 12

    # Documents in each state a seed can make: in date, expiring, expired, overdue for review,
    # missing (Midlands Therapy has no health and safety policy), waiting for a virus check and
    # found to hold a virus (with no scanner here, as clamd would find it: demo/documents.py).
    midlands = _signed_in(demo, "owner@midlandstherapy.example.org").get("/home")
    assert "Upload your health and safety policy" in _links(midlands)
    attention = page_text(_signed_in(demo, "reviewer@example.org").get("/documents/attention"))
    for state in ("Expired", "Expires soon", "Review overdue", "Waiting for virus check",
                  "Virus found"):  # fmt: skip
        assert state in attention, state

    public = demo.test_client().get("/providers")
    assert len(provider_names(public)) == 8
    assert lots_of(public, "Stourbridge Mentoring Trust") == ["Mentoring", "SEMH mentoring"]

    for email, _name, _role in DEMO_ACCOUNTS:
        client = _signed_in(demo, email)
        home = client.get("/home")
        assert home.status_code == 200
        links = _links(home)
        for expected in EXPECTED[email]:
            assert any(text.startswith(expected) for text in links), (email, expected)
        waiting = _tags(home)
        assert waiting, email
        # Every item waiting leads to a page that opens.
        for text, href in links.items():
            if any(text == item for item, _tag in waiting):
                assert client.get(href, follow_redirects=True).status_code == 200, (email, href)

    # The contract work: Bright Futures' first statement approved and exported, its second
    # waiting for a commissioner (the only one), nothing owed but the outcome's evidence. The
    # five referrals placed or offered have a direct call-off each (demo/referrals.py).
    assert (first["contracts"], first["statements"], first["finance_exports"]) == (10, 4, 1)
    assert first["referrals"] == 9
    dashboard = page_text(_signed_in(demo, "reviewer@example.org").get("/referrals/dashboard"))
    assert "4 placed" in dashboard and "50% placed within 10 school days" in dashboard
    with demo.app_context():
        statuses = db.session.execute(
            select(Organisation.legal_name, Statement.status)
            .join(Contract, Contract.id == Statement.contract_id)
            .join(Organisation, Organisation.id == Contract.organisation_id)
            .order_by(Statement.month, Organisation.legal_name)
        ).all()
        db.session.rollback()
    assert [status for name, status in statuses if name.startswith("Bright")] == [
        STATEMENT_APPROVED,
        STATEMENT_WAITING,
    ]
    assert sum(status == STATEMENT_WAITING for _name, status in statuses) == 1
    bright = _signed_in(demo, "provider@example.org")
    assert not any(text.startswith("Record the delivery") for text in _links(bright.get("/home")))
    contracts = page_text(bright.get("/contracts"))
    assert "Maths and English tuition for SEND-0388" in contracts
    waiting = page_text(_signed_in(demo, "commissioner@example.org").get("/contracts/statements"))
    assert "Bright Futures" in waiting

    # Capacity: published by the providers on the framework, one of them out of date.
    search = page_text(_signed_in(demo, "commissioner@example.org").get("/capacity/search"))
    assert "Sedgley Youth Trust" in search
    assert search.count("— out of date") == 1

    reviewer = page_text(_signed_in(demo, "reviewer@example.org").get("/reviews"))
    assert "Resubmitted" in reviewer or "resubmitted" in reviewer

    # Quality: Stourbridge is high risk, its meeting overdue (as are the others, a year on the
    # framework without one); Bright Futures has one coming.
    calendar = page_text(_signed_in(demo, "reviewer@example.org").get("/quality/meetings"))
    assert calendar.index("Overdue") < calendar.index("Stourbridge Mentoring Trust")
    assert "High risk" in calendar
    assert "Bright Futures" in calendar


def test_the_demo_seed_refuses_outside_demo_mode(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])

    assert result.exit_code != 0
    assert "only be seeded with DEMO_MODE on" in result.output
    with app.app_context():
        counts = _row_counts()
    assert counts["organisations"] == counts["users"] == 0
