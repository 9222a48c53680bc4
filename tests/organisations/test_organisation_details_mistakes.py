"""Mistakes in an organisation's details: each is explained beside its field, what was typed is
kept, and nothing is saved until all is well."""

import pytest

from portal.organisations.models import Membership, Organisation
from tests.organisations.conftest import (
    DETAILS,
    assert_error,
    count,
    details,
    organisation_events,
)
from tests.support import factories
from tests.support.pages import field_value, page_errors, soup

COMPANY_FORMAT = "Enter a Companies House number in the correct format, like 01234567 or SC123456"
CHARITY_FORMAT = "Enter a charity number in the correct format, like 1234567 or SC012345"
POSTCODE_FORMAT = "Enter a full UK postcode, like DY1 1HF"
PHONE_FORMAT = "Enter a phone number, like 01384 812345 or +44 7700 900982"
WEBSITE_FORMAT = "Enter a website address in the correct format, like www.example.org"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"

MISTAKES = [
    # (answers changed, field, message)
    ({"legal_name": ""}, "legal_name", "Enter your organisation's legal name"),
    ({"legal_name": "   "}, "legal_name", "Enter your organisation's legal name"),
    ({"legal_name": "L" * 201}, "legal_name", "Legal name must be 200 characters or fewer"),
    ({"trading_name": "T" * 201}, "trading_name", "Trading name must be 200 characters or fewer"),
    ({"legal_form": None}, "legal_form", "Select what type of organisation it is"),
    ({"legal_form": "plc"}, "legal_form", "Select what type of organisation it is"),
    ({"company_number": ""}, "company_number", "Enter your Companies House number"),
    (
        {"legal_form": "cic", "company_number": " "},
        "company_number",
        "Enter your Companies House number",
    ),
    ({"company_number": "12345"}, "company_number", COMPANY_FORMAT),
    ({"company_number": "SC12345X"}, "company_number", COMPANY_FORMAT),
    (
        {"company_number": "12345678901"},
        "company_number",
        "Companies House number must be 10 characters or fewer",
    ),
    (
        {"legal_form": "charity", "company_number": ""},
        "charity_number",
        "Enter your charity number",
    ),
    ({"charity_number": "12345"}, "charity_number", CHARITY_FORMAT),
    ({"charity_number": "XN12345"}, "charity_number", CHARITY_FORMAT),
    (
        {"charity_number": "1234567890123"},
        "charity_number",
        "Charity number must be 12 characters or fewer",
    ),
    (
        {"address_line_1": ""},
        "address_line_1",
        "Enter address line 1, typically the building and street",
    ),
    (
        {"address_line_1": "A" * 201},
        "address_line_1",
        "Address line 1 must be 200 characters or fewer",
    ),
    (
        {"address_line_2": "A" * 201},
        "address_line_2",
        "Address line 2 must be 200 characters or fewer",
    ),
    ({"town": ""}, "town", "Enter town or city"),
    ({"town": "T" * 101}, "town", "Town or city must be 100 characters or fewer"),
    ({"postcode": ""}, "postcode", "Enter postcode"),
    ({"postcode": "DY5"}, "postcode", POSTCODE_FORMAT),
    ({"postcode": "DY5 3AA 1"}, "postcode", POSTCODE_FORMAT),
    ({"postcode": "DY5  3AA  XX"}, "postcode", "Postcode must be 10 characters or fewer"),
    ({"phone": ""}, "phone", "Enter a phone number"),
    ({"phone": "call the office"}, "phone", PHONE_FORMAT),
    ({"phone": "812345"}, "phone", PHONE_FORMAT),
    ({"phone": "0" * 21}, "phone", "Phone number must be 20 characters or fewer"),
    ({"website": "our website"}, "website", WEBSITE_FORMAT),
    ({"website": "javascript:alert(1)"}, "website", WEBSITE_FORMAT),
    ({"website": "w" * 297 + ".org"}, "website", "Website must be 300 characters or fewer"),
    # Fits as typed, but not once "https://" is added in front.
    ({"website": "w" * 292 + ".org"}, "website", "Website must be 300 characters or fewer"),
    ({"contact_name": ""}, "contact_name", "Enter the name of your main contact"),
    (
        {"contact_name": "N" * 201},
        "contact_name",
        "Main contact's name must be 200 characters or fewer",
    ),
    ({"contact_email": ""}, "contact_email", "Enter the main contact's email address"),
    ({"contact_email": "sam@"}, "contact_email", EMAIL_FORMAT),
    ({"contact_email": "sam at example.org"}, "contact_email", EMAIL_FORMAT),
    (
        {"contact_email": "s" * 243 + "@example.org"},
        "contact_email",
        "Email address must be 254 characters or fewer",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), MISTAKES)
def test_a_mistake_is_explained_and_nothing_is_created(provider_client, changes, field, message):
    before = (count(Organisation), count(Membership), organisation_events())

    response = provider_client.post("/organisations/new", data=details(**changes))

    assert_error(response, field, message)
    assert list(page_errors(response)) == [field]
    for name, typed in details(**changes).items():
        if name not in ("legal_form", "is_sme"):
            assert field_value(response, name) == typed.strip(), name
    assert (count(Organisation), count(Membership), organisation_events()) == before


def test_the_answers_to_choices_are_kept_too(provider_client):
    response = provider_client.post(
        "/organisations/new", data=details(legal_form="charity", is_vcse="y", charity_number="")
    )
    page = soup(response)
    assert page.find("input", attrs={"name": "legal_form", "checked": True})["value"] == "charity"
    assert page.find(id="is_sme").has_attr("checked")
    assert page.find(id="is_vcse").has_attr("checked")


def test_an_empty_form_lists_every_missing_answer_in_order(provider_client):
    response = provider_client.post("/organisations/new", data={})
    assert list(page_errors(response)) == [
        "legal_name",
        "legal_form",
        "address_line_1",
        "town",
        "postcode",
        "phone",
        "contact_name",
        "contact_email",
    ]
    for field in page_errors(response):
        assert soup(response).find(id=field) is not None


def test_a_company_that_is_already_registered_is_refused(other_provider_client, organisation):
    """Organisation A, from the fixtures, has the Companies House number 01234567."""
    before = (count(Organisation), organisation_events())

    response = other_provider_client.post(
        "/organisations/new", data=details(company_number="1234567")
    )

    assert_error(
        response,
        "company_number",
        "An organisation with this Companies House number is already registered. "
        "Ask one of its owners to invite you",
    )
    assert field_value(response, "legal_name") == DETAILS["legal_name"]
    assert (count(Organisation), organisation_events()) == before


def test_a_charity_that_is_already_registered_is_refused(provider_client, other_provider):
    factories.make_organisation(
        other_provider,
        legal_name="Stourbridge Mentoring Trust",
        legal_form="charity",
        company_number=None,
        charity_number="1112233",
    )
    before = (count(Organisation), organisation_events())

    response = provider_client.post(
        "/organisations/new",
        data=details(legal_form="charity", company_number="", charity_number="1 112 233"),
    )

    assert_error(
        response,
        "charity_number",
        "An organisation with this charity number is already registered. "
        "Ask one of its owners to invite you",
    )
    assert (count(Organisation), organisation_events()) == before
