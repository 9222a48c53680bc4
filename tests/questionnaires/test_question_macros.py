"""The question macros show each type with its GOV.UK component, what was typed or stored, and
the error beside the input that is wrong. (The application pages that use them are tested
through HTTP; these render the macros alone.)"""

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from portal.questionnaires import answers, routing
from tests.questionnaires.helpers import REFEREE, complete_answers

IMPORT = '{% from "questionnaires/_questions.html" import page_fields, group_items %}'
LOTS = [("online-tuition", "Online tuition"), ("mentoring", "Mentoring")]


@pytest.fixture
def render(app):
    def render(source, **context):
        with app.test_request_context():
            return BeautifulSoup(render_template_string(IMPORT + source, **context), "html.parser")

    return render


@pytest.fixture
def show_page(content, render):
    """A page as the application journey shows it: after a post, or from stored answers."""

    def show_page(path, posted=None, stored=None):
        section, page = content.page(*path.split("/"))
        stored = stored or {}
        if posted is None:
            values, errors = answers.form_values(page.questions, stored), {}
        else:
            result = answers.read_page(
                content, section, page, MultiDict(posted), stored, ["mentoring"], ["mentoring"]
            )
            values, errors = result.values, result.errors
        shown = routing.questions_to_show(content, section, page, stored, ["mentoring"])
        return render(
            "{{ page_fields(page, shown, values, errors, lot_choices=lots) }}",
            page=page,
            shown=shown,
            values=values,
            errors=errors,
            lots=LOTS,
        )

    return show_page


def text(element) -> str:
    return element.get_text(" ", strip=True)


def test_a_single_question_page_uses_the_label_as_its_heading(show_page):
    html = show_page("about/money", posted={"turnover": "1,250.555"})
    assert text(html.select_one("h1")) == "Annual turnover"
    field = html.select_one("input[name=turnover]")
    assert field["value"] == "1,250.555"  # exactly as typed
    assert "govuk-input--error" in field["class"]
    assert text(html.select_one(".govuk-input__prefix")) == "£"
    assert text(html.select_one(".govuk-error-message")) == (
        "Error: Annual turnover must not have more than 2 decimal places"
    )


def test_labels_hints_and_help(show_page):
    html = show_page("about/identity", stored=complete_answers())
    assert html.select("h1") == []  # the page's title is its heading
    assert text(html.select_one("label[for=legal_name]")) == "Legal name"
    assert text(html.select_one("label[for=website]")) == "Website (optional)"
    assert text(html.select_one("#legal_name-hint")) == "As registered with Companies House"
    assert html.select_one("input[name=legal_name]")["value"] == "Bright Futures Ltd"
    assert html.select_one("input[name=contact_email]")["type"] == "email"
    assert html.select_one("input[name=phone]")["type"] == "tel"
    help_ = html.select_one("details")
    assert text(help_.select_one("summary")) == "What counts as a legal name"
    assert [text(p) for p in help_.select("p")] == [
        "The name on your certificate of incorporation.",
        "Sole traders use their own name.",
    ]


def test_a_question_revealed_by_a_radio_sits_under_it_with_its_error(show_page):
    html = show_page(
        "about/structure",
        posted={"legal_form": "other", "has_subcontractors": "no", "subcontractor_names": "Ann"},
    )
    chosen = html.select_one("input[name=legal_form][checked]")
    assert chosen["value"] == "other"
    revealed = html.select_one(f"#{chosen['data-aria-controls']}")
    assert "govuk-radios__conditional--hidden" not in revealed["class"]
    assert text(revealed.select_one(".govuk-error-message")) == "Error: Enter other legal form"
    # Not chosen, so hidden where JavaScript runs; what was typed is kept all the same.
    names = html.select_one("#conditional-has_subcontractors")
    assert "govuk-radios__conditional--hidden" in names["class"]
    assert text(names.select_one("textarea")) == "Ann"
    assert names.select_one(".govuk-character-count")["data-maxlength"] == "100"
    assert html.select_one("input[name=has_subcontractors][checked]")["value"] == "no"
    # Each question appears once.
    assert len(html.select("[name=legal_form_other]")) == 1


def test_a_date_marks_only_the_inputs_that_are_wrong(show_page):
    html = show_page(
        "about/dates",
        posted={
            "founded_on-day": "31",
            "founded_on-month": "",
            "founded_on-year": "2020",
            "insurance_ends_on-day": "1",
            "insurance_ends_on-month": "1",
            "insurance_ends_on-year": "2099",
        },
    )
    wrong = [i["name"] for i in html.select("input.govuk-input--error")]
    assert wrong == ["founded_on-month"]
    assert html.select_one("input[name=founded_on-day]")["value"] == "31"
    assert text(html.select_one("#founded_on-error")) == (
        "Error: Date founded must include a month"
    )
    assert text(html.select_one("#founded_on-hint")) == "For example, 27 3 2007"


def test_a_stored_date_fills_its_inputs(show_page):
    html = show_page("about/dates", stored=complete_answers(founded_on="2020-03-05"))
    values = [
        html.select_one(f"input[name=founded_on-{p}]")["value"] for p in ("day", "month", "year")
    ]
    assert values == ["5", "3", "2020"]


def test_checkboxes_show_what_was_chosen(show_page):
    html = show_page("about/services", stored=complete_answers(services=["tuition", "therapy"]))
    assert [i["value"] for i in html.select("input[name=services][checked]")] == [
        "tuition",
        "therapy",
    ]
    assert html.select_one("input[name=staff_count]")["value"] == "4"


def test_the_lots_question_offers_the_lots_given(show_page):
    html = show_page("lots/choose_lots", stored={"chosen_lots": ["mentoring"]})
    boxes = html.select("input[name=chosen_lots]")
    assert [(b["value"], b.has_attr("checked")) for b in boxes] == [
        ("online-tuition", False),
        ("mentoring", True),
    ]
    assert text(html.select_one("h1")) == "Which types of service are you applying for?"


def test_a_declaration_shows_each_of_its_errors(show_page):
    html = show_page("declaration/declare", posted={"declaration-role": "Director"})
    assert [text(p) for p in html.select(".app-declaration > p")] == [
        "I confirm that the information in this application is true.",
        "I understand that false information may lead to removal from the framework.",
    ]
    assert text(html.select_one("#declaration-name-error")) == "Error: Enter your full name"
    assert html.select_one("#declaration-role-error") is None
    assert html.select_one("input[name=declaration-role]")["value"] == "Director"
    assert text(html.select_one("#declaration-agreed-error")) == (
        "Error: Select to confirm that you agree with the declaration"
    )


def test_questions_not_shown_are_left_out(content, render):
    section, page = content.page("about", "structure")
    shown = [content.question("legal_form")]
    html = render("{{ page_fields(page, shown, {}, {}) }}", page=page, shown=shown)
    assert {i["name"] for i in html.select("input, textarea")} == {"legal_form"}


def test_a_groups_items_are_listed_with_the_actions_the_page_gives(content, render):
    html = render(
        "{% call(item, number) group_items(question, items, errors) %}"
        '<a href="/items/{{ number }}">Change</a>{% endcall %}',
        question=content.question("referees"),
        items=[REFEREE],
        errors={"referees": answers.AnswerError("Add at least 2 referees", "referees")},
    )
    card = html.select_one(".govuk-summary-card")
    assert text(card.select_one("h2")) == "Referee 1"
    assert card.select_one(".govuk-summary-card__actions a")["href"] == "/items/1"
    rows = [
        (text(row.select_one("dt")), text(row.select_one("dd")))
        for row in card.select(".govuk-summary-list__row")
    ]
    assert rows == [
        ("Full name", "Ann Referee"),
        ("Email address", "ann@example.org"),
        ("Date you first worked together", "1 May 2019"),
    ]
    assert text(html.select_one("#referees-error")) == "Error: Add at least 2 referees"


def test_a_number_shows_its_unit(show_page):
    html = show_page("about/subcontracting", stored={"has_subcontractors": "yes"})
    assert text(html.select_one("h1")) == "Share of the work subcontracted"
    assert text(html.select_one(".govuk-input__suffix")) == "per cent"
    assert html.select_one("input[name=subcontracted_share]")["inputmode"] == "numeric"
