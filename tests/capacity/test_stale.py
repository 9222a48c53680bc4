"""Capacity not confirmed for 30 days is stale: shown as such on every page that shows it,
confirmed again in one click, the provider's members emailed once per lapse, and its home page
says what is waiting."""

from __future__ import annotations

import pytest

from portal.core.time import format_date
from tests.capacity.helpers import lot_id, make_capacity, saved
from tests.documents.helpers import run_command
from tests.support import factories
from tests.support.emails import emails_to
from tests.support.pages import banner_text, page_text


@pytest.fixture
def admitted(organisation):
    factories.admit(organisation, "mentoring")
    return organisation


def _confirm(client, organisation, lock_version: int):
    return client.post(
        f"/capacity/organisations/{organisation.id}/lots/{lot_id()}/confirm",
        data={"lock_version": str(lock_version), "submission_id": f"confirm-{lock_version}"},
    )


def test_capacity_is_stale_after_30_days_and_says_so(provider_client, admitted, provider):
    capacity = make_capacity(provider, admitted, days_ago=31)
    page = page_text(provider_client.get(f"/capacity/organisations/{admitted.id}"))
    assert f"Last confirmed {format_date(capacity.confirmed_at)} — out of date" in page
    assert "Out of date" in page


def test_capacity_29_days_old_is_not_stale(provider_client, admitted, provider):
    make_capacity(provider, admitted, days_ago=29)
    page = page_text(provider_client.get(f"/capacity/organisations/{admitted.id}"))
    assert "— out of date" not in page


def test_confirming_in_one_click_makes_it_current_and_is_audited(
    provider_client, admitted, provider
):
    capacity = make_capacity(provider, admitted, days_ago=45)

    response = _confirm(provider_client, admitted, capacity.lock_version)

    assert response.location == f"/capacity/organisations/{admitted.id}"
    page = provider_client.get(response.location)
    assert "You have confirmed your capacity for Mentoring" in banner_text(page)
    assert "— out of date" not in page_text(page)
    assert saved(admitted).places_now == 3  # nothing else changed


def test_confirming_from_an_old_page_is_refused(provider_client, admitted, provider):
    capacity = make_capacity(provider, admitted, days_ago=45)
    old = capacity.lock_version
    assert _confirm(provider_client, admitted, old).status_code == 302

    response = provider_client.post(
        f"/capacity/organisations/{admitted.id}/lots/{lot_id()}/confirm",
        data={"lock_version": str(old), "submission_id": "another-page"},
        follow_redirects=True,
    )

    assert "This capacity has just been changed by someone else" in banner_text(response)


def test_confirming_nothing_published_says_so(provider_client, admitted):
    response = _confirm(provider_client, admitted, 0)
    page = provider_client.get(response.location)
    assert "Publish your capacity for this type of service first" in banner_text(page)


def test_members_are_reminded_once_per_lapse(app, admitted, provider):
    member = factories.make_user("member@example.org", full_name="Mo Member")
    factories.add_member(admitted, member)
    capacity = make_capacity(provider, admitted, days_ago=31)

    assert run_command(app, "capacity", "remind").startswith("Reminded providers of 1 ")
    assert run_command(app, "capacity", "remind").startswith("Reminded providers of 0 ")

    for address in ("provider-a@example.org", "member@example.org"):
        (email,) = emails_to(address)
        assert email.subject == "Your capacity is out of date: confirm it or change it"
        assert "Mentoring: Last confirmed" in email.body
        assert f"/capacity/organisations/{admitted.id}" in email.body

    # Confirmed, then stale again: a new lapse, a new reminder.
    make_capacity(provider, admitted, days_ago=31)
    assert saved(admitted).reminded_at is None
    assert run_command(app, "capacity", "remind").startswith("Reminded providers of 1 ")
    assert len(emails_to("member@example.org")) == 2
    assert capacity.id == saved(admitted).id


def test_no_reminder_for_current_capacity_or_a_lot_the_provider_left(app, organisation, provider):
    factories.admit(organisation, "mentoring")
    make_capacity(provider, organisation, days_ago=10)
    assert run_command(app, "capacity", "remind").startswith("Reminded providers of 0 ")


def test_the_home_page_says_what_is_waiting(provider_client, admitted, provider):
    factories.admit(admitted, "online-tuition")
    home = page_text(provider_client.get("/home"))
    assert "Publish Organisation A Ltd's capacity" in home
    assert "Not yet published for Online tuition and Mentoring" in home

    make_capacity(provider, admitted, days_ago=40)
    home = page_text(provider_client.get("/home"))
    assert "Not yet published for Online tuition" in home
    assert "Confirm Organisation A Ltd's capacity is still right" in home
    assert "Out of date for Mentoring" in home

    make_capacity(provider, admitted, "online-tuition")
    make_capacity(provider, admitted)
    home = page_text(provider_client.get("/home"))
    assert "Nothing is waiting for you right now" in home
