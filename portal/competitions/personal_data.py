"""Keeping a child's personal data out of placement requests.

A placement request describes needs, never the child: the council's reference code, an age band,
a postcode district. These checks refuse text that looks like a full postcode, a date of birth
(or any full date, which can identify a child as well) or a name, and say why. Names are
caught by the words around them ("named", "Mr") and by lists of common given names and surnames
of many origins (common_names.txt), since "Tommy Smith is in Year 8" names no name as one.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from itertools import zip_longest

FULL_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
POSTCODE_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
DATE_OF_BIRTH = re.compile(
    r"\b(date\s+of\s+birth|d\.?\s?o\.?\s?b\b|born\b|birthday)"
    r"|\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b"
    rf"|\b\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\.?\s+\d{{4}}\b",
    re.IGNORECASE,
)
NAME = re.compile(
    r"\b(first\s+name|last\s+name|surname|forename|full\s+name|child'?s\s+name|name\s*(is|:)"
    r"|named|called)\b"
    r"|\b(mr|mrs|miss|ms|master)\.?\s+[A-Z][a-z]+",
    re.IGNORECASE,
)
REFERENCE_CODE = re.compile(r"[A-Z0-9][A-Z0-9\-/]{2,29}")

# A word as a name is written: a capital, then lower case (O'Brien, Mary-Jane).
CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:['’\-][A-Z]?[a-z]+)*\b")


@cache
def _names() -> dict[str, frozenset[str]]:
    """common_names.txt's lists, by heading: given, surname, everyday, not-name."""
    lists: dict[str, set[str]] = {}
    text = files("portal.competitions").joinpath("common_names.txt").read_text("utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.endswith(":"):
            current = lists.setdefault(line.removesuffix(":"), set())
            continue
        current.update(line.split())
    return {heading: frozenset(names) for heading, names in lists.items()}


def likely_name(text: str) -> str | None:
    """The first words of `text` that look like a person's name, or None: a common given name
    (of any of the many origins in common_names.txt), or any capitalised word before a common
    surname ("Kacey Brown"). A given name that is also an everyday word ("Summer", "Max") counts
    only before a surname."""
    names = _names()
    given, surnames, everyday, not_names = (
        names[heading] for heading in ("given", "surname", "everyday", "not-name")
    )
    words = list(CAPITALISED.finditer(text))
    for this, following in zip_longest(words, words[1:]):
        word = _without_possessive(this.group())
        adjacent = following is not None and text[this.end() : following.start()] == " "
        surname = _without_possessive(following.group()) if adjacent else ""
        if surname in surnames and word not in not_names:
            return f"{word} {surname}"
        if word in given and word not in everyday:
            return word
    return None


def _without_possessive(word: str) -> str:
    return word.removesuffix("'s").removesuffix("’s")


def problem_in(text: str | None, what: str, *, guess_names: bool = True) -> str | None:
    """Why `text` (the field called `what`) cannot go in a placement request, or None.

    `guess_names=False` for a field that names an organisation, such as the school or team
    asking for a place: "St Mary's C of E Primary" is a school's name, not a child's, so words
    are not matched against the lists of common names there. A full postcode or a date of birth
    is still refused, and so is a name written as one ("Mrs Patel", "named"): no school's name
    reads like that, and a person is referred to by their role."""
    if not text:
        return None
    if FULL_POSTCODE.search(text):
        return (
            f"{what} must not include a full postcode, which can identify where a child lives. "
            "Give the postcode district only, like DY1, as the area"
        )
    if DATE_OF_BIRTH.search(text):
        return (
            f"{what} must not include a date of birth or any full date, which can identify a "
            "child. Give the age band, and the start date in its own field"
        )
    if NAME.search(text):
        return (
            f"{what} must not include a name. Refer to the child only by the council's "
            "reference code"
        )
    name = likely_name(text) if guess_names else None
    if name:
        return (
            f"{what} must not include a name, and ‘{name}’ looks like one. Refer to the child "
            "only by the council's reference code, and to adults by their role"
        )
    return None


def text_problem(
    text: str, what: str, limit: int, *, missing: str, guess_names: bool = True
) -> str | None:
    """Why `text` (the field called `what`, already tidied) cannot be kept, or None: `missing`
    when it is empty, then too long for `limit`, then `problem_in`'s reason."""
    if not text:
        return missing
    if len(text) > limit:
        return f"{what} must be {limit:,} characters or fewer"
    return problem_in(text, what, guess_names=guess_names)


def reference_code_problem(code: str) -> str | None:
    if not REFERENCE_CODE.fullmatch(code or "") or not any(ch.isdigit() for ch in code):
        return (
            "Reference code must be the council's reference, like SEND-0421: capital letters, "
            "numbers and hyphens, with at least one number. Never use the child's name or "
            "initials"
        )
    return None


def area_problem(area: str) -> str | None:
    if POSTCODE_DISTRICT.fullmatch(area or ""):
        return None
    if FULL_POSTCODE.fullmatch(area or ""):
        return (
            "Area must be the postcode district only, like DY1, not a full postcode: a full "
            "postcode can identify where a child lives"
        )
    return "Area must be a postcode district, like DY1"
