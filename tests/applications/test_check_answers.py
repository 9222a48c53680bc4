"""Check your answers: a section's answers with Change links, "Have you completed this section?",
and the whole application before the declaration."""

from portal.questionnaires import services as questionnaires
from tests.applications import journey
from tests.applications.helpers import (
    assert_error,
    page_url,
    save,
    stored,
    task_links,
    task_statuses,
)
from tests.support.pages import page_h1, page_text, soup

LOTS = ["online-tuition", "mentoring"]
IDENTITY = {
    "legal_name": "Bright Futures Ltd",
    "company_number": "",
    "contact_email": "office@example.org",
    "phone": "01384 000000",
    "website": "",
}


def summary(response) -> dict[str, str]:
    return {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in soup(response).select(".govuk-summary-list__row")
    }


def test_a_sections_answers_with_links_to_change_them(provider_client, draft, every_type):
    journey.complete_section(
        provider_client,
        questionnaires.content_of(every_type),
        page_url(draft, "about", "identity"),
        LOTS,
    )
    page = provider_client.get(f"/applications/{draft}/about/check-answers")

    assert page_h1(page) == "Check your answers"
    answers = summary(page)
    assert answers["Company number"] == "01234567"
    assert answers["Annual turnover"] == "£1,250.50"
    assert answers["Date founded"] == "1 March 2019"
    assert answers["Legal form"] == "Limited company"
    assert "Share of the work subcontracted" not in answers  # not asked: no subcontractors
    change = soup(page).select_one(".govuk-summary-list__actions a")
    assert change["href"] == page_url(draft, "about", "identity") + "?from=section"
    assert change.get_text(" ", strip=True) == "Change Legal name"


def test_a_change_returns_to_check_your_answers(provider_client, draft, every_type):
    content = questionnaires.content_of(every_type)
    journey.complete_section(provider_client, content, page_url(draft, "about", "identity"), LOTS)
    change = page_url(draft, "about", "money") + "?from=section"
    form = provider_client.get(change)
    back = soup(form).select_one(".govuk-back-link")["href"]
    assert back == f"/applications/{draft}/about/check-answers"

    response = provider_client.post(
        change,
        data={
            "section_version": soup(form).find(attrs={"name": "section_version"})["value"],
            "turnover": "99",
        },
    )

    assert response.location == f"/applications/{draft}/about/check-answers"
    assert summary(provider_client.get(response.location))["Annual turnover"] == "£99"
    # Still completed: the answer changed, the section is still whole.
    assert task_statuses(provider_client.get(f"/applications/{draft}"))[
        "About your organisation"
    ] == ("Completed")


def test_a_change_that_opens_a_new_page_leads_to_it_first(provider_client, draft, every_type):
    content = questionnaires.content_of(every_type)
    journey.complete_section(provider_client, content, page_url(draft, "about", "identity"), LOTS)

    url = page_url(draft, "about", "structure") + "?from=section"
    form = provider_client.get(url)
    response = provider_client.post(
        url,
        data={
            "section_version": soup(form).find(attrs={"name": "section_version"})["value"],
            "legal_form": "company",
            "has_subcontractors": "yes",
            "subcontractor_names": "Ann",
        },
    )

    assert response.location == page_url(draft, "about", "subcontracting") + "?from=section"
    statuses = task_statuses(provider_client.get(f"/applications/{draft}"))
    assert statuses["About your organisation"] == "In progress"


def test_saying_the_section_is_not_completed_yet(provider_client, draft):
    save(provider_client, draft, "lots", "choose_lots", {"chosen_lots": LOTS})

    response = provider_client.post(
        f"/applications/{draft}/lots/check-answers", data={"completed": "no"}
    )

    assert response.location == f"/applications/{draft}"
    assert (
        task_statuses(provider_client.get(response.location))["Types of service"] == "In progress"
    )


def test_the_question_must_be_answered(provider_client, draft):
    save(provider_client, draft, "lots", "choose_lots", {"chosen_lots": LOTS})

    response = provider_client.post(f"/applications/{draft}/lots/check-answers", data={})

    assert_error(response, "completed", "Select whether you have completed this section")


def test_a_section_with_questions_to_answer_cannot_be_completed(provider_client, draft):
    save(provider_client, draft, "about", "identity", {"legal_name": "Bright Futures"})
    url = f"/applications/{draft}/about/check-answers"
    page = provider_client.get(url)
    assert "You have not answered every question in this section yet." in page_text(page)
    assert summary(page)["Contact email address"] == "Not answered"

    response = provider_client.post(url, data={"completed": "yes"})

    assert_error(
        response,
        "completed",
        "You cannot mark this section as completed until you have answered every question",
    )
    assert task_statuses(provider_client.get(f"/applications/{draft}"))[
        "About your organisation"
    ] == ("In progress")


def test_sections_that_cannot_start_have_no_check_answers_page(provider_client, draft):
    assert provider_client.get(f"/applications/{draft}/online/check-answers").location == (
        f"/applications/{draft}"
    )
    assert provider_client.get(f"/applications/{draft}/declaration/check-answers").location == (
        f"/applications/{draft}"
    )
    assert provider_client.get(f"/applications/{draft}/nothing/check-answers").status_code == 404


def test_the_whole_application_before_the_declaration(provider_client, draft, every_type):
    save(provider_client, draft, "about", "identity", IDENTITY)
    page = provider_client.get(f"/applications/{draft}/check-answers")
    assert page_h1(page) == "Check your answers before you submit"
    text = page_text(page)
    assert "You need to complete every section before you can submit your application." in text
    assert "Continue to the declaration" not in text
    assert "Bright Futures Ltd" in text

    journey.complete_sections(provider_client, questionnaires.content_of(every_type), draft, LOTS)
    page = provider_client.get(f"/applications/{draft}/check-answers")

    headings = [h.get_text(strip=True) for h in soup(page).select("main h2")]
    assert headings[:4] == [
        "Types of service",
        "About your organisation",
        "Online tuition",
        "Safeguarding",
    ]
    assert summary(page)["Which types of service are you applying for?"] == (
        "Online tuition, Mentoring"
    )
    assert summary(page)["Referees"] == (
        "Example, someone@example.org, 1 March 2019 Example, someone@example.org, 1 March 2019"
    )
    [button] = soup(page).select("main a.govuk-button")
    assert button.get_text(strip=True) == "Continue to the declaration"
    assert button["href"] == f"/applications/{draft}/submit"
    assert task_links(provider_client.get(f"/applications/{draft}"))["Declaration"] == (
        f"/applications/{draft}/check-answers"
    )
    assert stored(draft)["chosen_lots"] == LOTS
