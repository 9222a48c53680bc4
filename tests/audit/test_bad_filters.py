"""Filters an administrator can get wrong: each is named on the filter form with the Design
System's error summary, what they typed is kept, and no events are shown or exported on a
guess. Never a 500."""

from __future__ import annotations

import pytest

from tests.audit.helpers import add_event, events
from tests.support.pages import field_value, page_errors, page_title, soup


def date(name: str, day: str, month: str, year: str) -> str:
    return f"{name}={day}&{name}={month}&{name}={year}"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            date("date_from", "31", "2", "2027"),
            "date_from-day",
            "The start date must be a real date",
        ),
        (date("date_to", "aa", "bb", "cccc"), "date_to-day", "The end date must be a real date"),
        (
            date("date_from", "1", "", "2027"),
            "date_from-day",
            "The start date must include a month",
        ),
        (date("date_to", "1", "1", "27"), "date_to-day", "The end date must be a real date"),
        (
            date("date_from", "1", "1", "1850"),
            "date_from-day",
            "The start date must be between 2000 and 2099",
        ),
        (
            date("date_to", "31", "12", "9999"),
            "date_to-day",
            "The end date must be between 2000 and 2099",
        ),
        (
            date("date_from", "2", "3", "2027") + "&" + date("date_to", "1", "3", "2027"),
            "date_to-day",
            "The end date must be the same as or after the start date",
        ),
        ("action=account.hacked", "action", "Choose what happened from the list"),
        ("object_type=spaceship", "object_type", "Choose a type of record from the list"),
        (
            "object_type=application&object_id=abc",
            "object_id",
            "Record number must be a whole number, like 1234",
        ),
        (
            "object_type=application&object_id=-4",
            "object_id",
            "Record number must be a whole number, like 1234",
        ),
        (
            "object_type=application&object_id=0",
            "object_id",
            "Record number must be a whole number, like 1234",
        ),
        (
            "object_type=application&object_id=9999999999",
            "object_id",
            "Record number must be a whole number, like 1234",
        ),
        (
            "object_type=application&object_id=12345678901",
            "object_id",
            "Record number must be 10 characters or fewer",
        ),
        ("object_id=5", "object_id", "Choose the type of record as well as its number"),
        (
            "object_type=application&object_id=424242",
            "object_id",
            "There are no events about application number 424242. Check the number",
        ),
        (
            "organisation_id=1.5",
            "organisation_id",
            "Organisation number must be a whole number, like 1234",
        ),
        ("organisation_id=999999", "organisation_id", "There is no organisation with that number"),
        (
            "email=not-an-email",
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("email=nobody@example.org", "email", "There is no account with that email address"),
        ("email=" + "a" * 250 + "@x.org", "email", "Email address must be 254 characters or fewer"),
        ("email=a%00b@example.org", "email", "Email address of the person who did it must not"),
    ],
)
def test_a_bad_filter_is_named_on_the_form(admin_client, query, field, message):
    add_event("application.submitted")

    page = admin_client.get(f"/admin/audit?{query}")

    assert page.status_code == 200
    errors = page_errors(page)
    assert field in errors, errors
    assert errors[field].startswith(message)
    assert page_title(page).startswith("Error: Audit log")
    assert soup(page).select_one("table.app-audit") is None  # nothing shown on a guess
    assert "Download these events" not in page.get_data(as_text=True)
    assert events("audit.viewed") == []


def test_what_was_typed_is_kept(admin_client):
    page = admin_client.get(
        "/admin/audit?email=nobody@example.org&object_type=application&object_id=abc&"
        + date("date_from", "31", "2", "2027")
    )
    assert field_value(page, "email") == "nobody@example.org"
    assert field_value(page, "object_id") == "abc"
    assert soup(page).select_one("select[name=object_type] option[selected]")["value"] == (
        "application"
    )
    assert field_value(page, "date_from") == "31"  # the day box


def test_several_mistakes_are_named_at_once(admin_client):
    page = admin_client.get(
        "/admin/audit?action=nope&organisation_id=x&" + date("date_from", "31", "2", "2027")
    )
    assert set(page_errors(page)) == {"action", "organisation_id", "date_from-day"}


@pytest.mark.parametrize("path", ["/admin/audit/export", "/admin/audit/export-xlsx"])
def test_an_export_with_bad_filters_shows_the_form_instead(admin_client, path):
    add_event("application.submitted")
    page = admin_client.get(f"{path}?" + date("date_to", "30", "2", "2027"))
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert page_errors(page) == {"date_to-day": "The end date must be a real date"}
    assert events("audit.exported") == []
