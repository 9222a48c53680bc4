"""Every mistake a provider can make on a question page: the GOV.UK error message by the field
and in the summary, what they typed still on the page, the valid answers on the page saved, and
nothing invalid stored."""

import pytest

from tests.applications.helpers import (
    SMALL,
    add_item,
    assert_error,
    page_url,
    publish,
    save,
    start,
    stored,
    task_statuses,
)
from tests.support.pages import field_value, page_errors, soup

PHONE = "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"
IDENTITY = {
    "legal_name": "Bright Futures Ltd",
    "company_number": "",
    "contact_email": "office@example.org",
    "phone": "01384 000000",
    "website": "",
}


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("legal_name", "   ", "Enter legal name"),
        ("legal_name", "x" * 201, "Legal name must be 200 characters or fewer"),
        ("company_number", "123456789", "Company number must be 8 characters or fewer"),
        (
            "company_number",
            "1234-567",
            "Enter a company number in the correct format, like 01234567",
        ),
        (
            "contact_email",
            "office.example.org",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("phone", "call me", "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"),
        (
            "website",
            "not a website",
            "Enter a website address in the correct format, like www.example.com",
        ),
    ],
)
def test_a_text_answer_that_is_wrong(provider_client, draft, field, typed, message):
    response = save(provider_client, draft, "about", "identity", {**IDENTITY, field: typed})

    assert_error(response, field, message)
    assert field_value(response, field) == typed
    # The rest of the page is saved; the mistake is not.
    answers = stored(draft)
    assert field not in answers or answers[field] is None
    assert answers["contact_email" if field != "contact_email" else "phone"]
    statuses = task_statuses(provider_client.get(f"/applications/{draft}"))
    assert statuses["About your organisation"] == "In progress"


def test_save_and_come_back_later_with_a_mistake_shows_it(provider_client, draft):
    response = save(
        provider_client, draft, "about", "identity", {**IDENTITY, "phone": "?"}, action="later"
    )

    assert_error(response, "phone", PHONE)
    assert field_value(response, "phone") == "?"
    assert stored(draft)["legal_name"] == "Bright Futures Ltd"


def test_a_mistake_does_not_replace_the_answer_saved_before(provider_client, draft):
    save(provider_client, draft, "about", "identity", IDENTITY)
    response = save(provider_client, draft, "about", "identity", {**IDENTITY, "phone": "?"})

    assert field_value(response, "phone") == "?"
    assert stored(draft)["phone"] == "01384 000000"


def test_a_long_answer_over_its_limit_keeps_what_was_typed(provider_client, draft):
    typed = "Ann Tutor\n" + "x" * 100
    response = save(
        provider_client,
        draft,
        "about",
        "structure",
        {"legal_form": "company", "has_subcontractors": "yes", "subcontractor_names": typed},
    )

    assert_error(
        response, "subcontractor_names", "Subcontractor names must be 100 characters or fewer"
    )
    assert soup(response).find("textarea", attrs={"name": "subcontractor_names"}).get_text() == (
        typed
    )
    assert stored(draft) == {"legal_form": "company", "has_subcontractors": "yes"}


def test_nothing_chosen(provider_client, draft):
    response = save(provider_client, draft, "about", "structure", {})

    assert page_errors(response) == {
        "legal_form": "Select legal form",
        "has_subcontractors": "Select yes or no",
    }
    response = save(provider_client, draft, "lots", "choose_lots", {})
    assert_error(response, "chosen_lots", "Select at least one type of service")
    assert stored(draft) == {}


def _dates(founded, ends):
    return {
        "founded_on-day": founded[0],
        "founded_on-month": founded[1],
        "founded_on-year": founded[2],
        "insurance_ends_on-day": ends[0],
        "insurance_ends_on-month": ends[1],
        "insurance_ends_on-year": ends[2],
    }


@pytest.mark.parametrize(
    ("founded", "ends", "field", "message"),
    [
        (
            ("31", "2", "2020"),
            ("1", "1", "2031"),
            "founded_on-day",
            "Date founded must be a real date",
        ),
        (
            ("1", "13", "2020"),
            ("1", "1", "2031"),
            "founded_on-month",
            "Date founded must be a real date",
        ),
        (
            ("1", "", "2020"),
            ("1", "1", "2031"),
            "founded_on-month",
            "Date founded must include a month",
        ),
        (("1", "2", "20"), ("1", "1", "2031"), "founded_on-year", "Year must include 4 numbers"),
        (
            ("1", "2", "2099"),
            ("1", "1", "2100"),
            "founded_on-day",
            "Date founded must be today or in the past",
        ),
        (
            ("1", "2", "2020"),
            ("1", "1", "2001"),
            "insurance_ends_on-day",
            "Insurance end date must be today or in the future",
        ),
    ],
)
def test_a_date_that_is_wrong(provider_client, draft, founded, ends, field, message):
    response = save(provider_client, draft, "about", "dates", _dates(founded, ends))

    assert_error(response, field, message)
    assert [field_value(response, f"founded_on-{p}") for p in ("day", "month", "year")] == list(
        founded
    )
    question = field.split("-")[0]
    assert question not in stored(draft)


def test_dates_in_the_wrong_order(provider_client, organisation, lots, admin):
    publish(SMALL, admin)
    application_id = start(provider_client, organisation)
    save(
        provider_client,
        application_id,
        "about",
        "insurance",
        {"has_insurance": "yes", "insurer": "Acme Insurance"},
    )

    response = save(
        provider_client,
        application_id,
        "about",
        "cover",
        {
            "cover_starts-day": "1",
            "cover_starts-month": "4",
            "cover_starts-year": "2026",
            "cover_ends-day": "31",
            "cover_ends-month": "3",
            "cover_ends-year": "2026",
        },
    )

    assert_error(response, "cover_ends-day", "Cover end date must be after 1 April 2026")
    assert field_value(response, "cover_ends-day") == "31"
    assert stored(application_id) == {
        "has_insurance": "yes",
        "insurer": "Acme Insurance",
        "cover_starts": "2026-04-01",
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.505", "Annual turnover must not have more than 2 decimal places"),
        ("-5", "Annual turnover must not be negative"),
        ("lots", "Enter an amount in pounds"),
        ("1000000.01", "Annual turnover must be £1,000,000 or less"),
    ],
)
def test_money_that_is_wrong(provider_client, draft, typed, message):
    response = save(provider_client, draft, "about", "money", {"turnover": typed})

    assert_error(response, "turnover", message)
    assert field_value(response, "turnover") == typed
    assert stored(draft) == {}


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("1 million", 100_000_000), ("£1,250", 125_000), ("£12.5k", 1_250_000), ("0.5m", 50_000_000)],
)
def test_money_as_people_type_it_is_saved(provider_client, draft, typed, pence):
    response = save(provider_client, draft, "about", "money", {"turnover": typed})

    assert response.status_code == 302, page_errors(response)
    assert stored(draft) == {"turnover": pence}


def test_a_reference_number_typed_in_lower_case_with_spaces_is_saved_tidy(provider_client, draft):
    response = save(
        provider_client, draft, "about", "identity", {**IDENTITY, "company_number": " sc 123 456 "}
    )

    assert response.status_code == 302, page_errors(response)
    assert stored(draft)["company_number"] == "SC123456"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2.5", "Share of the work subcontracted must be a whole number"),
        ("five", "Share of the work subcontracted must be a number"),
        ("101", "Share of the work subcontracted must be between 0 and 100"),
    ],
)
def test_a_number_that_is_wrong(provider_client, draft, typed, message):
    save(
        provider_client,
        draft,
        "about",
        "structure",
        {"legal_form": "company", "has_subcontractors": "yes", "subcontractor_names": "Ann"},
    )
    response = save(
        provider_client, draft, "about", "subcontracting", {"subcontracted_share": typed}
    )

    assert_error(response, "subcontracted_share", message)
    assert field_value(response, "subcontracted_share") == typed
    assert "subcontracted_share" not in stored(draft)


def test_too_many_choices(provider_client, draft):
    response = save(
        provider_client,
        draft,
        "about",
        "services",
        {"services": ["tuition", "mentoring", "therapy"], "staff_count": "3"},
    )

    assert_error(response, "services", "Select no more than 2 options")
    ticked = [i["value"] for i in soup(response).select("input[name=services][checked]")]
    assert ticked == ["tuition", "mentoring", "therapy"]
    assert "services" not in stored(draft)


REFEREE = {
    "name": "Ann Referee",
    "email": "ann@example.org",
    "known_since-day": "1",
    "known_since-month": "5",
    "known_since-year": "2019",
}


def test_a_group_with_too_few_items(provider_client, draft):
    add_item(provider_client, draft, "safeguarding", "referees", "referees", REFEREE)

    response = save(provider_client, draft, "safeguarding", "referees")

    assert_error(response, "referees", "Add at least 2 referees")


def test_a_group_beyond_its_limit(provider_client, draft):
    for _ in range(3):
        add_item(provider_client, draft, "safeguarding", "referees", "referees", REFEREE)
    url = page_url(draft, "safeguarding", "referees")
    page = provider_client.get(url)
    assert "You have added 3, the most you can add." in page.get_data(as_text=True)
    assert not soup(page).find("button", attrs={"value": "add-referees"})

    response = provider_client.post(
        f"{url}/referees/add",
        data={"section_version": field_value(page, "section_version"), **REFEREE},
    )

    assert response.location == url
    assert "You can add up to 3 referees" in provider_client.get(url).get_data(as_text=True)
    assert len(stored(draft)["referees"]) == 3
    assert provider_client.get(f"{url}/referees/add").location == url


def test_an_item_with_a_mistake_keeps_what_was_typed_and_is_not_added(provider_client, draft):
    response = add_item(
        provider_client,
        draft,
        "safeguarding",
        "referees",
        "referees",
        {**REFEREE, "email": "ann at example", "known_since-year": "2099"},
    )

    assert page_errors(response) == {
        "email": "Enter an email address in the correct format, like name@example.com",
        "known_since-day": "Date you first worked together must be today or in the past",
    }
    assert field_value(response, "name") == "Ann Referee"
    assert field_value(response, "email") == "ann at example"
    assert "referees" not in stored(draft)
