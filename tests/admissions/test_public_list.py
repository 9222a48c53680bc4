"""The public list of providers: only those admitted (not suspended or removed), with the lots
they are on, searchable and filterable, with no personal data, in a fixed number of queries."""

from __future__ import annotations

from portal.admissions.models import REMOVED, SUSPENDED
from tests.admissions.helpers import lots_of, provider_names
from tests.support import factories
from tests.support.pages import page_h1, page_text, soup
from tests.support.queries import counting_queries, queries_for


def organisation(name: str, **details):
    owner = factories.make_user(f"owner@{name.lower().replace(' ', '-')}.example.org")
    return factories.make_organisation(owner, legal_name=name, **details)


def test_only_admitted_providers_are_listed_with_the_lots_they_are_on(client, app_ctx):
    riverside = organisation(
        "Riverside Mentoring Ltd",
        website="https://riverside.example.org",
        contact_name="Rita Contact",
        contact_email="rita@riverside.example.org",
        phone="01384 123456",
    )
    factories.admit(riverside, "mentoring")
    factories.admit(riverside, "online-tuition", status=SUSPENDED, reason="Insurance lapsed")
    factories.admit(organisation("Suspended Tutors Ltd"), "online-tuition", status=SUSPENDED)
    factories.admit(organisation("Removed Tutors Ltd"), "mentoring", status=REMOVED)
    organisation("Applicant Only Ltd")

    page = client.get("/providers")
    assert page.status_code == 200
    assert page_h1(page) == "Providers on the framework"
    assert provider_names(page) == ["Riverside Mentoring Ltd"]
    assert lots_of(page, "Riverside Mentoring Ltd") == ["Mentoring"]
    text = page_text(page)
    assert "riverside.example.org" in text
    for personal in ("Rita Contact", "rita@riverside.example.org", "01384 123456", "Insurance"):
        assert personal not in text
    assert "Test Street" not in text
    assert "Showing 1 to 1 of 1 provider" in text


def test_search_and_filters(client, app_ctx):
    oak = organisation("Oak Tutoring", trading_name="Acorn Learning", is_sme=True, is_vcse=False)
    elm = organisation("Elm Trust", is_sme=False, is_vcse=True, is_local=False)
    ash = organisation("Ash 100% Learning", is_sme=True, is_vcse=True, is_local=True)
    factories.admit(oak, "online-tuition")
    factories.admit(elm, "mentoring")
    factories.admit(ash, "mentoring")
    factories.admit(ash, "online-tuition")

    assert provider_names(client.get("/providers")) == [
        "Acorn Learning",
        "Ash 100% Learning",
        "Elm Trust",
    ]
    # By either name, in any case; a % is a character, not a wildcard.
    assert provider_names(client.get("/providers?search=oak")) == ["Acorn Learning"]
    assert provider_names(client.get("/providers?search=ACORN")) == ["Acorn Learning"]
    assert provider_names(client.get("/providers?search=100%25")) == ["Ash 100% Learning"]
    assert provider_names(client.get("/providers?search=%25")) == ["Ash 100% Learning"]
    assert provider_names(client.get("/providers?lot=mentoring")) == [
        "Ash 100% Learning",
        "Elm Trust",
    ]
    assert provider_names(client.get("/providers?vcse=yes")) == ["Ash 100% Learning", "Elm Trust"]
    assert provider_names(client.get("/providers?sme=yes&lot=online-tuition")) == [
        "Acorn Learning",
        "Ash 100% Learning",
    ]
    assert provider_names(client.get("/providers?local=yes&vcse=yes")) == ["Ash 100% Learning"]
    # A lot filter lists the provider's other lots too.
    page = client.get("/providers?lot=mentoring")
    assert lots_of(page, "Ash 100% Learning") == ["Online tuition", "Mentoring"]
    # What was asked for is still filled in.
    assert soup(page).find("option", selected=True)["value"] == "mentoring"
    # Nothing matches: said plainly. Anything unknown in the query is ignored.
    assert "No providers match your search" in page_text(client.get("/providers?search=zzz"))
    assert len(provider_names(client.get("/providers?lot=nonsense&page=abc"))) == 3


def test_the_list_is_paginated(client, app_ctx):
    for number in range(53):
        factories.admit(organisation(f"Provider {number:02d}"), "mentoring")
    first = client.get("/providers")
    assert len(provider_names(first)) == 50
    assert "Showing 1 to 50 of 53 providers" in page_text(first)
    next_link = soup(first).select_one(".govuk-pagination__next a")["href"]
    second = client.get(next_link)
    assert provider_names(second) == ["Provider 50", "Provider 51", "Provider 52"]
    assert "Showing 51 to 53 of 53 providers" in page_text(second)
    # Filters are kept from page to page.
    filtered = client.get("/providers?lot=mentoring&search=provider")
    assert "lot=mentoring" in soup(filtered).select_one(".govuk-pagination__next a")["href"]
    # A page past the end shows the last page.
    assert provider_names(client.get("/providers?page=9")) == provider_names(second)


def test_the_list_makes_the_same_queries_for_three_providers_or_sixty(app, client, app_ctx):
    def add(how_many: int, start: int) -> None:
        for number in range(start, start + how_many):
            listed = organisation(f"Provider {number:02d}")
            factories.admit(listed, "mentoring")
            factories.admit(listed, "online-tuition")

    add(3, 0)
    few = queries_for(app, client, "/providers")
    # The lots to filter by; the page with how many in all; each one's lots with their contracts.
    with counting_queries(app) as statements:
        client.get("/providers")
    assert sum(statement.startswith("SELECT") for statement in statements) == 3
    add(57, 3)
    many = queries_for(app, client, "/providers")
    assert few == many
    assert few == queries_for(app, client, "/providers?lot=mentoring&sme=yes&search=provider")


def test_the_call_off_page_explains_the_price_formula(client):
    page = client.get("/providers/how-call-offs-are-made")
    assert page.status_code == 200
    assert page_h1(page) == "How the council chooses a provider"
    text = page_text(page)
    assert "lowest price ÷ this price × price weight" in text
    assert "from 0 to 4" in text
    assert "never includes the child's name" in text
