"""The two lists of competitions: every competition, for council staff, and the opportunities an
organisation was invited to, for its members.

Each list reads only the columns it shows, as plain rows, through statements built once here:
as ORM objects (a competition, its lot and creator joined, each invitation with its
organisation) and statements built per request, the lists spent most of their 10 ms a request
in SQLAlchemy, not in PostgreSQL. Neither reads anything of a quote but its status (a provider's
own) or how many were submitted (all the council may know before the deadline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, BindParameter, and_, bindparam, func, select

from portal.accounts.models import User
from portal.competitions.clock import now
from portal.competitions.models import (
    KINDS,
    QUOTE_SUBMITTED,
    Competition,
    Invitation,
    Quote,
    reference_of,
)
from portal.competitions.services.common import Stage, stage_of
from portal.core.db import db
from portal.core.pagination import PER_PAGE, Page, rows_and_total
from portal.lots.models import Lot
from portal.organisations.models import Membership, Organisation

# Council staff's list -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listed:
    """One row of the council's list."""

    id: int
    title: str
    reference: str
    kind_label: str
    created_by_name: str | None
    lot_name: str
    submission_deadline: datetime
    stage: Stage
    submitted: int
    invited: int


_SUBMITTED = (
    select(func.count(Quote.id))
    .where(Quote.competition_id == Competition.id, Quote.status == QUOTE_SUBMITTED)
    .correlate(Competition)
    .scalar_subquery()
)
_COMPETITIONS = select(func.count(Competition.id))
_STAFF_LIST = (
    select(
        Competition.id,
        Competition.kind,
        Competition.status,
        Competition.title,
        Competition.submission_deadline,
        Lot.name,
        User.full_name,
        Competition.invited_count,
        _SUBMITTED,
        # How many in all, on every row (pagination.rows_and_total): not a statement of its own.
        _COMPETITIONS.correlate(None).scalar_subquery().label("total"),
    )
    .join(Lot, Lot.id == Competition.lot_id)
    .outerjoin(User, User.id == Competition.created_by_id)
    .order_by(Competition.created_at.desc(), Competition.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


def competitions_for_staff(number: int) -> Page:
    """Page `number` of every competition, newest first, each with how many quotes have been
    submitted of how many invited. Two statements with the user's, however many there are
    (three for a page past the end)."""
    rows, number, total = rows_and_total(
        number,
        lambda first: db.session.execute(_STAFF_LIST, {"limit": PER_PAGE, "offset": first}).all(),
        lambda: db.count(_COMPETITIONS),
    )
    at = now()
    return Page(
        [
            Listed(
                id=id_,
                title=title,
                reference=reference_of(kind, id_),
                kind_label=KINDS[kind],
                created_by_name=created_by,
                lot_name=lot_name,
                submission_deadline=deadline,
                stage=stage_of(status, deadline, at),
                submitted=submitted,
                invited=invited,
            )
            for (
                id_,
                kind,
                status,
                title,
                deadline,
                lot_name,
                created_by,
                invited,
                submitted,
                _total,
            ) in rows
        ],
        number,
        total,
    )


# A provider's opportunities -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opportunity:
    """One row of a provider's list: a competition its organisation was invited to."""

    competition_id: int
    title: str
    kind_label: str
    lot_name: str
    organisation_name: str
    submission_deadline: datetime
    stage: Stage
    declined: bool
    quote_status: str | None


# The user's organisations, written into the statements' text as numbers (ids_in_text, given
# when they run): with them as a subquery PostgreSQL walked the competitions by deadline and
# compared each with every invitation of the organisation (3 ms of its CPU at 10x, against 0.5 ms
# when it can look each competition's invitation up in the unique index).
_ORGANISATION_IDS: BindParameter[list[int]] = bindparam(
    "organisation_ids", expanding=True, literal_execute=True
)
# The page's first row: big, as a page number typed in the query string can be.
_FIRST = bindparam("first", type_=BigInteger)
_INVITATIONS = select(func.count(Invitation.id)).where(
    Invitation.organisation_id.in_(_ORGANISATION_IDS)
)
# A page of opportunities with how many there are in all on each row (read alone only for a page
# past the end, which has no row): a statement of its own for the count cost the list about as
# much of PostgreSQL's CPU as the page.
_OPPORTUNITIES = (
    select(
        Invitation.competition_id,
        Invitation.declined_at.is_not(None),
        Competition.kind,
        Competition.status,
        Competition.title,
        Competition.submission_deadline,
        Lot.name,
        Organisation.trading_name,
        Organisation.legal_name,
        Quote.status,
        _INVITATIONS.scalar_subquery().label("total"),
    )
    .join(Competition, Competition.id == Invitation.competition_id)
    .join(Lot, Lot.id == Competition.lot_id)
    .join(Organisation, Organisation.id == Invitation.organisation_id)
    .outerjoin(
        Quote,
        and_(
            Quote.competition_id == Invitation.competition_id,
            Quote.organisation_id == Invitation.organisation_id,
        ),
    )
    .where(Invitation.organisation_id.in_(_ORGANISATION_IDS))
    .order_by(Competition.submission_deadline.desc(), Invitation.id)
    .limit(PER_PAGE)
    .offset(_FIRST)
)


_MEMBER_OF = select(Membership.organisation_id).where(Membership.user_id == bindparam("user_id"))


def opportunities_for(user: User, number: int) -> Page:
    """The competitions the user's organisations were invited to, newest deadline first, with
    the organisation's own quote's status. Three statements with the user's, however many; a
    count and the last page again for a page past the end."""
    values: dict[str, Any] = {
        _ORGANISATION_IDS.key: list(db.session.scalars(_MEMBER_OF, {"user_id": user.id}))
    }
    rows, number, total = rows_and_total(
        number,
        lambda first: db.rows(_OPPORTUNITIES, {**values, _FIRST.key: first}),
        lambda: db.session.execute(_INVITATIONS, values).scalar_one(),
    )
    at = now()
    return Page(
        [
            Opportunity(
                competition_id=competition_id,
                title=title,
                kind_label=KINDS[kind],
                lot_name=lot_name,
                organisation_name=trading_name or legal_name,
                submission_deadline=deadline,
                stage=stage_of(status, deadline, at),
                declined=declined,
                quote_status=quote_status,
            )
            for (
                competition_id,
                declined,
                kind,
                status,
                title,
                deadline,
                lot_name,
                trading_name,
                legal_name,
                quote_status,
                _total,
            ) in rows
        ],
        number,
        total,
    )
