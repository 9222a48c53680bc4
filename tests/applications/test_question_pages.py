"""Question pages: every type of question saved through the page as the provider fills it in,
Save and continue and Save and come back later, prefilled answers, conditional questions, and
answers that are not the page's to give."""

from portal.applications.models import ApplicationSection
from tests.applications.helpers import (
    add_item,
    checked,
    count,
    page_url,
    save,
    stored,
    task_statuses,
)
from tests.support.pages import banner_text, field_value, page_h1, page_text, soup


def test_text_email_phone_and_url_answers_are_saved(provider_client, draft):
    response = save(
        provider_client,
        draft,
        "about",
        "identity",
        {
            "legal_name": "  Bright Futures Ltd ",
            "company_number": "",
            "contact_email": "office@bright.example.org",
            "phone": "01384 000000",
            "website": "www.bright.example.org",
        },
    )

    assert response.location == page_url(draft, "about", "structure")
    assert stored(draft) == {
        "legal_name": "Bright Futures Ltd",
        "company_number": None,  # optional, left blank: seen, so the section can be completed
        "contact_email": "office@bright.example.org",
        "phone": "01384 000000",
        "website": "www.bright.example.org",
    }
    again = provider_client.get(page_url(draft, "about", "identity"))
    assert field_value(again, "legal_name") == "Bright Futures Ltd"
    assert field_value(again, "website") == "www.bright.example.org"


def test_an_answer_from_the_organisation_record_is_filled_in_until_it_is_saved(
    provider_client, draft
):
    page = provider_client.get(page_url(draft, "about", "identity"))
    assert field_value(page, "legal_name") == "Organisation A Ltd"
    assert "legal_name" not in stored(draft)  # shown, not saved: the provider checks it first

    save(provider_client, draft, "about", "identity", {"legal_name": "Organisation A Limited"})

    page = provider_client.get(page_url(draft, "about", "identity"))
    assert field_value(page, "legal_name") == "Organisation A Limited"


def test_a_choice_with_a_question_revealed_under_it(provider_client, draft):
    page = provider_client.get(page_url(draft, "about", "structure"))
    # Without JavaScript the revealed question is on the page under its radio all the same.
    conditional = soup(page).select_one("#conditional-legal_form-3")
    assert conditional.find("input", attrs={"name": "legal_form_other"}) is not None

    save(
        provider_client,
        draft,
        "about",
        "structure",
        {
            "legal_form": "other",
            "legal_form_other": "Unincorporated association",
            "has_subcontractors": "yes",
            "subcontractor_names": "Ann Tutor\nBob Mentor",
        },
    )

    answers = stored(draft)
    assert answers["legal_form"] == "other"
    assert answers["legal_form_other"] == "Unincorporated association"
    assert answers["subcontractor_names"] == "Ann Tutor\nBob Mentor"
    page = provider_client.get(page_url(draft, "about", "structure"))
    assert checked(page, "legal_form") == ["other"]
    assert checked(page, "has_subcontractors") == ["yes"]
    # The long answer comes back line for line, without the indenting of the revealed block.
    textarea = soup(page).find("textarea", attrs={"name": "subcontractor_names"})
    assert textarea.get_text() == "Ann Tutor\nBob Mentor"


def test_an_answer_to_a_question_that_does_not_apply_is_not_stored(provider_client, draft):
    """Typed under "Other", then "Limited company" chosen: the other legal form is not asked."""
    save(
        provider_client,
        draft,
        "about",
        "structure",
        {
            "legal_form": "company",
            "legal_form_other": "Unincorporated association",
            "has_subcontractors": "no",
            "subcontractor_names": "Ann Tutor",
        },
    )

    assert stored(draft) == {"legal_form": "company", "has_subcontractors": "no"}


def test_fields_that_are_not_questions_on_the_page_are_ignored(provider_client, draft):
    save(
        provider_client,
        draft,
        "about",
        "money",
        {"turnover": "1250.50", "legal_name": "Sneaky Ltd", "is_admin": "yes", "convicted": "no"},
    )

    assert stored(draft) == {"turnover": 125050}


def test_an_altered_option_is_refused_and_nothing_is_stored(provider_client, draft):
    response = save(
        provider_client,
        draft,
        "about",
        "structure",
        {"legal_form": "empire", "has_subcontractors": "no"},
    )

    assert response.status_code == 400
    assert count(ApplicationSection) == 0


def test_a_page_that_does_not_apply_cannot_be_reached(provider_client, draft):
    """The subcontracting page is asked only of those who use subcontractors; the online
    tuition section only of those applying for online tuition."""
    save(
        provider_client,
        draft,
        "about",
        "structure",
        {"legal_form": "company", "has_subcontractors": "no"},
    )
    url = page_url(draft, "about", "subcontracting")
    assert provider_client.get(url).location == f"/applications/{draft}"
    response = provider_client.post(url, data={"section_version": "1", "subcontracted_share": "5"})
    assert response.location == f"/applications/{draft}"
    online = page_url(draft, "online", "platform")
    assert provider_client.post(online, data={"platform_name": "Zoom"}).location == (
        f"/applications/{draft}"
    )
    assert "subcontracted_share" not in stored(draft)
    assert "platform_name" not in stored(draft)
    # The declaration has a page of its own, after checking the whole application.
    declaration = page_url(draft, "declaration", "declare")
    assert provider_client.get(declaration).location == f"/applications/{draft}"


def test_a_page_the_questionnaire_does_not_have_is_not_found(provider_client, draft):
    assert provider_client.get(page_url(draft, "about", "no_such_page")).status_code == 404
    assert provider_client.get(page_url(draft, "no_such_section", "identity")).status_code == 404
    assert provider_client.get(f"/applications/{draft}/about/Identity").status_code == 404


def test_yes_no_then_a_page_asked_because_of_it_with_a_number(provider_client, draft):
    response = save(
        provider_client,
        draft,
        "about",
        "structure",
        {"legal_form": "company", "has_subcontractors": "yes", "subcontractor_names": "Ann"},
    )
    assert response.location == page_url(draft, "about", "subcontracting")

    page = provider_client.get(response.location)
    assert page_h1(page) == "Share of the work subcontracted"
    response = save(
        provider_client, draft, "about", "subcontracting", {"subcontracted_share": " 1,5 "}
    )

    assert response.location == page_url(draft, "about", "dates")
    assert stored(draft)["subcontracted_share"] == 15


def test_dates_are_saved_from_their_three_boxes(provider_client, draft):
    save(
        provider_client,
        draft,
        "about",
        "dates",
        {
            "founded_on-day": "31",
            "founded_on-month": "jan",
            "founded_on-year": "2020",
            "insurance_ends_on-day": "1",
            "insurance_ends_on-month": "3",
            "insurance_ends_on-year": "2031",
        },
    )

    answers = stored(draft)
    assert (answers["founded_on"], answers["insurance_ends_on"]) == ("2020-01-31", "2031-03-01")
    page = provider_client.get(page_url(draft, "about", "dates"))
    assert field_value(page, "founded_on-month") == "1"


def test_money_is_stored_in_pence_and_shown_in_pounds(provider_client, draft):
    save(provider_client, draft, "about", "money", {"turnover": "£12,500.5"})

    assert stored(draft)["turnover"] == 1250050
    page = provider_client.get(page_url(draft, "about", "money"))
    assert field_value(page, "turnover") == "12500.50"


def test_multiple_choice_and_the_question_it_decides_on_the_same_page(provider_client, draft):
    save(
        provider_client,
        draft,
        "about",
        "services",
        {"services": ["tuition", "therapy"], "staff_count": "4"},
    )
    assert stored(draft) == {"services": ["tuition", "therapy"], "staff_count": 4}

    save(provider_client, draft, "about", "services", {"services": ["therapy"], "staff_count": "9"})
    # Number of staff is asked only of tuition or mentoring: the new answer is ignored, and the
    # old one, no longer on the route, is left out of a submission.
    assert stored(draft) == {"services": ["therapy"], "staff_count": 4}


def test_lots_are_chosen_from_the_councils_lots(provider_client, draft):
    page = provider_client.get(page_url(draft, "lots", "choose_lots"))
    boxes = [i["value"] for i in soup(page).select("input[name=chosen_lots]")]
    assert len(boxes) == 13 and "online-tuition" in boxes

    response = save(
        provider_client,
        draft,
        "lots",
        "choose_lots",
        {"chosen_lots": ["mentoring", "online-tuition"]},
    )

    # The last page of the section leads to its check answers page.
    assert response.location == f"/applications/{draft}/lots/check-answers"
    assert stored(draft) == {"chosen_lots": ["online-tuition", "mentoring"]}


def test_a_repeating_group_adds_changes_and_removes_items(provider_client, draft):
    url = page_url(draft, "safeguarding", "referees")
    page = provider_client.get(url)
    assert page_h1(page) == "Referees"
    assert "You have not added any referee details yet." in page_text(page)

    for name in ("Ann Referee", "Bo Referee"):
        response = add_item(
            provider_client,
            draft,
            "safeguarding",
            "referees",
            "referees",
            {
                "name": name,
                "email": "ref@example.org",
                "known_since-day": "1",
                "known_since-month": "5",
                "known_since-year": "2019",
            },
        )
        assert response.location == url
    page = provider_client.get(url)
    cards = [c.get_text(" ", strip=True) for c in soup(page).select(".govuk-summary-card")]
    assert cards[0].startswith("Referee 1 Change referee 1 Remove referee 1 Full name Ann Referee")
    assert soup(page).find("button", string=lambda s: s and "Add another referee" in s)

    change = f"{url}/referees/2"
    form = provider_client.get(change)
    assert page_h1(form) == "Change referee 2"
    assert field_value(form, "name") == "Bo Referee"
    provider_client.post(
        change,
        data={
            "section_version": field_value(form, "section_version"),
            "name": "Bea Referee",
            "email": "bea@example.org",
            "known_since-day": "2",
            "known_since-month": "6",
            "known_since-year": "2018",
        },
    )
    assert [item["name"] for item in stored(draft)["referees"]] == ["Ann Referee", "Bea Referee"]
    assert stored(draft)["referees"][1] == {
        "name": "Bea Referee",
        "email": "bea@example.org",
        "known_since": "2018-06-02",
    }

    remove = f"{url}/referees/1/remove"
    confirm = provider_client.get(remove)
    assert page_h1(confirm) == "Are you sure you want to remove referee 1?"
    response = provider_client.post(
        remove, data={"section_version": field_value(confirm, "section_version")}
    )
    assert response.location == url
    assert banner_text(provider_client.get(url)) == "Success Referee 1 has been removed"
    assert [item["name"] for item in stored(draft)["referees"]] == ["Bea Referee"]


def test_add_from_the_group_page_saves_the_page_and_opens_an_item(provider_client, draft):
    response = save(provider_client, draft, "safeguarding", "referees", action="add-referees")

    assert response.location == f"{page_url(draft, 'safeguarding', 'referees')}/referees/add"
    assert page_h1(provider_client.get(response.location)) == "Add a referee"


def test_an_item_that_is_not_there_is_not_found(provider_client, draft):
    url = page_url(draft, "safeguarding", "referees")
    assert provider_client.get(f"{url}/referees/1").status_code == 404
    assert provider_client.get(f"{url}/referees/1/remove").status_code == 404
    # A question that is not a group of the page.
    assert (
        provider_client.get(f"{page_url(draft, 'about', 'identity')}/legal-name/add").status_code
        == 404
    )


def test_save_and_come_back_later_keeps_the_answers_and_returns_to_the_task_list(
    provider_client, draft
):
    response = save(
        provider_client,
        draft,
        "about",
        "identity",
        {"legal_name": "Bright Futures", "contact_email": "a@example.org", "phone": "01384 000000"},
        action="later",
    )

    assert response.location == f"/applications/{draft}"
    page = provider_client.get(response.location)
    assert "Your answers have been saved" in banner_text(page)
    assert task_statuses(page)["About your organisation"] == "In progress"
    assert stored(draft)["contact_email"] == "a@example.org"


def test_save_and_continue_walks_the_section_in_order(provider_client, draft):
    def continue_from(page, data):
        return save(provider_client, draft, "about", page, data).location

    assert continue_from(
        "identity", {"legal_name": "A", "contact_email": "a@example.org", "phone": "01384 000000"}
    ) == page_url(draft, "about", "structure")
    assert continue_from("structure", {"legal_form": "company", "has_subcontractors": "no"}) == (
        page_url(draft, "about", "dates")  # the subcontracting page is skipped
    )
    page = provider_client.get(page_url(draft, "about", "dates"))
    back = soup(page).select_one(".govuk-back-link")["href"]
    assert back == page_url(draft, "about", "structure")
