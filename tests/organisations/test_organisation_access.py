"""Another organisation's pages, members and invitations are not found (404, not 403), so ids
cannot be probed; every organisation route is checked, found by walking the app's URL map."""

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.organisations.models import Membership, Organisation, OrganisationInvitation
from tests.organisations.conftest import count, fresh, invite, membership_of

ORGANISATION_ROUTES = {
    "organisations.show",
    "organisations.edit",
    "organisations.invite",
    "organisations.cancel_invitation",
    "organisations.remove_member",
    "organisations.make_owner",
    "organisations.leave",
    "applications.start",
    "quality.provider_meetings",
}


# An organisation's documents, staff register, KPI returns, contracts (delivery, statements) and
# capacity, which council staff may read or whose ids need records of their own (months,
# questions, contracts, lots), are checked by the permission matrix
# (tests/core/test_permissions.py) and in tests/documents, tests/staff_checks, tests/kpi_returns,
# tests/contracts and tests/capacity.
EVIDENCE_BLUEPRINTS = ("documents", "staff_checks", "kpi_returns", "contracts", "capacity")
# Council pages about an organisation, which no provider reaches (404 to all of them): checked by
# the permission matrix and in tests/admissions (an organisation's history: in tests/audit;
# planning a visit and scheduling a review meeting: in tests/quality).
COUNCIL_ENDPOINTS = (
    "reviews.provider",
    "audit.organisation_history",
    "quality.plan_visit",
    "quality.schedule_meeting",
)


def organisation_routes(app) -> list[tuple[str, str, set[str]]]:
    """(endpoint, rule, methods) for every route that names an organisation."""
    routes = [
        (rule.endpoint, rule.rule, rule.methods - {"HEAD", "OPTIONS"})
        for rule in app.url_map.iter_rules()
        if "organisation_id" in rule.arguments
        and rule.endpoint.partition(".")[0] not in EVIDENCE_BLUEPRINTS
        and rule.endpoint not in COUNCIL_ENDPOINTS
    ]
    assert {endpoint for endpoint, _, _ in routes} == ORGANISATION_ROUTES
    return routes


def url(rule: str, **ids) -> str:
    for name, value in ids.items():
        rule = rule.replace(f"<int:{name}>", str(value))
    assert "<" not in rule, rule
    return rule


@pytest.fixture
def b_ids(other_provider_client, other_provider, other_organisation):
    """Organisation B's id, its owner's membership and an open invitation it sent."""
    invite(other_provider_client, other_organisation.id, "someone@example.org")
    invitation = db.session.scalars(select(OrganisationInvitation)).one()
    return {
        "organisation_id": other_organisation.id,
        "membership_id": membership_of(other_organisation, other_provider).id,
        "invitation_id": invitation.id,
    }


def b_is_untouched(other_organisation, other_provider, ids) -> None:
    assert fresh(Organisation, other_organisation.id).legal_name == "Organisation B Ltd"
    assert membership_of(other_organisation, other_provider).role == "owner"
    assert count(Membership, Membership.organisation_id == other_organisation.id) == 1
    assert fresh(OrganisationInvitation, ids["invitation_id"]).cancelled_at is None
    assert count(OrganisationInvitation) == 1


def test_every_route_of_another_organisation_is_not_found(
    app, provider_client, other_provider, other_organisation, b_ids
):
    for endpoint, rule, methods in organisation_routes(app):
        for method in methods:
            response = provider_client.open(
                url(rule, **b_ids), method=method, data={"email": "x@example.org"}
            )
            assert response.status_code == 404, (endpoint, method)
    b_is_untouched(other_organisation, other_provider, b_ids)


def test_another_organisations_members_and_invitations_are_not_found_under_ones_own(
    app, provider_client, organisation, other_provider, other_organisation, b_ids
):
    own = b_ids | {"organisation_id": organisation.id}
    probed = 0
    for endpoint, rule, methods in organisation_routes(app):
        if "membership_id" not in rule and "invitation_id" not in rule:
            continue
        for method in methods:
            response = provider_client.open(url(rule, **own), method=method)
            assert response.status_code == 404, (endpoint, method)
            probed += 1
    assert probed == 4  # remove (GET and POST), make owner, cancel invitation
    b_is_untouched(other_organisation, other_provider, b_ids)


def test_ids_that_do_not_exist_are_not_found(provider_client, organisation):
    assert provider_client.get("/organisations/999999").status_code == 404
    assert provider_client.get(f"/organisations/{2**63}").status_code == 404
    remove = f"/organisations/{organisation.id}/members/999999/remove"
    assert provider_client.get(remove).status_code == 404


def test_signing_in_comes_first(app, client, organisation, other_organisation, b_ids):
    for endpoint, rule, methods in organisation_routes(app):
        for method in methods:
            response = client.open(url(rule, **b_ids), method=method)
            assert response.status_code == 302, (endpoint, method)
            assert response.location.startswith("/sign-in?next="), (endpoint, method)


def test_council_staff_have_no_organisation_pages(app, reviewer_client, organisation, b_ids):
    for endpoint, rule, methods in organisation_routes(app):
        for method in methods:
            response = reviewer_client.open(url(rule, **b_ids), method=method)
            assert response.status_code == 403, (endpoint, method)
