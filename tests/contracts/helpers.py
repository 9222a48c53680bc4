"""Contracts made directly through the service, for tests of what comes after: delivery,
statements, outcomes and reports. The journeys that make them (an award, a direct call-off,
acceptance) are tested through the pages in their own tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.admissions.models import Admission
from portal.contracts.models import ACTIVE, Contract
from portal.contracts.services.common import CONTRACT_MOVES, Terms, make_contract
from portal.core import workflow
from portal.core.db import db
from portal.core.time import utcnow
from portal.lots.models import Lot
from portal.organisations.models import Organisation
from tests.support import factories


def make_active_contract(
    organisation: Organisation,
    *,
    lot_slug: str = "mentoring",
    user=None,
    active: bool = True,
    **overrides,
) -> Contract:
    """A contract for `organisation` (admitted to the lot, with its documents), made as a
    direct call-off and, unless `active` is False, accepted. `overrides` change its Terms."""
    lot = db.session.scalar(select(Lot).where(Lot.slug == lot_slug))
    admitted = lot is not None and db.session.scalar(
        select(Admission.id).where(
            Admission.organisation_id == organisation.id, Admission.lot_id == lot.id
        )
    )
    if not admitted:  # a second contract on the lot finds the organisation there already
        factories.admit(organisation, lot_slug)
        lot = db.session.scalar(select(Lot).where(Lot.slug == lot_slug))
    terms = {
        "organisation_id": organisation.id,
        "lot_id": lot.id,
        "title": "Mentoring for PR-0001",
        "team": "SEND",
        "start_on": date(2027, 1, 4),
        "end_on": date(2027, 7, 16),
        "unit": "session",
        "rate_pence": 4_500,
        "planned_units": 60,
        "held_back_percent": 10,
        "placement_reference": "PR-0001",
        **overrides,
    }
    contract = make_contract(user, Terms(**terms), direct_ground="urgent_need")
    if active:
        workflow.move(contract, ACTIVE, CONTRACT_MOVES, accepted_at=utcnow())
    db.session.commit()
    return contract
