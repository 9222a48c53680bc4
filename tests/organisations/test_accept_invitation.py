"""Someone opens the link in their invitation and joins the organisation, once, in time, and
only with the address it was sent to."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.core.time import utcnow
from portal.organisations.models import MEMBER, Membership, OrganisationInvitation
from tests.conftest import sign_in
from tests.organisations.conftest import assert_refused, audit_events, count, invite, membership_of
from tests.support import factories
from tests.support.emails import emails_to, last_email_to, link_in
from tests.support.pages import banner_text, page_h1, page_text, soup

COLLEAGUE = "dana@example.org"


def colleague(app):
    user = factories.make_user(COLLEAGUE, full_name="Dana Colleague")
    return user, sign_in(app.test_client(), user)


def test_a_colleague_accepts_and_joins(app, provider_client, provider, organisation):
    link = invite(provider_client, organisation.id, COLLEAGUE)
    dana, client = colleague(app)

    page = client.get(link)
    assert page_h1(page) == "Join Organisation A Ltd"
    response = client.post(link)

    assert response.status_code == 302
    assert response.location == f"/organisations/{organisation.id}"
    shown = client.get(response.location)
    assert banner_text(shown) == "Success You are now a member of Organisation A Ltd"
    assert membership_of(organisation, dana).role == MEMBER
    assert count(OrganisationInvitation, OrganisationInvitation.accepted_at.is_not(None)) == 1
    joined = last_email_to(provider.email)
    assert joined.subject == "Dana Colleague has joined Organisation A Ltd"
    assert "Dana Colleague (dana@example.org) has accepted your invitation" in joined.body
    [event] = audit_events("organisation.member_joined")
    assert (event.actor_id, event.organisation_id) == (dana.id, organisation.id)
    assert event.after == {"user_id": dana.id, "email": COLLEAGUE, "role": MEMBER}


def test_someone_signed_out_is_asked_to_sign_in_and_comes_back(
    app, client, provider_client, organisation
):
    link = invite(provider_client, organisation.id, COLLEAGUE)
    dana = factories.make_user(COLLEAGUE, full_name="Dana Colleague")

    page = client.get(link)
    assert page.status_code == 200
    assert "sign in or create an account with this email address" in page_text(page)
    assert soup(page).find("button", id="submit") is None
    assert client.post(link).status_code == 200
    assert membership_of(organisation, dana) is None

    sign_in_link = soup(page).find("a", string="sign in")["href"]
    signed_in = client.post(sign_in_link, data={"email": COLLEAGUE, "password": factories.PASSWORD})
    assert signed_in.location == link
    assert client.post(link).status_code == 302
    assert membership_of(organisation, dana) is not None


def test_an_invitation_sent_to_another_address_is_refused(
    app, provider_client, organisation, other_provider
):
    link = invite(provider_client, organisation.id, COLLEAGUE)
    client = sign_in(app.test_client(), other_provider)

    page = client.get(link)
    assert (
        "You are signed in as provider-b@example.org. To accept, sign out, then sign in or "
        "create an account with dana@example.org." in page_text(page)
    )
    assert soup(page).find("button", id="submit") is None
    # A form sent anyway is refused, and says why.
    response = client.post(link)

    assert_refused(
        response,
        "This invitation was sent to dana@example.org. Sign in with that email address "
        "to accept it",
    )
    assert membership_of(organisation, other_provider) is None
    assert count(OrganisationInvitation, OrganisationInvitation.accepted_at.is_(None)) == 1


def test_a_link_works_once(app, provider_client, organisation, other_provider):
    link = invite(provider_client, organisation.id, COLLEAGUE)
    dana, client = colleague(app)
    client.post(link)

    # Dana opening it again is taken to the organisation rather than told off...
    again = client.get(link)
    assert again.status_code == 302
    assert again.location == f"/organisations/{organisation.id}"
    assert client.post(link).location == f"/organisations/{organisation.id}"
    assert count(Membership, Membership.user_id == dana.id) == 1
    # ...but for anyone else it is used up.
    stranger = sign_in(app.test_client(), other_provider)
    used = stranger.get(link)
    assert used.status_code == 400
    assert page_h1(used) == "This invitation link does not work"
    assert stranger.post(link).status_code == 400
    assert membership_of(organisation, other_provider) is None


def test_an_expired_link_does_not_work(app, provider_client, provider, organisation):
    link = invite(provider_client, organisation.id, COLLEAGUE)
    invitation = db.session.scalars(select(OrganisationInvitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)  # seven days on
    db.session.commit()
    dana, client = colleague(app)

    response = client.post(link)

    assert response.status_code == 400
    assert page_h1(response) == "This invitation has expired"
    assert "Ask the person who invited you to send a new one." in page_text(response)
    assert membership_of(organisation, dana) is None
    assert emails_to(provider.email) == []


def test_a_made_up_link_does_not_work(app, client, organisation):
    response = client.get("/organisations/invitations/not-a-real-token")
    assert response.status_code == 400
    assert page_h1(response) == "This invitation link does not work"


def test_council_staff_cannot_join_a_provider_organisation(
    app, provider_client, organisation, reviewer
):
    link = invite(provider_client, organisation.id, reviewer.email)
    client = sign_in(app.test_client(), reviewer)

    response = client.post(link)

    assert_refused(
        response,
        "Council staff accounts cannot join a provider organisation",
    )
    assert count(Membership, Membership.user_id == reviewer.id) == 0


def test_someone_new_registers_from_the_invitation_and_comes_back_to_it(
    app, client, provider_client, organisation
):
    """The invitation survives registration: the address is filled in, and after confirming
    their email (possibly in another browser) and signing in they land on the invitation."""
    link = invite(provider_client, organisation.id, COLLEAGUE)
    register_link = soup(client.get(link)).find("a", string="create an account")["href"]
    form = client.get(register_link)
    assert soup(form).find("input", attrs={"name": "email"})["value"] == COLLEAGUE

    client.post(
        register_link,
        data={"full_name": "Dana Colleague", "email": COLLEAGUE, "password": factories.PASSWORD},
    )
    confirmed = app.test_client().get(link_in(last_email_to(COLLEAGUE), "/verify-email/"))
    sign_in_href = soup(confirmed).select_one("main a.govuk-button")["href"]
    signed_in = client.post(sign_in_href, data={"email": COLLEAGUE, "password": factories.PASSWORD})

    assert signed_in.status_code == 302
    assert signed_in.location == link
    assert client.post(link).status_code == 302
    dana = db.session.scalar(select(User).where(User.email == COLLEAGUE))
    assert membership_of(organisation, dana).role == MEMBER
