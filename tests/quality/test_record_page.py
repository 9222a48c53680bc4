"""The provider record page for council staff (/reviews/providers/<id>): the provider's whole
record on one page with its risk and the reasons, a suspend button at high risk that carries
the reasons into the suspension form, in a fixed number of queries however long the record."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import today, utcnow
from portal.kpi_returns import months
from portal.quality.models import Action, Meeting, ProviderRisk, Visit
from portal.quality.services import meetings, risk
from portal.quality.services.record import provider_record
from portal.settings.models import FrameworkSetting
from portal.staff_checks.models import ENHANCED_BARRED, StaffCheck
from tests.contracts.contract_pages import hidden
from tests.contracts.helpers import make_active_contract
from tests.quality.meeting_helpers import hold, only_meeting, schedule
from tests.quality.record_helpers import checklist, give_record
from tests.support import factories
from tests.support.pages import field_value, page_text, soup
from tests.support.queries import counting_queries, queries_for


def _url(organisation) -> str:
    return f"/reviews/providers/{organisation.id}"


def test_the_record_shows_the_risk_and_its_reasons_with_the_quality_work(
    app, reviewer_client, organisation
):
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=200))
    give_record(organisation, overdue_actions=2, ambers=1)
    schedule(reviewer_client, organisation, today())
    hold(reviewer_client, only_meeting().id)
    make_active_contract(organisation, start_on=date(2027, 1, 4), end_on=date(2027, 3, 26))

    page = reviewer_client.get(_url(organisation))
    text = page_text(page)
    assert "Risk: Medium risk" in text
    assert "2 actions overdue: +2" in text
    assert "1 KPI return rated amber in the last 3 months: +1" in text
    assert "How the risk rating is worked out" in text
    assert f"Held on {today().day}" in text
    assert "a meeting is due every 6 months" in text
    assert "Put right number 1" in text and "2 overdue" in text
    assert "KPI ratings, last 6 months" in text and "Approaching target" in text
    assert "CO-" in text
    assert "Mentoring" in text  # admissions per lot, as before
    # No suspend button below high risk.
    assert not soup(page).select("a.govuk-button--warning")


def test_at_high_risk_suspending_starts_from_the_reasons(app, reviewer_client, organisation):
    admission = factories.admit(organisation, "mentoring")
    give_record(organisation, judgement="inadequate", dbs_flagged=1)
    page = reviewer_client.get(_url(organisation))
    (button,) = soup(page).select("a.govuk-button--warning")
    assert button.get_text(strip=True) == "Suspend from Mentoring for these reasons"
    form = reviewer_client.get(button["href"])
    reason = field_value(form, "reason")
    assert reason == (
        "High risk (7 points): 1 person on the DBS register with something to check: +1; "
        "Latest visit judged inadequate: +6."
    )
    # The reviewer may edit it; the existing suspension does the rest.
    done = reviewer_client.post(
        button["href"].split("?")[0],
        data=hidden(reviewer_client, button["href"]) | {"reason": reason},
    )
    assert done.status_code == 302
    db.session.refresh(admission)
    assert admission.status == "suspended"
    assert admission.status_reason == reason
    # Suspended from its only lot: no button any more.
    assert not soup(reviewer_client.get(_url(organisation))).select("a.govuk-button--warning")


def test_the_suspension_form_is_not_prefilled_without_asking(app, reviewer_client, organisation):
    admission = factories.admit(organisation, "mentoring")
    give_record(organisation, judgement="inadequate")
    form = reviewer_client.get(f"/reviews/admissions/{admission.id}/suspend")
    assert not field_value(form, "reason")


def _grow(organisation, reviewer_client, times: int) -> None:
    """More of everything the page lists: returns, actions, people, meetings, contracts."""
    for _ in range(times):
        give_record(organisation, overdue_actions=2, dbs_flagged=2, escalations=1)
        meeting = Meeting(
            organisation_id=organisation.id,
            due_on=today(),
            meets_on=today() - timedelta(days=30),
            held_on=today() - timedelta(days=30),
            status="held",
            risk="low",
            agenda=[],
        )
        db.session.add(meeting)
        db.session.commit()
        db.session.add(
            Action(
                organisation_id=organisation.id,
                meeting_id=meeting.id,
                title="Agreed",
                owner="Manager",
                due_on=today() + timedelta(days=5),
            )
        )
        db.session.commit()
        make_active_contract(organisation, start_on=date(2027, 1, 4), end_on=date(2027, 3, 26))


def test_the_record_page_makes_the_same_queries_however_long_the_record(
    app, reviewer_client, organisation
):
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=200))
    give_record(organisation, reds=1, judgement="good", lapsed=True)
    _grow(organisation, reviewer_client, 1)
    one = queries_for(app, reviewer_client, _url(organisation))
    _grow(organisation, reviewer_client, 4)
    many = queries_for(app, reviewer_client, _url(organisation))
    assert one == many
    db.session.rollback()
    assert len(db.session.scalars(select(Meeting)).all()) == 5


def test_the_records_admissions_history_escalations_and_documents_are_read_in_one_statement(
    app, reviewer_client, organisation
):
    """They are read together (core.memo.read_together), and the risk rule's lapsed documents
    are counted from the documents read there: no statement reads any of them alone."""
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=200))
    give_record(organisation, escalations=1, lapsed=True)
    with counting_queries(app) as statements:
        text = page_text(reviewer_client.get(_url(organisation)))
    assert "Mentoring" in text and "Return: missing return" in text
    together = [
        statement
        for statement in statements
        if all(
            table in statement
            for table in ("FROM admissions", "FROM audit_events", "FROM kpi_escalations")
        )
    ]
    assert len(together) == 1
    (documents,) = [statement for statement in statements if "FROM documents" in statement]
    assert documents == together[0]
    alone = ("FROM admissions", "FROM audit_events", "FROM kpi_escalations")
    assert [s for s in statements if s is not together[0] and any(t in s for t in alone)] == []


def test_a_provider_removed_from_the_framework_keeps_its_record_without_meetings_due(
    app, reviewer_client, organisation
):
    factories.admit(organisation, "mentoring", status="removed", reason="Contract ended.")
    give_record(organisation, overdue_actions=1)
    text = page_text(reviewer_client.get(_url(organisation)))
    assert "Risk: Low risk" in text
    assert "1 action overdue: +1" in text
    assert "a meeting is due every" not in text
    assert "Schedule a review meeting" not in text
    assert (
        reviewer_client.get(f"/quality/providers/{organisation.id}/meetings/new").status_code == 404
    )


def test_the_record_pages_rating_and_due_date_agree_with_the_rule_read_afresh(app, organisation):
    """The record page takes what the rule reads from what it has loaded anyway; it must give
    the same rating, reasons and due date as the rule reading the record itself. An overdue
    action of a visit not yet published does not count; a later visit judged worse but not
    published does not either."""
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=200))
    give_record(
        organisation,
        reds=1,
        ambers=2,
        escalations=1,
        overdue_actions=2,
        lapsed=True,
        dbs_flagged=2,
        judgement="requires_improvement",
    )
    hidden_visit = Visit(
        organisation_id=organisation.id,
        checklist_version_id=checklist().id,
        status="recorded",
        notice="unannounced",
        mode="on_site",
        planned_on=today() - timedelta(days=2),
        visited_on=today() - timedelta(days=2),
        judgement="inadequate",
    )
    db.session.add(hidden_visit)
    db.session.flush()
    db.session.add(
        Action(
            organisation_id=organisation.id,
            visit_id=hidden_visit.id,
            title="Not yet seen",
            owner="The manager",
            due_on=today() - timedelta(days=3),
        )
    )
    db.session.commit()
    on = today()
    with app.test_request_context():
        record = provider_record(organisation.id, on)
        expected = risk.rating_of(organisation.id, on)
        due = meetings.due_of(organisation, on)
    assert record.rating == expected
    assert "2 actions overdue: +2" in [reason.because for reason in record.rating.reasons]
    assert record.due is not None
    assert (record.due.due_on, record.due.last_held_on, record.due.scheduled) == (
        due.due_on,
        due.last_held_on,
        due.scheduled,
    )


def test_the_record_lists_each_contracts_months_owed_newest_first(
    app, reviewer_client, organisation
):
    """Three ended months with no delivery recorded: each owed, the newest first."""
    start = months.add_months(months.first_of(today()), -3)
    contract = make_active_contract(
        organisation, start_on=start, end_on=months.add_months(start, 11)
    )
    db.session.commit()
    text = page_text(reviewer_client.get(_url(organisation)))
    line = text[text.index(f"{contract.reference}: ") :]
    names = [months.month_name(months.add_months(start, offset)) for offset in (2, 1, 0)]
    assert f"delivery {names[0]} " in line
    assert line.index(names[0]) < line.index(names[1]) < line.index(names[2])


def test_the_dbs_flags_follow_a_changed_setting_on_the_next_view(
    app, reviewer_client, organisation
):
    """The record's row is a statement built once, its dates bound: the oldest certificate the
    council accepts is read afresh for each view, not kept with the statement."""
    factories.admit(organisation, "mentoring")
    on = today()
    db.session.add(
        StaffCheck(
            organisation_id=organisation.id,
            full_name="Old Certificate",
            job_role="Tutor",
            check_level=ENHANCED_BARRED,
            regulated_activity=True,
            issue_date=on - timedelta(days=4 * 366),
            update_service=False,
            right_to_work_checked=True,
            references_received=True,
            training_date=on - timedelta(days=30),
        )
    )
    db.session.commit()
    text = page_text(reviewer_client.get(_url(organisation)))
    assert "1 of 1 person flagged" in text
    assert "Certificate over 3 years old, not on the Update Service" in text

    db.session.add(FrameworkSetting(key="DBS_CERTIFICATE_MAX_AGE_YEARS", value=5))
    db.session.commit()
    text = page_text(reviewer_client.get(_url(organisation)))
    assert "0 of 1 person flagged" in text
    assert "not on the Update Service" not in text


def test_the_records_visits_meetings_and_actions_are_each_in_their_order(app, organisation):
    """Visits, meetings, the action plan and the kept rating are read in one statement and put
    in order after: visits and meetings newest first (cancelled ones left out), open actions by
    due date before closed ones, and the rating last kept with its date."""
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=200))
    on = today()
    visits = [
        Visit(
            organisation_id=organisation.id,
            checklist_version_id=checklist().id,
            status=status,
            notice="announced",
            mode="on_site",
            planned_on=on - timedelta(days=days),
        )
        for status, days in (("planned", 30), ("cancelled", 20), ("planned", 10))
    ]
    db.session.add_all(visits)
    meetings_made = [
        Meeting(
            organisation_id=organisation.id,
            status=status,
            due_on=on,
            meets_on=on - timedelta(days=days),
            risk="low",
        )
        for status, days in (("held", 40), ("cancelled", 5), ("scheduled", -7))
    ]
    db.session.add_all(meetings_made)
    actions = [
        Action(
            organisation_id=organisation.id,
            title=title,
            owner="The manager",
            due_on=on + timedelta(days=days),
            status=status,
        )
        for title, days, status in (
            ("Closed first due", -9, "closed"),
            ("Open later", 8, "open"),
            ("Open sooner", 2, "open"),
        )
    ]
    db.session.add_all(actions)
    kept_since = utcnow() - timedelta(days=3)
    db.session.add(ProviderRisk(organisation_id=organisation.id, rating="medium", since=kept_since))
    db.session.commit()
    with app.test_request_context():
        record = provider_record(organisation.id, on)
    assert [visit.id for visit in record.visits] == [visits[2].id, visits[0].id]
    assert [meeting.id for meeting in record.meetings] == [
        meetings_made[2].id,
        meetings_made[0].id,
    ]
    assert [action.title for action in record.actions] == [
        "Open sooner",
        "Open later",
        "Closed first due",
    ]
    assert record.kept is not None
    assert (record.kept.rating, record.kept.since) == ("medium", kept_since)
