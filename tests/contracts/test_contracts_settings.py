"""The contract's settings: the commissioning teams (name and cost centre, one a line) and the
change in value above which a variation is published, edited by an admin on the framework
settings page and read by the contract's pages."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db
from portal.settings.models import FrameworkSetting
from tests.settings.test_settings_page import save
from tests.support.pages import field_value, page_errors, page_text, soup


def test_the_teams_start_as_the_contracts_domains_list(admin_client):
    page = admin_client.get("/admin/settings")
    assert field_value(page, "commissioning_teams").strip() == (
        "SEND: SEND\nVirtual School: VSCH\nAlternative Provision: APRV"
    )
    assert field_value(page, "ocds_variation_threshold_pounds") == "5000"


def test_an_admin_changes_the_teams_and_the_contract_pages_follow(
    admin_client, commissioner_client
):
    response = save(
        admin_client,
        commissioning_teams="SEND: SEND01\r\nPost-16 team: P16\r\n",
        ocds_variation_threshold_pounds="250",
    )
    assert response.location == "/admin/settings", page_errors(response)
    saved = dict(db.session.execute(select(FrameworkSetting.key, FrameworkSetting.value)).all())
    db.session.commit()
    assert saved == {
        "COMMISSIONING_TEAMS": {"SEND": "SEND01", "Post-16 team": "P16"},
        "OCDS_VARIATION_THRESHOLD_POUNDS": 250,
    }
    form = soup(commissioner_client.get("/contracts/new"))
    teams = [radio["value"] for radio in form.select("input[name=team]")]
    assert teams == ["SEND", "Post-16 team"]
    assert "Post-16 team" in page_text(commissioner_client.get("/contracts"))


def test_teams_that_cannot_be_used_are_refused(admin_client):
    for typed, message in (
        ("", "Enter at least one commissioning team, like SEND: SEND01"),
        ("SEND", "Line 1 of commissioning teams must be a name, a colon, then a code"),
        ("SEND: A\nsend: B", "Commissioning teams must not name ‘send’ twice"),
        (
            "SEND: " + "X" * 21,
            "Line 1 of commissioning teams: a name must be 60 characters "
            "or fewer and a code 20 or fewer",
        ),
    ):
        response = save(admin_client, commissioning_teams=typed)
        assert page_errors(response) == {"commissioning_teams": message}
    response = save(admin_client, ocds_variation_threshold_pounds="-1")
    assert page_errors(response) == {
        "ocds_variation_threshold_pounds": "Contract changes published must be a whole number"
    }
    assert db.session.scalar(select(FrameworkSetting.key)) is None
