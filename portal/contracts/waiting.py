"""What of call-off contracts is waiting for someone, for their home page: a provider's
contracts sent to it to accept; a commissioner's drafts made from awards, to complete and send.
A fixed number of queries, however many contracts there are."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.contracts.models import DRAFT, Contract
from portal.core.db import db
from portal.core.permissions import can
from portal.core.waiting import DUE_SOON, TO_DO, Waiting, plural
from portal.organisations.models import Organisation

# How many contracts the home lists one by one (the rest are counted).
LISTED = 10


def waiting_for(user: User, organisations: list[Organisation]) -> list[Waiting]:
    if not user.is_staff:
        return _to_accept(organisations)
    if can(user, "manage_contracts"):
        return _to_send()
    return []


def _to_accept(organisations: list[Organisation]) -> list[Waiting]:
    names = {organisation.id: organisation.display_name for organisation in organisations}
    if not names:
        return []
    return [
        Waiting(
            link=f"Accept contract {contract.reference}: ‘{contract.title}’",
            endpoint="contracts.show",
            args={"contract_id": contract.id},
            hint=(
                f"The council has sent {names[contract.organisation_id]} a contract to accept. "
                "It starts when you accept it"
            ),
            urgency=DUE_SOON,
        )
        for contract in db.session.scalars(
            select(Contract)
            .where(
                Contract.organisation_id.in_(names),
                Contract.status == DRAFT,
                Contract.sent_at.is_not(None),
            )
            .order_by(Contract.sent_at, Contract.id)
        )
    ]


def _to_send() -> list[Waiting]:
    waiting = (Contract.status == DRAFT, Contract.sent_at.is_(None))
    total = db.count(select(func.count(Contract.id)).where(*waiting))
    items = [
        Waiting(
            link=f"Complete and send contract {contract.reference}: ‘{contract.title}’",
            endpoint="contracts.complete",
            args={"contract_id": contract.id},
            hint="Made from a confirmed award: give its team and end date, then send it",
            urgency=TO_DO,
        )
        for contract in db.session.scalars(
            select(Contract).where(*waiting).order_by(Contract.id).limit(LISTED)
        )
    ]
    if total > LISTED:
        items.append(
            Waiting(
                link="All contracts to complete and send",
                endpoint="contracts.index",
                args={"status": "to_send"},
                hint=f"{plural(total, 'contract', 'contracts')}; the {LISTED} oldest are listed",
            )
        )
    return items
