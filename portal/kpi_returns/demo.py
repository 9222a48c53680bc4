"""Demo data: a provider's monthly returns since it joined, so the dashboard, trends, summaries
and escalations have something to show in `make run`. Made through the services, as the
provider would have made them, each with the clock set to the morning of its due date."""

from __future__ import annotations

from datetime import date

from portal.accounts.models import User
from portal.core.time import clock_set_to, london_hour
from portal.kpi_returns import months, services
from portal.kpi_returns.definitions import Catalogue
from portal.kpi_returns.obligations import obligation_of
from portal.organisations.models import Organisation

COUNTS = {
    "placements-started": "2",
    "placements-ended": "1",
    "progression": "1",
    "safeguarding-concerns": "0",
    "suspensions-exclusions": "0",
    "complaints-received": "1",
    "complaints-resolved": "1",
}
# The rated figures, month by month (oldest first, repeated as needed): "steady" is good with
# the odd wobble; "struggling" has attendance inadequate (under 80%) four and three months
# before the last month ended, which opens an escalation.
STEADY = {
    "attendance-rate": ("93", "91.5", "94", "90.5", "92", "88", "93.5"),
    "sessions-delivered": ("97", "98", "96", "99", "95"),
    "children-on-track": ("82", "84", "86", "81", "85"),
    "staff-dbs": ("100",),
}
STRUGGLING_ATTENDANCE = {4: "78", 3: "76", 2: "84", 1: "86"}


def _figures(profile: str, index: int, back: int) -> dict[str, str]:
    figures = {code: values[index % len(values)] for code, values in STEADY.items()}
    if profile == "struggling":
        figures["attendance-rate"] = STRUGGLING_ATTENDANCE.get(back, "88")
        figures["children-on-track"] = "74" if back in (4, 3) else "80"
    return COUNTS | figures


def seed_returns(user: User, organisation: Organisation, on: date, profile: str = "steady") -> int:
    """Submit a return for every month the organisation owes, from its admission to the month
    before the last ended (that one is left for the demo to make), each on its due date. Months
    with a return already are left alone. Returns how many were made."""
    obligation = obligation_of(organisation.id)
    catalogue = Catalogue()
    last = months.last_ended(on)
    made = 0
    owed = [month for month in obligation.months(on) if month < last]
    for index, month in enumerate(owed):
        if services.return_for(organisation, month) is not None:
            continue
        definitions = catalogue.for_month(obligation.lot_ids(month), month)
        back = (last.year - month.year) * 12 + last.month - month.month
        texts = _figures(profile, index, back)
        entries, problems = services.read_entries(
            definitions,
            {d.kpi_id: texts.get(d.kpi.code, "") for d in definitions},
            {},
            complete=True,
        )
        if problems:
            raise ValueError(f"Demo KPI figures refused: {problems}")
        due = months.due_date(month)
        with clock_set_to(london_hour(due, 10)):
            services.save_return(
                user, organisation, month, entries, submit=True, seen_lock_version=None, on=due
            )
        made += 1
    return made
