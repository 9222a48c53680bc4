"""A page a role cannot open is never linked for it: every link in the menu and on the home page
each kind of visitor is shown opens for them. The links come from the one table of who may do
what (portal/core/permissions.py), read by the templates through `can(...)`."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from portal.accounts.models import COMMISSIONER, REVIEWER
from tests.accounts.helpers import user_by_email
from tests.conftest import signed_in
from tests.support import factories
from tests.support.pages import soup

ROLES = ("provider", "reviewer", "commissioner", "admin")


def _shown_links(client) -> set[str]:
    """The paths linked from the menu and the home page's main content."""
    home = client.get("/home")
    assert home.status_code == 200
    page = soup(home)
    links = page.select("#navigation a") + page.select("main a")
    paths = {urlsplit(link["href"]).path for link in links}
    return {path for path in paths if path.startswith("/")}


def _menu(client) -> set[str]:
    return {a.get_text(strip=True) for a in soup(client.get("/home")).select("#navigation a")}


@pytest.fixture
def role_clients(provider_client, organisation, reviewer_client, commissioner_client, admin_client):
    return {
        "provider": provider_client,
        "reviewer": reviewer_client,
        "commissioner": commissioner_client,
        "admin": admin_client,
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_is_shown_opens_for_it(role_clients, role):
    client = role_clients[role]
    links = _shown_links(client)
    assert links, f"{role} was shown no links"
    refused = {}
    for path in sorted(links):
        response = client.get(path, follow_redirects=True)
        if response.status_code != 200:
            refused[path] = response.status_code
    assert not refused, f"{role} is shown links to pages they cannot open: {refused}"


def test_each_role_is_shown_the_menu_its_capabilities_give(role_clients):
    """The other half: a role is shown the pages it may open, and no others."""
    menus = {role: _menu(client) for role, client in role_clients.items()}
    assert "Applications" not in menus["provider"] | menus["commissioner"]
    assert "Applications" in menus["reviewer"] & menus["admin"]
    assert "Performance" not in menus["provider"]
    assert "Performance" in menus["reviewer"] & menus["commissioner"] & menus["admin"]
    assert "Staff" in menus["admin"]
    assert "Questionnaires" in menus["admin"]
    others = menus["provider"] | menus["reviewer"] | menus["commissioner"]
    assert not {"Staff", "Questionnaires"} & others


def test_the_menu_follows_a_changed_role(app, app_ctx, admin_client, reviewer_client):
    """Each role's menu is rendered once and reused (portal/core/templating.py): a person whose
    role changes is shown their new role's menu, not the one kept for their old role."""
    assert "Applications" in _menu(reviewer_client)  # the reviewers' menu, now kept
    email = "moving.reviewer@council.example.org"
    moving = factories.make_user(email, role=REVIEWER, two_factor=True)
    admin_client.post(f"/admin/staff/{moving.id}/role", data={"role": COMMISSIONER})
    menu = _menu(signed_in(app.test_client(), user_by_email(email)))
    assert "Applications" not in menu
    assert {"Competitions", "Performance", "Referrals"} <= menu
