"""A provider's monthly return by form: what is due, a draft, submitting, amending with a reason
until the council locks the month, and every value a person could get wrong."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db
from portal.kpi_returns.models import KpiReturn, KpiReturnVersion
from tests.kpi_returns.helpers import (
    GOOD,
    admit_from,
    form_data,
    month_ago,
    return_url,
    submit_return,
    with_values,
)
from tests.support.pages import banner_text, page_errors, page_h1, page_text, soup


def returns_of(organisation) -> list[KpiReturn]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(KpiReturn).where(KpiReturn.organisation_id == organisation.id))
    )


def test_the_overview_lists_each_month_since_admission_with_its_due_date(
    provider_client, organisation, kpis
):
    admit_from(organisation, month_ago(3))
    page = provider_client.get(f"/kpi-returns/organisations/{organisation.id}")
    assert page.status_code == 200
    assert page_h1(page) == "KPI returns"
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup(page).select("tbody tr")
    ]
    assert [row[0] for row in rows] == [
        month_ago(1).strftime("%B %Y"),
        month_ago(2).strftime("%B %Y"),
        month_ago(3).strftime("%B %Y"),
    ]
    assert all(row[2] in ("Due", "Missing") for row in rows)
    assert rows[2][2] == "Missing"  # three months ago: its due date has passed


def test_a_draft_is_saved_then_submitted(provider_client, provider, organisation, kpis):
    admit_from(organisation, month_ago(2))
    month = month_ago(1)
    draft = form_data({"attendance-rate": "91.5"}, {"attendance-rate": "Two moved out of area"})
    saved = provider_client.post(return_url(organisation, month), data=draft | {"save": "Save"})
    assert saved.status_code == 302
    page = provider_client.get(saved.location)
    assert "Your draft has been saved" in banner_text(page)
    assert soup(page).find(attrs={"name": draft and next(iter(draft))})["value"] == "91.5"
    assert "Two moved out of area" in page_text(page)
    (kpi_return,) = returns_of(organisation)
    assert kpi_return.status == "draft"

    submitted = submit_return(provider_client, organisation, month, lock_version="2")
    assert submitted.status_code == 302
    page = provider_client.get(submitted.location)
    assert "has been submitted" in banner_text(page)
    assert "Good" in page_text(page)
    (kpi_return,) = returns_of(organisation)
    assert kpi_return.status == "submitted"
    assert kpi_return.rating == "good"


def test_values_out_of_range_are_refused_and_what_was_typed_is_kept(
    provider_client, organisation, kpis
):
    admit_from(organisation, month_ago(2))
    month = month_ago(1)
    values = with_values(
        attendance_rate="101", placements_started="-1", sessions_delivered="lots", staff_dbs=""
    )
    response = submit_return(provider_client, organisation, month, values)
    assert response.status_code == 200
    errors = list(page_errors(response).values())
    assert "Attendance rate must be 100% or less" in errors
    assert "Placements started must be 0 or more" in errors
    assert "Sessions delivered against sessions commissioned must be a number, like 92.5" in errors
    assert "Enter staff with an in-date enhanced DBS check" in errors
    assert 'value="101"' in response.get_data(as_text=True)
    assert 'value="lots"' in response.get_data(as_text=True)
    assert returns_of(organisation) == []


def test_a_month_in_the_future_or_before_admission_has_no_return(
    provider_client, organisation, kpis
):
    admit_from(organisation, month_ago(1))
    future = provider_client.get(return_url(organisation, month_ago(-1)))
    assert future.status_code == 404
    assert "once the month has ended" in page_text(future)
    this_month = provider_client.get(return_url(organisation, month_ago(0)))
    assert this_month.status_code == 404
    before = submit_return(provider_client, organisation, month_ago(2))
    assert before.status_code == 404
    assert "was not on the framework in" in page_text(before)
    assert returns_of(organisation) == []


def test_submitting_a_month_twice_is_refused(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(2))
    month = month_ago(1)
    assert submit_return(provider_client, organisation, month).status_code == 302
    again = submit_return(
        provider_client, organisation, month, with_values(attendance_rate="50"), lock_version="2"
    )
    # The submitted return is shown, unchanged: a second submission is an amendment.
    assert again.status_code == 200
    assert page_h1(again).startswith("KPI return for")
    assert "To change it, amend it and say why" in banner_text(again)
    (kpi_return,) = returns_of(organisation)
    assert kpi_return.version_count == 1
    assert kpi_return.versions[0].values[0].value == 95


def test_an_amendment_needs_a_reason_and_keeps_every_version(provider_client, organisation, kpis):
    admit_from(organisation, month_ago(2))
    month = month_ago(1)
    submit_return(provider_client, organisation, month)
    amend_url = return_url(organisation, month, "/amend")
    form = provider_client.get(amend_url)
    assert form.status_code == 200
    data = form_data(with_values(attendance_rate="82"), lock_version="2")
    no_reason = provider_client.post(amend_url, data=data | {"reason": "  "})
    assert page_errors(no_reason) == {"reason": "Enter the reason for the amendment"}
    assert 'value="82"' in no_reason.get_data(as_text=True)

    amended = provider_client.post(amend_url, data=data | {"reason": "We counted a week twice"})
    assert amended.status_code == 302
    page = page_text(provider_client.get(amended.location))
    assert "We counted a week twice" in page
    assert "Requires improvement" in page
    (kpi_return,) = returns_of(organisation)
    assert kpi_return.version_count == 2
    assert kpi_return.rating == "requires_improvement"
    versions = db.session.scalars(
        select(KpiReturnVersion).where(KpiReturnVersion.kpi_return_id == kpi_return.id)
    ).all()
    assert [version.values[0].value for version in versions] == [95, 82]


def test_once_the_council_locks_the_month_it_cannot_be_amended(
    provider_client, reviewer_client, organisation, kpis
):
    admit_from(organisation, month_ago(2))
    month = month_ago(1)
    submit_return(provider_client, organisation, month)
    locked = reviewer_client.post(
        "/kpi-returns/dashboard/lock-month", data={"month": month.strftime("%Y-%m")}
    )
    assert locked.status_code == 302
    page = provider_client.get(return_url(organisation, month))
    assert "can no longer be amended" in page_text(page)
    refused = provider_client.post(
        return_url(organisation, month, "/amend"),
        data=form_data(GOOD, lock_version="2", reason="Late correction"),
    )
    assert "The council has locked" in page_text(refused)
    assert returns_of(organisation)[0].version_count == 1


def test_another_organisations_returns_are_not_found(
    provider_client, other_provider_client, organisation, kpis
):
    admit_from(organisation, month_ago(2))
    submit_return(provider_client, organisation, month_ago(1))
    for url in (
        f"/kpi-returns/organisations/{organisation.id}",
        return_url(organisation, month_ago(1)),
        return_url(organisation, month_ago(1), "/amend"),
        return_url(organisation, month_ago(1), "/csv-template"),
        f"/kpi-returns/organisations/{organisation.id}/performance",
    ):
        assert other_provider_client.get(url).status_code == 404, url
