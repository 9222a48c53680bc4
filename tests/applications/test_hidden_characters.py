"""A hidden character pasted into a questionnaire answer (Word's line break is a vertical tab;
NUL makes PostgreSQL fail) is refused on its question, the rest of the page is saved, and what
was typed stays on the page."""

from tests.applications.helpers import assert_error, save, stored

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
