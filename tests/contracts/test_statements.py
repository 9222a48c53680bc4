"""Self-billing statements: made when a delivery is submitted, printed for both sides, approved
or queried by a commissioner, answered and remade by the provider; VAT for a registered
provider; outcome money released paid once; the council's list and the provider's view."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.contracts.models import (
    ContractOutcome,
    Delivery,
    OutcomeDefinition,
    Statement,
    StatementLine,
)
from portal.contracts.services import statements
from portal.core.db import db
from tests.contracts.delivery_helpers import (
    FEBRUARY,
    GOOD,
    JANUARY,
    clock_for,
    delivery_url,
    form_for,
    submit_delivery,
)
from tests.contracts.helpers import make_active_contract
from tests.support.emails import emails_to, last_email_to
from tests.support.pages import banner_text, field_value, page_errors, page_h1, page_text
from tests.support.queries import counting_queries, queries_for


@pytest.fixture(autouse=True)
def clock(app):
    yield from clock_for(app)


def _statement() -> Statement:
    db.session.rollback()
    return db.session.scalars(select(Statement).order_by(Statement.id.desc())).first()


def _statement_url(statement) -> str:
    return (
        f"/contracts/organisations/{statement.contract.organisation_id}/statements/{statement.id}"
    )


def _approve(client, statement):
    page = client.get(_statement_url(statement))
    return client.post(
        f"/contracts/statements/{statement.id}/approve",
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "lock_version": field_value(page, "lock_version"),
        },
    )


def _query(client, statement, reason: str):
    url = f"/contracts/statements/{statement.id}/query"
    page = client.get(url)
    return client.post(
        url,
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "submission_id": field_value(page, "submission_id"),
            "lock_version": field_value(page, "lock_version"),
            "reason": reason,
        },
    )


@pytest.mark.parametrize(
    ("vat_number", "vat", "gross"),
    [(None, 0, 32_400), ("GB123456789", 6_480, 38_880)],
)
def test_the_statement_prints_the_supplier_vat_status_lines_and_totals(
    provider_client, commissioner_client, provider, organisation, vat_number, vat, gross
):
    organisation.vat_number = vat_number
    db.session.commit()
    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    statement = _statement()

    for client in (provider_client, commissioner_client):
        page = client.get(_statement_url(statement))
        assert page.status_code == 200
        text = page_text(page)
        assert page_h1(page) == f"Self-billing statement {statement.number}"
        assert "Organisation A Ltd" in text
        if vat_number:
            assert "VAT registration number: GB123456789" in text and "VAT at 20%" in text
        else:
            assert "Not registered for VAT: no VAT is charged" in text
        assert "8 sessions at £45 per session £360" in text
        assert "10% held back until outcomes are met −£36" in text
        assert f"Net £324 {'VAT at 20% £64.80' if vat else 'VAT £0'} Total £{gross / 100:g}" in text
        assert "Cost centre SEND" in text
    assert (statement.vat_pence, statement.gross_pence) == (vat, gross)
    # The commissioner alone is offered the decision.
    assert "Approve statement" in page_text(commissioner_client.get(_statement_url(statement)))
    assert "Approve statement" not in page_text(provider_client.get(_statement_url(statement)))


def test_vat_is_rounded_half_up_to_the_penny():
    assert statements.vat_on(1, 20) == 0  # 0.2p
    assert statements.vat_on(3, 20) == 1  # 0.6p
    assert statements.vat_on(5, 20) == 1  # 1.0p
    assert statements.vat_on(13, 20) == 3  # 2.6p
    assert statements.vat_on(1_234_567, 20) == 246_913  # 246,913.4p
    assert statements.vat_on(2_5, 20) == 5
    assert statements.vat_on(-13, 20) == -3  # half up, away from zero


def test_commissioners_hear_of_a_statement_waiting_and_approve_it(
    provider_client, commissioner_client, commissioner, provider, organisation
):
    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    statement = _statement()
    waiting = last_email_to(commissioner.email)
    assert waiting.subject == (
        f"Statement {statement.number} from Organisation A Ltd is waiting for approval"
    )
    home = page_text(commissioner_client.get("/home"))
    assert "Statements waiting for approval" in home and "1 statement" in home

    approved = _approve(commissioner_client, statement)

    assert approved.status_code == 302
    page = commissioner_client.get(_statement_url(statement))
    assert f"Statement {statement.number} approved" in banner_text(page)
    statement = _statement()
    assert statement.status == "approved" and statement.approved_by_id == commissioner.id
    assert db.session.scalar(select(Delivery.status)) == "approved"
    email = last_email_to(provider.email)
    assert email.subject == f"Statement {statement.number} approved"
    assert "£324" in email.body
    # Approving again (an old page) changes nothing.
    again = _approve(commissioner_client, statement)
    assert again.status_code == 302
    assert "has just been approved or queried by someone else" in banner_text(
        commissioner_client.get(_statement_url(statement))
    )
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "statement.approved"))
        == 1
    )
    # The month can no longer be changed.
    refused = provider_client.post(
        delivery_url(contract, FEBRUARY), data=GOOD | {"submit": "Submit delivery"}
    )
    assert refused.status_code == 302
    assert "has been approved" in banner_text(provider_client.get(delivery_url(contract, FEBRUARY)))


def test_a_stale_approval_page_is_refused(provider_client, commissioner_client, organisation):
    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    statement = _statement()
    page = commissioner_client.get(_statement_url(statement))

    response = commissioner_client.post(
        f"/contracts/statements/{statement.id}/approve",
        data={"csrf_token": field_value(page, "csrf_token"), "lock_version": "99"},
    )

    assert response.status_code == 302
    assert "just been approved or queried by someone else" in banner_text(
        commissioner_client.get(_statement_url(statement))
    )
    assert _statement().status == "waiting"


def test_a_query_is_answered_the_delivery_corrected_and_the_statement_remade(
    provider_client, commissioner_client, commissioner, provider, organisation
):
    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    statement = _statement()
    number = statement.number

    assert (
        _query(
            commissioner_client, statement, "Eight sessions? The register shows six."
        ).status_code
        == 302
    )

    statement = _statement()
    assert statement.status == "queried"
    email = last_email_to(provider.email)
    assert email.subject == f"The council has a question about statement {number}"
    assert "The register shows six." in email.body
    home = page_text(provider_client.get("/home"))
    assert f"Answer the council’s question on statement {number}" in home
    url = delivery_url(contract, FEBRUARY)
    page = provider_client.get(url)
    assert "The register shows six." in page_text(page)
    assert field_value(page, "units_delivered") == "8"

    # An answer is needed, and must name no child.
    corrected = GOOD | {"units_delivered": "6", "sessions_attended": "6"}
    for answer, message in [
        ("", "Enter your answer to the council's question"),
        ("Tommy Smith was ill", "Your answer must not include a name"),
        ("x" * 2001, "Your answer must be 2000 characters or fewer"),
    ]:
        refused = provider_client.post(
            url, data=form_for(provider_client, url, corrected, answer=answer, submit="Submit")
        )
        assert page_errors(refused).get("answer", "").startswith(message), page_errors(refused)
        assert _statement().status == "queried"
        assert db.session.scalar(select(Delivery.units_delivered)) == 8

    resubmitted = provider_client.post(
        url,
        data=form_for(
            provider_client, url, corrected, answer="Two sessions were cancelled.", submit="Submit"
        ),
    )

    assert resubmitted.status_code == 302
    statement = _statement()
    assert (statement.number, statement.status) == (number, "waiting")
    assert statement.provider_answer == "Two sessions were cancelled."
    assert statement.net_pence == 6 * 4_500 - 6 * 4_500 // 10
    assert db.session.scalar(select(func.count(Statement.id))) == 1
    assert db.session.scalar(select(func.count(StatementLine.id))) == 2
    assert "answers the council's question" in last_email_to(commissioner.email).body
    text = page_text(commissioner_client.get(_statement_url(statement)))
    assert "The supplier’s answer Two sessions were cancelled." in text


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter what is wrong with the statement"),
        ("x" * 2001, "Your question must be 2000 characters or fewer"),
        ("Is this for Kacey Brown?", "Your question must not include a name"),
    ],
)
def test_a_query_without_a_proper_reason_is_refused(
    provider_client, commissioner_client, organisation, reason, message
):
    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302

    refused = _query(commissioner_client, _statement(), reason)

    assert refused.status_code == 200
    assert page_errors(refused)["reason"].startswith(message)
    assert _statement().status == "waiting"


def test_someone_elses_statement_is_not_found(
    provider_client, other_provider_client, organisation, other_organisation
):
    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    statement = _statement()
    assert other_provider_client.get(_statement_url(statement)).status_code == 404
    # Our statement under their organisation's address.
    url = f"/contracts/organisations/{other_organisation.id}/statements/{statement.id}"
    assert other_provider_client.get(url).status_code == 404


def test_outcome_money_released_is_paid_once(provider_client, commissioner_client, organisation):
    contract = make_active_contract(organisation)
    definition = OutcomeDefinition(lot_id=contract.lot_id, title="Attendance rises to 90%")
    db.session.add(definition)
    db.session.flush()
    released = ContractOutcome(
        contract_id=contract.id,
        definition_id=definition.id,
        baseline="60%",
        target="90%",
        review_on=date(2027, 2, 1),
        share_percent=60,
        status="met",
        released_pence=12_345,
    )
    undecided = ContractOutcome(
        contract_id=contract.id,
        definition_id=definition.id,
        position=1,
        baseline="None",
        target="One",
        review_on=date(2027, 6, 1),
        share_percent=40,
    )
    db.session.add_all([released, undecided])
    db.session.commit()

    assert submit_delivery(provider_client, contract, JANUARY).status_code == 302
    first = _statement()
    assert submit_delivery(provider_client, contract, FEBRUARY).status_code == 302
    second = _statement()

    kinds = db.session.execute(
        select(StatementLine.statement_id, StatementLine.kind, StatementLine.amount_pence).order_by(
            StatementLine.statement_id, StatementLine.position
        )
    ).all()
    assert [tuple(k) for k in kinds] == [
        (first.id, "delivery", 36_000),
        (first.id, "held_back", -3_600),
        (first.id, "outcome", 12_345),
        (second.id, "delivery", 36_000),
        (second.id, "held_back", -3_600),
    ]
    assert first.net_pence == 36_000 - 3_600 + 12_345
    db.session.refresh(released)
    assert released.paid_on_statement_id == first.id
    assert "Outcome money released: Attendance rises to 90% £123.45" in page_text(
        provider_client.get(_statement_url(first))
    )
    # Queried and remade, the statement still pays the release, once.
    assert _query(commissioner_client, first, "Check the units").status_code == 302
    url = delivery_url(contract, JANUARY)
    assert (
        provider_client.post(
            url, data=form_for(provider_client, url, answer="They are right", submit="Submit")
        ).status_code
        == 302
    )
    assert _statement().id == second.id
    db.session.refresh(first)
    assert first.net_pence == 36_000 - 3_600 + 12_345
    assert db.session.scalar(select(func.count()).where(StatementLine.kind == "outcome")) == 1


def test_the_council_list_filters_and_does_a_fixed_number_of_queries(
    app,
    provider_client,
    other_provider_client,
    commissioner_client,
    organisation,
    other_organisation,
):
    ours = make_active_contract(organisation)
    theirs = make_active_contract(other_organisation, team="Virtual School")
    assert submit_delivery(provider_client, ours, JANUARY).status_code == 302

    first = queries_for(app, commissioner_client, "/contracts/statements")
    assert submit_delivery(provider_client, ours, FEBRUARY).status_code == 302
    assert submit_delivery(other_provider_client, theirs, JANUARY).status_code == 302
    assert queries_for(app, commissioner_client, "/contracts/statements") == first

    with counting_queries(app) as statements:
        text = page_text(commissioner_client.get("/contracts/statements"))
    assert "Showing 1 to 3 of 3 statements" in text
    # How many in all is read with the page's rows, not by a statement of its own.
    assert sum("FROM statements JOIN contracts" in statement for statement in statements) == 1
    # A page past the end shows the last.
    text = page_text(commissioner_client.get("/contracts/statements?page=9"))
    assert "Showing 1 to 3 of 3 statements" in text
    text = page_text(commissioner_client.get("/contracts/statements?team=Virtual+School"))
    assert "Showing 1 to 1 of 1 statement" in text and "Organisation B Ltd" in text
    text = page_text(commissioner_client.get("/contracts/statements?month=2027-02"))
    assert "Showing 1 to 1 of 1 statement" in text and "February 2027" in text
    assert "No statements match" in page_text(
        commissioner_client.get("/contracts/statements?status=approved")
    )
    # Filters that mean nothing show everything waiting.
    text = page_text(
        commissioner_client.get("/contracts/statements?status=%3Cb%3E&team=x&month=13")
    )
    assert "Showing 1 to 3 of 3 statements" in text


def test_the_provider_sees_its_statements_and_what_was_approved_by_month(
    provider_client, commissioner_client, organisation
):
    contract = make_active_contract(organisation)
    for month in (JANUARY, FEBRUARY):
        assert submit_delivery(provider_client, contract, month).status_code == 302
    january = db.session.scalars(select(Statement).order_by(Statement.id)).first()
    assert _approve(commissioner_client, january).status_code == 302

    text = page_text(provider_client.get(f"/contracts/organisations/{organisation.id}/statements"))

    assert "Nothing is due from you now" in text
    assert "Month Statements Net VAT Total January 2027 1 £324 £0 £324" in text
    assert "Waiting for approval" in text and "Approved" in text
    assert len(emails_to("provider-a@example.org")) >= 1


def test_the_provider_page_does_a_fixed_number_of_queries(app, provider_client, organisation):
    url = f"/contracts/organisations/{organisation.id}/statements"
    first_contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, first_contract, JANUARY).status_code == 302
    first = queries_for(app, provider_client, url)
    second_contract = make_active_contract(organisation, lot_slug="online-tuition")
    for contract, month in ((first_contract, FEBRUARY), (second_contract, JANUARY)):
        assert submit_delivery(provider_client, contract, month).status_code == 302
    assert queries_for(app, provider_client, url) == first


def test_the_contract_pages_delivery_section_shows_each_month(
    app, provider, provider_client, organisation
):
    from flask import render_template
    from flask_login import login_user

    contract = make_active_contract(organisation)
    assert submit_delivery(provider_client, contract, JANUARY).status_code == 302
    statement = _statement()
    with app.test_request_context():
        login_user(provider)
        html = render_template("contracts/_delivery.html", contract=contract)
    assert "March 2027" in html and "Month not ended" in html
    assert "February 2027" in html and "Due 12 March 2027" in html
    assert statement.number in html and "Waiting for approval" in html and "£324" in html
    assert delivery_url(contract, FEBRUARY) in html
