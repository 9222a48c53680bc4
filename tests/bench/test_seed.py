"""The benchmark's seed (bench/seed/) at a hundredth of the council's size: every row it
makes lands in the real schema (foreign keys, check constraints, unique indexes) and the pages
open on what it made, so the harness fails here first when a model changes under it."""

from __future__ import annotations

import pyotp
from sqlalchemy import select

from bench.seed import PASSWORD, seed
from bench.seed.base import LOAD_USERS
from portal.contracts.models import Contract
from portal.core.db import db
from portal.kpi_returns import months, ratings
from portal.kpi_returns.models import KpiReturn, KpiValue
from portal.kpi_returns.obligations import obligations_for
from portal.quality.models import Meeting
from portal.referrals.models import STARTED, Referral
from portal.referrals.services.measures import school_days
from tests.contracts import spend_data


def test_a_hundredth_of_the_council_lands_in_the_schema_and_the_pages_open_on_it(app, client):
    result = seed(app, 0.01, echo=lambda _line: None)

    counts = result.counts
    assert counts["organisations"] == 4
    assert counts["applications"] == 10
    assert counts["documents"] == 100
    assert counts["staff_checks"] == 40
    assert counts["document_versions"] > counts["documents"]  # some have an earlier version
    assert 0 < counts["application_submissions"] < counts["applications"]  # drafts have none
    assert result.providers, "a provider with a draft to sign in as"
    assert all(reviewer["application_id"] for reviewer in result.reviewers)
    for table in ("reviews", "decisions", "admissions"):  # once the reviews issue has landed
        assert counts.get(table, 1) > 0, table
    # Competitions: one in each stage at least, however small the seed.
    assert counts["competitions"] == 10
    for table in (
        "competition_invitations",
        "quotes",
        "quote_versions",
        "competition_scores",
        "competition_moderated_scores",
    ):
        assert counts[table] > 0, table

    # KPI returns: each admitted organisation's months, and the providers signed in owe them.
    for table in ("kpi_returns", "kpi_return_versions", "kpi_values", "kpi_reminders"):
        assert counts[table] > 0, table
    assert all(_owes_returns(app, p["organisation_id"]) for p in result.providers)
    _assert_returns_follow_the_rules(app)

    # Contracts: every signed-in provider has one to open; every statement adds up.
    for table in (
        "contracts",
        "contract_versions",
        "contract_outcomes",
        "deliveries",
        "statements",
        "statement_lines",
    ):
        assert counts[table] > 0, table
    assert all(p["contract_id"] for p in result.providers)
    _assert_statements_add_up(app)
    with app.app_context():  # the spend report's monthly sums are the statements'
        assert spend_data.monthly_spend_kept() == spend_data.monthly_spend_added_up()

    provider = result.providers[0]
    response = client.post("/sign-in", data={"email": provider["email"], "password": PASSWORD})
    assert response.status_code == 302
    task_list = client.get(f"/applications/{provider['application_id']}")
    assert task_list.status_code == 200
    assert "About your organisation" in task_list.get_data(as_text=True)
    library = client.get(f"/documents/organisations/{provider['organisation_id']}")
    assert library.status_code == 200
    assert "Safeguarding and child protection policy" in library.get_data(as_text=True)

    returns = client.get(f"/kpi-returns/organisations/{provider['organisation_id']}")
    assert returns.status_code == 200
    assert "Your returns" in returns.get_data(as_text=True)

    opportunities = client.get("/competitions")
    assert opportunities.status_code == 200
    assert "Opportunities" in opportunities.get_data(as_text=True)

    # A commissioner (two-factor too) opens an evaluated competition with its bidders ranked.
    commissioner = result.commissioners[-1]
    assert commissioner["competition_id"], "an evaluated competition to open"
    staff = app.test_client()
    response = staff.post("/sign-in", data={"email": commissioner["email"], "password": PASSWORD})
    assert response.status_code == 302
    code = pyotp.TOTP(commissioner["totp_secret"]).now()
    assert staff.post("/two-factor", data={"code": code}).status_code == 302
    listing = staff.get("/competitions")
    assert listing.status_code == 200
    assert "Placement" in listing.get_data(as_text=True)
    page = staff.get(f"/competitions/{commissioner['competition_id']}")
    assert page.status_code == 200
    assert "Evaluation is complete." in page.get_data(as_text=True)
    results = staff.get(f"/competitions/{commissioner['competition_id']}/results")
    assert results.status_code == 200
    assert "Evaluation is not complete yet" not in results.get_data(as_text=True)
    assert "Ranking" in results.get_data(as_text=True)

    dashboard = staff.get("/kpi-returns/dashboard?months=24")
    assert dashboard.status_code == 200
    page = dashboard.get_data(as_text=True)
    assert "Returns by provider and month" in page
    assert "Bench Provider" in page or "Bench Learning" in page

    # Capacity: published on every lot a provider is on, found by the council's search.
    for table in ("capacities", "capacity_needs", "capacity_districts"):
        assert counts[table] > 0, table
    search = staff.get("/capacity/search?needs=semh")
    assert search.status_code == 200
    assert "Capacity found" in search.get_data(as_text=True)

    spend = staff.get("/contracts/reports")
    assert spend.status_code == 200
    assert "Committed value and approved spend by month" in spend.get_data(as_text=True)
    # Every contract's page opens, whatever state the seed gave its outcomes and statements
    # (a decided outcome without its released money once made the bench's page a 500).
    with app.app_context():
        contract_ids = list(db.session.scalars(select(Contract.id)))
    assert contract_ids
    for contract_id in contract_ids:
        assert staff.get(f"/contracts/{contract_id}").status_code == 200, contract_id

    # Referrals: the time-to-place dashboard and the open ones, as bench/pages.py opens them.
    assert counts["referrals"] == 12
    # Each started one carries its school days to start, as the path stores them.
    with app.app_context():
        started = db.session.execute(
            select(Referral.received_on, Referral.started_on, Referral.school_days_to_start).where(
                Referral.status == STARTED
            )
        ).all()
    assert started
    assert all(stored == school_days(received, on) for received, on, stored in started)
    time_to_place = staff.get("/referrals/dashboard")
    assert time_to_place.status_code == 200
    assert "placed within 10 school days" in time_to_place.get_data(as_text=True)
    assert staff.get("/referrals?status=open").status_code == 200
    # Quality: each reviewer opens a provider's record (its visits, meetings, actions and
    # risk), and the calendar of meetings opens on every provider's kept rating.
    for table in (
        "quality_visits",
        "quality_meetings",
        "quality_meeting_comments",
        "quality_actions",
        "provider_risks",
    ):
        assert counts[table] > 0, table
    reviewer = result.reviewers[0]
    quality = app.test_client()
    response = quality.post("/sign-in", data={"email": reviewer["email"], "password": PASSWORD})
    assert response.status_code == 302
    code = pyotp.TOTP(reviewer["totp_secret"]).now()
    assert quality.post("/two-factor", data={"code": code}).status_code == 302
    record = quality.get(f"/reviews/providers/{reviewer['organisation_id']}")
    assert record.status_code == 200
    assert "Send the attendance registers" in record.get_data(as_text=True)
    calendar = quality.get("/quality/meetings")
    assert calendar.status_code == 200
    assert "Scheduled" in calendar.get_data(as_text=True)
    with app.app_context():
        meeting_ids = list(db.session.scalars(select(Meeting.id)))
    for meeting_id in meeting_ids:
        assert quality.get(f"/quality/meetings/{meeting_id}").status_code == 200, meeting_id

    # An administrator reads the audit log (sign-ins and the other steps' events) and exports
    # one organisation's history, as the audit pages in bench/pages.py do.
    assert len(result.admins) == LOAD_USERS + 1
    admin = result.admins[-1]
    reader = app.test_client()
    response = reader.post("/sign-in", data={"email": admin["email"], "password": PASSWORD})
    assert response.status_code == 302
    code = pyotp.TOTP(admin["totp_secret"]).now()
    assert reader.post("/two-factor", data={"code": code}).status_code == 302
    log = reader.get("/admin/audit?action=account.signed_in")
    assert log.status_code == 200
    assert "Signed in" in log.get_data(as_text=True)
    export = reader.get(f"/admin/audit/export?organisation_id={admin['organisation_id']}")
    assert export.status_code == 200
    assert "Application started" in export.get_data(as_text=True)


def _assert_statements_add_up(app) -> None:
    """A statement's net total is the sum of its lines; its gross the net and the VAT; an
    outcome's release is paid on one statement's line for the same amount."""
    from sqlalchemy import func

    from portal.contracts.models import ContractOutcome, Statement, StatementLine

    with app.app_context():
        sums = (
            select(StatementLine.statement_id, func.sum(StatementLine.amount_pence).label("net"))
            .group_by(StatementLine.statement_id)
            .subquery()
        )
        wrong = db.session.scalar(
            select(func.count())
            .select_from(Statement)
            .join(sums, sums.c.statement_id == Statement.id)
            .where(
                (sums.c.net != Statement.net_pence)
                | (Statement.gross_pence != Statement.net_pence + Statement.vat_pence)
            )
        )
        assert wrong == 0
        paid = db.session.execute(
            select(ContractOutcome.released_pence, StatementLine.amount_pence).join(
                StatementLine, StatementLine.outcome_id == ContractOutcome.id
            )
        ).all()
        assert paid and all(released == amount for released, amount in paid)


def _owes_returns(app, organisation_id: int) -> bool:
    with app.app_context():
        return bool(obligations_for([organisation_id])[organisation_id].lots)


def _assert_returns_follow_the_rules(app) -> None:
    """Every seeded return is for a month its organisation owed and that has ended; each value
    has the rating its definition gives; a return's rating is the worst of its current values;
    a submitted return has every required KPI."""
    with app.app_context():
        returns = db.session.scalars(select(KpiReturn)).all()
        obligations = obligations_for(sorted({r.organisation_id for r in returns}))
        last = months.last_ended(months.current_day())
        for kpi_return in returns:
            assert obligations[kpi_return.organisation_id].owes(kpi_return.month)
            assert kpi_return.month <= last
            assert kpi_return.version_count == len(kpi_return.versions)
            current = kpi_return.current.values
            assert kpi_return.rating == ratings.worst(value.rating for value in current)
            if kpi_return.status == "submitted":
                assert kpi_return.submitted_at is not None
                assert all(
                    value.value is not None for value in current if value.kpi_version.is_required
                )
        for value in db.session.scalars(select(KpiValue)):
            assert value.rating == ratings.rate(value.value, value.kpi_version), value.id
