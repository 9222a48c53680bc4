"""Names take one possessive everywhere: "Halesowen Youth Mentors' applications", never
"Mentors's", on pages, in emails and in messages alike."""

import re
from pathlib import Path

import pytest

import portal
from portal.core.db import db
from portal.core.words import possessive
from tests.support.pages import page_text

ROOT = Path(portal.__file__).parent.parent
# A name's own "'s" written after it, which is wrong for names ending in s: `{{ name }}'s` and
# `name ~ "'s"` in templates, `{name}'s` in Python's f-strings.
WRITTEN_BY_HAND = re.compile(r"\}\}\s*['’]s\b|~\s*\"['’]s|\}['’]s\b")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Halesowen Youth Mentors", "Halesowen Youth Mentors'"),
        ("Bright Futures", "Bright Futures'"),
        ("James", "James'"),
        ("Dudley Council", "Dudley Council's"),
        ("Alex Provider", "Alex Provider's"),
    ],
)
def test_a_name_ending_in_s_takes_an_apostrophe_alone(name, expected):
    assert possessive(name) == expected


def test_no_template_or_message_adds_an_apostrophe_s_to_a_name_by_hand():
    sources = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.txt")]
    sources += (p for p in (ROOT / "portal").rglob("*.py") if p.name != "words.py")
    by_hand = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if WRITTEN_BY_HAND.search(line)
    ]
    assert by_hand == [], "use the possessive filter (portal.core.words.possessive)"


def test_a_page_names_an_organisation_ending_in_s_as_people_write_it(provider_client, organisation):
    organisation.trading_name = "Halesowen Youth Mentors"
    db.session.commit()

    page = provider_client.get(f"/organisations/{organisation.id}/members/invite")

    assert "Halesowen Youth Mentors' applications" in page_text(page)
    assert "Mentors's" not in page_text(page)
