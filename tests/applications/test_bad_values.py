"""Bad values in questionnaire answers: a hidden character pasted in (Word's line break is a
vertical tab; NUL makes PostgreSQL fail) is refused on its question, the rest of the page is
saved, and what was typed stays on the page; numbers with more digits than any column holds
are refused before Python is asked to read them (it refuses over 4,300 digits: a 500)."""

import pytest

from tests.applications.helpers import assert_error, save, stored
from tests.support.pages import field_value

IDENTITY = {
    "legal_name": "Bright Futures Ltd",
    "company_number": "",
    "contact_email": "office@example.org",
    "phone": "01384 000000",
    "website": "",
}


def test_a_hidden_character_in_an_answer_is_refused_on_its_question(provider_client, draft):
    typed = {**IDENTITY, "legal_name": "Bright\x0bFutures Ltd", "phone": "01384\x00000000"}
    response = save(provider_client, draft, "about", "identity", typed)

    assert_error(
        response,
        "legal_name",
        "Legal name must not include hidden characters. Type it in again rather than pasting it",
    )
    assert "Bright\x0bFutures Ltd" in response.get_data(as_text=True)
    answers = stored(draft)
    assert answers.get("legal_name") is None
    assert answers.get("phone") is None
    assert answers["contact_email"] == "office@example.org"


@pytest.mark.parametrize(
    ("page", "field", "message"),
    [
        ("money", "turnover", "Annual turnover must be 15 digits or fewer"),
        (
            "subcontracting",
            "subcontracted_share",
            "Share of the work subcontracted must be 15 digits or fewer",
        ),
    ],
)
@pytest.mark.parametrize("digits", [16, 5000])
def test_a_number_with_more_digits_than_any_column_is_refused(
    provider_client, draft, page, field, message, digits
):
    save(
        provider_client,
        draft,
        "about",
        "structure",
        {"legal_form": "company", "has_subcontractors": "yes", "subcontractor_names": "Ann"},
    )
    typed = "9" * digits
    response = save(provider_client, draft, "about", page, {field: typed})

    assert_error(response, field, message)
    assert field_value(response, field) == typed
    assert field not in stored(draft)
