"""Making a contract through the service: the terms it refuses and the version it keeps."""

from __future__ import annotations

from datetime import date

import pytest

from portal.contracts.models import ACTIVE, ORIGINAL, ContractVersion
from portal.contracts.services.common import ContractError, Terms, make_contract
from portal.core.db import db
from tests.contracts.helpers import make_active_contract


def test_a_contract_keeps_its_original_terms_as_version_one(organisation):
    contract = make_active_contract(organisation, rate_pence=4_000, planned_units=30)

    (version,) = db.session.query(ContractVersion).filter_by(contract_id=contract.id).all()
    assert contract.status == ACTIVE
    assert contract.total_pence == 120_000
    assert (version.number, version.kind, version.total_pence) == (1, ORIGINAL, 120_000)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rate_pence": 0}, "rate"),
        ({"rate_pence": -5}, "rate"),
        ({"rate_pence": 10**12}, "rate"),
        ({"planned_units": 0}, "planned_units"),
        ({"planned_units": 10**9}, "planned_units"),
        ({"held_back_percent": 31}, "held_back_percent"),
        ({"unit": "fortnight"}, "unit"),
        ({"end_on": date(2026, 1, 1)}, "end_on"),
    ],
)
def test_terms_no_contract_can_have_are_refused_by_field(organisation, overrides, field):
    given = {
        "organisation_id": organisation.id,
        "lot_id": 1,
        "title": "Tuition",
        "team": "SEND",
        "start_on": date(2027, 1, 4),
        "end_on": date(2027, 3, 26),
        "unit": "hour",
        "rate_pence": 4_000,
        "planned_units": 30,
        "held_back_percent": 10,
    }
    terms = Terms(**{**given, **overrides})
    with pytest.raises(ContractError) as refused:
        make_contract(None, terms, direct_ground="urgent_need")
    assert field in refused.value.errors
