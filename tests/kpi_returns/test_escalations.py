"""Escalations: two months running inadequate (or three of requires improvement or worse) open
one when the return is submitted; a missing return opens one with the chaser. The council
records actions and closes it with a reason; open ones show on the reviewers' providers pages
and to the provider."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from portal.core.db import db
from portal.kpi_returns import escalations as service
from portal.kpi_returns.models import KpiEscalation
from tests.kpi_returns.helpers import (
    admit_from,
    form_data,
    month_ago,
    record_return,
    return_url,
    submit_return,
    with_values,
)
from tests.support.pages import page_errors, page_text, soup


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
    service.check_ratings(oak, month_ago(1))
    db.session.commit()
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
    service.check_ratings(oak, month_ago(1))
    db.session.commit()
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
