"""Owners remove members and make other owners; anyone may leave, except the last owner."""

from portal.organisations.models import MEMBER, OWNER, Membership
from tests.organisations.conftest import assert_refused, audit_events, buttons, count, membership_of
from tests.support.emails import emails_to, last_email_to
from tests.support.pages import banner_text, page_h1


def show_url(organisation) -> str:
    return f"/organisations/{organisation.id}"


def remove_url(organisation, membership) -> str:
    return f"/organisations/{organisation.id}/members/{membership.id}/remove"


def test_an_owner_removes_a_member(provider_client, provider, organisation, member):
    membership = membership_of(organisation, member)
    page = provider_client.get(remove_url(organisation, membership))
    assert page_h1(page) == "Are you sure you want to remove Chris Colleague?"

    response = provider_client.post(remove_url(organisation, membership))

    assert response.status_code == 302
    assert response.location == show_url(organisation)
    shown = provider_client.get(response.location)
    assert banner_text(shown) == "Success Chris Colleague has been removed"
    assert membership_of(organisation, member) is None
    email = last_email_to(member.email)
    assert email.subject == "You have been removed from Organisation A Ltd"
    [event] = audit_events("organisation.member_removed")
    assert (event.actor_id, event.organisation_id) == (provider.id, organisation.id)
    assert event.before == {"user_id": member.id, "email": member.email, "role": MEMBER}


def test_a_removed_member_can_no_longer_see_the_organisation(
    provider_client, member_client, organisation, member
):
    assert member_client.get(show_url(organisation)).status_code == 200
    provider_client.post(remove_url(organisation, membership_of(organisation, member)))
    assert member_client.get(show_url(organisation)).status_code == 404


def test_a_member_who_is_not_an_owner_cannot_remove_or_promote(
    member_client, provider, organisation, member
):
    owner = membership_of(organisation, provider)
    assert member_client.get(remove_url(organisation, owner)).status_code == 403
    assert member_client.post(remove_url(organisation, owner)).status_code == 403
    mine = membership_of(organisation, member)
    make_owner = f"/organisations/{organisation.id}/members/{mine.id}/make-owner"
    assert member_client.post(make_owner).status_code == 403
    assert membership_of(organisation, provider).role == OWNER
    assert membership_of(organisation, member).role == MEMBER
    assert buttons(member_client.get(show_url(organisation)), "Make owner") == []


def test_the_only_owner_cannot_leave(provider_client, provider, organisation, member):
    response = provider_client.post(f"/organisations/{organisation.id}/leave")

    assert_refused(
        response,
        "You are the only owner, so you cannot leave. Make someone else an owner first",
    )
    assert membership_of(organisation, provider).role == OWNER
    assert audit_events("organisation.member_removed") == []


def test_the_only_owner_cannot_remove_themselves_either(provider_client, provider, organisation):
    response = provider_client.post(remove_url(organisation, membership_of(organisation, provider)))

    assert_refused(
        response,
        "You are the only owner, so you cannot leave. Make someone else an owner first",
    )
    assert membership_of(organisation, provider) is not None


def test_an_owner_makes_another_owner_and_can_then_leave(
    provider_client, member_client, provider, organisation, member
):
    [make_owner] = buttons(provider_client.get(show_url(organisation)), "Make owner")
    response = provider_client.post(make_owner)

    assert banner_text(provider_client.get(response.location)) == (
        "Success Chris Colleague is now an owner"
    )
    assert membership_of(organisation, member).role == OWNER
    [event] = audit_events("organisation.owner_added")
    assert event.actor_id == provider.id
    assert (event.before, event.after) == (
        {"user_id": member.id, "role": MEMBER},
        {"user_id": member.id, "role": OWNER},
    )

    page = provider_client.get(f"/organisations/{organisation.id}/leave")
    assert page_h1(page) == "Are you sure you want to leave Organisation A Ltd?"
    left = provider_client.post(f"/organisations/{organisation.id}/leave")

    assert left.status_code == 302
    assert left.location == "/home"
    assert membership_of(organisation, provider) is None
    assert provider_client.get(show_url(organisation)).status_code == 404
    # With no organisation left, they are led to create one.
    assert provider_client.get("/home").location == "/organisations/new"
    # The new owner now runs the organisation, and nobody was emailed about a choice to leave.
    assert member_client.get(f"/organisations/{organisation.id}/edit").status_code == 200
    assert emails_to(provider.email) == []


def test_a_member_can_leave(member_client, member, organisation):
    response = member_client.post(f"/organisations/{organisation.id}/leave")

    assert response.status_code == 302
    assert banner_text(member_client.get("/organisations/new")) == (
        "Success You have left Organisation A Ltd"
    )
    assert membership_of(organisation, member) is None
    assert count(Membership, Membership.organisation_id == organisation.id) == 1
