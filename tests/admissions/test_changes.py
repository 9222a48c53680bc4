"""A reviewer suspends, reinstates and removes a provider from a lot: each with a reason, an
audit event and an email to every member, once, and never over a colleague's change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.admissions import services
from portal.admissions.models import ADMITTED, REMOVED, SUSPENDED, Admission
from portal.core.db import db
from portal.lots.models import Lot
from portal.lots.services import ensure_starting_lots
from tests.admissions.helpers import events, move_form, post_move
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import banner_text, page_errors, page_text, soup


@pytest.fixture
def member(organisation):
    user = factories.make_user("member-a@example.org", full_name="Mo Member")
    factories.add_member(organisation, user)
    return user


@pytest.fixture
def admission(organisation):
    return factories.admit(organisation, "mentoring")


def status_of(admission: Admission) -> tuple[str, str | None, int]:
    db.session.rollback()
    fresh = db.session.get(Admission, admission.id)
    return fresh.status, fresh.status_reason, fresh.lock_version


def test_a_reviewer_suspends_then_reinstates_a_provider(
    reviewer_client, admission, organisation, provider, member
):
    page = reviewer_client.get(f"/reviews/admissions/{admission.id}/suspend")
    assert "Suspend Organisation A Ltd from Mentoring?" in page_text(page)

    response = post_move(reviewer_client, admission.id, "suspend", "Insurance has lapsed.")
    assert response.location == f"/reviews/providers/{organisation.id}"
    shown = reviewer_client.get(response.location)
    assert banner_text(shown) == "Success Organisation A Ltd has been suspended from Mentoring"
    assert "Insurance has lapsed." in page_text(shown)
    assert status_of(admission) == (SUSPENDED, "Insurance has lapsed.", 2)

    (event,) = events("admission.suspended")
    assert (event.before, event.after) == (
        {"status": ADMITTED},
        {"status": SUSPENDED, "lot": "mentoring", "reason": "Insurance has lapsed."},
    )
    assert event.organisation_id == organisation.id
    for person in (provider, member):
        (email,) = emails_to(person.email)
        assert email.subject == "Suspended from Mentoring: Organisation A Ltd"
        assert "Insurance has lapsed." in email.body
        assert person.full_name in email.body
        assert link_in(email, "/home") == "/home"

    response = post_move(reviewer_client, admission.id, "reinstate", "New certificate seen.")
    assert response.location == f"/reviews/providers/{organisation.id}"
    assert status_of(admission) == (ADMITTED, "New certificate seen.", 3)
    (event,) = events("admission.reinstated")
    assert event.before == {"status": SUSPENDED}
    assert event.after["status"] == ADMITTED
    email = last_email_to(member.email)
    assert email.subject == "Reinstated to Mentoring: Organisation A Ltd"
    assert "New certificate seen." in email.body

    page = reviewer_client.get(f"/reviews/providers/{organisation.id}")
    history = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")[1:]]
        # The history is the record page's last table.
        for row in soup(page).select("table")[-1].select("tbody tr")
    ]
    assert history == [
        ["Mentoring", "Reinstated", "Test User", "New certificate seen."],
        ["Mentoring", "Suspended", "Test User", "Insurance has lapsed."],
    ]


def test_an_admin_removes_a_suspended_provider_who_cannot_then_be_reinstated(
    admin_client, organisation, provider
):
    admission = factories.admit(organisation, "mentoring", status=SUSPENDED, reason="Checks")
    response = post_move(admin_client, admission.id, "remove", "Safeguarding concerns upheld.")
    assert response.location == f"/reviews/providers/{organisation.id}"
    assert status_of(admission)[0] == REMOVED
    (event,) = events("admission.removed")
    assert event.before == {"status": SUSPENDED}
    email = last_email_to(provider.email)
    assert email.subject == "Removed from Mentoring: Organisation A Ltd"
    assert "apply to join again" in email.body

    # The page to reinstate is not offered, and asking for it says why.
    page = admin_client.get(f"/reviews/providers/{organisation.id}")
    assert not soup(page).select(f"a[href$='/admissions/{admission.id}/reinstate']")
    refused = admin_client.get(f"/reviews/admissions/{admission.id}/reinstate")
    assert refused.location == f"/reviews/providers/{organisation.id}"
    assert "cannot be reinstated" in banner_text(admin_client.get(refused.location))
    # Nor can a POST made up by hand.
    form = {"lock_version": str(status_of(admission)[2]), "submission_id": "made-up"}
    refused = post_move(admin_client, admission.id, "reinstate", "Please", form)
    assert refused.location == f"/reviews/providers/{organisation.id}"
    assert status_of(admission)[0] == REMOVED
    assert events("admission.reinstated") == []
    assert len(emails_to(provider.email)) == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter a reason"),
        ("   \n  ", "Enter a reason"),
        ("x" * 2001, "Reason must be 2000 characters or fewer"),
    ],
)
def test_a_reason_is_required_and_not_too_long(
    reviewer_client, admission, provider, reason, message
):
    response = post_move(reviewer_client, admission.id, "suspend", reason)
    assert response.status_code == 200
    assert page_errors(response) == {"reason": message}
    assert soup(response).title.get_text().startswith("Error: ")
    if reason.strip():
        assert soup(response).find("textarea", attrs={"name": "reason"}).get_text() == reason
    assert status_of(admission) == (ADMITTED, None, 1)
    assert events("admission.suspended") == []
    assert emails_to(provider.email) == []


def test_a_change_made_from_an_old_page_is_refused_and_says_who_got_there_first(
    app, reviewer_client, admin_client, admission, organisation, provider
):
    # The reviewer opens the suspend page; meanwhile an admin suspends and reinstates.
    stale = move_form(reviewer_client, admission.id, "suspend")
    post_move(admin_client, admission.id, "suspend", "First.")
    post_move(admin_client, admission.id, "reinstate", "Second.")
    sent = len(emails_to(provider.email))

    response = post_move(reviewer_client, admission.id, "suspend", "Late.", stale)
    assert response.location == f"/reviews/providers/{organisation.id}"
    message = banner_text(reviewer_client.get(response.location))
    assert "This admission was changed by Test User at " in message
    assert "It is now ‘on the framework’" in message
    assert status_of(admission) == (ADMITTED, "Second.", 3)
    assert len(events("admission.suspended")) == 1
    assert len(emails_to(provider.email)) == sent


def test_replaying_the_post_changes_nothing_more(
    reviewer_client, admission, organisation, provider
):
    form = move_form(reviewer_client, admission.id, "suspend")
    first = post_move(reviewer_client, admission.id, "suspend", "Late returns.", form)
    again = post_move(reviewer_client, admission.id, "suspend", "Late returns.", form)
    assert first.location == again.location == f"/reviews/providers/{organisation.id}"
    assert status_of(admission)[2] == 2
    assert len(events("admission.suspended")) == 1
    assert len(emails_to(provider.email)) == 1


def test_a_provider_gets_not_found_and_a_commissioner_is_refused(
    app, provider_client, commissioner_client, admission, provider
):
    for move in ("suspend", "reinstate", "remove"):
        url = f"/reviews/admissions/{admission.id}/{move}"
        for client in (provider_client, commissioner_client):
            answer = client.post(url, data={"reason": "No", "lock_version": "1"})
            assert answer.status_code == (404 if client is provider_client else 403)
    assert provider_client.get("/reviews/providers").status_code == 404
    assert commissioner_client.get("/reviews/providers").status_code == 200
    # A commissioner reads the provider's page but is offered no changes.
    page = commissioner_client.get(f"/reviews/providers/{admission.organisation_id}")
    assert page.status_code == 200
    assert not soup(page).select("a[href*='/reviews/admissions/']")
    assert status_of(admission) == (ADMITTED, None, 1)
    assert emails_to(provider.email) == []


def test_an_admission_that_does_not_exist_is_not_found(reviewer_client):
    assert reviewer_client.get("/reviews/admissions/999999/suspend").status_code == 404
    assert reviewer_client.get("/reviews/providers/999999").status_code == 404


def test_an_organisation_not_on_the_framework_has_no_providers_page(reviewer_client, organisation):
    assert reviewer_client.get(f"/reviews/providers/{organisation.id}").status_code == 404


def test_an_approval_is_in_the_history(app, reviewer, reviewer_client, organisation):
    """admit() (called by an approval) records the admission; the providers page shows it."""
    with app.test_request_context():
        ensure_starting_lots()
        lot = db.session.scalar(select(Lot).where(Lot.slug == "online-tuition"))
        services.admit(reviewer, None, organisation.id, lot)
        db.session.commit()
    page = page_text(reviewer_client.get(f"/reviews/providers/{organisation.id}"))
    assert "Online tuition" in page and "Admitted" in page


def test_only_admitted_providers_can_be_invited_to_competitions(
    reviewer_client, organisation, other_organisation
):
    """What competitions (issue 7) will ask: suspended and removed providers are left out."""
    admission = factories.admit(organisation, "mentoring")
    factories.admit(other_organisation, "mentoring")
    third = factories.make_organisation(
        factories.make_user("owner-c@example.org"), legal_name="Organisation C Ltd"
    )
    factories.admit(third, "mentoring", status=REMOVED, reason="Closed")
    mentoring = db.session.scalar(select(Lot).where(Lot.slug == "mentoring"))

    def invitable() -> list[str]:
        db.session.rollback()
        return [o.legal_name for o in services.invitable_organisations(mentoring)]

    assert invitable() == ["Organisation A Ltd", "Organisation B Ltd"]
    post_move(reviewer_client, admission.id, "suspend", "Checks overdue.")
    assert invitable() == ["Organisation B Ltd"]
    post_move(reviewer_client, admission.id, "reinstate", "Checks done.")
    assert invitable() == ["Organisation A Ltd", "Organisation B Ltd"]
