"""One reader per question type: what was typed or chosen in, a typed answer or a GOV.UK error
message out.

Messages name the question when its label is a short name ("Enter legal name", "Date founded
must be a real date"); a label that is a question or an instruction ("Describe how you...") is
not repeated inside a sentence, and a plain wording is used instead ("Enter your answer").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from werkzeug.exceptions import BadRequest

from portal.core.money import NotMoney, format_pence, parse_pence
from portal.core.numbers import whole_number
from portal.core.time import LONDON, format_date
from portal.questionnaires.schema import Question

DATE_PARTS = ("day", "month", "year")
# A money question's own example ("like £5,000,000" for cover of at least £5 million) is added.
MONEY_FORMAT = "Enter an amount in pounds"
MAX_DIGITS = 15
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
PHONE_FORMAT = "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"
URL_FORMAT = "Enter a website address in the correct format, like www.example.com"
# First words of labels that are instructions, not names of a thing.
_INSTRUCTIONS = {
    "add", "choose", "confirm", "describe", "enter", "explain", "give", "include", "list",
    "outline", "provide", "say", "select", "show", "state", "summarise", "tell", "upload",
}  # fmt: skip
# The name used in messages when the label cannot be.
_PLAIN_SUBJECT = {
    "date": "Date",
    "money": "Amount",
    "email": "Email address",
    "phone": "Telephone number",
    "url": "Website address",
}
_PLAIN_MISSING = {
    "date": "Enter a date",
    "number": "Enter a number",
    "money": "Enter an amount",
    "email": "Enter an email address",
    "phone": "Enter a telephone number",
    "url": "Enter a website address",
    "yes_no": "Select yes or no",
    "choice": "Select an option",
    "multi_choice": "Select at least one option",
    "lots": "Select at least one type of service",
}
_MONTHS = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
}


class Invalid(Exception):
    """An answer the person can put right: `parts` are a date's inputs in error."""

    def __init__(self, message: str, parts: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.parts = parts


class UnknownOption(BadRequest):
    """A value that is none of the question's options: the form was altered, not misfilled."""

    description = "An answer was not one of the options on the page."


@dataclass(frozen=True)
class Context:
    """What a reader may need beyond its own answer."""

    known: Mapping[str, Any]  # answers to the questions before (for a date's `after`)
    lot_choices: Collection[str] = ()  # the lot slugs that may be chosen
    # The document version ids an evidence question may take, by kind of document.
    evidence_choices: Mapping[str, Collection[int]] = field(default_factory=dict)


# Wording ---------------------------------------------------------------------------------------


def _names_a_thing(label: str) -> bool:
    words = label.split()
    return (
        not label.endswith(("?", ".", ":"))
        and len(words) <= 8
        and words[0].lower() not in _INSTRUCTIONS
    )


def subject(question: Question) -> str:
    """How a message starts: "Legal name must be...", or "Your answer must be..."."""
    if _names_a_thing(question.label):
        return question.label
    return _PLAIN_SUBJECT.get(question.type, "Your answer")


def _thing(question: Question) -> str:
    """The label inside a sentence: lower case, except a leading acronym ("DBS number")."""
    label = question.label
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def missing(question: Question) -> str:
    verb = "Select" if question.type in ("yes_no", "choice", "multi_choice", "lots") else "Enter"
    if question.type != "yes_no" and _names_a_thing(question.label):
        return f"{verb} {_thing(question)}"
    return _PLAIN_MISSING.get(question.type, "Enter your answer")


def _blank(question: Question) -> None:
    if question.required:
        raise Invalid(missing(question))


def _bounds(question: Question, value: int, show) -> None:
    low, high = question.min, question.max
    if (low is None or value >= low) and (high is None or value <= high):
        return
    if low is not None and high is not None:
        raise Invalid(f"{subject(question)} must be between {show(low)} and {show(high)}")
    if low is not None:
        raise Invalid(f"{subject(question)} must be {show(low)} or more")
    raise Invalid(f"{subject(question)} must be {show(high)} or less")


def _digits(question: Question, digits: str) -> None:
    # Before int(): Python refuses over 4,300 digits (a 500), and no column holds more than 15.
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise Invalid(f"{subject(question)} must be {MAX_DIGITS} digits or fewer")


# Readers ---------------------------------------------------------------------------------------


def read_text(question: Question, raw: str, _context: Context) -> str | None:
    value = (raw or "").replace("\r\n", "\n").strip()
    if question.pattern:
        # A pattern is a reference number's (Companies House, ICO, URN, UKPRN): people type
        # them in lower case and with spaces, and neither changes the number.
        value = re.sub(r"\s", "", value).upper()
    if not value:
        _blank(question)
        return None
    if len(value) > question.max_length:
        raise Invalid(f"{subject(question)} must be {question.max_length} characters or fewer")
    if question.min_length and len(value) < question.min_length:
        raise Invalid(f"{subject(question)} must be {question.min_length} characters or more")
    if question.pattern and not re.fullmatch(question.pattern, value):
        raise Invalid(question.pattern_message)
    return value


def read_email(question: Question, raw: str, context: Context) -> str | None:
    value = read_text(question, raw, context)
    if value is not None:
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise Invalid(EMAIL_FORMAT) from None
    return value


def read_phone(question: Question, raw: str, context: Context) -> str | None:
    value = read_text(question, raw, context)
    if value is not None:
        digits = re.sub(r"[\s()-]", "", value)
        if not re.fullmatch(r"\+?\d{10,15}", digits):
            raise Invalid(PHONE_FORMAT)
    return value


def read_url(question: Question, raw: str, context: Context) -> str | None:
    value = read_text(question, raw, context)
    if value is not None:
        parts = urlsplit(value if "://" in value else f"https://{value}")
        host = parts.hostname or ""
        if (
            parts.scheme not in ("http", "https")
            or re.search(r"\s", value)
            or "." not in host.strip(".")
        ):
            raise Invalid(URL_FORMAT)
    return value


def read_choice(question: Question, raw: str | None, _context: Context) -> str | None:
    if not raw:
        _blank(question)
        return None
    if raw not in question.option_values:
        raise UnknownOption()
    return raw


def _read_many(question: Question, raw: list[str], allowed: Collection[str]) -> list[str] | None:
    chosen = set(raw)
    if chosen - set(allowed):
        raise UnknownOption()
    if not chosen:
        _blank(question)
        return None
    return [value for value in allowed if value in chosen]  # in the order they are offered


def read_multi_choice(question: Question, raw: list[str], _context: Context) -> list[str] | None:
    value = _read_many(question, raw, question.option_values)
    if value is not None:
        if question.min_selected and len(value) < question.min_selected:
            raise Invalid(f"Select at least {question.min_selected} options")
        if question.max_selected and len(value) > question.max_selected:
            raise Invalid(f"Select no more than {question.max_selected} options")
    return value


def read_lots(question: Question, raw: list[str], context: Context) -> list[str] | None:
    return _read_many(question, raw, context.lot_choices)


def read_date(question: Question, raw: Mapping[str, str], context: Context) -> str | None:
    parts = {part: (raw.get(part) or "").strip() for part in DATE_PARTS}
    absent = tuple(part for part in DATE_PARTS if not parts[part])
    if len(absent) == len(DATE_PARTS):
        _blank(question)
        return None
    name = subject(question)
    if absent:
        raise Invalid(f"{name} must include a {' and '.join(absent)}", absent)
    value = _real_date(name, parts)
    today = datetime.now(LONDON).date()
    if question.not_in_future and value > today:
        raise Invalid(f"{name} must be today or in the past")
    if question.not_in_past and value < today:
        raise Invalid(f"{name} must be today or in the future")
    other = context.known.get(question.after) if question.after else None
    if other and value <= date.fromisoformat(other):
        raise Invalid(f"{name} must be after {format_date(date.fromisoformat(other))}")
    return value.isoformat()


def _real_date(name: str, parts: dict[str, str]) -> date:
    month = _MONTHS.get(parts["month"].lower()) or (whole_number(parts["month"]))
    if whole_number(parts["day"]) is None:
        raise Invalid(f"{name} must be a real date", ("day",))
    if month is None or not 1 <= month <= 12:
        raise Invalid(f"{name} must be a real date", ("month",))
    if not re.fullmatch(r"\d{4}", parts["year"]):
        raise Invalid("Year must include 4 numbers", ("year",))
    try:
        return date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        raise Invalid(f"{name} must be a real date", DATE_PARTS) from None


def read_number(question: Question, raw: str, _context: Context) -> int | None:
    text = re.sub(r"[\s,]", "", raw or "")
    if not text:
        _blank(question)
        return None
    if re.fullmatch(r"-?\d*\.\d+", text):
        raise Invalid(f"{subject(question)} must be a whole number")
    if not re.fullmatch(r"-?[0-9]+", text):
        raise Invalid(f"{subject(question)} must be a number")
    _digits(question, text)
    value = int(text)
    _bounds(question, value, str)
    return value


def money_example(question: Question) -> str | None:
    """The amount a money question's hint and messages give as an example: its own `example`,
    else its minimum, so the example is always an answer the question accepts."""
    if question.example:
        return question.example
    return format_pence(question.min) if question.min else None


def money_format(question: Question) -> str:
    example = money_example(question)
    return f"{MONEY_FORMAT}, like {example}" if example else MONEY_FORMAT


def read_money(question: Question, raw: str, _context: Context) -> int | None:
    """Pounds as people type them ("£1,250.5", "5 million", "£5m") in, whole pence out."""
    try:
        value = parse_pence(raw)
    except NotMoney as refused:
        if refused.reason == "negative":
            raise Invalid(f"{subject(question)} must not be negative") from None
        if refused.reason == "decimals":
            raise Invalid(f"{subject(question)} must not have more than 2 decimal places") from None
        raise Invalid(money_format(question)) from None
    if value is None:
        _blank(question)
        return None
    if value >= 100 * 10**MAX_DIGITS:  # more pounds than any column holds
        raise Invalid(f"{subject(question)} must be {MAX_DIGITS} digits or fewer")
    _bounds(question, value, format_pence)
    return value


def read_evidence(question: Question, raw: str | None, context: Context) -> int | None:
    """The id of a document version offered on the page; any other id is a tampered form."""
    if not raw:
        if question.required:
            noun = question.kind_noun
            article = "an" if noun[0] in "aeiou" else "a"
            raise Invalid(f"Select {article} {noun} document, or upload one")
        return None
    choices = context.evidence_choices.get(question.kind, ())
    if whole_number(raw) not in choices:
        raise UnknownOption()
    return int(raw)


READERS = {
    "text": read_text,
    "long_text": read_text,
    "email": read_email,
    "phone": read_phone,
    "url": read_url,
    "yes_no": read_choice,
    "choice": read_choice,
    "multi_choice": read_multi_choice,
    "lots": read_lots,
    "date": read_date,
    "number": read_number,
    "money": read_money,
    "evidence": read_evidence,
}
