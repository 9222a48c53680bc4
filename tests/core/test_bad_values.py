"""Bad values in every form: a control character in any field of any form is refused with a
clear message, and a number no column can hold (an exponent, NaN, an infinity, a huge or
non-ASCII whole number) in any field or query string is refused, never a 500. PostgreSQL refuses
NUL in text and integers beyond 32 bits, so run this on PostgreSQL.

Every POST route in the permission matrix is sent, by someone it lets through, its own form
(read from its page as a browser would) with the bad value in every field.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.core import test_permissions as permissions
from tests.support.pages import page_errors, page_h1, soup

# The permission matrix's people and records.
clients = permissions.clients
url_values = permissions.url_values
matrix_world = permissions.matrix_world
built_url_values = permissions.built_url_values
signed_in_clients = permissions.signed_in_clients
member_a = permissions.member_a

REFUSED_PAGE = "What you sent includes a hidden character"
REFUSED_FIELD = "must not include hidden characters"
# Who asks: the first of these the matrix lets through.
ASKERS = ("provider_a", "admin", "reviewer", "commissioner", "member_a", "anonymous")
NOT_LET_THROUGH = {403, 404, permissions.SIGN_IN, permissions.TWO_FACTOR}
# Sent when a route has no page of its own to read a form from.
ANY_FORM = {"reason": "x\x00", "lock_version": "1\x00", "submission_id": "x\x00"}


def _asker(endpoint: str) -> str | None:
    row = permissions.MATRIX[endpoint, "POST"]
    return next((role for role in ASKERS if row[role] not in NOT_LET_THROUGH), None)


def _form_on(response, url: str, bad: str | None = None) -> dict[str, list[str]] | None:
    """The fields of the page's form that posts to `url`, each value with a NUL in it (or,
    given `bad`, each value replaced by it)."""
    page = soup(response)
    path = urlsplit(url).path
    for form in page.find_all("form"):
        action = urlsplit(form.get("action") or url).path
        if form.get("method", "get").lower() != "post" or action != path:
            continue
        fields: dict[str, list[str]] = {}
        for element in form.find_all(["input", "textarea", "select", "button"]):
            name = element.get("name")
            if not name or element.get("type") == "file":
                continue
            if element.name == "select":
                option = element.find("option")
                value = option.get("value", "") if option else ""
            elif element.name == "textarea":
                value = element.get_text()
            else:
                value = element.get("value", "")
            fields.setdefault(name, []).append(bad or f"{value or 'x'}\x00")
        return fields
    return None


# The matrix's records let someone through to most forms; the decisions on a submitted
# application have tests of their own in tests/reviews/test_bad_values.py.
POSTS = [
    endpoint
    for endpoint, method in sorted(permissions.MATRIX)
    if method == "POST" and _asker(endpoint) is not None
]


@pytest.mark.parametrize("endpoint", POSTS)
def test_every_form_refuses_control_characters(app, clients, url_values, endpoint):
    url = permissions._url(app, endpoint, url_values)
    client = clients[_asker(endpoint)]
    (rule,) = app.url_map.iter_rules(endpoint)
    page = client.get(url) if "GET" in rule.methods else None
    # A page that shows no form (a link that does not work) reads nothing of what is sent.
    fields = _form_on(page, url) if page is not None and page.status_code == 200 else None

    response = client.post(url, data=fields or ANY_FORM)

    assert response.status_code != 500
    if fields and response.status_code == 400:
        assert page_h1(response) == REFUSED_PAGE
    elif fields:
        errors = page_errors(response)
        assert errors and all(REFUSED_FIELD in message for message in errors.values()), errors


@pytest.mark.parametrize(
    "url",
    [
        "/providers?lot=mentoring\x00",
        "/register?email=a\x00@example.org",
        "/kpi-returns/dashboard?provider=Bright\x01",
        "/documents/attention?page=2\x00",
    ],
)
def test_a_control_character_in_the_address_is_refused(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert page_h1(response) == REFUSED_PAGE


# Numbers Python reads but nobody means, and ones beyond any column (PostgreSQL's integer).
BAD_NUMBERS = ["1e999999999", "NaN", "-Infinity", "9" * 40, "2147483648", "\u00b2", "9" * 5000]


@pytest.mark.parametrize("endpoint", POSTS)
def test_every_form_refuses_numbers_no_column_holds(app, clients, url_values, endpoint):
    url = permissions._url(app, endpoint, url_values)
    client = clients[_asker(endpoint)]
    (rule,) = app.url_map.iter_rules(endpoint)
    page = client.get(url) if "GET" in rule.methods else None
    for bad in BAD_NUMBERS:
        fields = _form_on(page, url, bad) if page is not None and page.status_code == 200 else None
        sent = fields or {name: bad for name in ANY_FORM}
        response = client.post(url, data=sent)
        assert response.status_code != 500, f"{bad[:20]} in {sorted(sent)}"


LIST_QUERY = {
    "page": "9" * 30,
    "lot": "9" * 30,
    "kpi": "9" * 30,
    "assignee": "\u00b2",
    "months": "1e9",
    "to": "9999-99",
    "provider": "9" * 30,
}


def test_every_page_refuses_numbers_no_column_holds_in_its_address(app, clients, url_values):
    wrong = []
    for endpoint, method in sorted(permissions.MATRIX):
        asker = _asker_for(endpoint, method)
        if method != "GET" or asker is None:
            continue
        url = permissions._url(app, endpoint, url_values)
        response = clients[asker].get(url, query_string=LIST_QUERY)
        if response.status_code == 500:
            wrong.append(url)
    assert not wrong


def _asker_for(endpoint: str, method: str) -> str | None:
    row = permissions.MATRIX[endpoint, method]
    return next((role for role in ASKERS if row[role] not in NOT_LET_THROUGH), None)
