"""What of KPI returns is waiting for someone, for their home page: a provider's returns due
soon or missing and the council's questions to answer; the council's months of returns to check
and escalations open. Each a fixed number of queries, however many returns there are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Date, bindparam, func, select

from portal.accounts.models import User
from portal.admissions.held import admissions_held
from portal.core.permissions import can
from portal.core.time import format_date
from portal.core.waiting import (
    DUE_SOON,
    OVERDUE,
    Figures,
    Listed,
    Waiting,
    plural,
    the_rest,
)
from portal.kpi_returns import escalations, months, reports
from portal.kpi_returns.models import (
    KpiMonthLock,
    KpiMonthTally,
)
from portal.kpi_returns.obligations import (
    DUE,
    MISSING,
    DueDates,
    obligations_of_held,
    state_of,
)
from portal.organisations.models import Organisation

# How far ahead a provider's home warns of a return falling due.
DUE_WARNING_DAYS = 14
# How many open escalations the home lists one by one (the rest are counted).
ESCALATIONS_LISTED = 5
# The council's roles that check returns (and lock months) and that work escalations, as the
# KPI pages allow them.


def waiting_for(
    user: User, organisations: list[Organisation]
) -> Sequence[Waiting | Figures | Listed]:
    if user.is_staff:
        return _for_council(user)
    return _for_provider(organisations)


def _for_provider(organisations: list[Organisation]) -> list[Listed]:
    """Each return missing or due within DUE_WARNING_DAYS, and each question from the council
    not yet answered (the returns read with the home's other lists)."""
    on = months.current_day()
    ids = [organisation.id for organisation in organisations]
    if not ids:
        return []
    # From the admissions the home page has read already (its standing, capacity).
    obligations = obligations_of_held(admissions_held(ids))
    owed = {id_: obligation.months(on) for id_, obligation in obligations.items()}
    every_month = [month for months_owed in owed.values() for month in months_owed]
    # The returns of the months owed and the council's open questions: one statement.
    params = {
        "ids": ids,
        "first": min(every_month, default=None),
        "last": max(every_month, default=None),
    }
    return [
        Listed(
            reports.SUMMARIES_AND_OPEN_QUERIES,
            params,
            partial(_provider_items, organisations, owed, on),
        )
    ]


def _provider_items(
    organisations: list[Organisation],
    owed: dict[int, list[date]],
    on: date,
    rows: list[Sequence[Any]],
) -> list[Waiting]:
    """The provider's items from the months each organisation owes and the rows of
    reports.SUMMARIES_AND_OPEN_QUERIES."""
    summaries, questions = reports.summaries_and_open_queries_of(rows)
    due_dates = DueDates()
    items = []
    for organisation in organisations:
        named = f" for {organisation.display_name}" if len(organisations) > 1 else ""
        for month in owed[organisation.id]:
            state = state_of(
                month, True, summaries.get((organisation.id, month)), on, due_dates(month)
            )
            if state.state == DUE and state.due > on + timedelta(days=DUE_WARNING_DAYS):
                continue
            if state.state not in (DUE, MISSING):
                continue
            late = state.state == MISSING
            name = months.month_name(month)
            items.append(
                Waiting(
                    link=f"Fill in the KPI return for {name}{named}",
                    endpoint="kpi_returns.show_return",
                    args={
                        "organisation_id": organisation.id,
                        "year": month.year,
                        "month": month.month,
                    },
                    hint=f"{'Late: it was due' if late else 'Due'} on "
                    f"{state.due:%A} {format_date(state.due)}",
                    urgency=OVERDUE if late else DUE_SOON,
                    due=state.due,
                )
            )
    names = {organisation.id: organisation.display_name for organisation in organisations}
    for query_id, organisation_id, month in questions:
        named = f" for {names[organisation_id]}" if len(organisations) > 1 else ""
        items.append(
            Waiting(
                link=f"Answer the council’s question on your {months.month_name(month)} "
                f"KPI return{named}",
                endpoint="kpi_returns.answer",
                args={"organisation_id": organisation_id, "query_id": query_id},
                hint="The council has asked about a figure",
                urgency=DUE_SOON,
            )
        )
    return items


# From the submitted returns' count per month (kept by the database), not from every return ever
# submitted: a row a month. Built once, with the last month ended as a parameter: a statement
# built for every request costs more than running it.
_TO_CHECK = select(
    func.coalesce(func.sum(KpiMonthTally.submitted), 0), func.min(KpiMonthTally.month)
).where(
    KpiMonthTally.submitted > 0,
    KpiMonthTally.month <= bindparam("last", type_=Date),
    KpiMonthTally.month.not_in(select(KpiMonthLock.month)),
)


def _for_council(user: User) -> list[Figures | Listed]:
    """Checkers: the returns submitted for months not yet locked (counted with the home's other
    figures). Those who work escalations: each open escalation, oldest first
    (ESCALATIONS_LISTED of them, and how many in all; listed with the home's other lists)."""
    items: list[Figures | Listed] = []
    if can(user, "check_returns"):
        last = months.last_ended(months.current_day())
        items.append(Figures(_TO_CHECK, {"last": last}, _to_check))
    if can(user, "escalate"):
        items.append(Listed(escalations.oldest_open_query(ESCALATIONS_LISTED), {}, _escalated))
    return items


def _escalated(rows: list[Sequence[Any]]) -> list[Waiting]:
    """An item for each open escalation listed, and one for the rest when more are open."""
    lines, total = escalations.oldest_open(rows)
    items = [
        Waiting(
            link=f"Escalation: {line.organisation_name}",
            endpoint="kpi_returns.escalation",
            args={"escalation_id": line.id},
            hint=f"{line.summary}; opened {format_date(line.opened_at)}",
            urgency=DUE_SOON,
        )
        for line in lines
    ]
    return items + the_rest(
        total,
        ESCALATIONS_LISTED,
        "Open escalations",
        "kpi_returns.escalation_list",
        f"{plural(total, 'escalation', 'escalations')} open in all",
    )


def _to_check(figures: Sequence[Any]) -> list[Waiting]:
    """The checkers' item for the returns in months not yet locked (figures of _TO_CHECK)."""
    count, oldest = figures
    if not count:
        return []
    return [
        Waiting(
            link="KPI returns to check",
            endpoint="kpi_returns.dashboard",
            hint=f"{plural(count, 'return', 'returns')} in months not yet locked, the "
            f"oldest for {months.month_name(oldest)}",
        )
    ]
