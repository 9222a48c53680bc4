"""KPI definitions: the seeded KPIs, and admins changing one from a chosen month, never
reaching back into months whose returns may exist."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.db import db
from portal.kpi_returns import months
from portal.kpi_returns.models import Kpi, KpiVersion
from portal.lots.models import Lot
from tests.kpi_returns.helpers import (
    admit_from,
    kpi_ids,
    month_ago,
    record_return,
    return_url,
    with_values,
)
from tests.support.pages import page_errors, page_text, soup


def change(admin_client, kpi_id: int, effective_from, **overrides):
    lot_ids = db.session.scalars(select(Lot.id)).all()
    data = {
        "name": "Attendance rate",
        "description": "Sessions attended as a percentage of sessions offered.",
        "unit": "percentage",
        "direction": "higher",
        "required_kpi": "yes",
        "active": "yes",
        "target": "95",
        "good_from": "95",
        "approaching_from": "90",
        "requires_improvement_from": "85",
        "lot_ids": [str(lot_id) for lot_id in lot_ids],
        "effective_from": effective_from.strftime("%Y-%m"),
    } | overrides
    return admin_client.post(f"/admin/kpis/{kpi_id}/change", data=data)


def test_the_seeded_kpis_are_listed_for_admins(admin_client, kpis):
    page = admin_client.get("/admin/kpis")
    assert page.status_code == 200
    names = [row.td.a.get_text(strip=True) for row in soup(page).select("tbody tr")]
    assert names[:3] == [
        "Attendance rate",
        "Sessions delivered against sessions commissioned",
        "Children on track against their individual outcomes",
    ]
    assert "Staff with an in-date enhanced DBS check" in names
    assert len(names) == 11
    detail = page_text(admin_client.get(f"/admin/kpis/{kpi_ids()['attendance-rate']}"))
    assert "Good at or above 90%" in detail
    assert "Inadequate anything worse" in detail


def test_a_change_applies_from_the_chosen_month_and_past_returns_keep_their_rating(
    admin_client, provider_client, organisation, kpis
):
    admit_from(organisation, month_ago(2))
    record_return(organisation, month_ago(1), with_values(attendance_rate="92"))
    kpi_id = kpi_ids()["attendance-rate"]
    next_month = month_ago(-1)
    saved = change(admin_client, kpi_id, next_month)
    assert saved.status_code == 302
    versions = db.session.scalars(
        select(KpiVersion).where(KpiVersion.kpi_id == kpi_id).order_by(KpiVersion.effective_from)
    ).all()
    assert [version.effective_from for version in versions][-1] == next_month
    assert versions[-1].good_from == 95
    # Last month's return was rated under the old definition, and still is.
    page = page_text(provider_client.get(return_url(organisation, month_ago(1))))
    assert "Attendance rate 92% 90% Good" in page
    listed = page_text(admin_client.get("/admin/kpis"))
    assert f"Changes from {next_month:%B %Y}" in listed


def test_a_change_cannot_reach_back(admin_client, kpis):
    kpi_id = kpi_ids()["attendance-rate"]
    refused = change(admin_client, kpi_id, month_ago(1))
    assert page_errors(refused) == {
        "effective_from": f"The change must apply from {months.month_name(month_ago(0))} or "
        "later: returns for earlier months keep the definition they were made with"
    }
    assert (
        db.session.scalars(select(KpiVersion).where(KpiVersion.kpi_id == kpi_id))
        .all()[-1]
        .good_from
        == 90
    )


def test_thresholds_must_be_in_order_and_a_new_kpi_is_added(admin_client, kpis):
    kpi_id = kpi_ids()["attendance-rate"]
    wrong = change(admin_client, kpi_id, month_ago(0), good_from="80", approaching_from="90")
    assert page_errors(wrong) == {
        "good_from": "Thresholds must run from good (highest) to requires improvement"
    }
    not_a_number = change(admin_client, kpi_id, month_ago(0), target="lots")
    assert page_errors(not_a_number) == {"target": "Target must be a number"}
    lot_ids = db.session.scalars(select(Lot.id).limit(1)).all()
    added = admin_client.post(
        "/admin/kpis/new",
        data={
            "name": "Parents' satisfaction survey done",
            "unit": "yes_no",
            "direction": "higher",
            "required_kpi": "no",
            "active": "yes",
            "lot_ids": [str(lot_ids[0])],
            "effective_from": month_ago(0).strftime("%Y-%m"),
        },
    )
    assert added.status_code == 302
    kpi = db.session.scalar(select(Kpi).where(Kpi.code == "parents-satisfaction-survey-done"))
    assert kpi.versions[0].lots[0].id == lot_ids[0]


def test_only_admins_define_kpis(reviewer_client, provider_client, kpis):
    assert reviewer_client.get("/admin/kpis").status_code == 403
    assert provider_client.get("/admin/kpis").status_code == 403
