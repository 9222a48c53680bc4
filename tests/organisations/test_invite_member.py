"""An owner invites a colleague by email; the link can be sent again or cancelled."""

import pytest

from portal.organisations.models import OrganisationInvitation
from tests.organisations.conftest import (
    assert_error,
    audit_events,
    buttons,
    count,
    invite,
    organisation_events,
)
from tests.support.emails import emails_to, last_email_to
from tests.support.pages import banner_text, field_value, page_h1, page_text, soup

COLLEAGUE = "dana@brierley-learning.example.org"


def invite_url(organisation) -> str:
    return f"/organisations/{organisation.id}/members/invite"


def test_an_owner_invites_a_colleague(provider_client, provider, organisation):
    page = provider_client.get(invite_url(organisation))
    assert page_h1(page) == "Invite a colleague"

    response = provider_client.post(
        invite_url(organisation), data={"email": " Dana@Brierley-Learning.example.org "}
    )

    assert response.status_code == 302
    shown = provider_client.get(response.location)
    assert banner_text(shown) == f"Success We have sent an invitation to {COLLEAGUE}"
    assert "Invitations waiting for a reply" in page_text(shown)
    assert COLLEAGUE in page_text(shown)
    email = last_email_to(COLLEAGUE)
    assert email.subject == "Alex Provider has invited you to join Organisation A Ltd"
    assert "/organisations/invitations/" in email.body
    assert "The link works for 7 days." in email.body
    [event] = audit_events("organisation.member_invited")
    assert (event.actor_id, event.organisation_id) == (provider.id, organisation.id)
    assert event.after == {"email": COLLEAGUE}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the email address of the person you want to invite"),
        ("   ", "Enter the email address of the person you want to invite"),
        ("dana", "Enter an email address in the correct format, like name@example.com"),
        ("dana@", "Enter an email address in the correct format, like name@example.com"),
        (
            "dana@@example.org",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("d" * 250 + "@example.org", "Email address must be 254 characters or fewer"),
    ],
)
def test_a_bad_address_is_explained_and_nothing_is_sent(
    provider_client, organisation, typed, message
):
    response = provider_client.post(invite_url(organisation), data={"email": typed})

    assert_error(response, "email", message)
    assert field_value(response, "email") == typed.strip()
    assert count(OrganisationInvitation) == 0
    assert organisation_events() == 0
    assert emails_to(typed.strip()) == []


def test_someone_already_in_the_organisation_is_not_invited(provider_client, organisation, member):
    response = provider_client.post(
        invite_url(organisation), data={"email": "Colleague-A@example.org"}
    )

    assert_error(
        response, "email", "colleague-a@example.org is already a member of this organisation"
    )
    assert count(OrganisationInvitation) == 0
    assert emails_to(member.email) == []


def test_a_second_click_sends_one_invitation(provider_client, organisation):
    form = provider_client.get(invite_url(organisation))
    submission_id = soup(form).find("input", attrs={"name": "submission_id"})["value"]
    data = {"email": COLLEAGUE, "submission_id": submission_id}

    first = provider_client.post(invite_url(organisation), data=data)
    second = provider_client.post(invite_url(organisation), data=data)

    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert count(OrganisationInvitation) == 1
    assert len(emails_to(COLLEAGUE)) == 1


def test_inviting_again_replaces_the_earlier_link(provider_client, organisation):
    first_link = invite(provider_client, organisation.id, COLLEAGUE)
    second_link = invite(provider_client, organisation.id, COLLEAGUE)

    assert first_link != second_link
    old = provider_client.get(first_link)
    assert old.status_code == 400
    assert page_h1(old) == "This invitation link does not work"
    assert provider_client.get(second_link).status_code == 200
    shown = provider_client.get(f"/organisations/{organisation.id}")
    assert len(buttons(shown, "Cancel invitation")) == 1  # one invitation waiting, not two


def test_a_cancelled_invitation_link_no_longer_works(provider_client, provider, organisation):
    link = invite(provider_client, organisation.id, COLLEAGUE)
    [action] = buttons(
        provider_client.get(f"/organisations/{organisation.id}"), "Cancel invitation"
    )

    response = provider_client.post(action)

    assert response.status_code == 302
    shown = provider_client.get(response.location)
    assert banner_text(shown) == "Success The invitation has been cancelled"
    assert COLLEAGUE not in page_text(shown)
    assert provider_client.get(link).status_code == 400
    [event] = audit_events("organisation.invitation_cancelled")
    assert (event.actor_id, event.before) == (provider.id, {"email": COLLEAGUE})


def test_a_member_who_is_not_an_owner_cannot_invite_or_cancel(
    member_client, provider_client, organisation
):
    invite(provider_client, organisation.id, COLLEAGUE)
    [cancel] = buttons(
        provider_client.get(f"/organisations/{organisation.id}"), "Cancel invitation"
    )

    assert member_client.get(invite_url(organisation)).status_code == 403
    response = member_client.post(invite_url(organisation), data={"email": "friend@example.org"})
    assert response.status_code == 403
    assert member_client.post(cancel).status_code == 403
    assert count(OrganisationInvitation) == 1
    assert count(OrganisationInvitation, OrganisationInvitation.cancelled_at.is_(None)) == 1
    assert emails_to("friend@example.org") == []
    assert "Invite a colleague" not in page_text(
        member_client.get(f"/organisations/{organisation.id}")
    )
