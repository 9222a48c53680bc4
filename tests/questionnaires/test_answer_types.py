"""Each question type's rules: what is accepted, how it is stored, and the GOV.UK message for
everything else."""

from datetime import timedelta

import pytest

from portal.core.time import LONDON, utcnow
from portal.questionnaires.answer_types import (
    EMAIL_FORMAT,
    MONEY_FORMAT,
    PHONE_FORMAT,
    READERS,
    URL_FORMAT,
    Context,
    Invalid,
    UnknownOption,
)
from portal.questionnaires.schema import Option, Question


def on_day(offset: int, as_parts: bool = True):
    """A date `offset` days from the day the test *runs*, worked out then: parameters are built
    when tests are collected, and a run can cross midnight."""

    def value():
        day = utcnow().astimezone(LONDON).date() + timedelta(days=offset)
        return date_parts(day) if as_parts else day.isoformat()

    return value


def _now(value):
    return value() if callable(value) else value


OPTIONS = (
    Option("tuition", "Tuition"),
    Option("mentoring", "Mentoring"),
    Option("therapy", "Therapy"),
)


def question(type_, label="Legal name", **rules):
    if type_ in ("text", "long_text") and "max_length" not in rules:
        rules["max_length"] = 200 if type_ == "text" else 5000
    if type_ in ("email", "phone", "url"):
        rules.setdefault("max_length", 254)
    return Question(id="answer", type=type_, label=label, **rules)


def read(q, raw, known=None, lot_choices=()):
    return READERS[q.type](q, raw, Context(known=known or {}, lot_choices=lot_choices))


def message(q, raw, **context):
    with pytest.raises(Invalid) as raised:
        read(q, raw, **context)
    return raised.value.message


def date_parts(day):
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


TEXT = question("text", max_length=10, min_length=2)
ACCEPTED = [
    (TEXT, " Bright ", "Bright"),
    (question("text", required=False), "   ", None),
    (question("text", pattern="[0-9]{8}", pattern_message="x"), "01234567", "01234567"),
    (question("long_text"), "Line one\r\nLine two\r\n", "Line one\nLine two"),
    (question("email"), "name@example.org", "name@example.org"),
    (question("phone"), "01632 960 001", "01632 960 001"),
    (question("phone"), "+44 808 157 0192", "+44 808 157 0192"),
    (question("phone"), "(01632) 960-001", "(01632) 960-001"),
    (question("url"), "www.example.com", "www.example.com"),
    (question("url"), "https://example.org/about?x=1", "https://example.org/about?x=1"),
    (question("yes_no"), "yes", "yes"),
    (question("choice", options=OPTIONS), "therapy", "therapy"),
    (question("choice", options=OPTIONS, required=False), None, None),
    # Kept in the order they are offered, once each.
    (
        question("multi_choice", options=OPTIONS),
        ["therapy", "tuition", "tuition"],
        ["tuition", "therapy"],
    ),
    (question("multi_choice", options=OPTIONS, required=False), [], None),
    (question("number", min=1, max=5000), "1,200", 1200),
    (question("number"), " -3 ", -3),
    (question("money"), "1,250.5", 125050),
    (question("money"), "£1,250.50", 125050),
    (question("money"), "1250", 125000),
    (question("money"), ".5", 50),
    (question("money"), "0", 0),
    (question("money", required=False), "", None),
    (question("date"), {"day": "5", "month": "3", "year": "2021"}, "2021-03-05"),
    (question("date"), {"day": "05", "month": "Mar", "year": "2021"}, "2021-03-05"),
    (question("date"), {"day": "29", "month": "february", "year": "2024"}, "2024-02-29"),
    (question("date", not_in_future=True), on_day(0), on_day(0, as_parts=False)),
    (question("date", not_in_past=True), on_day(0), on_day(0, as_parts=False)),
    (question("date", required=False), {"day": "", "month": "", "year": ""}, None),
]


@pytest.mark.parametrize(("q", "raw", "stored"), ACCEPTED)
def test_accepted_answers_are_stored_typed(q, raw, stored):
    assert read(q, _now(raw)) == _now(stored)


ASKED = "What is your organisation called?"
INSTRUCTION = "Describe how you keep children safe"
REFUSED = [
    # Text
    (question("text"), "", "Enter legal name"),
    (question("text"), "   ", "Enter legal name"),
    (question("text", label="DBS certificate number"), "", "Enter DBS certificate number"),
    (question("text", label=ASKED), "", "Enter your answer"),
    (question("long_text", label=INSTRUCTION), "", "Enter your answer"),
    (TEXT, "x" * 11, "Legal name must be 10 characters or fewer"),
    (
        question("text", label=ASKED, max_length=10),
        "x" * 11,
        "Your answer must be 10 characters or fewer",
    ),
    (TEXT, "x", "Legal name must be 2 characters or more"),
    (
        question(
            "text", pattern="[0-9]{8}", pattern_message="Enter a company number, like 01234567"
        ),
        "1234",
        "Enter a company number, like 01234567",
    ),
    # Email, phone and website
    (question("email", label="Contact email address"), "", "Enter contact email address"),
    (question("email", label="Where can we email you?"), "", "Enter an email address"),
    (question("email"), "name.example.org", EMAIL_FORMAT),
    (question("email"), "name@", EMAIL_FORMAT),
    (
        question("email", max_length=10),
        "name@example.org",
        "Legal name must be 10 characters or fewer",
    ),
    (question("phone", label="How can we call you?"), "", "Enter a telephone number"),
    (question("phone"), "12345", PHONE_FORMAT),
    (question("phone"), "0163 ABC 001", PHONE_FORMAT),
    (question("url"), "javascript:alert(1)", URL_FORMAT),
    (question("url"), "ftp://example.org", URL_FORMAT),
    (question("url"), "example", URL_FORMAT),
    (question("url"), "http://exa mple.org", URL_FORMAT),
    # Choices
    (question("yes_no", label="Do you employ staff?"), None, "Select yes or no"),
    (question("choice", label="Legal form", options=OPTIONS), None, "Select legal form"),
    (question("choice", label="How is it set up?", options=OPTIONS), "", "Select an option"),
    (question("multi_choice", label="Services", options=OPTIONS), [], "Select services"),
    (
        question("multi_choice", label="What do you offer?", options=OPTIONS),
        [],
        "Select at least one option",
    ),
    (
        question("multi_choice", options=OPTIONS, min_selected=2),
        ["tuition"],
        "Select at least 2 options",
    ),
    (
        question("multi_choice", options=OPTIONS, max_selected=2),
        ["tuition", "mentoring", "therapy"],
        "Select no more than 2 options",
    ),
    # Whole numbers
    (question("number", label="Number of staff"), "", "Enter number of staff"),
    (question("number", label="How many staff?"), "", "Enter a number"),
    (question("number", label="Number of staff"), "ten", "Number of staff must be a number"),
    (question("number", label="Number of staff"), "2.5", "Number of staff must be a whole number"),
    (question("number", label="How many staff?"), "2.5", "Your answer must be a whole number"),
    (question("number", label="Staff", min=1, max=500), "0", "Staff must be between 1 and 500"),
    (question("number", label="Staff", min=1, max=500), "1,000", "Staff must be between 1 and 500"),
    (question("number", label="Staff", min=1), "0", "Staff must be 1 or more"),
    (question("number", label="Staff", max=500), "501", "Staff must be 500 or less"),
    # Money
    (question("money", label="Annual turnover"), "", "Enter annual turnover"),
    (question("money", label="What was your turnover?"), "", "Enter an amount"),
    (question("money"), "abc", MONEY_FORMAT),
    (question("money"), "£", MONEY_FORMAT),
    (question("money"), "1.2.3", MONEY_FORMAT),
    (question("money"), "12.345", "Legal name must not have more than 2 decimal places"),
    (
        question("money", label="What was your turnover?"),
        "12.345",
        "Amount must not have more than 2 decimal places",
    ),
    (question("money"), "-5", "Legal name must not be negative"),
    (question("money"), "£-5.00", "Legal name must not be negative"),
    (question("money", label="Turnover", min=100000), "500", "Turnover must be £1,000 or more"),
    (
        question("money", label="Turnover", max=5000050),
        "50,000.51",
        "Turnover must be £50,000.50 or less",
    ),
    (
        question("money", label="Turnover", min=100, max=200000),
        "0.99",
        "Turnover must be between £1 and £2,000",
    ),
    # Dates
    (
        question("date", label="Date founded"),
        {"day": "", "month": "", "year": ""},
        "Enter date founded",
    ),
    (
        question("date", label="When did you start?"),
        {"day": "", "month": " ", "year": ""},
        "Enter a date",
    ),
    (
        question("date", label="Date founded"),
        {"day": "5", "month": "", "year": "2020"},
        "Date founded must include a month",
    ),
    (
        question("date", label="Date founded"),
        {"day": "", "month": "3", "year": ""},
        "Date founded must include a day and year",
    ),
    (
        question("date", label="Date founded"),
        {"day": "31", "month": "2", "year": "2021"},
        "Date founded must be a real date",
    ),
    (
        question("date", label="When did you start?"),
        {"day": "31", "month": "13", "year": "2021"},
        "Date must be a real date",
    ),
    (
        question("date", label="Date founded"),
        {"day": "first", "month": "3", "year": "2021"},
        "Date founded must be a real date",
    ),
    (
        question("date", label="Date founded"),
        {"day": "1", "month": "3", "year": "21"},
        "Year must include 4 numbers",
    ),
    (
        question("date", label="Date founded", not_in_future=True),
        on_day(1),
        "Date founded must be today or in the past",
    ),
    (
        question("date", label="End date", not_in_past=True),
        on_day(-1),
        "End date must be today or in the future",
    ),
]


@pytest.mark.parametrize(("q", "raw", "expected"), REFUSED)
def test_refused_answers_get_a_gov_uk_message(q, raw, expected):
    assert message(q, _now(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ({"day": "5", "month": "", "year": "2020"}, ("month",)),
        ({"day": "", "month": "3", "year": ""}, ("day", "year")),
        ({"day": "x", "month": "3", "year": "2020"}, ("day",)),
        ({"day": "5", "month": "13", "year": "2020"}, ("month",)),
        ({"day": "5", "month": "3", "year": "20"}, ("year",)),
        ({"day": "30", "month": "2", "year": "2020"}, ("day", "month", "year")),
    ],
)
def test_a_date_error_says_which_inputs_are_wrong(raw, parts):
    with pytest.raises(Invalid) as raised:
        read(question("date"), raw)
    assert raised.value.parts == parts


def test_a_date_must_be_after_the_answer_it_names():
    end = question("date", label="End date", after="start_date")
    known = {"start_date": "2020-01-01"}
    same_day = {"day": "1", "month": "1", "year": "2020"}
    assert message(end, same_day, known=known) == "End date must be after 1 January 2020"
    assert read(end, {"day": "2", "month": "1", "year": "2020"}, known=known) == "2020-01-02"
    # No start date yet: there is nothing to compare with.
    assert read(end, same_day) == "2020-01-01"


@pytest.mark.parametrize(
    ("q", "raw"),
    [
        (question("yes_no"), "maybe"),
        (question("choice", options=OPTIONS), "cookery"),
        (question("multi_choice", options=OPTIONS), ["tuition", "cookery"]),
        (question("lots"), ["online-tuition", "made-up-lot"]),
    ],
)
def test_a_value_that_is_not_an_option_is_refused_as_tampering(q, raw):
    with pytest.raises(UnknownOption) as raised:
        read(q, raw, lot_choices=("online-tuition", "mentoring"))
    assert raised.value.code == 400


def test_lots_are_chosen_from_the_lots_on_offer():
    lots = question("lots", label="Which types of service are you applying for?")
    choices = ("online-tuition", "mentoring")
    assert read(lots, ["mentoring", "online-tuition"], lot_choices=choices) == [
        "online-tuition",
        "mentoring",
    ]
    with pytest.raises(Invalid, match="^Select at least one type of service$"):
        read(lots, [], lot_choices=choices)
