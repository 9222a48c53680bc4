"""The audit log page: an administrator reads who did what, to which record and what changed,
newest first, filtered and a page at a time; reading it is itself recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.core.time import LONDON, utcnow
from tests.audit.helpers import add_event, add_events, events
from tests.support.pages import page_errors, page_text, soup
from tests.support.queries import queries_for


def rows(response) -> list[list[str]]:
    table = soup(response).select_one("table.app-audit")
    if table is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in table.select("tbody tr")
    ]


def test_events_newest_first_with_who_and_what_changed(admin_client, reviewer, organisation):
    add_event(
        "application.submitted",
        object_id=7,
        organisation_id=organisation.id,
        at=utcnow() - timedelta(hours=2),
        before={"status": "draft"},
        after={"status": "submitted"},
    )
    add_event(
        "application.approved",
        object_id=7,
        organisation_id=organisation.id,
        actor_id=reviewer.id,
        before={"status": "in_review"},
        after={"status": "approved", "reason": '=HYPERLINK("x")'},
    )

    page = admin_client.get("/admin/audit")

    assert page.status_code == 200
    # (The admin's own sign-in is in the log too.)
    shown = [row for row in rows(page) if row[3].startswith("Application 7")]
    assert len(shown) == 2
    newest, older = shown
    assert "Application approved" in newest[2]
    assert reviewer.full_name in newest[1] and reviewer.email in newest[1]
    assert newest[3] == "Application 7 Organisation A Ltd"
    assert "Status: In review → Approved" in newest[4]
    assert 'Reason: =HYPERLINK("x")' in newest[4]
    assert "Application submitted" in older[2]
    assert older[1] == "The portal"
    assert "Status: Draft → Submitted" in older[4]


def test_reading_the_log_is_recorded_with_its_filters(admin_client, admin, organisation):
    add_event("organisation.updated", object_type="organisation", object_id=organisation.id)

    admin_client.get(f"/admin/audit?organisation_id={organisation.id}&action=organisation.updated")

    (reading,) = events("audit.viewed")
    assert reading.actor_id == admin.id
    assert reading.organisation_id == organisation.id
    assert reading.after == {
        "filters": {"organisation_id": organisation.id, "action": "organisation.updated"}
    }
    # The next reading shows the first one, in plain English.
    assert "Audit log read" in page_text(admin_client.get("/admin/audit"))


def test_filter_by_who_what_record_organisation_and_dates(
    admin_client, reviewer, provider, organisation, other_organisation
):
    now = utcnow()
    ten_days_ago = now - timedelta(days=10)
    add_event("application.approved", object_id=1, actor_id=reviewer.id, at=ten_days_ago)
    add_event("application.submitted", object_id=1, actor_id=provider.id, at=now)
    add_event(
        "organisation.updated",
        object_type="organisation",
        object_id=other_organisation.id,
        organisation_id=other_organisation.id,
        at=now,
    )
    add_event(
        "application.submitted", object_id=2, organisation_id=organisation.id, at=ten_days_ago
    )

    def actions(query: str) -> list[str]:
        response = admin_client.get(f"/admin/audit?{query}")
        assert response.status_code == 200
        assert page_errors(response) == {}
        return [row[2] for row in rows(response) if "Audit log read" not in row[2]]

    assert actions(f"email={reviewer.email.upper()}") == ["Application approved"]
    assert actions("action=application.submitted") == ["Application submitted"] * 2
    assert actions("object_type=application&object_id=1") == [
        "Application submitted",
        "Application approved",
    ]
    assert actions(f"organisation_id={other_organisation.id}") == ["Organisation details changed"]
    start = (now - timedelta(days=11)).astimezone(LONDON)
    end = (now - timedelta(days=9)).astimezone(LONDON)
    dates = (
        f"date_from={start.day}&date_from={start.month}&date_from={start.year}"
        f"&date_to={end.day}&date_to={end.month}&date_to={end.year}"
    )
    assert actions(dates) == ["Application submitted", "Application approved"]
    assert actions(f"{dates}&email={reviewer.email}") == ["Application approved"]
    # The select offers the kinds of event the log holds, in plain English.
    options = soup(admin_client.get("/admin/audit")).select("select[name=action] option")
    labels = {option["value"]: option.get_text(strip=True) for option in options}
    assert labels["application.approved"] == "Application approved"
    assert labels["organisation.updated"] == "Organisation details changed"
    assert labels[""] == "Anything"


def test_a_day_is_a_whole_london_day(admin_client):
    # 12:30am on 1 July in London is still 30 June in UTC (summer time).
    early = datetime(2027, 7, 1, 0, 30, tzinfo=LONDON)
    add_event("application.submitted", at=early)
    june_30 = "date_from=30&date_from=6&date_from=2027&date_to=30&date_to=6&date_to=2027"
    july_1 = "date_from=1&date_from=7&date_from=2027&date_to=1&date_to=7&date_to=2027"
    assert rows(admin_client.get(f"/admin/audit?{june_30}")) == []
    assert len(rows(admin_client.get(f"/admin/audit?{july_1}"))) == 1


def test_a_long_log_is_read_a_page_at_a_time(admin_client, app):
    with app.app_context():
        add_events(120, start=utcnow() - timedelta(days=3))
    query = "action=application.submitted"

    first = admin_client.get(f"/admin/audit?{query}")
    assert len(rows(first)) == 50
    assert rows(first)[0][3] == "Application 120"
    assert soup(first).find("a", string=lambda s: s and "Newer events" in s) is None
    older = soup(first).find("a", rel="next")
    assert older is not None and "action=application.submitted" in older["href"]

    second = admin_client.get(older["href"])
    assert [row[3] for row in rows(second)][:1] == ["Application 70"]
    third = admin_client.get(soup(second).find("a", rel="next")["href"])
    assert len(rows(third)) == 20
    assert rows(third)[-1][3] == "Application 1"
    assert soup(third).find("a", rel="next") is None

    back = admin_client.get(soup(third).find("a", rel="prev")["href"])
    assert [row[3] for row in rows(back)] == [row[3] for row in rows(second)]
    # A cursor that is not a number is the first page.
    assert rows(admin_client.get(f"/admin/audit?{query}&before=abc")) == rows(first)


def test_the_page_makes_the_same_queries_for_a_short_or_long_log(app, admin_client, organisation):
    organisation_id = organisation.id
    urls = [
        "/admin/audit",
        f"/admin/audit?organisation_id={organisation_id}",
        "/admin/audit?email=admin@council.example.org&action=application.submitted",
        "/admin/audit?object_type=application&object_id=3"
        "&date_from=1&date_from=1&date_from=2020&date_to=1&date_to=1&date_to=2099",
    ]
    add_events(10, organisation_id=organisation_id)
    short = [queries_for(app, admin_client, url) for url in urls]
    add_events(500, start=utcnow() - timedelta(days=30), organisation_id=organisation_id)
    long = [queries_for(app, admin_client, url) for url in urls]
    print(f"audit log queries: 10 events {short}, 510 events {long}")
    assert short == long


def test_only_administrators_read_the_log(
    client, provider_client, reviewer_client, commissioner_client
):
    bad = "?date_from=31&date_from=2&date_from=2027&object_id=abc"
    paths = ("/admin/audit", "/admin/audit/export", "/admin/audit/export-xlsx")
    for url in [*paths, *(path + bad for path in paths)]:
        assert client.get(url).status_code == 302  # to sign in
        assert provider_client.get(url).status_code == 403
        assert reviewer_client.get(url).status_code == 403
        assert commissioner_client.get(url).status_code == 403
    # Nobody's attempt is recorded as a reading.
    assert events("audit.viewed") == [] and events("audit.exported") == []


def test_a_new_kind_of_event_and_new_filters_show_on_the_next_reading(admin_client):
    # The filter boxes are kept as written (portal/audit_log/forms.py): each reading must still
    # offer every kind of event the log holds and show what was typed.
    def offered(response) -> list[str]:
        return [option["value"] for option in soup(response).select("#action option")]

    add_event("visit.planned", object_type="visit")
    first = admin_client.get("/admin/audit")
    assert "meeting.held" not in offered(first)
    add_event("meeting.held", object_type="meeting")
    assert "meeting.held" in offered(admin_client.get("/admin/audit"))

    chosen = admin_client.get("/admin/audit?action=meeting.held&object_type=meeting")
    selected = soup(chosen).select("#action option[selected], #object_type option[selected]")
    assert [option["value"] for option in selected] == ["meeting.held", "meeting"]
    assert soup(admin_client.get("/admin/audit")).select("#action option[selected]") == []
    typed = admin_client.get("/admin/audit?organisation_id=abc")
    assert soup(typed).select_one("#organisation_id")["value"] == "abc"
    assert "Organisation number must be a whole number" in str(page_errors(typed))
    assert soup(admin_client.get("/admin/audit")).select_one("#organisation_id").get("value") in (
        None,
        "",
    )
