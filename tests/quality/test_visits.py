"""Planning, recording and publishing a visit through its pages: the provider told of an
announced visit (never of an unannounced one before its findings), every item graded, the
judgement by the rule, a visit recorded twice at once landing once, findings published only
with an action for each item that needs one, and another organisation's visit a 404."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import today
from portal.outbox.models import OutboxEmail
from portal.quality.models import (
    INADEQUATE,
    VISIT_PLANNED,
    VISIT_PUBLISHED,
    VISIT_RECORDED,
    Action,
    Visit,
    VisitGrade,
)
from tests.conftest import sign_in
from tests.quality import helpers
from tests.quality.helpers import parts as _parts
from tests.support import factories
from tests.support.emails import emails_to
from tests.support.pages import banner_text, field_value, page_errors, page_text


def _events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _plan_form(lot_id: int, **overrides) -> dict:
    day = today() + timedelta(days=7)
    return {
        "notice": "announced",
        "mode": "on_site",
        "lot_ids": [str(lot_id)],
        "sites": "1 High Street",
        "planned_on": _parts(day),
        **overrides,
    }


def test_a_reviewer_plans_an_announced_visit_and_the_provider_is_told(
    reviewer_client, organisation, provider
):
    helpers.on_framework(organisation)
    choose = reviewer_client.get(f"/quality/visits/new?organisation_id={organisation.id}")
    assert choose.headers["Location"].endswith(f"/quality/providers/{organisation.id}/visits/new")
    form = reviewer_client.get(choose.headers["Location"])
    assert "Mentoring" in page_text(form)
    lot_id = int(field_value(form, "lot_ids"))
    response = reviewer_client.post(choose.headers["Location"], data=_plan_form(lot_id))
    assert page_errors(response) == {}
    assert response.status_code == 302
    visit = db.session.scalar(select(Visit))
    assert (visit.status, visit.notice, visit.lot_ids) == (VISIT_PLANNED, "announced", [lot_id])
    assert visit.checklist.version == 1
    (email,) = emails_to(provider.email)
    assert "The council will visit" in email.subject
    assert email.body.startswith(f"Hello {provider.full_name},")
    assert _events("visit.planned") == 1


def test_an_unannounced_visit_is_not_told_until_its_findings_are_published(
    reviewer_client, reviewer, organisation, provider, provider_client
):
    helpers.on_framework(organisation)
    lot_id = helpers.on_framework and None
    form = reviewer_client.get(f"/quality/providers/{organisation.id}/visits/new")
    lot_id = int(field_value(form, "lot_ids"))
    reviewer_client.post(
        f"/quality/providers/{organisation.id}/visits/new",
        data=_plan_form(lot_id, notice="unannounced"),
    )
    visit = db.session.scalar(select(Visit))
    assert emails_to(provider.email) == []
    # The provider cannot find the visit, nor see it on its page, before publication.
    assert provider_client.get(f"/quality/visits/{visit.id}").status_code == 404
    assert "Findings of visits" in page_text(provider_client.get("/quality"))
    assert "has not published the findings" in page_text(provider_client.get("/quality"))


def test_planning_refuses_a_past_date_other_lots_and_missing_answers(reviewer_client, organisation):
    helpers.on_framework(organisation)
    url = f"/quality/providers/{organisation.id}/visits/new"
    other_lot = factories.admit(
        factories.make_organisation(factories.make_user("x@example.org")), "online-tuition"
    ).lot_id
    yesterday = today() - timedelta(days=1)
    response = reviewer_client.post(
        url,
        data={
            "lot_ids": [str(other_lot)],
            "planned_on": _parts(yesterday),
        },
    )
    assert page_errors(response) == {
        "notice": "Select whether the visit is announced or unannounced",
        "mode": "Select whether the visit is on site or remote",
        "lot_ids": "Select only types of service the provider is on the framework for",
        "planned_on-day": "The date of the visit must be today or in the future",
    }
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_a_provider_not_on_the_framework_cannot_be_visited(reviewer_client, organisation):
    assert (
        reviewer_client.get(f"/quality/providers/{organisation.id}/visits/new").status_code == 404
    )
    response = reviewer_client.get(f"/quality/visits/new?organisation_id={organisation.id}")
    assert page_errors(response) == {"organisation_id": "Select the provider to visit"}


def test_recording_a_visit_grades_every_item_and_judges_by_the_rule(
    reviewer_client, reviewer, organisation
):
    visit = helpers.planned_visit(organisation, reviewer)
    page = reviewer_client.get(f"/quality/visits/{visit.id}/record")
    assert "Single central record and staff checks" in page_text(page)
    assert "Pick five staff who work with children" in page_text(page)
    grades = helpers.all_met(visit)
    grades["dsl_training"] = "not_met"
    response = reviewer_client.post(
        f"/quality/visits/{visit.id}/record", data=helpers.form_of_record(visit, grades)
    )
    assert response.status_code == 302
    assert "Its judgement is inadequate" in banner_text(
        reviewer_client.get(response.headers["Location"])
    )
    db.session.refresh(visit)
    assert (visit.status, visit.judgement) == (VISIT_RECORDED, INADEQUATE)
    assert db.session.scalar(select(func.count(VisitGrade.id))) == len(grades)
    assert _events("visit.recorded") == 1


def test_recording_refuses_an_item_left_ungraded_and_an_unknown_grade(
    reviewer_client, reviewer, organisation
):
    visit = helpers.planned_visit(organisation, reviewer)
    grades = helpers.all_met(visit)
    grades["dsl_named"] = "excellent"
    del grades["registers_kept"]
    response = reviewer_client.post(
        f"/quality/visits/{visit.id}/record", data=helpers.form_of_record(visit, grades)
    )
    errors = page_errors(response)
    assert errors["grade_dsl_named"].startswith("Select a grade for ‘A designated safeguarding")
    assert errors["grade_registers_kept"].startswith("Select a grade for ‘An attendance register")
    # What was typed stays on the page; nothing was written.
    assert field_value(response, "summary") is not None
    db.session.refresh(visit)
    assert visit.status == VISIT_PLANNED
    assert db.session.scalar(select(func.count(VisitGrade.id))) == 0
    assert _events("visit.recorded") == 0


def test_a_visit_recorded_twice_at_once_is_recorded_once(
    app, reviewer_client, reviewer, organisation
):
    visit = helpers.planned_visit(organisation, reviewer)
    colleague = factories.make_user(
        "reviewer-2@council.example.org", role=reviewer.role, two_factor=True
    )
    other_client = sign_in(app.test_client(), colleague)
    url = f"/quality/visits/{visit.id}/record"
    met = helpers.all_met(visit)
    not_met = {**met, "dsl_named": "not_met"}
    posts = [
        (
            client,
            helpers.form_of_record(
                visit, grades, version=int(field_value(client.get(url), "lock_version"))
            ),
        )
        for client, grades in ((reviewer_client, met), (other_client, not_met))
    ]
    db.session.commit()
    start = Barrier(2)

    def post(client, data):
        start.wait()
        return client.post(url, data=data)

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(lambda args: post(*args), posts))

    assert sorted(r.status_code for r in responses) == [200, 302]
    (refused,) = [r for r in responses if r.status_code == 200]
    assert list(page_errors(refused).values()) == [
        "This visit has just been changed by someone else. Check it again"
    ]
    db.session.rollback()
    assert _events("visit.recorded") == 1
    grades = db.session.scalars(select(VisitGrade).where(VisitGrade.visit_id == visit.id)).all()
    assert len(grades) == len(met)
    # The grades are one person's whole record, never a mix of both.
    winner = {g.item_id: g.grade for g in grades}
    assert winner in (met, not_met)


def test_findings_are_published_only_with_an_action_for_each_item_needing_one(
    reviewer_client, reviewer, organisation, provider, provider_client
):
    visit = helpers.recorded_visit(
        organisation, reviewer, {"registers_kept": "partly_met"}, notice="unannounced"
    )
    page = reviewer_client.get(f"/quality/visits/{visit.id}")
    version = field_value(page, "lock_version")
    refused = reviewer_client.post(
        f"/quality/visits/{visit.id}/publish", data={"lock_version": version}
    )
    assert "Add an action for ‘An attendance register" in banner_text(
        reviewer_client.get(refused.headers["Location"])
    ) or "Add an action for ‘An attendance register" in page_text(
        reviewer_client.get(f"/quality/visits/{visit.id}")
    )
    db.session.refresh(visit)
    assert visit.status == VISIT_RECORDED

    add = f"/quality/visits/{visit.id}/actions/new"
    past = today() - timedelta(days=1)
    response = reviewer_client.post(
        add,
        data={
            "item_id": "registers_kept",
            "title": "Keep afternoon registers",
            "owner": "Centre manager",
            "due_on": _parts(past),
        },
    )
    assert page_errors(response) == {
        "due_on-day": "The date it is due by must be today or in the future"
    }
    assert db.session.scalar(select(func.count(Action.id))) == 0
    due = today() + timedelta(days=30)
    response = reviewer_client.post(
        add,
        data={
            "item_id": "registers_kept",
            "title": "Keep afternoon registers",
            "owner": "Centre manager",
            "due_on": _parts(due),
        },
    )
    assert response.status_code == 302
    page = reviewer_client.get(f"/quality/visits/{visit.id}")
    response = reviewer_client.post(
        f"/quality/visits/{visit.id}/publish",
        data={"lock_version": field_value(page, "lock_version")},
    )
    assert "The findings have been published" in banner_text(
        reviewer_client.get(response.headers["Location"])
    )
    db.session.refresh(visit)
    assert visit.status == VISIT_PUBLISHED
    (email,) = emails_to(provider.email)
    assert "Findings of the council's visit" in email.subject
    assert "Keep afternoon registers" in email.body
    assert _events("visit.published") == 1
    shown = page_text(provider_client.get(f"/quality/visits/{visit.id}"))
    assert "Partly met" in shown and "Keep afternoon registers" in shown


def test_another_organisations_visit_is_not_found(
    reviewer, organisation, other_organisation, other_provider_client, provider_client
):
    visit, _action = helpers.published_visit(organisation, reviewer)
    assert other_provider_client.get(f"/quality/visits/{visit.id}").status_code == 404
    assert provider_client.get(f"/quality/visits/{visit.id}").status_code == 200
    assert other_provider_client.get(f"/quality/visits/{visit.id + 100}").status_code == 404


def test_the_emails_of_a_published_visit_count_once(reviewer, organisation, provider):
    helpers.published_visit(organisation, reviewer)
    subjects = [email.subject for email in db.session.scalars(select(OutboxEmail))]
    assert sum("Findings" in subject for subject in subjects) == 1
