"""Each outcome's copy of its contract's lot and team (kept by the database's triggers), which
the spend report counts decided outcomes by: a change shows on the next report, and after every
kind of write to outcomes and contracts the copies equal the contracts' own."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import delete, select, update

from portal.contracts.models import (
    OUTCOME_MET,
    OUTCOME_NOT_MET,
    OUTCOME_PARTLY_MET,
    Contract,
    ContractOutcome,
    StatementLine,
)
from portal.core.db import db
from portal.core.time import LONDON
from tests.contracts import spend_data
from tests.contracts.delivery_helpers import clock_for
from tests.contracts.test_reports import FIRST, LAST, _csv

DECIDED = (OUTCOME_MET, OUTCOME_PARTLY_MET, OUTCOME_NOT_MET)
COLUMNS = {OUTCOME_MET: "Met", OUTCOME_PARTLY_MET: "Partly met", OUTCOME_NOT_MET: "Not met"}


@pytest.fixture(autouse=True)
def clock(app):
    yield from clock_for(app)


def _kept() -> dict[int, tuple[int | None, str | None]]:
    rows = db.session.execute(
        select(ContractOutcome.id, ContractOutcome.contract_lot_id, ContractOutcome.contract_team)
    )
    return {outcome_id: (lot_id, team) for outcome_id, lot_id, team in rows}


def _from_contracts() -> dict[int, tuple[int | None, str | None]]:
    rows = db.session.execute(
        select(ContractOutcome.id, Contract.lot_id, Contract.team).join(
            Contract, Contract.id == ContractOutcome.contract_id
        )
    )
    return {outcome_id: (lot_id, team) for outcome_id, lot_id, team in rows}


def _assert_kept() -> None:
    db.session.commit()
    expected = _from_contracts()
    assert expected  # some outcomes to compare
    assert _kept() == expected


def test_the_copies_equal_the_contracts_after_every_kind_of_write(app_ctx):
    rng = random.Random(18)
    built = spend_data.Built()
    organisations = spend_data.make_organisations(rng, 5, built)
    spend_data.build(rng, 40, organisations, built)  # outcomes written by the ORM
    _assert_kept()

    outcomes = db.session.scalars(select(ContractOutcome).order_by(ContractOutcome.id)).all()
    contracts = db.session.scalars(select(Contract).order_by(Contract.id)).all()
    lots = sorted({contract.lot_id for contract in contracts})

    # A contract's lot and team change through the ORM; another's lot in a plain UPDATE.
    first = outcomes[0].contract
    first.team = "Virtual School" if first.team != "Virtual School" else "SEND"
    first.lot_id = next(lot for lot in lots if lot != first.lot_id)
    _assert_kept()
    other = outcomes[-1].contract_id
    db.session.execute(
        update(Contract)
        .where(Contract.id == other)
        .values(lot_id=rng.choice(lots), team="Early Help")
        .execution_options(synchronize_session=False)
    )
    _assert_kept()

    # Every contract's team at once, as a bulk change would write it.
    db.session.execute(
        update(Contract).values(team="SEND").execution_options(synchronize_session=False)
    )
    _assert_kept()

    # An outcome moves to another contract, by the ORM and by a plain UPDATE.
    outcomes[1].contract_id = next(c.id for c in contracts if c.id != outcomes[1].contract_id)
    _assert_kept()
    db.session.execute(
        update(ContractOutcome)
        .where(ContractOutcome.id == outcomes[2].id)
        .values(contract_id=rng.choice(contracts).id)
        .execution_options(synchronize_session=False)
    )
    _assert_kept()

    # Outcomes go, with the lines that paid them.
    gone = [outcome.id for outcome in outcomes[3:6]]
    db.session.execute(delete(StatementLine).where(StatementLine.outcome_id.in_(gone)))
    db.session.execute(delete(ContractOutcome).where(ContractOutcome.id.in_(gone)))
    _assert_kept()


def _decided_by_lot(client) -> dict[str, tuple[int, ...]]:
    """The report's outcomes decided in the period by lot, for lots with any."""
    counts = {
        row["Type of service"]: tuple(int(row[COLUMNS[status]]) for status in DECIDED)
        for row in _csv(client, "outcomes")
    }
    return {lot: counted for lot, counted in counts.items() if any(counted)}


def _counted_afresh(names: dict[int, str]) -> dict[str, tuple[int, ...]]:
    """The outcomes decided in the period (London days) counted by their contract's lot."""
    counted: Counter[tuple[int, str]] = Counter()
    for lot_id, status, decided_at in db.session.execute(
        select(Contract.lot_id, ContractOutcome.status, ContractOutcome.decided_at).join(
            Contract, Contract.id == ContractOutcome.contract_id
        )
    ):
        if status in DECIDED and FIRST <= decided_at.astimezone(LONDON).date() <= LAST:
            counted[(lot_id, status)] += 1
    return {
        names[lot_id]: tuple(counted[(lot_id, status)] for status in DECIDED)
        for lot_id in {lot_id for lot_id, _status in counted}
    }


def test_a_contract_moved_to_another_lot_shows_on_the_next_report(commissioner_client, app_ctx):
    rng = random.Random(7)
    built = spend_data.Built()
    organisations = spend_data.make_organisations(rng, 3, built)
    spend_data.build(rng, 30, organisations, built)
    db.session.commit()
    names = {lot.id: lot.name for lot in spend_data._lots()}
    before = _decided_by_lot(commissioner_client)
    assert before  # some outcomes decided in the period
    assert before == _counted_afresh(names)

    # A contract with outcomes decided in the period moves lot in a plain UPDATE.
    moved = next(
        d.contract
        for d in built.decisions
        if d.status in DECIDED and FIRST <= d.decided_at.astimezone(LONDON).date() <= LAST
    )
    to_lot = next(lot_id for lot_id in names if lot_id != moved.lot_id)
    db.session.execute(
        update(Contract)
        .where(Contract.id == moved.id)
        .values(lot_id=to_lot)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    after = _decided_by_lot(commissioner_client)
    assert after != before
    assert names[to_lot] in after
    assert after == _counted_afresh(names)
