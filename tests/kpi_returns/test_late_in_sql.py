"""Whether a submitted return came late is decided in SQL where a page reads many (the
dashboard and a lot's summary: obligations.late_in_sql) and in Python everywhere else
(obligations.state_of). The two must agree in every case, on either database: returns submitted
around the moment each month's return becomes late (midnight in London at the end of its due
date), in winter time and summer time, for months whose due dates move for bank holidays, and a
return with no submission moment."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import london_hour
from portal.kpi_returns.models import SUBMITTED, KpiReturn
from portal.kpi_returns.obligations import (
    LATE,
    ON_TIME,
    DueDates,
    late_in_sql,
    late_parameters,
    state_of,
)
from portal.kpi_returns.reports import return_summaries

# Due in March (winter time), in April after the Easter bank holidays (summer time), in
# October (summer time) and in November (winter time again), and at the new year.
MONTHS = [
    date(2026, 2, 1),
    date(2026, 3, 1),
    date(2026, 9, 1),
    date(2026, 10, 1),
    date(2026, 12, 1),
]
# Submitted this long after the moment the return became late (None: no moment).
OFFSETS = [
    None,
    timedelta(days=-1),
    timedelta(seconds=-1),
    timedelta(microseconds=-1),
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(seconds=1),
    timedelta(days=1),
]
ON = date(2027, 6, 1)  # after every due date


def test_sql_and_python_agree_whether_a_return_came_late(make_provider, kpis):
    due = DueDates()
    dated = [(month, due(month)) for month in MONTHS]
    ids = []
    for number, offset in enumerate(OFFSETS):
        _user, organisation = make_provider(f"Provider {number}")
        ids.append(organisation.id)
        for month, due_date in dated:
            late_from = london_hour(due_date + timedelta(days=1))
            db.session.add(
                KpiReturn(
                    organisation_id=organisation.id,
                    month=month,
                    status=SUBMITTED,
                    submitted_at=None if offset is None else late_from + offset,
                )
            )
    db.session.commit()

    # As the database gives each moment back, through Python's rule.
    due_dates = dict(dated)
    in_python = {
        key: state_of(key[1], True, summary, ON, due_dates[key[1]]).state
        for key, summary in return_summaries(ids, MONTHS[0], MONTHS[-1]).items()
    }
    in_sql = {
        (organisation_id, month): {1: LATE, 0: ON_TIME}.get(late, "open")
        for organisation_id, month, late in db.rows(
            select(KpiReturn.organisation_id, KpiReturn.month, late_in_sql(len(dated))).where(
                KpiReturn.organisation_id.in_(ids)
            ),
            late_parameters(dated),
        )
    }
    assert len(in_sql) == len(OFFSETS) * len(MONTHS)
    assert in_sql == {
        key: state if state in (LATE, ON_TIME) else "open" for key, state in in_python.items()
    }
    # Every kind of answer came up: late, on time, and no moment to judge.
    assert set(in_sql.values()) == {LATE, ON_TIME, "open"}
