"""An owner changes their organisation's details; the audit log keeps what changed."""

from portal.core.db import db
from portal.organisations.models import Organisation
from tests.conftest import sign_in
from tests.organisations.conftest import (
    assert_error,
    audit_events,
    details,
    fresh,
    organisation_events,
)
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_h1, page_text, soup


def edit_url(organisation) -> str:
    return f"/organisations/{organisation.id}/edit"


def current_answers(organisation) -> dict:
    """The form as the owner would send it back untouched."""
    return details(
        legal_name=organisation.legal_name,
        trading_name="",
        legal_form=organisation.legal_form,
        company_number=organisation.company_number,
        charity_number="",
        is_sme="y",
        address_line_1=organisation.address_line_1,
        address_line_2="",
        town=organisation.town,
        postcode=organisation.postcode,
        phone=organisation.phone,
        website="",
        contact_name=organisation.contact_name,
        contact_email=organisation.contact_email,
    )


def test_the_form_starts_with_the_current_details(provider_client, organisation):
    response = provider_client.get(edit_url(organisation))
    assert page_h1(response) == "Change your organisation's details"
    assert field_value(response, "legal_name") == "Organisation A Ltd"
    assert field_value(response, "company_number") == "01234567"
    assert field_value(response, "postcode") == "DY1 1AA"
    assert soup(response).find(id="is_sme").has_attr("checked")
    assert not soup(response).find(id="is_vcse").has_attr("checked")


def test_every_change_link_goes_to_its_field(provider_client, organisation):
    page = soup(provider_client.get(f"/organisations/{organisation.id}"))
    links = [a["href"] for a in page.select(".govuk-summary-list__actions a")]
    form = soup(provider_client.get(edit_url(organisation)))
    # Every row but "Based in the council's area", which we work out, and "Charity number",
    # which a company does not have.
    assert len(links) == 10
    for link in links:
        path, field = link.split("#")
        assert path == edit_url(organisation)
        assert form.find(id=field) is not None, link


def test_saving_changes_audits_only_what_changed(provider_client, provider, organisation):
    answers = current_answers(organisation) | {"town": "Birmingham", "postcode": "b1 1aa"}

    response = provider_client.post(edit_url(organisation), data=answers)

    assert response.status_code == 302
    assert response.location == f"/organisations/{organisation.id}"
    page = provider_client.get(response.location)
    assert banner_text(page) == "Success Your organisation's details have been saved"
    saved = fresh(Organisation, organisation.id)
    assert (saved.town, saved.postcode, saved.is_local) == ("Birmingham", "B1 1AA", False)
    [event] = audit_events("organisation.updated")
    assert (event.actor_id, event.object_id) == (provider.id, organisation.id)
    assert event.before == {"town": "Dudley", "postcode": "DY1 1AA", "is_local": True}
    assert event.after == {"town": "Birmingham", "postcode": "B1 1AA", "is_local": False}


def test_saving_with_no_changes_writes_no_audit_event(provider_client, organisation):
    response = provider_client.post(edit_url(organisation), data=current_answers(organisation))
    assert response.status_code == 302
    assert organisation_events() == 0


def test_a_mistake_keeps_the_typed_answers_and_changes_nothing(provider_client, organisation):
    answers = current_answers(organisation) | {"legal_name": "Renamed Ltd", "phone": "ring us"}

    response = provider_client.post(edit_url(organisation), data=answers)

    assert_error(response, "phone", "Enter a phone number, like 01384 812345 or +44 7700 900982")
    assert field_value(response, "legal_name") == "Renamed Ltd"
    assert field_value(response, "phone") == "ring us"
    saved = fresh(Organisation, organisation.id)
    assert (saved.legal_name, saved.phone) == ("Organisation A Ltd", "01384 000000")
    assert organisation_events() == 0


def test_another_organisations_company_number_is_refused(
    provider_client, organisation, other_organisation
):
    other = fresh(Organisation, other_organisation.id)
    other.company_number = "09999999"
    db.session.commit()
    answers = current_answers(organisation) | {"company_number": "9999999"}

    response = provider_client.post(edit_url(organisation), data=answers)

    assert_error(
        response,
        "company_number",
        "An organisation with this Companies House number is already registered. "
        "Ask one of its owners to invite you",
    )
    assert fresh(Organisation, organisation.id).company_number == "01234567"
    assert organisation_events() == 0


def test_a_member_who_is_not_an_owner_cannot_change_details(member_client, organisation):
    assert member_client.get(edit_url(organisation)).status_code == 403
    response = member_client.post(
        edit_url(organisation), data=current_answers(organisation) | {"legal_name": "Mine Ltd"}
    )
    assert response.status_code == 403
    assert fresh(Organisation, organisation.id).legal_name == "Organisation A Ltd"
    page = member_client.get(f"/organisations/{organisation.id}")
    assert "Only an owner can change these details or invite people." in page.get_data(as_text=True)
    assert soup(page).select(".govuk-summary-list__actions a") == []


def test_a_number_clash_from_before_does_not_block_other_changes(
    provider_client, organisation, other_organisation
):
    """The fixtures give organisations A and B the same Companies House number."""
    answers = current_answers(organisation) | {"town": "Halesowen"}

    response = provider_client.post(edit_url(organisation), data=answers)

    assert response.status_code == 302
    assert fresh(Organisation, organisation.id).town == "Halesowen"


def test_an_empty_form_is_refused_rather_than_saved_unchanged(provider_client, organisation):
    response = provider_client.post(edit_url(organisation), data={})

    assert_error(response, "legal_name", "Enter your organisation's legal name")
    assert fresh(Organisation, organisation.id).legal_name == "Organisation A Ltd"
    assert organisation_events() == 0


def test_only_the_registration_numbers_that_apply_are_shown(app_ctx, client):
    trader = factories.make_user("trader@example.org", full_name="Sam Trader")
    sole_trader = factories.make_organisation(
        trader, legal_name="Sam Trader", legal_form="sole_trader", company_number=None
    )
    page = sign_in(client, trader).get(f"/organisations/{sole_trader.id}")

    text = page_text(page)
    assert "Companies House number" not in text and "Charity number" not in text
    assert "Trading name Not provided" in text
    assert "None" not in text
