"""The action plan: the provider answers an action with evidence from its library and marks it
done; the council accepts (closed) or reopens it with a reason; a closed action cannot be
answered; another organisation's actions are 404; overdue actions are flagged and emailed
once; the lists make a fixed number of queries; home pages list what waits."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import today
from portal.outbox.models import OutboxEmail
from portal.quality.models import ACTION_CLOSED, ACTION_DONE, ACTION_OPEN, Action, ActionNote
from portal.quality.services import actions, readings, visits
from tests.quality import helpers
from tests.support import factories
from tests.support.emails import emails_to
from tests.support.pages import banner_text, field_value, page_errors, page_text
from tests.support.queries import queries_for


def _events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _respond(client, action, **data):
    url = f"/quality/actions/{action.id}/respond"
    version = field_value(client.get(url), "lock_version") or str(action.lock_version)
    return client.post(url, data={"lock_version": version, **data})


def test_the_provider_answers_with_evidence_and_the_reviewer_accepts(
    provider_client, reviewer_client, reviewer, organisation, provider
):
    _visit, action = helpers.published_visit(organisation, reviewer)
    document = factories.make_document(organisation, "safeguarding_policy", "Registers policy")
    db.session.commit()
    page = provider_client.get("/quality")
    assert "Keep afternoon registers" in page_text(page)
    form = provider_client.get(f"/quality/actions/{action.id}/respond")
    assert "Registers policy" in page_text(form)
    response = _respond(
        provider_client,
        action,
        response="Registers are now taken at 1pm by the duty worker.",
        document_id=str(document.id),
    )
    assert response.status_code == 302
    db.session.refresh(action)
    assert action.status == ACTION_DONE
    (note,) = db.session.scalars(select(ActionNote)).all()
    assert note.document_id == document.id
    assert _events("action.done") == 1
    assert any("Action to check" in e.subject for e in emails_to(reviewer.email))

    shown = reviewer_client.get(f"/quality/actions/{action.id}")
    assert "Registers policy" in page_text(shown)
    assert "Actions to accept or reopen" in page_text(reviewer_client.get("/quality"))
    accepted = reviewer_client.post(
        f"/quality/actions/{action.id}/accept",
        data={"lock_version": field_value(shown, "lock_version")},
    )
    assert "accepted and closed" in banner_text(reviewer_client.get(accepted.headers["Location"]))
    db.session.refresh(action)
    assert action.status == ACTION_CLOSED and action.closed_by_id == reviewer.id
    assert any("Action closed" in e.subject for e in emails_to(provider.email))
    assert _events("action.closed") == 1


def test_the_reviewer_reopens_with_a_reason(
    provider_client, reviewer_client, reviewer, organisation, provider
):
    _visit, action = helpers.published_visit(organisation, reviewer)
    _respond(provider_client, action, response="Done.")
    url = f"/quality/actions/{action.id}/reopen"
    version = field_value(reviewer_client.get(url), "lock_version")
    refused = reviewer_client.post(url, data={"lock_version": version, "reason": " "})
    assert page_errors(refused) == {"reason": "Enter why the action is reopened"}
    reviewer_client.post(
        url, data={"lock_version": version, "reason": "The afternoon registers are still blank."}
    )
    db.session.refresh(action)
    assert action.status == ACTION_OPEN
    assert "still blank" in page_text(provider_client.get(f"/quality/actions/{action.id}"))
    email = next(e for e in emails_to(provider.email) if "reopened" in e.subject)
    assert "still blank" in email.body
    assert _events("action.reopened") == 1


def test_answering_a_closed_action_is_refused_and_nothing_is_written(
    provider_client, reviewer, organisation
):
    _visit, action = helpers.published_visit(organisation, reviewer)
    version = field_value(
        provider_client.get(f"/quality/actions/{action.id}/respond"), "lock_version"
    )
    action.status = ACTION_CLOSED
    db.session.commit()
    response = provider_client.post(
        f"/quality/actions/{action.id}/respond",
        data={"lock_version": version, "response": "Done."},
    )
    assert list(page_errors(response).values()) == [
        "This action is closed and can no longer be changed"
    ]
    assert db.session.scalar(select(func.count(ActionNote.id))) == 0
    assert _events("action.done") == 0


def test_answering_twice_says_it_waits_for_the_council(provider_client, reviewer, organisation):
    _visit, action = helpers.published_visit(organisation, reviewer)
    _respond(provider_client, action, response="Done.")
    response = provider_client.post(
        f"/quality/actions/{action.id}/respond",
        data={"lock_version": str(action.lock_version), "response": "Again."},
    )
    assert list(page_errors(response).values()) == [
        "You have already marked this action as done. It is waiting for the council"
    ]
    assert db.session.scalar(select(func.count(ActionNote.id))) == 1


def test_an_empty_answer_and_another_organisations_document_are_refused(
    provider_client, reviewer, organisation, other_organisation
):
    _visit, action = helpers.published_visit(organisation, reviewer)
    theirs = factories.make_document(other_organisation, "safeguarding_policy")
    db.session.commit()
    response = _respond(provider_client, action, response="", document_id=str(theirs.id))
    assert page_errors(response) == {
        "response": "Enter what you have done",
        "document_id": "Select a document from your library that is in date and has passed "
        "its virus check",
    }
    db.session.refresh(action)
    assert action.status == ACTION_OPEN


def test_another_organisations_actions_are_not_found(
    reviewer, organisation, other_provider_client, provider_client
):
    _visit, action = helpers.published_visit(organisation, reviewer)
    for url in (f"/quality/actions/{action.id}", f"/quality/actions/{action.id}/respond"):
        assert other_provider_client.get(url).status_code == 404
        assert provider_client.get(url).status_code == 200
    assert (
        other_provider_client.post(
            f"/quality/actions/{action.id}/respond", data={"response": "Mine now"}
        ).status_code
        == 404
    )
    assert "Keep afternoon registers" not in page_text(other_provider_client.get("/quality"))


def test_an_action_of_an_unpublished_visit_is_hidden_from_the_provider(
    provider_client, reviewer, organisation
):
    visit = helpers.recorded_visit(organisation, reviewer, {"registers_kept": "not_met"})
    action = visits.add_finding_action(
        reviewer,
        visit,
        item_id="registers_kept",
        title="Keep registers",
        owner="Manager",
        due_on=today() + timedelta(days=5),
    )
    db.session.commit()
    assert provider_client.get(f"/quality/actions/{action.id}").status_code == 404
    assert "Keep registers" not in page_text(provider_client.get("/quality"))
    assert "Answer the findings of the visit" not in page_text(provider_client.get("/home"))

    # Published, its action is waiting for the provider on the next request.
    with current_app.test_request_context():
        visits.publish_findings(reviewer, visit, visit.lock_version)
    db.session.commit()
    assert "Answer the findings of the visit" in page_text(provider_client.get("/home"))


def test_overdue_actions_are_flagged_and_emailed_once(
    app, provider_client, reviewer_client, reviewer, organisation, provider
):
    action_id = helpers.action_due(organisation, reviewer, today() - timedelta(days=3)).id
    assert "1 action is overdue" in page_text(provider_client.get("/quality"))
    assert "Overdue actions" in page_text(reviewer_client.get("/quality"))
    assert readings.overdue_counts([organisation.id], today()) == {organisation.id: 1}

    db.session.commit()  # the command runs as its own process would, with its own transaction
    runner = app.test_cli_runner()
    first = runner.invoke(args=["quality", "remind"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Emailed about 1 overdue action(s)")
    again = runner.invoke(args=["quality", "remind"])
    assert again.stdout.startswith("Emailed about 0 overdue action(s)")
    db.session.expire_all()
    assert [e.subject for e in emails_to(provider.email)] == [
        "Overdue action: Update the risk assessment"
    ]
    assert len(emails_to(reviewer.email)) == 1
    assert _events("action.overdue_emailed") == 1
    assert db.session.get(Action, action_id).overdue_emailed_at is not None


def test_home_pages_list_what_waits(provider_client, reviewer_client, reviewer, organisation):
    helpers.planned_visit(organisation, reviewer)
    helpers.published_visit(organisation, reviewer)
    helpers.action_due(organisation, reviewer, today() - timedelta(days=1))
    council = page_text(reviewer_client.get("/home"))
    assert "Record 1 visit" in council
    assert "Chase 1 overdue action" in council
    provider = page_text(provider_client.get("/home"))
    assert "Answer the findings of the visit on" in provider
    assert "Answer 1 action from review meetings" in provider


def test_the_council_home_counts_each_kind_of_quality_work(
    app, reviewer_client, provider, reviewer, organisation
):
    """Visits to record (and how many are past their date), findings to publish and actions
    marked done, all read in one statement."""
    past = helpers.planned_visit(organisation, reviewer)
    past.planned_on = today() - timedelta(days=3)  # planned for a day since gone
    helpers.planned_visit(organisation, reviewer, on=today() + timedelta(days=20))
    helpers.recorded_visit(organisation, reviewer)
    _visit, action = helpers.published_visit(organisation, reviewer)
    with app.test_request_context():  # its emails carry links
        actions.respond_to_action(
            provider, action, response="Done", document_id=None, seen=action.lock_version
        )
    db.session.commit()

    council = page_text(reviewer_client.get("/home"))
    assert "Record 2 visits 1 past its date" in council
    assert "Publish the findings of 1 visit" in council
    assert "Accept or reopen 1 action Providers have marked them done" in council
    assert "Chase" not in council


def test_the_lists_make_the_same_number_of_queries_whatever_their_length(
    app, provider_client, reviewer_client, reviewer, organisation
):
    def counts():
        return (
            queries_for(app, reviewer_client, "/quality"),
            queries_for(app, provider_client, "/quality"),
            queries_for(app, reviewer_client, "/home"),
            queries_for(app, provider_client, "/home"),
        )

    helpers.published_visit(organisation, reviewer)
    helpers.planned_visit(organisation, reviewer)
    helpers.action_due(organisation, reviewer, today() - timedelta(days=1))
    few = counts()
    for _ in range(3):
        _visit, action = helpers.published_visit(organisation, reviewer)
        action.status = ACTION_DONE
        helpers.planned_visit(organisation, reviewer)
        helpers.action_due(organisation, reviewer, today() - timedelta(days=2))
    assert counts() == few


def test_nothing_is_emailed_about_the_reminders_outside_its_command(reviewer, organisation):
    helpers.action_due(organisation, reviewer, today() - timedelta(days=3))
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0


def test_the_risk_rule_reads_overdue_counts_and_latest_judgements(reviewer, organisation):
    other = factories.make_organisation(factories.make_user("third@example.org"))
    assert readings.latest_judgements([organisation.id, other.id]) == {}
    helpers.recorded_visit(organisation, reviewer, {"dsl_named": "not_met"})
    assert readings.latest_judgements([organisation.id]) == {}  # not published: not counted
    # The later visit's judgement is the latest, whatever it was.
    helpers.published_visit(organisation, reviewer, due_in=60)
    helpers.action_due(organisation, reviewer, today() - timedelta(days=1))
    helpers.action_due(organisation, reviewer, today())  # due today: not overdue yet
    # Its one partly met item is in a safeguarding section (attendance and first-day calling).
    assert readings.latest_judgements([organisation.id, other.id]) == {
        organisation.id: "requires_improvement"
    }
    assert readings.overdue_counts([organisation.id, other.id], today()) == {organisation.id: 1}
    assert readings.overdue_counts([organisation.id], today() + timedelta(days=1)) == {
        organisation.id: 2
    }


def test_an_unpublished_visits_action_is_neither_overdue_nor_emailed(
    app, reviewer, organisation, provider
):
    visit = helpers.recorded_visit(organisation, reviewer, {"registers_kept": "not_met"})
    action = visits.add_finding_action(
        reviewer,
        visit,
        item_id="registers_kept",
        title="Keep registers",
        owner="Manager",
        due_on=today(),
    )
    action.due_on = today() - timedelta(days=5)
    db.session.commit()
    assert readings.overdue_counts([organisation.id], today()) == {}
    db.session.commit()  # the command runs as its own process would, with its own transaction
    result = app.test_cli_runner().invoke(args=["quality", "remind"])
    assert result.stdout.startswith("Emailed about 0 overdue action(s)")


def test_the_council_homes_action_counts_follow_each_change_on_the_next_request(
    provider_client, reviewer_client, reviewer, organisation
):
    """Counted from the index of open actions by due date and the actions marked done: an
    action overdue, answered, accepted; one of a visit not yet published is never counted."""
    hidden = helpers.recorded_visit(organisation, reviewer, {"registers_kept": "not_met"})
    unseen = visits.add_finding_action(
        reviewer,
        hidden,
        item_id="registers_kept",
        title="Keep registers",
        owner="Manager",
        due_on=today(),
    )
    unseen.due_on = today() - timedelta(days=5)  # written after, as action_due does
    db.session.commit()
    assert "overdue action" not in page_text(reviewer_client.get("/home"))

    action = helpers.action_due(organisation, reviewer, today() - timedelta(days=2))
    home = page_text(reviewer_client.get("/home"))
    assert "Chase 1 overdue action" in home and "Accept or reopen" not in home

    assert _respond(provider_client, action, response="Done.").status_code == 302
    home = page_text(reviewer_client.get("/home"))
    assert "Accept or reopen 1 action" in home and "overdue action" not in home

    shown = reviewer_client.get(f"/quality/actions/{action.id}")
    reviewer_client.post(
        f"/quality/actions/{action.id}/accept",
        data={"lock_version": field_value(shown, "lock_version")},
    )
    home = page_text(reviewer_client.get("/home"))
    assert "Accept or reopen" not in home and "overdue action" not in home
