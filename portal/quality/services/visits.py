"""Visits and audits of a provider: planned by a reviewer, recorded against the checklist (a
grade and evidence notes per item, the judgement by the published rule), their findings
published to the provider with the actions they call for."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from portal.core.db import db
from portal.quality.models import VISIT_PUBLISHED, VISIT_RECORDED, Visit


def latest_judgements(organisation_ids: Iterable[int]) -> dict[int, str]:
    """The judgement of each organisation's latest recorded or published visit (by the day it
    took place, then the later record), for those that have one. One query."""
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
            Visit.status.in_((VISIT_RECORDED, VISIT_PUBLISHED)),
            Visit.judgement.is_not(None),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.organisation_id, ranked.c.judgement).where(ranked.c.rank == 1)
    )
    return {organisation_id: judgement for organisation_id, judgement in rows}
