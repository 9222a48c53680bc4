"""What the risk rule reads of quality's own work (the overdue actions, the latest published
visit's judgement), and which actions the provider may see. Apart from actions and visits so
that they can work the rating out again when they change (risk reads this, they call risk)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select

from portal.core.db import db
from portal.quality.models import ACTION_OPEN, VISIT_PUBLISHED, VISIT_STATUSES, Action, Visit

UNPUBLISHED = tuple(status for status in VISIT_STATUSES if status != VISIT_PUBLISHED)


def visible_to_provider() -> ColumnElement[bool]:
    """Actions the provider may see: all but those of a visit whose findings are not yet
    published (the provider does not know of an unannounced visit before then).

    Said as "not of a visit in any other status": those visits are the few in hand (planned,
    recorded) or cancelled, read from the index of visits by status, where "of a published
    visit" read every visit ever published (4,800 at ten times the council's size) for each
    count of actions."""
    unpublished = select(Visit.id).where(Visit.status.in_(UNPUBLISHED))
    return or_(Action.visit_id.is_(None), Action.visit_id.not_in(unpublished))


def overdue_counts(organisation_ids: Iterable[int], on: date) -> dict[int, int]:
    """How many actions each organisation has overdue on `on` (open past its due date, as
    actions.is_overdue says), counting only those it can see (organisations with none are left
    out). One query."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Action.organisation_id, func.count())
        .where(
            Action.organisation_id.in_(ids),
            Action.status == ACTION_OPEN,
            Action.due_on < on,
            visible_to_provider(),
        )
        .group_by(Action.organisation_id)
    )
    return {organisation_id: count for organisation_id, count in rows}


def latest_judgements(organisation_ids: Iterable[int]) -> dict[int, str]:
    """The judgement of each organisation's latest published visit (by the day it took place,
    then the later record), for those that have one: what the risk rule counts, as the provider
    has seen it. One query."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    ranked = (
        select(
            Visit.organisation_id,
            Visit.judgement,
            func.row_number()
            .over(
                partition_by=Visit.organisation_id,
                order_by=(Visit.visited_on.desc(), Visit.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Visit.organisation_id.in_(ids),
            Visit.status == VISIT_PUBLISHED,
            Visit.judgement.is_not(None),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.organisation_id, ranked.c.judgement).where(ranked.c.rank == 1)
    )
    return {organisation_id: judgement for organisation_id, judgement in rows}
