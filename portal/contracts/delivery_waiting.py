"""What of monthly delivery and statements is waiting for someone, for their home page: a
provider's months of delivery due soon or overdue and the council's questions on its statements;
a commissioner's statements waiting for approval. A fixed number of queries, however many
contracts there are."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import User
from portal.contracts.services import delivery, statements
from portal.core.permissions import can
from portal.core.time import format_date
from portal.core.waiting import DUE_SOON, OVERDUE, Waiting, plural
from portal.kpi_returns import months
from portal.organisations.models import Organisation

# How far ahead a provider's home warns of a month's delivery falling due.
DUE_WARNING_DAYS = 14


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    if user.is_staff:
        return _for_council(user)
    return _for_provider(organisations)


def _for_provider(organisations: list[Organisation]) -> list[Waiting]:
    on = months.current_day()
    ids = [organisation.id for organisation in organisations]
    names = {organisation.id: organisation.display_name for organisation in organisations}
    items = []
    for state in delivery.months_owed(ids, on):
        if state.state == delivery.DUE and state.due > on + timedelta(days=DUE_WARNING_DAYS):
            continue
        late = state.state == delivery.OVERDUE
        contract = state.contract
        named = f" for {names[contract.organisation_id]}" if len(organisations) > 1 else ""
        items.append(
            Waiting(
                link=f"Record the delivery for {months.month_name(state.month)} on "
                f"{contract.reference}{named}",
                endpoint="contracts.delivery_month",
                args={
                    "organisation_id": contract.organisation_id,
                    "contract_id": contract.id,
                    "year": state.month.year,
                    "month": state.month.month,
                },
                hint=f"{'Overdue: it was due' if late else 'Due'} on "
                f"{state.due:%A} {format_date(state.due)}",
                urgency=OVERDUE if late else DUE_SOON,
                due=state.due,
            )
        )
    for statement in delivery.statements_queried(ids):
        items.append(
            Waiting(
                link=f"Answer the council’s question on statement {statement.number}",
                endpoint="contracts.delivery_month",
                args={
                    "organisation_id": statement.contract.organisation_id,
                    "contract_id": statement.contract_id,
                    "year": statement.month.year,
                    "month": statement.month.month,
                },
                hint=f"Delivery for {months.month_name(statement.month)}: correct it or say why "
                "it is right, and submit it again",
                urgency=DUE_SOON,
            )
        )
    return items


def _for_council(user: User) -> list[Waiting]:
    if not can(user, "manage_contracts"):
        return []
    count, oldest = statements.waiting_count()
    if not count:
        return []
    return [
        Waiting(
            link="Statements waiting for approval",
            endpoint="contracts.statements_list",
            hint=f"{plural(count, 'statement', 'statements')}, the oldest issued on "
            f"{format_date(oldest)}",
            urgency=DUE_SOON,
        )
    ]
