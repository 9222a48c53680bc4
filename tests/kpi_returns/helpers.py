"""Making KPI returns in tests: through the pages, as a provider would, and a few shortcuts for
the council's tests that need many months of returns."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import LONDON, today
from portal.kpi_returns import months
from portal.kpi_returns.models import Kpi
from portal.kpi_returns.values import parse_value
from tests.support import factories

# A return every value of which is good (and every count given).
GOOD = {
    "attendance-rate": "95",
    "sessions-delivered": "98",
    "children-on-track": "85",
    "placements-started": "2",
    "placements-ended": "1",
    "progression": "1",
    "safeguarding-concerns": "0",
    "suspensions-exclusions": "0",
    "complaints-received": "0",
    "complaints-resolved": "0",
    "staff-dbs": "100",
}


def kpi_ids() -> dict[str, int]:
    return dict(db.session.execute(select(Kpi.code, Kpi.id)).all())


def month_ago(count: int) -> date:
    """The first of the month `count` months before this one (1: last month)."""
    return months.add_months(months.first_of(today()), -count)


def admit_from(organisation, month: date, lot: str = "mentoring"):
    """Admit the organisation to `lot` on the first day of `month` (midday, London)."""
    moment = datetime.combine(month, time(12), tzinfo=LONDON).astimezone(UTC)
    return factories.admit(organisation, lot, admitted_at=moment)


def return_url(organisation, month: date, suffix: str = "") -> str:
    return f"/kpi-returns/organisations/{organisation.id}/months/{month.year}/{month.month}{suffix}"


def form_data(values: dict[str, str], comments: dict[str, str] | None = None, **extra) -> dict:
    ids = kpi_ids()
    data = {f"value_{ids[code]}": text for code, text in values.items()}
    for code, text in (comments or {}).items():
        data[f"comment_{ids[code]}"] = text
    return data | extra


def submit_return(client, organisation, month: date, values=None, comments=None, **extra):
    """Submit the month's return through its page; returns the response."""
    data = form_data(values or GOOD, comments, submit="Submit return", **extra)
    return client.post(return_url(organisation, month), data=data)


def with_values(**changes) -> dict[str, str]:
    """GOOD with some values changed: with_values(attendance_rate="60")."""
    return GOOD | {code.replace("_", "-"): text for code, text in changes.items()}


def record_return(
    organisation,
    month: date,
    values: dict[str, str] | None = None,
    *,
    submitted_on: date | None = None,
    amendments: int = 0,
    status: str = "submitted",
):
    """A return written straight to the database, submitted on `submitted_on` (midday London;
    by default its due date, so on time), with `amendments` later versions of the same values.
    For tests of what the council's pages show."""
    from portal.kpi_returns import ratings
    from portal.kpi_returns.definitions import Catalogue
    from portal.kpi_returns.models import KpiReturn, KpiReturnVersion, KpiValue
    from portal.kpi_returns.obligations import obligation_of

    obligation = obligation_of(organisation.id)
    definitions = Catalogue().for_month(obligation.lot_ids(month) or {0}, month)
    if not definitions:
        definitions = Catalogue().for_month(set(obligation.lots), month)
    by_code = {definition.kpi.code: definition for definition in definitions}
    day = submitted_on or months.due_date(month)
    moment = datetime.combine(day, time(12), tzinfo=LONDON).astimezone(UTC)
    kpi_return = KpiReturn(
        organisation_id=organisation.id,
        month=month,
        status=status,
        submitted_at=moment if status == "submitted" else None,
        amended_at=moment if amendments else None,
        version_count=1 + amendments,
    )
    for number in range(1, amendments + 2):
        version = KpiReturnVersion(
            number=number,
            saved_at=moment,
            submitted_at=moment if status == "submitted" else None,
            reason="Corrected" if number > 1 else None,
        )
        for position, (code, text) in enumerate((values or GOOD).items()):
            definition = by_code[code]
            value = parse_value(definition, text)
            version.values.append(
                KpiValue(
                    kpi_id=definition.kpi_id,
                    kpi_version_id=definition.id,
                    position=position,
                    value=value,
                    rating=ratings.rate(value, definition),
                )
            )
        version.rating = ratings.worst(value.rating for value in version.values)
        kpi_return.versions.append(version)
    kpi_return.rating = kpi_return.versions[-1].rating
    db.session.add(kpi_return)
    db.session.commit()
    return kpi_return
