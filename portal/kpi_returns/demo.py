"""Demo data: a few months of returns for the demo provider on the framework, so the dashboard,
trends and summaries have something to show in `make run`. Made through the services, as the
provider would have made them, then dated as if each came in on its due date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import update

from portal.accounts.models import User
from portal.core.db import db
from portal.core.time import LONDON
from portal.kpi_returns import months, services
from portal.kpi_returns.definitions import Catalogue
from portal.kpi_returns.models import KpiReturn, KpiReturnVersion
from portal.kpi_returns.obligations import obligation_of
from portal.organisations.models import Organisation

# Months back from the last month ended: the figures that month, by KPI code. The last month
# ended is left for the demo to make.
DEMO_FIGURES = {
    5: {"attendance-rate": "93", "children-on-track": "82", "staff-dbs": "100"},
    4: {"attendance-rate": "91.5", "children-on-track": "84", "staff-dbs": "100"},
    3: {"attendance-rate": "86", "children-on-track": "79", "staff-dbs": "96"},
    2: {"attendance-rate": "82", "children-on-track": "81", "staff-dbs": "100"},
    1: {"attendance-rate": "90.5", "children-on-track": "86", "staff-dbs": "100"},
}
COUNTS = {
    "sessions-delivered": "97",
    "placements-started": "2",
    "placements-ended": "1",
    "progression": "1",
    "safeguarding-concerns": "0",
    "suspensions-exclusions": "0",
    "complaints-received": "1",
    "complaints-resolved": "1",
}
# How far back the demo provider has been on the framework.
DEMO_MONTHS = max(DEMO_FIGURES) + 1


def first_demo_month(on: date) -> date:
    return months.add_months(months.last_ended(on), -max(DEMO_FIGURES))


def seed_returns(user: User, organisation: Organisation, on: date) -> int:
    """Submit the demo returns not yet made (safe to run again). Returns how many were made."""
    obligation = obligation_of(organisation.id)
    catalogue = Catalogue()
    made = 0
    for back, figures in sorted(DEMO_FIGURES.items(), reverse=True):
        month = months.add_months(months.last_ended(on), -back)
        if not obligation.owes(month) or services.return_for(organisation, month) is not None:
            continue
        definitions = catalogue.for_month(obligation.lot_ids(month), month)
        texts = COUNTS | figures
        entries, problems = services.read_entries(
            definitions,
            {d.kpi_id: texts.get(d.kpi.code, "") for d in definitions},
            {},
            complete=True,
        )
        assert not problems, problems  # the figures above fit the starting KPIs
        kpi_return = services.save_return(
            user, organisation, month, entries, submit=True, seen_lock_version=None, on=on
        )
        due = datetime.combine(months.due_date(month), time(10), tzinfo=LONDON).astimezone(UTC)
        db.session.execute(
            update(KpiReturn).where(KpiReturn.id == kpi_return.id).values(submitted_at=due)
        )
        db.session.execute(
            update(KpiReturnVersion)
            .where(KpiReturnVersion.kpi_return_id == kpi_return.id)
            .values(submitted_at=due, saved_at=due)
        )
        made += 1
    return made
