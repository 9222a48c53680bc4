"""A provider tells us about their organisation: they become its owner, and it is audited."""

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.organisations.models import OWNER, Membership, Organisation
from tests.conftest import sign_in
from tests.organisations.conftest import audit_events, count, details
from tests.support import factories
from tests.support.pages import banner_text, page_h1, soup


@pytest.fixture
def newcomer(app_ctx):
    return factories.make_user("newcomer@example.org", full_name="Nia Newcomer")


@pytest.fixture
def newcomer_client(app, newcomer):
    return sign_in(app.test_client(), newcomer)


def created(newcomer) -> Organisation:
    db.session.rollback()
    return db.session.scalar(
        select(Organisation).join(Organisation.memberships).where(Membership.user_id == newcomer.id)
    )


def test_a_provider_with_no_organisation_is_led_to_create_one(newcomer_client):
    response = newcomer_client.get("/home")
    assert response.status_code == 302
    assert response.location == "/organisations/new"
    page = newcomer_client.get(response.location)
    assert page_h1(page) == "Tell us about your organisation"


def test_creating_an_organisation_makes_the_provider_its_owner(newcomer_client, newcomer):
    response = newcomer_client.post("/organisations/new", data=details())

    organisation = created(newcomer)
    assert response.status_code == 302
    assert response.location == f"/organisations/{organisation.id}"
    page = newcomer_client.get(response.location)
    assert page_h1(page) == "Brierley Learning"
    assert banner_text(page) == "Success Brierley Learning has been created"
    assert "Sam Jones, sam@brierley-learning.example.org" in page.get_data(as_text=True)
    # Stored tidy: the leading zero restored, the postcode in capitals, the website with https.
    assert organisation.company_number == "07654321"
    assert organisation.postcode == "DY5 3AA"
    assert organisation.website == "https://www.brierley-learning.example.org"
    assert organisation.charity_number is None and organisation.address_line_2 is None
    assert (organisation.is_sme, organisation.is_vcse, organisation.is_local) == (True, False, True)
    assert [(m.user_id, m.role) for m in organisation.memberships] == [(newcomer.id, OWNER)]


def test_creating_is_audited_with_who_and_what(newcomer_client, newcomer):
    newcomer_client.post("/organisations/new", data=details())

    organisation = created(newcomer)
    [event] = audit_events("organisation.created")
    assert (event.actor_id, event.object_type, event.object_id) == (
        newcomer.id,
        "organisation",
        organisation.id,
    )
    assert event.organisation_id == organisation.id
    assert event.occurred_at is not None and event.before is None
    assert event.after["legal_name"] == "Brierley Hill Learning Ltd"
    assert event.after["company_number"] == "07654321"
    assert event.after["is_local"] is True


@pytest.mark.parametrize(
    ("postcode", "is_local"),
    [
        ("DY1 1HF", True),
        ("b62 8aa", True),
        ("WV14 0QL", True),
        ("B1 1AA", False),
        ("DY4 7AA", False),
    ],
)
def test_local_means_a_postcode_district_in_the_council_area(
    newcomer_client, newcomer, postcode, is_local
):
    newcomer_client.post("/organisations/new", data=details(postcode=postcode))
    assert created(newcomer).is_local is is_local


def test_the_council_area_comes_from_settings(make_app, newcomer):
    client = sign_in(make_app(LOCAL_POSTCODE_DISTRICTS=("B1",)).test_client(), newcomer)
    client.post("/organisations/new", data=details(postcode="B1 1AA"))
    organisation = created(newcomer)
    assert organisation.is_local is True
    response = client.get(f"/organisations/{organisation.id}")
    assert "Based in the council's area Yes" in soup(response).get_text(" ", strip=True)


def test_a_second_click_on_save_creates_one_organisation(newcomer_client, newcomer):
    form = newcomer_client.get("/organisations/new")
    submission_id = soup(form).find("input", attrs={"name": "submission_id"})["value"]
    data = details(submission_id=submission_id)

    first = newcomer_client.post("/organisations/new", data=data)
    second = newcomer_client.post("/organisations/new", data=data)

    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert count(Organisation) == 1
    assert count(Membership) == 1
    assert count(AuditEvent, AuditEvent.action == "organisation.created") == 1


def test_a_provider_can_add_a_second_organisation(provider_client, provider):
    response = provider_client.post("/organisations/new", data=details())
    assert response.status_code == 302
    home = provider_client.get("/home")
    assert "Organisation A Ltd" in home.get_data(as_text=True)
    assert "Brierley Learning" in home.get_data(as_text=True)
    assert count(Membership, Membership.user_id == provider.id, Membership.role == OWNER) == 2


def test_an_open_invitation_is_pointed_out(newcomer_client, organisation, provider_client):
    provider_client.post(
        f"/organisations/{organisation.id}/members/invite", data={"email": "newcomer@example.org"}
    )
    page = newcomer_client.get("/organisations/new")
    assert "You have been invited to join Organisation A Ltd" in page.get_data(as_text=True)


def test_council_staff_cannot_create_an_organisation(reviewer_client):
    assert reviewer_client.get("/organisations/new").status_code == 403
    assert reviewer_client.post("/organisations/new", data=details()).status_code == 403
    assert count(Organisation) == 0


def test_signing_in_comes_first(client, app_ctx):
    response = client.get("/organisations/new")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=/organisations/new")
    assert client.post("/organisations/new", data=details()).status_code == 302
    assert count(Organisation) == 0
