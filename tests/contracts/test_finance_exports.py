"""Exports of approved statements to finance: one CSV line per statement, each statement in one
export only, formula-safe, and every past export downloaded again byte for byte."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from portal.contracts.models import FinanceExport, Statement
from portal.contracts.services import statements
from portal.core.db import db
from tests.contracts.delivery_helpers import (
    FEBRUARY,
    JANUARY,
    clock_for,
    submit_delivery,
)
from tests.contracts.helpers import make_active_contract
from tests.settings.test_settings_page import save
from tests.support.pages import banner_text, field_value, page_errors, page_text


@pytest.fixture(autouse=True)
def clock(app):
    yield from clock_for(app)


URL = "/contracts/finance-exports"


def _approve_all(app, commissioner) -> None:
    """Approve every statement waiting, through the service (emails need a request for links)."""
    db.session.rollback()
    with app.test_request_context():
        waiting = db.session.scalars(select(Statement).where(Statement.status == "waiting"))
        for statement in waiting.all():
            statements.approve_statement(commissioner, statement, seen=statement.lock_version)
        db.session.commit()


def _export(client):
    page = client.get(URL)
    return client.post(
        URL,
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "submission_id": field_value(page, "submission_id"),
        },
    )


def _rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_approved_statements_are_exported_once_and_downloaded_again_unchanged(
    app,
    provider_client,
    commissioner_client,
    commissioner,
    organisation,
    other_organisation,
    other_provider_client,
):
    organisation.vat_number = "GB123456789"
    other_organisation.legal_name = '=HYPERLINK("http://example.org")'
    db.session.commit()
    ours = make_active_contract(organisation)
    theirs = make_active_contract(
        other_organisation, team="Alternative Provision", held_back_percent=0
    )
    assert submit_delivery(provider_client, ours, JANUARY).status_code == 302
    assert submit_delivery(other_provider_client, theirs, JANUARY).status_code == 302
    _approve_all(app, commissioner)
    assert "2 approved statements waiting, £748.80 in all" in page_text(
        commissioner_client.get(URL)
    )

    made = _export(commissioner_client)

    assert made.status_code == 302
    page = commissioner_client.get(URL)
    assert "Export 1 made: 2 statements, £748.80 in all" in banner_text(page)
    assert "No approved statements are waiting to be exported" in page_text(page)
    download = commissioner_client.get(f"{URL}/1/download")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    assert _rows(download) == [
        ["Supplier", "Cost centre", "Net amount", "VAT", "Gross amount", "Statement number"],
        ["Organisation A Ltd", "SEND", "324.00", "64.80", "388.80", "SB-000001"],
        ['\'=HYPERLINK("http://example.org")', "APRV", "360.00", "0.00", "360.00", "SB-000002"],
    ]
    export = db.session.scalar(select(FinanceExport))
    assert (export.statement_count, export.total_pence) == (2, 74_880)
    assert set(db.session.scalars(select(Statement.exported_in_id))) == {export.id}

    # A later export takes only what was approved since.
    assert submit_delivery(provider_client, ours, FEBRUARY).status_code == 302
    _approve_all(app, commissioner)
    assert _export(commissioner_client).status_code == 302
    second = commissioner_client.get(f"{URL}/2/download")
    assert [row[-1] for row in _rows(second)] == ["Statement number", "SB-000003"]

    # The supplier's name and the team's cost centre may change: past files do not.
    organisation.legal_name = "Renamed Ltd"
    db.session.commit()
    assert commissioner_client.get(f"{URL}/1/download").get_data() == download.get_data()
    text = page_text(commissioner_client.get(URL))
    assert "Download export 2" in text and "Download export 1" in text


def test_an_export_with_nothing_to_export_is_refused(commissioner_client):
    page = commissioner_client.get(URL)
    refused = commissioner_client.post(
        URL,
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "submission_id": "abc",
        },
    )
    assert refused.status_code == 200
    assert "There are no approved statements waiting to be exported" in " ".join(
        page_errors(refused).values()
    )
    db.session.rollback()
    assert db.session.scalar(select(FinanceExport)) is None


def test_an_export_that_does_not_exist_is_not_found(commissioner_client):
    assert commissioner_client.get(f"{URL}/99/download").status_code == 404


def test_the_cost_centre_is_the_teams_setting_when_the_statement_is_exported(
    app, provider_client, commissioner_client, commissioner, admin_client, organisation
):
    """An admin gives SEND a new cost centre after the statement was approved: the export,
    made after, carries the new one."""
    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, JANUARY).status_code == 302
    _approve_all(app, commissioner)
    saved = save(admin_client, commissioning_teams="SEND: SEN-01\r\nVirtual School: VSCH\r\n")
    assert saved.location == "/admin/settings", page_errors(saved)

    assert _export(commissioner_client).status_code == 302

    (_header, row) = _rows(commissioner_client.get(f"{URL}/1/download"))
    assert row[:2] == ["Organisation A Ltd", "SEN-01"]
