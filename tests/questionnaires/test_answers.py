"""Reading a posted page: only the questions that apply are read, what was typed comes back to
show the page again, and errors link to the input that is wrong."""

from dataclasses import replace

import pytest
from werkzeug.datastructures import MultiDict

from portal.questionnaires import answers
from portal.questionnaires.answer_types import UnknownOption
from tests.questionnaires.helpers import REFEREE, complete_answers

LOTS = ("online-tuition", "mentoring")


def post(content, path, stored=None, chosen=("mentoring",), **fields):
    section, page = content.page(*path.split("/"))
    form = MultiDict(
        [
            (k, v)
            for k, values in fields.items()
            for v in (values if isinstance(values, list) else [values])
        ]
    )
    return answers.read_page(content, section, page, form, stored or {}, chosen, lot_choices=LOTS)


def messages(result):
    return {key: error.message for key, error in result.errors.items()}


def test_a_valid_page_gives_typed_answers(content):
    result = post(
        content,
        "about/identity",
        legal_name=" Bright Futures Ltd ",
        company_number="",
        contact_email="office@example.org",
        phone="01384 000000",
        website="",
    )
    assert result.is_valid
    assert result.answers == {
        "legal_name": "Bright Futures Ltd",
        "company_number": None,
        "contact_email": "office@example.org",
        "phone": "01384 000000",
        "website": None,
    }


def test_errors_come_in_page_order_and_link_to_their_inputs(content):
    result = post(content, "about/identity", legal_name="", contact_email="nope", phone="")
    assert result.error_summary() == [
        {"text": "Enter legal name", "href": "#legal_name"},
        {
            "text": "Enter an email address in the correct format, like name@example.com",
            "href": "#contact_email",
        },
        {"text": "Enter telephone number", "href": "#phone"},
    ]
    # What was typed comes back, exactly.
    assert result.values["contact_email"] == "nope"
    assert result.answers == {"company_number": None, "website": None}


def test_a_question_revealed_by_a_radio_is_read_when_that_radio_is_chosen(content):
    result = post(
        content,
        "about/structure",
        legal_form="other",
        legal_form_other="",
        has_subcontractors="yes",
        subcontractor_names="Ann's Tutors",
    )
    assert messages(result) == {"legal_form_other": "Enter other legal form"}
    assert result.answers == {
        "legal_form": "other",
        "has_subcontractors": "yes",
        "subcontractor_names": "Ann's Tutors",
    }


def test_a_revealed_question_is_ignored_when_its_radio_is_not_chosen(content):
    # With JavaScript off the revealed inputs are on show and may be filled in anyway.
    result = post(
        content,
        "about/structure",
        legal_form="company",
        legal_form_other="A co-operative",
        has_subcontractors="no",
        subcontractor_names="x" * 500,
    )
    assert result.is_valid
    assert result.answers == {"legal_form": "company", "has_subcontractors": "no"}
    assert result.values["legal_form_other"] == "A co-operative"


def test_a_revealed_question_is_not_read_while_its_radio_is_unanswered(content):
    result = post(content, "about/structure", legal_form_other="", has_subcontractors="no")
    assert messages(result) == {"legal_form": "Select legal form"}


def test_fields_for_other_questions_are_ignored(content):
    result = post(
        content,
        "about/structure",
        legal_form="company",
        has_subcontractors="no",
        legal_name="Sneaky Ltd",
        convicted="yes",
        answer="anything",
    )
    assert set(result.answers) == {"legal_form", "has_subcontractors"}


def test_an_altered_option_is_refused(content):
    with pytest.raises(UnknownOption):
        post(content, "about/structure", legal_form="plc", has_subcontractors="no")


def test_a_condition_on_the_same_page_reads_what_was_just_posted(content):
    result = post(content, "about/services", services=["therapy"], staff_count="lots")
    assert result.is_valid and result.answers == {"services": ["therapy"]}
    result = post(content, "about/services", services=["therapy", "tuition"], staff_count="lots")
    assert messages(result) == {"staff_count": "Number of staff must be a number"}


def test_a_date_is_checked_against_a_date_posted_before_it(content):
    result = post(
        content,
        "about/dates",
        **{
            "founded_on-day": "1",
            "founded_on-month": "6",
            "founded_on-year": "2020",
            "insurance_ends_on-day": "",
            "insurance_ends_on-month": "",
            "insurance_ends_on-year": "2099",
        },
    )
    error = result.errors["insurance_ends_on"]
    assert (error.message, error.field, error.parts) == (
        "Insurance end date must include a day and month",
        "insurance_ends_on-day",
        ("day", "month"),
    )
    assert result.values["insurance_ends_on"] == {"day": "", "month": "", "year": "2099"}
    assert result.answers == {"founded_on": "2020-06-01"}


def test_a_date_error_links_to_its_first_wrong_input(content):
    result = post(
        content,
        "about/dates",
        **{"founded_on-day": "1", "founded_on-month": "", "founded_on-year": "2020"},
    )
    assert result.errors["founded_on"].field == "founded_on-month"
    assert result.errors["insurance_ends_on"].field == "insurance_ends_on-day"


def test_the_lots_question_offers_the_lots_given(content):
    result = post(content, "lots/choose_lots", chosen=(), chosen_lots=["mentoring"])
    assert result.answers == {"chosen_lots": ["mentoring"]}
    with pytest.raises(UnknownOption):
        post(content, "lots/choose_lots", chosen=(), chosen_lots=["robotics-and-stem"])


def test_a_group_page_checks_how_many_items_are_stored(content):
    result = post(content, "safeguarding/referees", stored={"referees": [REFEREE]})
    assert result.error_summary() == [{"text": "Add at least 2 referees", "href": "#referees"}]
    result = post(content, "safeguarding/referees", stored={"referees": [REFEREE, REFEREE]})
    assert result.answers == {"referees": [REFEREE, REFEREE]}


def test_a_declaration_needs_a_name_a_role_and_agreement(content):
    result = post(content, "declaration/declare", **{"declaration-name": " "})
    assert result.error_summary() == [
        {"text": "Enter your full name", "href": "#declaration-name"},
        {"text": "Enter your role", "href": "#declaration-role"},
        {
            "text": "Select to confirm that you agree with the declaration",
            "href": "#declaration-agreed",
        },
    ]
    result = post(
        content,
        "declaration/declare",
        **{
            "declaration-name": "x" * 201,
            "declaration-role": "Director",
            "declaration-agreed": "yes",
        },
    )
    assert messages(result) == {"declaration-name": "Full name must be 200 characters or fewer"}
    result = post(
        content,
        "declaration/declare",
        **{
            "declaration-name": "Alex Provider",
            "declaration-role": "Director",
            "declaration-agreed": "yes",
        },
    )
    assert result.answers == {
        "declaration": {"name": "Alex Provider", "role": "Director", "agreed": True}
    }
    with pytest.raises(UnknownOption):
        post(content, "declaration/declare", **{"declaration-agreed": "no"})


def test_a_group_item_is_read_from_its_own_form(content):
    referees = content.question("referees")
    result = answers.read_item(
        referees,
        MultiDict({"name": "", "email": "ann@", "known_since-day": "1", "known_since-month": "1"}),
    )
    assert messages(result) == {
        "name": "Enter full name",
        "email": "Enter an email address in the correct format, like name@example.com",
        "known_since": "Date you first worked together must include a year",
    }
    result = answers.read_item(
        referees,
        MultiDict(
            {
                "name": "Ann Referee",
                "email": "ann@example.org",
                "known_since-day": "1",
                "known_since-month": "5",
                "known_since-year": "2019",
            }
        ),
    )
    assert result.answers == REFEREE


@pytest.mark.parametrize(
    ("count", "problem", "can_add"),
    [
        (0, "Add at least 2 referees", True),
        (1, "Add at least 2 referees", True),
        (2, None, True),
        (3, None, False),
        (4, "You can add up to 3 referees", False),
    ],
)
def test_how_many_items_a_group_takes(content, count, problem, can_add):
    referees = content.question("referees")
    items = [REFEREE] * count
    assert answers.check_items(referees, items) == problem
    assert answers.can_add_item(referees, items) is can_add


@pytest.mark.parametrize(
    ("item_label", "need", "message"),
    [
        ("referee", 1, "Add at least one referee"),
        ("member of staff", 2, "Add at least 2 members of staff"),
        ("company", 2, "Add at least 2 companies"),
        ("business", 2, "Add at least 2 businesses"),
        ("day", 2, "Add at least 2 days"),
    ],
)
def test_group_messages_name_the_items(content, item_label, need, message):
    group = replace(content.question("referees"), item_label=item_label, min_items=need)
    assert answers.check_items(group, []) == message


@pytest.mark.parametrize(
    "path",
    [
        "about/identity",
        "about/structure",
        "about/dates",
        "about/money",
        "about/services",
        "safeguarding/convictions",
        "declaration/declare",
    ],
)
def test_stored_answers_shown_in_the_form_and_posted_back_are_unchanged(content, path):
    stored = complete_answers()
    section, page = content.page(*path.split("/"))
    values = answers.form_values(page.questions, stored)
    form = MultiDict()
    for question in page.questions:
        value = values[question.id]
        if question.type == "date" or question.type == "declaration":
            for part, part_value in value.items():
                if part_value:
                    form.add(f"{question.id}-{part}", part_value)
        elif isinstance(value, list):
            form.setlist(question.id, value)
        elif value:
            form.add(question.id, value)
    result = answers.read_page(content, section, page, form, stored, ["mentoring"], LOTS)
    assert result.is_valid, result.errors
    assert result.answers == {q.id: stored[q.id] for q in page.questions if q.id in stored}


@pytest.mark.parametrize(
    ("question_id", "stored", "value"),
    [
        ("founded_on", "2020-03-05", {"day": "5", "month": "3", "year": "2020"}),
        ("founded_on", None, {"day": "", "month": "", "year": ""}),
        ("turnover", 125050, "1250.50"),
        ("turnover", 125000, "1250"),
        ("turnover", None, ""),
        ("staff_count", 12, "12"),
        ("services", None, []),
        ("legal_form", None, None),
        ("declaration", None, {"name": "", "role": "", "agreed": None}),
    ],
)
def test_form_value(content, question_id, stored, value):
    assert answers.form_value(content.question(question_id), stored) == value


@pytest.mark.parametrize(
    ("question_id", "stored", "text"),
    [
        ("legal_name", "Bright Futures Ltd", "Bright Futures Ltd"),
        ("website", None, "Not answered"),
        ("legal_form", "charity", "Charity"),
        ("has_subcontractors", "no", "No"),
        ("services", ["tuition", "therapy"], "Tuition, Therapy"),
        ("chosen_lots", ["mentoring"], "Mentoring"),
        ("founded_on", "2020-03-05", "5 March 2020"),
        ("subcontracted_share", 1500, "1,500 per cent"),
        ("turnover", 125050, "£1,250.50"),
        ("referees", [REFEREE], "1 referee"),
        ("referees", [REFEREE, REFEREE], "2 referees"),
        (
            "declaration",
            {"name": "Alex", "role": "Director", "agreed": True},
            "Agreed by Alex, Director",
        ),
    ],
)
def test_answer_text(content, question_id, stored, text):
    question = content.question(question_id)
    assert answers.answer_text(question, stored, {"mentoring": "Mentoring"}) == text
