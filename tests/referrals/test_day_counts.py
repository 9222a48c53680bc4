"""The started referrals counted by type of service, team, urgency and school days
(ReferralDayCount, kept by the database's triggers) that the time-to-place dashboard adds up:
after every kind of write to referrals the counts equal the started referrals counted afresh.
(A referral started through the pages shows on the next dashboard: tests/referrals/test_path.py.)
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import delete, func, select, update

from portal.core.db import db
from portal.referrals.models import CLOSED, STARTED, URGENCIES, Referral, ReferralDayCount
from portal.referrals.services.measures import school_days
from tests.referrals.helpers import add_referral, lot_id


def _counted_afresh() -> dict:
    return {
        (lot, team, urgency, days): n
        for lot, team, urgency, days, n in db.session.execute(
            select(
                Referral.lot_id,
                Referral.team,
                Referral.urgency,
                Referral.school_days_to_start,
                func.count(),
            )
            .where(Referral.status == STARTED)
            .group_by(
                Referral.lot_id, Referral.team, Referral.urgency, Referral.school_days_to_start
            )
        )
    }


def _kept() -> dict:
    return {
        (row.lot_id, row.team, row.urgency, row.days): row.n
        for row in db.session.scalars(select(ReferralDayCount))
        if row.n
    }


def test_the_counts_equal_the_started_referrals_counted_afresh_after_every_kind_of_write(
    app_ctx,
):
    """Referrals written started and waiting, started later, their team, urgency, type of
    service and days changed, closed and removed, by the ORM and by plain UPDATE and DELETE, at
    random."""
    chance = random.Random(7)
    lots = [lot_id("mentoring"), lot_id("alternative-provision")]
    teams = ["SEND", "Virtual School"]
    received = date(2026, 9, 1)
    for step in range(60):
        kind = chance.choice(["add", "add", "start", "move", "close", "remove"])
        existing = db.session.scalars(select(Referral).order_by(Referral.id)).all()
        if kind == "add" or not existing:
            started = chance.choice([None, received + timedelta(days=chance.randint(1, 30))])
            add_referral(
                f"RF-{step}",
                lot_slug=chance.choice(["mentoring", "alternative-provision"]),
                team=chance.choice(teams),
                urgency=chance.choice(URGENCIES),
                received_on=received,
                started_on=started,
            )
        else:
            chosen = chance.choice(existing)
            if kind == "start":
                chosen.status = STARTED
                chosen.started_on = received + timedelta(days=chance.randint(1, 30))
                chosen.school_days_to_start = school_days(received, chosen.started_on)
            elif kind == "move":
                db.session.execute(
                    update(Referral)
                    .where(Referral.id == chosen.id)
                    .values(
                        lot_id=chance.choice(lots),
                        team=chance.choice(teams),
                        urgency=chance.choice(URGENCIES),
                        school_days_to_start=chance.randint(1, 20),
                    )
                )
            elif kind == "close":
                db.session.execute(
                    update(Referral).where(Referral.id == chosen.id).values(status=CLOSED)
                )
            else:
                db.session.execute(delete(Referral).where(Referral.id == chosen.id))
        db.session.commit()
        db.session.expire_all()
        assert _kept() == _counted_afresh(), kind
    assert _counted_afresh()  # the writes left some started
