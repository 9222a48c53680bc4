"""Totals, to the penny: two hundred contracts with random rates, volumes, shares held back,
outcome money released and months of delivery (seeded, so every run is the same), their
statements made, approved and exported, and every line, statement and export total checked
against sums worked out here from the random figures alone."""

from __future__ import annotations

import csv
import io
import random
from datetime import date

import pytest
from sqlalchemy import select

from portal.contracts.models import (
    ContractOutcome,
    FinanceExport,
    OutcomeDefinition,
    Statement,
    StatementLine,
)
from portal.contracts.services import delivery, finance_exports, statements
from portal.contracts.services.common import CONTRACT_MOVES, Terms, make_contract
from portal.core import workflow
from portal.core.db import db
from tests.contracts.delivery_helpers import TODAY, clock_for
from tests.support import factories

CONTRACTS = 200
ORGANISATIONS = 8
MONTHS = [date(2027, 1, 1), date(2027, 2, 1)]
TEAMS = {"SEND": "SEND", "Virtual School": "VSCH", "Alternative Provision": "APRV"}


@pytest.fixture(autouse=True)
def clock(app):
    yield from clock_for(app)


def _pence_text(text: str) -> int:
    pounds, pence = text.split(".")
    return int(pounds) * 100 + int(pence)


def test_every_total_adds_up_to_the_penny(app, commissioner):
    chance = random.Random(20261206)
    organisations, owners = [], []
    for n in range(ORGANISATIONS):
        owner = factories.make_user(f"owner-{n}@totals.example.org")
        organisation = factories.make_organisation(owner, legal_name=f"Provider {n} Ltd")
        owners.append(owner)
        # Half are registered for VAT (one with a group branch's 12 digits).
        organisation.vat_number = (
            None if n % 2 else ("GB123456789012" if n == 2 else f"GB{100000000 + n}")
        )
        organisations.append(organisation)
    lot_id = factories.admit(organisations[0], "mentoring").lot_id
    definition = OutcomeDefinition(lot_id=lot_id, title="Reintegration to school")
    db.session.add(definition)
    db.session.commit()

    expected: dict[tuple[int, date], dict] = {}
    with app.test_request_context():
        for n in range(CONTRACTS):
            organisation = organisations[n % ORGANISATIONS]
            rate = chance.choice(
                [
                    chance.randint(1, 99),
                    chance.randint(100, 20_000),
                    chance.randint(20_000, 10_000_000),
                ]
            )
            held_back = chance.randint(0, 30)
            team = chance.choice(list(TEAMS))
            contract = make_contract(
                None,
                Terms(
                    organisation_id=organisation.id,
                    lot_id=lot_id,
                    title=f"Contract {n}",
                    team=team,
                    start_on=date(2027, 1, 4),
                    end_on=date(2027, 6, 30),
                    unit=chance.choice(["session", "hour", "day", "week", "fixed"]),
                    rate_pence=rate,
                    planned_units=chance.randint(1, 100_000),
                    held_back_percent=held_back,
                ),
                direct_ground="urgent_need",
            )
            workflow.move(contract, "active", CONTRACT_MOVES)
            # Some contracts have outcome money released, paid on their first statement.
            released = [chance.randint(1, 5_000_000) for _ in range(chance.choice([0, 0, 1, 2]))]
            for position, amount in enumerate(released):
                db.session.add(
                    ContractOutcome(
                        contract_id=contract.id,
                        definition_id=definition.id,
                        position=position,
                        baseline="Out of school",
                        target="Back in school",
                        review_on=date(2027, 1, 20),
                        share_percent=50,
                        status="met",
                        released_pence=amount,
                    )
                )
            db.session.flush()
            for index, month in enumerate(MONTHS[: chance.randint(1, len(MONTHS))]):
                units = chance.choice([1, chance.randint(1, 40), chance.randint(1, 100_000)])
                offered = chance.randint(0, 1_000)
                delivery.save_delivery(
                    owners[n % ORGANISATIONS],
                    organisation,
                    contract.id,
                    month,
                    delivery.Figures(units, offered, chance.randint(0, offered), {}, None),
                    submit=True,
                    seen=None,
                    on=TODAY,
                )
                amount = units * rate
                kept_back = amount * held_back // 100
                net = amount - kept_back + (sum(released) if index == 0 else 0)
                vat = (net * 20 + 50) // 100 if organisation.vat_number else 0
                expected[contract.id, month] = {
                    "lines": [amount]
                    + ([-kept_back] if held_back else [])
                    + (released if index == 0 else []),
                    "net": net,
                    "vat": vat,
                    "gross": net + vat,
                    "supplier": organisation.legal_name,
                    "cost_centre": TEAMS[team],
                }
        db.session.commit()
        for statement in db.session.scalars(select(Statement).order_by(Statement.id)).all():
            statements.approve_statement(commissioner, statement, seen=statement.lock_version)
        db.session.commit()
        export = finance_exports.make_finance_export(commissioner)
        db.session.commit()

    db.session.expire_all()
    made = db.session.scalars(select(Statement).order_by(Statement.id)).all()
    assert len(made) == len(expected) > CONTRACTS
    lines = {}
    for line in db.session.scalars(select(StatementLine).order_by(StatementLine.position)):
        lines.setdefault(line.statement_id, []).append(line.amount_pence)
    by_number = {}
    for statement in made:
        want = expected[statement.contract_id, statement.month]
        assert lines[statement.id] == want["lines"], statement.number
        assert (statement.net_pence, statement.vat_pence, statement.gross_pence) == (
            want["net"],
            want["vat"],
            want["gross"],
        ), statement.number
        assert statement.status == "approved" and statement.exported_in_id == export.id
        by_number[statement.number] = want

    # The export: one line per statement, each amount as worked out here, and its total.
    (only,) = db.session.scalars(select(FinanceExport)).all()
    rows = list(csv.reader(io.StringIO(only.content.removeprefix("\ufeff"))))
    assert rows[0] == finance_exports.HEADER
    assert len(rows) - 1 == len(expected)
    for supplier, cost_centre, net, vat, gross, number in rows[1:]:
        want = by_number.pop(number)
        assert (supplier, cost_centre) == (want["supplier"], want["cost_centre"])
        assert (_pence_text(net), _pence_text(vat), _pence_text(gross)) == (
            want["net"],
            want["vat"],
            want["gross"],
        )
    assert by_number == {}
    grand_total = sum(want["gross"] for want in expected.values())
    assert (only.statement_count, only.total_pence) == (len(expected), grand_total)
    # Outcome money is paid once: every release on exactly one statement.
    paid = db.session.scalars(select(ContractOutcome.paid_on_statement_id)).all()
    assert None not in paid
