"""Downloading the filtered audit log as CSV or XLSX: the same events as the page, every one
of them (not a page), text a spreadsheet cannot run, written while it is sent, and recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.time import utcnow
from tests.audit.helpers import add_event, add_events, events
from tests.support import factories
from tests.support.exports import read_csv, read_xlsx
from tests.support.queries import counting_queries


@pytest.fixture
def approval(reviewer, organisation) -> int:
    add_event(
        "application.submitted",
        object_id=7,
        organisation_id=organisation.id,
        at=utcnow() - timedelta(days=1),
        before={"status": "draft"},
        after={"status": "submitted"},
    )
    return add_event(
        "application.approved",
        object_id=7,
        organisation_id=organisation.id,
        actor_id=reviewer.id,
        before={"status": "in_review"},
        after={"status": "approved", "reason": "=1+1 looks good"},
    )


def test_the_csv_holds_the_filtered_events_in_plain_english(
    admin_client, admin, reviewer, organisation, approval
):
    response = admin_client.get("/admin/audit/export?object_type=application&object_id=7")

    table = read_csv(response)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert table[0][:4] == ["When", "Event", "Event code", "Who"]
    assert len(table) == 3
    newest = dict(zip(table[0], table[1], strict=True))
    assert newest["Event"] == "Application approved"
    assert newest["Event code"] == "application.approved"
    assert newest["Who"] == reviewer.full_name
    assert newest["Their email address"] == reviewer.email
    assert newest["Record"] == "Application"
    assert newest["Record number"] == "7"
    assert newest["Organisation"] == "Organisation A Ltd"
    assert newest["Organisation number"] == str(organisation.id)
    assert newest["What changed"] == "Status: In review → Approved; Reason: =1+1 looks good"
    assert newest["Event number"] == str(approval)
    assert dict(zip(table[0], table[2], strict=True))["Event"] == "Application submitted"

    (exported,) = events("audit.exported")
    assert exported.actor_id == admin.id
    assert exported.after == {
        "filters": {"object_type": "application", "object_id": 7},
        "format": "csv",
    }


def test_the_spreadsheet_keeps_dates_as_dates_and_text_as_text(admin_client, approval):
    response = admin_client.get("/admin/audit/export-xlsx?action=application.approved")

    sheet = read_xlsx(response)  # also checks no cell is a formula
    assert sheet[0][0] == "When"
    assert len(sheet) == 2
    row = dict(zip(sheet[0], sheet[1], strict=True))
    assert row["Event"] == "Application approved"
    assert row["What changed"].endswith("Reason: =1+1 looks good")  # a text cell
    assert hasattr(row["When"], "year")
    assert row["Record number"] == 7
    assert events("audit.exported")[0].after["format"] == "xlsx"


@pytest.mark.parametrize("path", ["/admin/audit/export", "/admin/audit/export-xlsx"])
def test_a_large_export_is_streamed_as_it_is_read(app, admin_client, path):
    with app.app_context():
        add_events(2500)

    response = admin_client.get(f"{path}?action=application.submitted", buffered=False)

    assert response.status_code == 200
    # The body is a generator the server sends a chunk at a time (so no length is known
    # before it is sent), not one string in memory.
    assert response.is_streamed
    assert "Content-Length" not in response.headers
    chunks = list(response.response)
    response.close()
    if path.endswith("xlsx"):
        assert len(chunks) > 1
        body = b"".join(chunks)
        assert body.startswith(b"PK")  # a zip: the workbook
    else:
        assert len(chunks) > 2  # 2,500 rows in chunks of 500, not all at once
        text = "".join(chunk if isinstance(chunk, str) else chunk.decode() for chunk in chunks)
        assert text.startswith("\ufeffWhen,")
        assert text.count("\r\n") == 2501


def test_every_event_is_exported_not_just_a_page(app, admin_client):
    with app.app_context():
        add_events(130)
    table = read_csv(admin_client.get("/admin/audit/export?action=application.submitted"))
    assert len(table) == 131
    assert [row[6] for row in table[1:4]] == ["130", "129", "128"]


def test_a_cell_starting_with_a_formula_is_neutralised(admin_client, app_ctx):
    """A provider may call themselves anything: a name like a formula stays words."""
    sly = factories.make_user("sly@example.org", full_name='=HYPERLINK("http://x","Click")')
    add_event("account.registered", object_type="user", object_id=sly.id, actor_id=sly.id)

    query = "?email=sly@example.org"
    table = read_csv(admin_client.get(f"/admin/audit/export{query}"))
    assert table[1][3] == '\'=HYPERLINK("http://x","Click")'
    sheet = read_xlsx(admin_client.get(f"/admin/audit/export-xlsx{query}"))
    assert sheet[1][3] == '=HYPERLINK("http://x","Click")'  # a text cell, not a formula


@pytest.mark.parametrize("path", ["/admin/audit/export", "/admin/audit/export-xlsx"])
def test_an_export_makes_the_same_queries_for_a_short_or_long_log(
    app, admin_client, organisation, path
):
    organisation_id = organisation.id

    def statements() -> int:
        with counting_queries(app) as run:
            response = admin_client.get(f"{path}?organisation_id={organisation_id}")
            assert response.status_code == 200
            response.get_data()  # the rows are read while the file is sent
        return len(run)

    add_events(10, organisation_id=organisation_id)
    short = statements()
    add_events(2500, start=utcnow() - timedelta(days=30), organisation_id=organisation_id)
    long = statements()
    print(f"audit export statements: 10 events {short}, 2,510 events {long}")
    assert short == long
