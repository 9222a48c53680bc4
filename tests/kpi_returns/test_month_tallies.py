"""The submitted returns counted by month (KpiMonthTally, kept by the database's triggers) that
the council's home reads for "KPI returns to check": a return submitted or a month locked shows
on the next home page, and after every kind of write to returns the counts equal the returns
counted afresh."""

from __future__ import annotations

import random

from sqlalchemy import delete, func, select, update

from portal.core.db import db
from portal.kpi_returns import months
from portal.kpi_returns.models import DRAFT, SUBMITTED, KpiMonthTally, KpiReturn
from tests.kpi_returns.helpers import admit_from, month_ago, record_return, submit_return
from tests.support import factories
from tests.support.pages import page_text


def test_a_return_submitted_and_a_month_locked_show_on_the_next_home_page(
    provider_client, reviewer_client, organisation, kpis
):
    admit_from(organisation, month_ago(3))
    assert "KPI returns to check" not in page_text(reviewer_client.get("/home"))

    assert submit_return(provider_client, organisation, month_ago(1)).status_code == 302
    home = page_text(reviewer_client.get("/home"))
    assert "KPI returns to check" in home
    assert "1 return in months not yet locked" in home
    assert f"the oldest for {months.month_name(month_ago(1))}" in home

    assert submit_return(provider_client, organisation, month_ago(2)).status_code == 302
    home = page_text(reviewer_client.get("/home"))
    assert "2 returns in months not yet locked" in home
    assert f"the oldest for {months.month_name(month_ago(2))}" in home

    for month, left in ((month_ago(2), "1 return in months"), (month_ago(1), None)):
        locked = reviewer_client.post(
            "/kpi-returns/dashboard/lock-month", data={"month": month.strftime("%Y-%m")}
        )
        assert locked.status_code == 302
        home = page_text(reviewer_client.get("/home"))
        if left is None:
            assert "KPI returns to check" not in home
        else:
            assert left in home
            assert f"the oldest for {months.month_name(month_ago(1))}" in home


def _counted_afresh() -> dict:
    return dict(
        db.session.execute(
            select(KpiReturn.month, func.count())
            .where(KpiReturn.status == SUBMITTED)
            .group_by(KpiReturn.month)
        ).all()
    )


def _kept() -> dict:
    return {
        month: submitted
        for month, submitted in db.session.execute(
            select(KpiMonthTally.month, KpiMonthTally.submitted)
        )
        if submitted
    }


def test_the_counts_equal_the_returns_counted_afresh_after_every_kind_of_write(app_ctx, kpis):
    """Returns written as drafts and submitted, submitted straight, moved to another month,
    put back to draft and removed, by the ORM and by plain UPDATE and DELETE, at random."""
    chance = random.Random(18)
    organisations = []
    for number in range(3):
        owner = factories.make_user(f"tally-{number}@example.org")
        organisation = factories.make_organisation(owner, legal_name=f"Tally {number} Ltd")
        admit_from(organisation, month_ago(14))
        organisations.append(organisation)
    db.session.commit()
    taken = set()
    for _ in range(60):
        kind = chance.choice(["add", "add", "submit", "move", "draft", "remove"])
        existing = db.session.scalars(select(KpiReturn).order_by(KpiReturn.id)).all()
        if kind == "add" or not existing:
            organisation = chance.choice(organisations)
            free = [n for n in range(1, 13) if (organisation.id, month_ago(n)) not in taken]
            if not free:
                continue
            month = month_ago(chance.choice(free))
            taken.add((organisation.id, month))
            record_return(organisation, month, status=chance.choice([DRAFT, SUBMITTED]))
        else:
            chosen = chance.choice(existing)
            if kind == "submit":
                chosen.status = SUBMITTED
            elif kind == "draft":
                db.session.execute(
                    update(KpiReturn).where(KpiReturn.id == chosen.id).values(status=DRAFT)
                )
            elif kind == "move":
                free = [
                    n for n in range(1, 13) if (chosen.organisation_id, month_ago(n)) not in taken
                ]
                if not free:
                    continue
                month = month_ago(chance.choice(free))
                taken.discard((chosen.organisation_id, chosen.month))
                taken.add((chosen.organisation_id, month))
                db.session.execute(
                    update(KpiReturn).where(KpiReturn.id == chosen.id).values(month=month)
                )
            else:
                taken.discard((chosen.organisation_id, chosen.month))
                db.session.execute(delete(KpiReturn).where(KpiReturn.id == chosen.id))
        db.session.commit()
        db.session.expire_all()
        assert _kept() == _counted_afresh(), kind
    assert _counted_afresh()  # the writes left some submitted
