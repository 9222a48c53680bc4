"""What outcomes put on people's home pages, the review-date reminder, the pages' fixed query
counts, and two commissioners deciding one outcome at once (one decision lands)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from threading import Barrier

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.contracts.models import OUTCOME_EVIDENCED, OUTCOME_MET, ContractOutcome
from portal.core.db import db
from portal.core.time import today, utcnow
from portal.outbox.models import OutboxEmail
from tests.conftest import sign_in
from tests.contracts.helpers import make_active_contract
from tests.contracts.outcome_helpers import add_outcome, approve_statement, catalogue_of
from tests.support import factories
from tests.support.pages import field_value, page_errors, page_text
from tests.support.queries import queries_for


def _running_contract(organisation, **overrides):
    return make_active_contract(
        organisation,
        start_on=today() - timedelta(days=90),
        end_on=today() + timedelta(days=90),
        **overrides,
    )


def test_the_provider_home_lists_outcomes_due_for_evidence(provider_client, organisation):
    contract = _running_contract(organisation)
    definitions = catalogue_of(contract)
    add_outcome(contract, definitions[0], review_on=today() - timedelta(days=1))
    add_outcome(contract, definitions[1], review_on=today() + timedelta(days=20), position=2)
    add_outcome(contract, definitions[2], review_on=today() + timedelta(days=45), position=3)
    home = page_text(provider_client.get("/home"))
    assert f"Give evidence for ‘{definitions[0].title}’" in home
    assert f"Give evidence for ‘{definitions[1].title}’" in home
    assert definitions[2].title not in home


def test_the_commissioner_home_lists_evidence_to_decide(
    commissioner_client, reviewer_client, organisation
):
    contract = _running_contract(organisation)
    definition = catalogue_of(contract)[0]
    add_outcome(
        contract,
        definition,
        review_on=today() + timedelta(days=10),
        status=OUTCOME_EVIDENCED,
        evidenced_at=utcnow(),
    )
    assert f"Decide the outcome ‘{definition.title}’ on {contract.reference}" in page_text(
        commissioner_client.get("/home")
    )
    assert definition.title not in page_text(reviewer_client.get("/home"))


def test_the_review_reminder_goes_once_an_outcome(app, organisation, provider):
    contract = _running_contract(organisation)
    definitions = catalogue_of(contract)
    soon = add_outcome(contract, definitions[0], review_on=today() + timedelta(days=10))
    add_outcome(contract, definitions[1], review_on=today() + timedelta(days=40), position=2)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["contracts", "remind"])
    assert "Reminded providers of 1 outcome review date(s)" in first.output
    second = runner.invoke(args=["contracts", "remind"])
    assert "Reminded providers of 0 outcome review date(s)" in second.output
    (email,) = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.subject.like("Outcome review date coming%"))
    ).all()
    assert email.to_address == provider.email
    assert f"/contracts/{contract.id}/outcomes/{soon.id}/evidence" in email.body


def test_the_outcomes_page_makes_the_same_queries_for_one_outcome_or_five(
    app, commissioner_client, provider_client, organisation, other_organisation
):
    counts = {}
    for owner, many in ((organisation, False), (other_organisation, True)):
        contract = _running_contract(owner)
        definitions = catalogue_of(contract)
        for n in range(4 if many else 1):
            add_outcome(
                contract,
                definitions[n],
                position=n + 1,
                share_percent=25,
                status=OUTCOME_EVIDENCED,
                evidenced_at=utcnow(),
                evidence_document_id=factories.make_document(owner, "other", f"R{n}").id,
            )
        approve_statement(contract, date(2026, 10, 1), 5_000)
        counts[many] = queries_for(app, commissioner_client, f"/contracts/{contract.id}/outcomes")
    assert counts[False] == counts[True]


def test_the_contract_page_makes_the_same_queries_for_one_month_and_outcome_or_many(
    app, commissioner_client, provider_client, organisation
):
    """Months of delivery and statements, outcomes with evidence: the page's statements stay
    as many, for the provider and for the council."""
    counts: dict[bool, list[int]] = {}
    for many in (False, True):
        contract = _running_contract(organisation, title=f"Contract {many}")
        definitions = catalogue_of(contract)
        for n in range(4 if many else 1):
            add_outcome(
                contract,
                definitions[n],
                position=n + 1,
                share_percent=25,
                status=OUTCOME_EVIDENCED,
                evidenced_at=utcnow(),
                evidence_document_id=factories.make_document(organisation, "other", f"E{n}").id,
            )
        first = today().replace(day=1)
        for back in range(3 if many else 1):
            month = (first - timedelta(days=1 + 31 * back)).replace(day=1)
            approve_statement(contract, month, 5_000)
        url = f"/contracts/{contract.id}"
        counts[many] = [
            queries_for(app, commissioner_client, url),
            queries_for(app, provider_client, url),
        ]
    assert counts[False] == counts[True]


def test_two_commissioners_deciding_at_once_make_one_decision(
    app, commissioner_client, commissioner, organisation
):
    contract = _running_contract(organisation)
    outcome = add_outcome(
        contract,
        catalogue_of(contract)[0],
        status=OUTCOME_EVIDENCED,
        evidenced_at=utcnow(),
    )
    approve_statement(contract, date(2026, 10, 1), 10_000)
    colleague = factories.make_user(
        "commissioner-2@council.example.org", role=commissioner.role, two_factor=True
    )
    other_client = sign_in(app.test_client(), colleague)
    url = f"/contracts/{contract.id}/outcomes/{outcome.id}/decision"
    posts = [
        (client, field_value(client.get(url), "lock_version"), decision)
        for client, decision in ((commissioner_client, "met"), (other_client, "not_met"))
    ]
    db.session.commit()
    start = Barrier(2)

    def post(client, version, decision):
        start.wait()
        return client.post(
            url, data={"decision": decision, "reason": "Seen.", "lock_version": version}
        )

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(lambda args: post(*args), posts))

    assert sorted(r.status_code for r in responses) == [200, 302]
    (refused,) = [r for r in responses if r.status_code == 200]
    assert page_errors(refused) == {
        "decision": "This outcome has just been changed by someone else. Check it and try again"
    }
    db.session.rollback()
    decided = db.session.get(ContractOutcome, outcome.id)
    assert decided.status in (OUTCOME_MET, "not_met")
    assert decided.released_pence == (10_000 if decided.status == OUTCOME_MET else 0)
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "contract_outcome.decided")
        )
        == 1
    )
    assert (
        db.session.scalar(
            select(func.count(OutboxEmail.id)).where(
                OutboxEmail.subject.like("The council has decided an outcome%")
            )
        )
        == 1
    )
