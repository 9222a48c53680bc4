"""Escalations: two months running inadequate (or three of requires improvement or worse) open
one when the return is submitted; a missing return opens one with the chaser. The council
records actions and closes it with a reason; open ones show on the reviewers' providers pages
and to the provider."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from portal.core.db import db
from portal.kpi_returns import escalations as service
from portal.kpi_returns import months
from portal.kpi_returns.models import KpiEscalation
from portal.outbox.models import OutboxEmail
from tests.documents.helpers import run_command
from tests.kpi_returns.helpers import (
    admit_from,
    form_data,
    kpi_ids,
    month_ago,
    record_return,
    return_url,
    submit_return,
    with_values,
)
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_errors, page_text, soup
from tests.support.queries import counting_queries, counts_read_alone


def open_escalations_for(organisation, month) -> None:
    """What a submission of `month` does, for returns written straight to the database: in a
    request, as its emails carry links."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        service.check_ratings(organisation, month)
    db.session.commit()


def escalations() -> list[KpiEscalation]:
    db.session.expire_all()
    return list(db.session.scalars(select(KpiEscalation).order_by(KpiEscalation.id)))


def test_two_inadequate_months_open_one_escalation(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(4))
    submit_return(provider_client, organisation, month_ago(3), with_values(attendance_rate="60"))
    assert escalations() == []
    submit_return(provider_client, organisation, month_ago(2), with_values(attendance_rate="70"))
    (escalation,) = escalations()
    assert escalation.trigger == "two_inadequate"
    assert escalation.month == month_ago(2)
    assert [item["value"] for item in escalation.evidence] == [60, 70]
    assert [item["rating"] for item in escalation.evidence] == ["inadequate"] * 2
    # A third month of it is the same problem, still open: no second escalation.
    submit_return(provider_client, organisation, month_ago(1), with_values(attendance_rate="65"))
    assert len(escalations()) == 1
    page = page_text(provider_client.get(f"/kpi-returns/organisations/{organisation.id}"))
    assert "The council has opened an escalation about your performance" in page
    assert "Attendance rate: inadequate two months running" in page


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("provider", "/kpi-returns/organisations/{id}"),
        ("provider", "/kpi-returns/organisations/{id}/performance"),
        ("reviewer", "/kpi-returns/dashboard/providers/{id}"),
    ],
)
def test_each_page_of_a_providers_returns_reads_its_admissions_and_escalations_together(
    app, request, organisation, kpis, who, page
):
    """What it owes returns for (its admissions) and its open escalations are read in one
    statement (reports.obligation_and_escalations), on every page that shows both; each page
    still names the escalation."""
    provider_client = request.getfixturevalue("provider_client")
    admit_from(organisation, month_ago(4))
    submit_return(provider_client, organisation, month_ago(3), with_values(attendance_rate="60"))
    submit_return(provider_client, organisation, month_ago(2), with_values(attendance_rate="70"))
    client = request.getfixturevalue(f"{who}_client")
    with counting_queries(app) as statements:
        text = page_text(client.get(page.format(id=organisation.id)))
    assert "inadequate two months running" in text
    (escalations_read,) = [s for s in statements if "FROM kpi_escalations" in s]
    assert "FROM admissions" in escalations_read
    # No statement of its own reads its admissions' lots and dates (the council's page asks
    # apart whether it has any admission at all, and the performance pages' comparison with
    # the lot reads other providers' admissions inside its own statement).
    assert not [s for s in statements if s.startswith("SELECT admissions.organisation_id")]


def test_three_months_requiring_improvement_open_one(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(4))
    for back, rate in ((3, "82"), (2, "60"), (1, "84")):
        submit_return(
            provider_client, organisation, month_ago(back), with_values(attendance_rate=rate)
        )
    (escalation,) = escalations()
    assert escalation.trigger == "three_requires_improvement"
    assert [item["rating"] for item in escalation.evidence] == [
        "requires_improvement",
        "inadequate",
        "requires_improvement",
    ]


def test_an_amendment_that_makes_a_run_opens_one(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(3))
    submit_return(provider_client, organisation, month_ago(2), with_values(staff_dbs="90"))
    submit_return(provider_client, organisation, month_ago(1))
    assert escalations() == []
    amended = provider_client.post(
        return_url(organisation, month_ago(1), "/amend"),
        data=form_data(with_values(staff_dbs="80"), lock_version="2", reason="Two DBS lapsed"),
    )
    assert amended.status_code == 302
    (escalation,) = escalations()
    assert escalation.trigger == "two_inadequate"


def test_the_council_works_and_closes_an_escalation(
    reviewer_client, commissioner_client, make_provider, kpis
):
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(3))
    record_return(oak, month_ago(2), with_values(attendance_rate="60"))
    record_return(oak, month_ago(1), with_values(attendance_rate="61"))
    open_escalations_for(oak, month_ago(1))
    (escalation,) = escalations()

    listed = page_text(commissioner_client.get("/kpi-returns/escalations"))
    assert "Oak Tutoring" in listed and "Attendance rate: inadequate two months running" in listed
    url = f"/kpi-returns/escalations/{escalation.id}"
    page = page_text(commissioner_client.get(url))
    assert "60%" in page and "61%" in page

    no_date = commissioner_client.post(
        f"{url}/actions",
        data={"kind": "review_meeting", "details": "Met the director", "lock_version": "1"},
    )
    assert page_errors(no_date) == {"on_date-day": "Enter the date of the review meeting"}
    meeting = commissioner_client.post(
        f"{url}/actions",
        data={
            "kind": "review_meeting",
            "on_date": ["4", "1", "2027"],
            "details": "Met the director; attendance plan agreed",
            "lock_version": "1",
        },
    )
    assert meeting.status_code == 302, page_errors(meeting)
    stale = reviewer_client.post(f"{url}/close", data={"reason": "Better", "lock_version": "1"})
    assert "changed by someone else" in page_text(stale)
    no_reason = reviewer_client.post(f"{url}/close", data={"reason": "", "lock_version": "2"})
    assert page_errors(no_reason) == {"reason": "Enter the reason for closing the escalation"}
    closed = reviewer_client.post(
        f"{url}/close", data={"reason": "Attendance back above 90%", "lock_version": "2"}
    )
    assert closed.status_code == 302
    page = page_text(reviewer_client.get(url))
    assert "Provider review meeting 4 January 2027" in page
    assert "Attendance back above 90%" in page
    assert escalations()[0].status == "closed"


def test_open_escalations_and_the_last_return_on_the_reviewers_providers_pages(
    reviewer_client, make_provider, kpis
):
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(3))
    record_return(oak, month_ago(2), with_values(attendance_rate="60"))
    record_return(oak, month_ago(1), with_values(attendance_rate="61"))
    open_escalations_for(oak, month_ago(1))
    listed = reviewer_client.get("/reviews/providers")
    (row,) = soup(listed).select("tbody tr")
    last = row.select("td")[-1].get_text(" ", strip=True)
    assert last.startswith(f"{month_ago(1):%B %Y}")
    assert "Submitted, inadequate" in last
    assert "1 escalation open" in last
    detail = page_text(reviewer_client.get(f"/reviews/providers/{oak.id}"))
    assert "Open performance escalation: Attendance rate: inadequate two months running" in detail
    export = reviewer_client.get("/reviews/providers/export")
    table = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert table[1][-4:] == [f"{month_ago(1):%B %Y}", "Submitted", "Inadequate", "1"]


def emails() -> list[OutboxEmail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def escalation_emails() -> list[OutboxEmail]:
    return [email for email in emails() if "escalation" in email.subject]


def test_an_escalation_emails_the_council_and_the_provider_once(
    provider, provider_client, organisation, reviewer, commissioner, admin, kpis
):
    member = factories.make_user("member@provider.example.org", full_name="Mo Member")
    factories.add_member(organisation, member)
    admit_from(organisation, month_ago(4))
    submit_return(provider_client, organisation, month_ago(3), with_values(attendance_rate="60"))
    assert escalation_emails() == []
    submit_return(provider_client, organisation, month_ago(2), with_values(attendance_rate="70.5"))
    (escalation,) = escalations()
    sent = {email.to_address: email for email in escalation_emails()}
    # The reviewers and commissioners, and every member of the provider; not the admins.
    assert set(sent) == {reviewer.email, commissioner.email, provider.email, member.email}
    council = sent[reviewer.email]
    assert council.subject == f"Performance escalation opened: {organisation.display_name}"
    assert "inadequate two months running" in council.body
    assert f"- {month_ago(3):%B %Y}: inadequate (60%)" in council.body
    assert f"- {month_ago(2):%B %Y}: inadequate (70.5%)" in council.body
    assert f"/kpi-returns/escalations/{escalation.id}\n" in council.body
    told = sent[member.email]
    assert told.subject == (
        f"The council has opened a performance escalation for {organisation.display_name}"
    )
    assert "Hello Mo Member" in told.body
    assert f"- {month_ago(3):%B %Y}: inadequate (60%)" in told.body
    assert f"/kpi-returns/organisations/{organisation.id}\n" in told.body
    assert "/kpi-returns/escalations/" not in told.body  # the council's page: not theirs

    # The same problem going on, and an amendment of it, open nothing and send nothing more.
    submit_return(provider_client, organisation, month_ago(1), with_values(attendance_rate="65"))
    amended = provider_client.post(
        return_url(organisation, month_ago(2), "/amend"),
        data=form_data(with_values(attendance_rate="69"), lock_version="2", reason="Typo"),
    )
    assert amended.status_code == 302
    assert len(escalations()) == 1
    assert len(escalation_emails()) == 4


def test_a_missing_return_escalation_says_when_it_was_due(app, clock, organisation, reviewer, kpis):
    month = month_ago(1)
    admit_from(organisation, month)
    due = months.due_date(month)
    clock(due + timedelta(days=1))
    run_command(app, "kpi", "remind")
    run_command(app, "kpi", "remind")
    council = [email for email in escalation_emails() if email.to_address == reviewer.email]
    assert len(council) == 1
    assert (
        f"The KPI return for {month:%B %Y} was due on {due:%A} {due.day} {due:%B %Y} "
        "and has not been submitted." in council[0].body
    )


def test_a_commissioner_opens_an_escalation_by_hand(
    commissioner_client, commissioner, reviewer, provider, make_provider, kpis
):
    _user, oak = make_provider("Oak Tutoring")
    admit_from(oak, month_ago(3))
    db.session.commit()
    performance = commissioner_client.get(f"/kpi-returns/dashboard/providers/{oak.id}")
    url = f"/kpi-returns/dashboard/providers/{oak.id}/escalate"
    assert url in [a["href"] for a in soup(performance).select("a[href]")]
    page = commissioner_client.get(url)
    attendance = kpi_id("attendance-rate")
    options = [option["value"] for option in soup(page).select("select[name=kpi_id] option")]
    assert options[0] == "0" and str(attendance) in options
    token = field_value(page, "submission_id")

    blank = commissioner_client.post(
        url, data={"kpi_id": "0", "reason": " ", "submission_id": token}
    )
    assert page_errors(blank) == {"reason": "Enter why you are opening an escalation"}
    foreign = commissioner_client.post(
        url, data={"kpi_id": "999999", "reason": "Worried", "submission_id": token}
    )
    assert page_errors(foreign) == {
        "kpi_id": "Select a KPI the provider reports, or the returns as a whole"
    }
    assert field_value(foreign, "reason") == "Worried"  # nothing typed is lost
    assert escalations() == []

    data = {
        "kpi_id": str(attendance),
        "reason": "A school reports three children not collected this week",
        "submission_id": token,
    }
    opened = commissioner_client.post(url, data=data)
    assert opened.status_code == 302
    again = commissioner_client.post(url, data=data)  # a second click of the same form
    assert again.headers["Location"] == opened.headers["Location"]
    (escalation,) = escalations()
    assert escalation.trigger == "raised_by_council"
    assert escalation.kpi_id == attendance
    assert escalation.opened_by_id == commissioner.id
    assert opened.headers["Location"].endswith(f"/kpi-returns/escalations/{escalation.id}")
    shown = commissioner_client.get(opened.headers["Location"])
    assert "The provider's members and the council's reviewers" in banner_text(shown)
    text = page_text(shown)
    assert "Escalation: raised by the council" in text
    assert "A school reports three children not collected this week" in text
    assert f"by {commissioner.full_name}" in text
    # The reviewer and Oak's owner are told; the commissioner who opened it is not.
    sent = {email.to_address: email for email in escalation_emails()}
    assert set(sent) == {reviewer.email, "owner@oak-tutoring.example.org"}
    assert "The council has raised a concern about Attendance rate:" in sent[reviewer.email].body
    assert "three children not collected" in sent["owner@oak-tutoring.example.org"].body
    # It is worked like any other.
    closed = commissioner_client.post(
        f"/kpi-returns/escalations/{escalation.id}/close",
        data={"reason": "Transport fixed", "lock_version": "1"},
    )
    assert closed.status_code == 302


def kpi_id(code: str) -> int:
    return kpi_ids()[code]


def test_the_council_list_is_paged_its_count_read_with_its_rows(
    app, commissioner, commissioner_client, organisation
):
    with app.test_request_context():  # the emails carry links
        for number in range(53):
            service.open_escalation(
                commissioner, organisation, None, f"Late returns {number}", set(), date.today()
            )
        db.session.commit()
    with counting_queries(app) as statements:
        first = commissioner_client.get("/kpi-returns/escalations")
    assert "Showing 1 to 50 of 53 escalations" in page_text(first)
    # How many in all is read with the page's rows, not by a statement of its own.
    assert not counts_read_alone(statements)
    last = commissioner_client.get("/kpi-returns/escalations?page=2")
    assert "Showing 51 to 53 of 53 escalations" in page_text(last)
    # A page past the end shows the last; a filter counts only what it lets through.
    past = commissioner_client.get("/kpi-returns/escalations?page=9")
    assert "Showing 51 to 53 of 53 escalations" in page_text(past)
    assert "There are no closed escalations." in page_text(
        commissioner_client.get("/kpi-returns/escalations?status=closed")
    )
    assert "Showing 1 to 50 of 53 escalations" in page_text(
        commissioner_client.get("/kpi-returns/escalations?status=open")
    )
