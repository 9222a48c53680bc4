"""A provider's way into each section kept per organisation: straight to its one organisation,
a choice between several, and adding one when it has none."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import soup

SECTIONS = {
    "/documents": ("Documents", "/documents/organisations/{id}"),
    "/staff-checks": ("DBS staff register", "/staff-checks/organisations/{id}"),
    "/kpi-returns": ("KPI returns", "/kpi-returns/organisations/{id}"),
    "/capacity": ("Capacity", "/capacity/organisations/{id}"),
}


@pytest.mark.parametrize("section", SECTIONS)
def test_one_organisation_goes_straight_to_it(provider_client, organisation, section):
    _heading, own = SECTIONS[section]
    response = provider_client.get(section)
    assert response.status_code == 302
    assert response.headers["Location"] == own.format(id=organisation.id)


@pytest.mark.parametrize("section", SECTIONS)
def test_several_organisations_are_a_choice(provider_client, provider, organisation, section):
    second = factories.make_organisation(provider, legal_name="Second Steps CIC")
    heading, own = SECTIONS[section]
    page = soup(provider_client.get(section))
    assert page.h1.get_text(strip=True) == heading
    links = {a.get_text(strip=True): a["href"] for a in page.select("main ul.govuk-list a")}
    assert links == {
        "Organisation A Ltd": own.format(id=organisation.id),
        "Second Steps CIC": own.format(id=second.id),
    }


@pytest.mark.parametrize("section", SECTIONS)
def test_no_organisation_is_asked_to_add_one(app, app_ctx, section):
    newcomer = factories.make_user("newcomer@example.org")
    response = sign_in(app.test_client(), newcomer).get(section)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/new"
