"""Someone else's application is not found, on every page of the journey, and nothing of it
changes; council staff have no provider pages."""

import pytest

from portal.applications.models import ApplicationSection
from portal.core.db import db
from tests.applications.helpers import add_item, application, count

REFEREE = {
    "name": "Ann Referee",
    "email": "ann@example.org",
    "known_since-day": "1",
    "known_since-month": "5",
    "known_since-year": "2019",
}


@pytest.fixture
def with_a_referee(provider_client, draft) -> int:
    add_item(provider_client, draft, "safeguarding", "referees", "referees", REFEREE)
    return draft


def application_routes(app, application_id: int) -> list[tuple[str, str]]:
    """(method, URL) for every route of the journey, filled with the application's ids."""
    values = {
        "application_id": application_id,
        "section": "safeguarding",
        "page": "referees",
        "group": "referees",
        "item": 1,
    }
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("applications.") and "application_id" in rule.arguments:
                url = app.url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
                routes += [(method, url) for method in rule.methods - {"HEAD", "OPTIONS"}]
    return sorted(routes)


def test_another_organisations_application_is_not_found(app, other_provider_client, with_a_referee):
    routes = application_routes(app, with_a_referee)
    assert len(routes) >= 20

    for method, url in routes:
        response = other_provider_client.open(url, method=method, data={"section_version": "1"})
        assert response.status_code == 404, f"{method} {url}"

    assert application(with_a_referee).status == "draft"
    db.session.rollback()
    [row] = db.session.query(ApplicationSection).all()
    assert len(row.answers["referees"]) == 1


def test_an_application_that_does_not_exist_is_not_found(app, provider_client, draft):
    for method, url in application_routes(app, draft + 1):
        assert provider_client.open(url, method=method).status_code == 404, f"{method} {url}"


def test_council_staff_have_no_application_pages(app, reviewer_client, with_a_referee):
    for method, url in application_routes(app, with_a_referee):
        assert reviewer_client.open(url, method=method).status_code == 403, f"{method} {url}"
    assert count(ApplicationSection) == 1


def test_signed_out_visitors_are_sent_to_sign_in(app, client, with_a_referee):
    for method, url in application_routes(app, with_a_referee):
        response = client.open(url, method=method)
        assert response.location.startswith("/sign-in"), f"{method} {url}"
