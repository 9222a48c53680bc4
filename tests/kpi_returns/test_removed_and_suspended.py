"""A provider removed from its lot still owes the returns of the months it was on it: they stay
on its page, the dashboard, the lot's summary and the exports, and it can still make them. A
suspended provider is still on the framework and keeps reporting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

from portal.admissions.models import Admission
from portal.core.db import db
from portal.core.time import LONDON
from tests.kpi_returns.helpers import (
    admit_from,
    month_ago,
    record_return,
    return_url,
    submit_return,
)
from tests.support import factories
from tests.support.pages import page_text, soup


def move(client, admission_id: int, act: str, reason: str) -> None:
    """A reviewer suspends or removes the admission through its page."""
    response = client.post(
        f"/reviews/admissions/{admission_id}/{act}",
        data={
            "reason": reason,
            "lock_version": str(db.session.get(Admission, admission_id).lock_version),
        },
    )
    assert response.status_code == 302, page_text(response)
    client.get(response.location)  # where its banner is shown
    db.session.expire_all()


def removed_on(admission_id: int, month) -> None:
    """Put the removal back to the middle of `month` (the page removes it today)."""
    admission = db.session.get(Admission, admission_id)
    admission.status_changed_at = datetime.combine(
        month.replace(day=15), time(12), tzinfo=LONDON
    ).astimezone(UTC)
    db.session.commit()


def dashboard_row(client, name: str, query: str = "months=6") -> list[str]:
    page = soup(client.get(f"/kpi-returns/dashboard?{query}"))
    for row in page.select("tbody tr"):
        if name in row.get_text():
            return [cell.get_text(" ", strip=True) for cell in row.select("td")]
    raise AssertionError(f"{name} is not on the dashboard")


def test_a_removed_provider_still_owes_the_months_before_its_removal(
    provider_client, reviewer_client, organisation, kpis
):
    admission = admit_from(organisation, month_ago(5))
    record_return(organisation, month_ago(5))
    move(reviewer_client, admission.id, "remove", "Safeguarding concerns not addressed.")
    removed_on(admission.id, month_ago(2))
    # Months 5, 4 and 3 ended while it was on the lot; 2 and 1 did not.
    overview = provider_client.get(f"/kpi-returns/organisations/{organisation.id}")
    months_listed = [
        row.select_one("td").get_text(strip=True) for row in soup(overview).select("tbody tr")
    ]
    assert months_listed == [f"{month_ago(n):%B %Y}" for n in (3, 4, 5)]
    text = page_text(overview)
    assert "no longer on the framework, so no more returns are asked for" in text
    assert text.count("Missing") == 2

    row = dashboard_row(reviewer_client, organisation.display_name)
    # Six months, oldest first: 6 (before admission), 5 submitted, 4 and 3 missing, 2 and 1 not.
    assert [re.split(r" :|,", cell)[0] for cell in row[:6]] == [
        "Not required",
        "Submitted",
        "Missing",
        "Missing",
        "Not required",
        "Not required",
    ], row

    # It can still make a return it owes, and none for a month after it was removed.
    made = submit_return(provider_client, organisation, month_ago(3))
    assert made.status_code == 302
    refused = provider_client.get(return_url(organisation, month_ago(1)))
    assert refused.status_code == 404
    assert f"was not on the framework in {month_ago(1):%B %Y}" in page_text(refused)

    summary = page_text(
        reviewer_client.get(f"/kpi-returns/dashboard/lots/{admission.lot_id}/summary")
    )
    assert organisation.display_name in summary
    export = reviewer_client.get("/kpi-returns/dashboard/export?months=6&lot=mentoring")
    # Two returns of eleven figures, each row naming it twice (its name and legal name).
    assert export.get_data(as_text=True).count(organisation.display_name) == 2 * 11 * 2


def test_a_provider_removed_long_ago_leaves_the_dashboard(reviewer_client, organisation, kpis):
    """Removed before the period began, it owes nothing in it and is not listed."""
    admission = admit_from(organisation, month_ago(20))
    other = factories.make_organisation(
        factories.make_user("owner@birch.example.org"), legal_name="Birch Tutoring"
    )
    admit_from(other, month_ago(3))
    move(reviewer_client, admission.id, "remove", "Left the area.")
    removed_on(admission.id, month_ago(8))
    page = page_text(reviewer_client.get("/kpi-returns/dashboard?months=6"))
    assert "Birch Tutoring" in page
    assert organisation.display_name not in page
    assert organisation.display_name in page_text(
        reviewer_client.get("/kpi-returns/dashboard?months=12")
    )


def test_a_suspended_provider_keeps_reporting(provider_client, reviewer_client, organisation, kpis):
    admission = admit_from(organisation, month_ago(3))
    move(reviewer_client, admission.id, "suspend", "Insurance has lapsed.")
    overview = page_text(provider_client.get(f"/kpi-returns/organisations/{organisation.id}"))
    assert f"The return for {month_ago(0):%B %Y} can be made once the month has ended" in overview
    assert submit_return(provider_client, organisation, month_ago(1)).status_code == 302
    row = dashboard_row(reviewer_client, organisation.display_name, "months=3")
    assert row[2].startswith("Submitted")
