"""Each provider's meeting bases (MeetingBasis: first admitted, last met, next scheduled and when
the next is due, kept by the database's triggers) that the review meetings calendar and the
council's home read: a meeting scheduled or held shows on the next page; after every kind of
write to admissions, meetings and risk ratings the bases equal those worked out afresh; the due
date the database works out agrees with _add_months to the day."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from time import sleep

import pytest
from sqlalchemy import delete, select, update

from portal.admissions.models import ADMITTED, REMOVED, SUSPENDED, Admission
from portal.core.db import db
from portal.core.time import today, utcnow
from portal.lots.models import Lot
from portal.lots.services import ensure_starting_lots
from portal.organisations.models import Organisation
from portal.quality.models import (
    HIGH,
    LOW,
    MEDIUM,
    MEETING_CANCELLED,
    MEETING_HELD,
    MEETING_MONTHS,
    MEETING_SCHEDULED,
    Meeting,
    MeetingBasis,
    ProviderRisk,
)
from portal.quality.services import meetings
from portal.quality.services.meetings import _add_months
from tests.documents.helpers import run_command
from tests.quality.meeting_helpers import hold, only_meeting, schedule
from tests.quality.record_helpers import give_record
from tests.support import factories
from tests.support.pages import page_text


@pytest.fixture
def risky(app, app_ctx, organisation):
    """Organisation A on the framework for a year, rated high risk by the nightly job (as
    test_meetings.py has it)."""
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=365))
    give_record(organisation, judgement="inadequate", overdue_actions=1, dbs_flagged=1)
    run_command(app, "quality", "rate-risk")
    return organisation


def test_a_meeting_scheduled_then_held_shows_on_the_next_calendar_and_home(
    app, reviewer_client, risky
):
    calendar = page_text(reviewer_client.get("/quality/meetings"))
    assert "1 overdue" in calendar and "Due, not scheduled" in calendar
    assert "Schedule 1 review meeting" in page_text(reviewer_client.get("/home"))

    schedule(reviewer_client, risky, today() + timedelta(days=3))
    calendar = page_text(reviewer_client.get("/quality/meetings"))
    assert "0 overdue" in calendar and "1 scheduled, of 1 in all" in calendar
    assert "Due, not scheduled" not in calendar
    assert "Schedule 1 review meeting" not in page_text(reviewer_client.get("/home"))

    # Held today: at high risk the next is due in three months, beyond the calendar's horizon.
    assert hold(reviewer_client, only_meeting().id).status_code == 302
    calendar = page_text(reviewer_client.get("/quality/meetings"))
    assert "Organisation A Ltd" not in calendar
    assert "scheduled, of" not in calendar  # nothing on the calendar


def _afresh(ids: list[int]) -> dict[int, tuple]:
    """Each organisation's bases worked out by `dues` from the rows themselves."""
    return {
        id_: (
            due.last_held_on,
            due.scheduled.meets_on if due.scheduled else None,
            due.due_on,
        )
        for id_, due in meetings.dues(ids, today(), live=False).items()
    }


def _kept() -> dict[int, tuple]:
    return {
        row.organisation_id: (row.held_on, row.meets_on, row.due_on)
        for row in db.session.scalars(
            select(MeetingBasis).where(MeetingBasis.admitted_at.is_not(None))
        )
    }


def _midday(days_ago: int) -> datetime:
    # Midday UTC: the same day in London and in UTC (SQLite's dates are UTC's).
    return datetime.combine(today() - timedelta(days=days_ago), time(12), tzinfo=UTC)


def test_the_bases_equal_those_worked_out_afresh_after_every_kind_of_write(app_ctx):
    """Admissions added, suspended, removed, back-dated and deleted; meetings scheduled, moved,
    held, cancelled and deleted; risk ratings added, changed and deleted: by the ORM and by
    plain UPDATE and DELETE, at random."""
    chance = random.Random(18)
    organisations = []
    for number in range(4):
        owner = factories.make_user(f"bases-{number}@example.org")
        organisations.append(
            factories.make_organisation(owner, legal_name=f"Bases {number} Ltd").id
        )
    db.session.commit()
    ensure_starting_lots()
    lots = dict(db.session.execute(select(Lot.slug, Lot.id)).all())
    for step in range(80):
        kind = chance.choice(
            ["admit", "admission", "meeting", "meeting", "move", "remove", "risk", "risk"]
        )
        organisation_id = chance.choice(organisations)
        admissions = db.session.scalars(select(Admission).order_by(Admission.id)).all()
        held = db.session.scalars(select(Meeting).order_by(Meeting.id)).all()
        if kind == "admit" or (kind == "admission" and not admissions):
            taken = {(a.organisation_id, a.lot_id) for a in admissions}
            free = [slug for slug, id_ in lots.items() if (organisation_id, id_) not in taken]
            if free:
                factories.admit(
                    db.session.get(Organisation, organisation_id),
                    chance.choice(free),
                    admitted_at=_midday(chance.randrange(30, 800)),
                    documents=False,
                )
        elif kind == "admission":
            chosen = chance.choice(admissions)
            change = chance.choice(["status", "date", "delete"])
            if change == "status":
                chosen.status = chance.choice([ADMITTED, SUSPENDED, REMOVED])
            elif change == "date":
                db.session.execute(
                    update(Admission)
                    .where(Admission.id == chosen.id)
                    .values(admitted_at=_midday(chance.randrange(30, 800)))
                )
            else:
                db.session.execute(delete(Admission).where(Admission.id == chosen.id))
        elif kind == "meeting" or (kind in ("move", "remove") and not held):
            status = chance.choice([MEETING_SCHEDULED, MEETING_HELD, MEETING_CANCELLED])
            day = today() + timedelta(days=chance.randrange(-400, 60))
            db.session.add(
                Meeting(
                    organisation_id=organisation_id,
                    status=status,
                    due_on=day,
                    meets_on=day,
                    risk=LOW,
                    held_on=day if status == MEETING_HELD else None,
                )
            )
        elif kind == "move":
            chosen = chance.choice(held)
            day = today() + timedelta(days=chance.randrange(-400, 60))
            status = chance.choice([MEETING_SCHEDULED, MEETING_HELD, MEETING_CANCELLED])
            db.session.execute(
                update(Meeting)
                .where(Meeting.id == chosen.id)
                .values(
                    status=status,
                    meets_on=day,
                    held_on=day if status == MEETING_HELD else None,
                    organisation_id=chance.choice(organisations),
                )
            )
        elif kind == "remove":
            db.session.execute(delete(Meeting).where(Meeting.id == chance.choice(held).id))
        else:
            risk = db.session.scalar(
                select(ProviderRisk).where(ProviderRisk.organisation_id == organisation_id)
            )
            if risk is None:
                db.session.add(
                    ProviderRisk(
                        organisation_id=organisation_id, rating=chance.choice([HIGH, MEDIUM])
                    )
                )
            elif chance.random() < 0.3:
                db.session.execute(delete(ProviderRisk).where(ProviderRisk.id == risk.id))
            else:
                risk.rating = chance.choice([LOW, MEDIUM, HIGH])
        db.session.commit()
        db.session.expire_all()
        assert _kept() == _afresh(organisations), (step, kind)
    assert _kept()  # the writes left some on the framework


def test_the_due_date_the_database_works_out_agrees_with_add_months_to_the_day(app_ctx):
    """Every day over two years, month ends and 29 February included, as the day last met, at
    every rating's frequency."""
    owner = factories.make_user("due@example.org")
    organisation = factories.make_organisation(owner, legal_name="Due Ltd")
    factories.admit(organisation, "mentoring", admitted_at=_midday(1000), documents=False)
    start = today() - timedelta(days=800)
    meeting = Meeting(
        organisation_id=organisation.id,
        status=MEETING_HELD,
        due_on=start,
        meets_on=start,
        risk=LOW,
        held_on=start,
    )
    risk = ProviderRisk(organisation_id=organisation.id, rating=LOW)
    db.session.add_all([meeting, risk])
    db.session.commit()
    due_of = select(MeetingBasis.due_on).where(MeetingBasis.organisation_id == organisation.id)
    for level, count in MEETING_MONTHS.items():
        db.session.execute(
            update(ProviderRisk).where(ProviderRisk.id == risk.id).values(rating=level)
        )
        for offset in range(731):
            base = start + timedelta(days=offset)
            db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(held_on=base))
            assert db.session.scalar(due_of) == _add_months(base, count), (base, level)
    db.session.rollback()


@pytest.mark.postgresql  # SQLite has one writer at a time
def test_writes_at_once_for_the_same_provider_leave_its_bases_up_to_date(app_ctx):
    """The nightly rating and a meeting scheduled for the same provider at once: the second to
    write waits for the first and works the bases out from both."""
    owner = factories.make_user("race@example.org")
    organisation = factories.make_organisation(owner, legal_name="Race Ltd")
    factories.admit(organisation, "mentoring", admitted_at=_midday(400), documents=False)
    db.session.add(ProviderRisk(organisation_id=organisation.id, rating=LOW))
    db.session.commit()
    organisation_id = organisation.id
    meets_on = today() + timedelta(days=10)
    engine = db.engine
    with engine.connect() as rating:
        rating.execute(
            update(ProviderRisk)
            .where(ProviderRisk.organisation_id == organisation_id)
            .values(rating=HIGH)
        )

        def schedule_at_once() -> None:
            with engine.begin() as scheduling:
                scheduling.execute(
                    Meeting.__table__.insert().values(
                        organisation_id=organisation_id,
                        status=MEETING_SCHEDULED,
                        due_on=meets_on,
                        meets_on=meets_on,
                        risk=LOW,
                        agenda=[],
                        scheduled_at=utcnow(),
                        attendees="",
                        minutes="",
                        lock_version=1,
                    )
                )

        with ThreadPoolExecutor(1) as pool:
            scheduled = pool.submit(schedule_at_once)
            sleep(0.5)  # it waits on the provider's row the rating holds
            assert not scheduled.done()
            rating.commit()
            scheduled.result(timeout=30)
    db.session.expire_all()
    assert _kept()[organisation_id] == _afresh([organisation_id])[organisation_id]
    assert _kept()[organisation_id][1] == meets_on
    joined = _midday(400).date()
    assert _kept()[organisation_id][2] == _add_months(joined, MEETING_MONTHS[HIGH])
