"""A contract's outcomes, through the pages: a commissioner names them, the provider gives
evidence from its own library, a commissioner decides and the held-back money is released by
the published rule. Every bad input is refused beside its field with nothing half-written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.contracts.models import (
    OUTCOME_DUE,
    OUTCOME_EVIDENCED,
    OUTCOME_MET,
    OUTCOME_NOT_MET,
    OUTCOME_PARTLY_MET,
    ContractOutcome,
)
from portal.contracts.services.common import ContractError
from portal.contracts.services.outcomes import (
    MONEY_RULE,
    OutcomeRow,
    name_outcomes,
    released_pence,
)
from portal.core.db import db
from portal.core.time import today, utcnow
from portal.outbox.models import OutboxEmail
from tests.contracts.helpers import make_active_contract
from tests.contracts.outcome_helpers import (
    add_outcome,
    approve_statement,
    catalogue_of,
    clean_document,
)
from tests.support.pages import banner_text, field_value, page_errors, page_text


def _parts(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def _row(n: int, definition, share="50", review_on=date(2027, 4, 1), **typed) -> dict:
    return {
        f"definition_{n}": str(definition.id),
        f"baseline_{n}": typed.get("baseline", "62% attendance"),
        f"target_{n}": typed.get("target", "85% attendance"),
        f"review_on_{n}": _parts(review_on),
        f"share_{n}": share,
    }


def _outcomes(contract_id: int) -> list[ContractOutcome]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ContractOutcome)
            .where(ContractOutcome.contract_id == contract_id)
            .order_by(ContractOutcome.position)
        )
    )


def _events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


@pytest.fixture
def contract(organisation):
    return make_active_contract(organisation)


@pytest.fixture
def catalogue(contract):
    return catalogue_of(contract)


def _name(client, contract, data: dict, version=None):
    url = f"/contracts/{contract.id}/outcomes/change"
    if version is None:
        version = field_value(client.get(url), "lock_version")
    return client.post(url, data={**data, "lock_version": version})


# Naming ----------------------------------------------------------------------------------------


def test_a_commissioner_names_outcomes_whose_shares_total_100(
    commissioner_client, contract, catalogue
):
    response = _name(
        commissioner_client,
        contract,
        {**_row(1, catalogue[0], "60"), **_row(2, catalogue[1], "40", target="Back in school")},
    )
    assert response.status_code == 302
    first, second = _outcomes(contract.id)
    assert (first.definition_id, first.share_percent, first.status) == (
        catalogue[0].id,
        60,
        OUTCOME_DUE,
    )
    assert (second.target, second.review_on) == ("Back in school", date(2027, 4, 1))
    page = commissioner_client.get(response.location)
    assert "The contract's outcomes have been saved" in banner_text(page)
    assert MONEY_RULE in page_text(page)
    assert _events("contract.outcomes_named") == 1


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"share_1": "70"},
            {"share_1": "Shares must add up to 100%: they add up to 120%"},
        ),
        ({"share_2": "fifty"}, {"share_2": "Share must be a whole number from 1 to 100"}),
        ({"share_2": "0"}, {"share_2": "Share must be a whole number from 1 to 100"}),
        ({"share_2": "-5"}, {"share_2": "Share must be a whole number from 1 to 100"}),
        ({"share_2": "101"}, {"share_2": "Share must be a whole number from 1 to 100"}),
        ({"baseline_1": ""}, {"baseline_1": "Enter the baseline"}),
        ({"target_2": "x" * 201}, {"target_2": "Target must be 200 characters or fewer"}),
        (
            {"review_on_1": _parts(date(2027, 7, 17))},
            {
                "review_on_1": "Review date must be within the contract, from 4 January 2027 "
                "to 16 July 2027"
            },
        ),
        ({"review_on_1": ["31", "2", "2027"]}, {"review_on_1": "Review date must be a real date"}),
        ({"review_on_2": ["", "", ""]}, {"review_on_2": "Enter the review date"}),
    ],
)
def test_bad_outcomes_are_refused_beside_the_field_with_nothing_written(
    commissioner_client, contract, catalogue, change, errors
):
    data = {**_row(1, catalogue[0]), **_row(2, catalogue[1]), **change}
    page = _name(commissioner_client, contract, data)
    assert page.status_code == 200
    got = page_errors(page)
    assert {k.removesuffix("-day"): v for k, v in got.items()} == errors
    assert _outcomes(contract.id) == []


def test_the_same_outcome_twice_another_lots_or_a_retired_one_is_refused(
    commissioner_client, contract, catalogue, other_organisation
):
    other_lot = catalogue_of(make_active_contract(other_organisation, lot_slug="online-tuition"))
    catalogue[2].retired_at = utcnow()
    db.session.commit()
    page = _name(
        commissioner_client,
        contract,
        {
            **_row(1, catalogue[0], "25"),
            **_row(2, catalogue[0], "25"),
            **_row(3, other_lot[0], "25"),
            **_row(4, catalogue[2], "25"),
        },
    )
    assert page_errors(page) == {
        "definition_2": f"You have chosen ‘{catalogue[0].title}’ more than once",
        "definition_3": "Choose an outcome from this type of service's list",
        "definition_4": f"‘{catalogue[2].title}’ has been retired from the list. "
        "Choose another outcome",
    }
    assert _outcomes(contract.id) == []


def test_no_outcome_at_all_is_refused(commissioner_client, contract, catalogue):
    page = _name(commissioner_client, contract, {})
    assert page_errors(page) == {"definition_1": "Choose at least one outcome"}


def test_more_than_five_outcomes_are_refused(commissioner, contract, catalogue):
    rows = [OutcomeRow(n, catalogue[0].id, "a", "b", date(2027, 4, 1), "10") for n in range(1, 7)]
    with pytest.raises(ContractError) as refused:
        name_outcomes(commissioner, contract, rows, contract.lock_version)
    assert refused.value.errors["definition_6"] == "Name no more than 5 outcomes"
    db.session.rollback()
    assert _outcomes(contract.id) == []


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("baseline_1", "Tommy Smith attends 40%", "must not include a name"),
        ("target_1", "Attends school near DY1 4AB", "must not include a full postcode"),
        ("target_1", "Born 03/04/2014, attends 90%", "must not include a date of birth"),
    ],
)
def test_a_childs_personal_data_in_free_text_is_refused(
    commissioner_client, contract, catalogue, field, text, words
):
    page = _name(commissioner_client, contract, {**_row(1, catalogue[0], "100"), field: text})
    assert words in page_errors(page)[field]
    assert _outcomes(contract.id) == []


def test_a_page_older_than_the_contract_is_refused(commissioner_client, contract, catalogue):
    stale = field_value(
        commissioner_client.get(f"/contracts/{contract.id}/outcomes/change"), "lock_version"
    )
    assert _name(commissioner_client, contract, _row(1, catalogue[0], "100")).status_code == 302
    page = _name(commissioner_client, contract, _row(1, catalogue[1], "100"), version=stale)
    assert page.status_code == 200
    assert "has just been changed by someone else" in " ".join(page_errors(page).values())
    (kept,) = _outcomes(contract.id)
    assert kept.definition_id == catalogue[0].id


def test_outcomes_cannot_be_changed_once_evidenced(
    commissioner_client, contract, catalogue, organisation
):
    outcome = add_outcome(contract, catalogue[0])
    outcome.status, outcome.evidenced_at = OUTCOME_EVIDENCED, utcnow()
    db.session.commit()
    page = commissioner_client.get(f"/contracts/{contract.id}/outcomes/change")
    assert "can no longer be changed" in page_text(page)
    page = _name(commissioner_client, contract, _row(1, catalogue[1], "100"), version="1")
    assert "can no longer be changed" in page_text(page)
    assert [o.definition_id for o in _outcomes(contract.id)] == [catalogue[0].id]


def test_providers_and_other_organisations_cannot_name_outcomes(
    provider_client, other_provider_client, contract, catalogue
):
    url = f"/contracts/{contract.id}/outcomes/change"
    assert provider_client.get(url).status_code == 404
    assert other_provider_client.get(f"/contracts/{contract.id}/outcomes").status_code == 404


# Evidence --------------------------------------------------------------------------------------


def _evidence(client, contract, outcome, data: dict, version=None):
    url = f"/contracts/{contract.id}/outcomes/{outcome.id}/evidence"
    if version is None:
        version = field_value(client.get(url), "lock_version")
    return client.post(url, data={**data, "lock_version": version})


def test_the_provider_gives_evidence_and_the_commissioners_are_told(
    provider_client, contract, catalogue, organisation, commissioner
):
    outcome = add_outcome(contract, catalogue[0])
    document = clean_document(organisation)
    response = _evidence(
        provider_client,
        contract,
        outcome,
        {"progress": "Attendance is 78% over six weeks.", "document_id": str(document.id)},
    )
    assert response.status_code == 302
    (saved,) = _outcomes(contract.id)
    assert (saved.status, saved.evidence_document_id) == (OUTCOME_EVIDENCED, document.id)
    (email,) = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.subject.like("Outcome evidence to decide%"))
    ).all()
    assert email.to_address == commissioner.email
    assert f"/contracts/{contract.id}/outcomes/{outcome.id}/decision" in email.body
    # The page links the evidence through the documents' own download.
    page = provider_client.get(response.location)
    assert (
        f"/documents/organisations/{organisation.id}/{document.id}/versions/"
        f"{document.current.id}/download" in page.get_data(as_text=True)
    )
    assert "Give evidence again" in page_text(page)
    # Again, until decided.
    again = _evidence(
        provider_client,
        contract,
        outcome,
        {"progress": "Now 82%.", "document_id": str(document.id)},
    )
    assert again.status_code == 302
    assert _outcomes(contract.id)[0].progress == "Now 82%."


def test_evidence_with_another_organisations_document_is_refused(
    provider_client, contract, catalogue, other_organisation
):
    outcome = add_outcome(contract, catalogue[0])
    theirs = clean_document(other_organisation, "Their report")
    page = _evidence(
        provider_client, contract, outcome, {"progress": "Better.", "document_id": str(theirs.id)}
    )
    assert page_errors(page) == {
        "document_id": "Select a document from your library that is in date and has passed "
        "its virus check"
    }
    assert "Their report" not in page_text(page)
    assert _outcomes(contract.id)[0].status == OUTCOME_DUE


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"progress": "", "document_id": ""},
            {
                "progress": "Enter the progress made towards the outcome",
                "document_id": "Select a document from your library as evidence",
            },
        ),
        (
            {"progress": "x" * 2001},
            {"progress": "Progress must be 2,000 characters or fewer"},
        ),
        (
            {"document_id": "not-a-number"},
            {"document_id": "Select a document from your library as evidence"},
        ),
    ],
)
def test_bad_evidence_is_refused_with_nothing_written(
    provider_client, contract, catalogue, organisation, data, errors
):
    outcome = add_outcome(contract, catalogue[0])
    document = clean_document(organisation)
    page = _evidence(
        provider_client,
        contract,
        outcome,
        {"progress": "Better.", "document_id": str(document.id), **data},
    )
    assert page_errors(page) == errors
    assert _outcomes(contract.id)[0].status == OUTCOME_DUE


def test_evidence_naming_a_child_is_refused(provider_client, contract, catalogue, organisation):
    outcome = add_outcome(contract, catalogue[0])
    document = clean_document(organisation)
    page = _evidence(
        provider_client,
        contract,
        outcome,
        {"progress": "Kacey Brown now attends", "document_id": str(document.id)},
    )
    assert "must not include a name" in page_errors(page)["progress"]


def test_other_organisations_and_staff_cannot_give_evidence(
    other_provider_client, commissioner_client, contract, catalogue
):
    outcome = add_outcome(contract, catalogue[0])
    url = f"/contracts/{contract.id}/outcomes/{outcome.id}/evidence"
    assert other_provider_client.get(url).status_code == 404
    assert commissioner_client.get(url).status_code == 403


# Deciding --------------------------------------------------------------------------------------


def _decide(client, contract, outcome, data: dict, version=None):
    url = f"/contracts/{contract.id}/outcomes/{outcome.id}/decision"
    if version is None:
        version = field_value(client.get(url), "lock_version")
    return client.post(url, data={**data, "lock_version": version})


def _evidenced(contract, definition, share=40):
    outcome = add_outcome(contract, definition, share_percent=share)
    outcome.status, outcome.evidenced_at, outcome.progress = (
        OUTCOME_EVIDENCED,
        utcnow(),
        "Attendance 80%",
    )
    db.session.commit()
    return outcome


def test_the_money_rule_rounds_down_to_the_penny():
    assert released_pence(45_000, 40, 50) == 9_000
    assert released_pence(999, 33, 33) == 108  # 108.7911
    assert released_pence(0, 100, 100) == 0


@pytest.mark.parametrize(
    ("data", "status", "achieved"),
    [
        ({"decision": "met"}, OUTCOME_MET, 100),
        ({"decision": "partly_met", "percent": "55"}, OUTCOME_PARTLY_MET, 55),
        ({"decision": "not_met"}, OUTCOME_NOT_MET, 0),
    ],
)
def test_a_decision_releases_the_share_held_back_on_approved_statements(
    commissioner_client, contract, catalogue, organisation, provider, data, status, achieved
):
    approve_statement(contract, date(2027, 1, 1), 12_345)
    approve_statement(contract, date(2027, 2, 1), 6_789)
    outcome = _evidenced(contract, catalogue[0], share=40)
    response = _decide(
        commissioner_client, contract, outcome, {**data, "reason": "The report shows it."}
    )
    assert response.status_code == 302
    (decided,) = _outcomes(contract.id)
    held_back = 12_345 + 6_789
    assert (decided.status, decided.achieved_percent) == (status, achieved)
    assert decided.released_pence == held_back * 40 * achieved // 10_000
    assert decided.paid_on_statement_id is None
    (email,) = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.subject.like("The council has decided an outcome%"))
    ).all()
    assert email.to_address == provider.email
    assert _events("contract_outcome.decided") == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"decision": "Select whether the outcome was met, partly met or not met"}),
        (
            {"decision": "partly_met", "percent": "100"},
            {"percent": "Enter how far the outcome was achieved, as a whole number 1 to 99"},
        ),
        (
            {"decision": "partly_met", "percent": "0"},
            {"percent": "Enter how far the outcome was achieved, as a whole number 1 to 99"},
        ),
        (
            {"decision": "partly_met", "percent": "half"},
            {"percent": "Enter how far the outcome was achieved, as a whole number 1 to 99"},
        ),
        ({"decision": "met", "reason": ""}, {"reason": "Enter the reason for the decision"}),
        (
            {"decision": "met", "reason": "y" * 2001},
            {"reason": "Reason must be 2,000 characters or fewer"},
        ),
        (
            {"decision": "met", "reason": "Seen at DY1 4AB"},
            {
                "reason": "Reason must not include a full postcode, which can identify where a "
                "child lives. Give the postcode district only, like DY1, as the area"
            },
        ),
    ],
)
def test_bad_decisions_are_refused_with_nothing_written(
    commissioner_client, contract, catalogue, data, errors
):
    outcome = _evidenced(contract, catalogue[0])
    page = _decide(commissioner_client, contract, outcome, {"reason": "Shown.", **data})
    assert page.status_code == 200
    assert page_errors(page) == errors
    (kept,) = _outcomes(contract.id)
    assert (kept.status, kept.released_pence) == (OUTCOME_EVIDENCED, None)
    assert _events("contract_outcome.decided") == 0


def test_not_met_without_evidence_only_from_the_review_date(
    commissioner_client, organisation, app_ctx
):
    contract = make_active_contract(
        organisation, start_on=today() - timedelta(days=60), end_on=today() + timedelta(days=60)
    )
    definitions = catalogue_of(contract)
    early = add_outcome(contract, definitions[0], review_on=today() + timedelta(days=1))
    page = _decide(commissioner_client, contract, early, {"decision": "not_met", "reason": "No"})
    assert (
        "Without it you can decide the outcome is not met from its review date"
        in (page_errors(page)["decision"])
    )
    due = add_outcome(contract, definitions[1], review_on=today(), position=2)
    page = _decide(commissioner_client, contract, due, {"decision": "met", "reason": "Yes"})
    assert page_errors(page) == {
        "decision": "Without evidence from the provider the outcome can only be decided as not met"
    }
    response = _decide(
        commissioner_client, contract, due, {"decision": "not_met", "reason": "No evidence"}
    )
    assert response.status_code == 302
    assert [o.status for o in _outcomes(contract.id)] == [OUTCOME_DUE, OUTCOME_NOT_MET]


def test_a_decision_from_a_stale_page_or_made_twice_is_refused(
    commissioner_client, contract, catalogue
):
    outcome = _evidenced(contract, catalogue[0])
    url = f"/contracts/{contract.id}/outcomes/{outcome.id}/decision"
    stale = field_value(commissioner_client.get(url), "lock_version")
    assert (
        _decide(
            commissioner_client, contract, outcome, {"decision": "met", "reason": "Yes"}, stale
        ).status_code
        == 302
    )
    page = _decide(
        commissioner_client, contract, outcome, {"decision": "not_met", "reason": "No"}, stale
    )
    assert page_errors(page) == {
        "decision": "This outcome has just been changed by someone else. Check it and try again"
    }
    (kept,) = _outcomes(contract.id)
    assert (kept.status, kept.decision_reason) == (OUTCOME_MET, "Yes")
    assert _events("contract_outcome.decided") == 1


def test_providers_cannot_decide(provider_client, reviewer_client, contract, catalogue):
    outcome = _evidenced(contract, catalogue[0])
    url = f"/contracts/{contract.id}/outcomes/{outcome.id}/decision"
    assert provider_client.get(url).status_code == 404
    assert reviewer_client.get(url).status_code == 403
    assert reviewer_client.get(f"/contracts/{contract.id}/outcomes").status_code == 200


def test_a_document_held_as_evidence_cannot_be_deleted(
    provider_client, contract, catalogue, organisation
):
    outcome = add_outcome(contract, catalogue[0])
    document = clean_document(organisation)
    _evidence(
        provider_client, contract, outcome, {"progress": "Better.", "document_id": str(document.id)}
    )
    response = provider_client.post(
        f"/documents/organisations/{organisation.id}/{document.id}/delete"
    )
    assert page_errors(response) == {
        "submit": "You cannot delete this document because the council holds it as evidence. "
        "Upload a new version instead"
    }
    assert _outcomes(contract.id)[0].evidence_document_id == document.id
    assert _events("document.deleted") == 0
