"""A direct call-off: a commissioner makes a contract with a provider on the framework, on one
of the published grounds, and it is sent to the provider at once. A provider the council may
not buy from (not admitted, suspended, documents out of date), a missing ground, bad values and
a child's personal data are refused beside the field, and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.audit.models import AuditEvent
from portal.contracts.models import DIRECT, DIRECT_GROUNDS, DRAFT, Contract
from portal.core.db import db
from portal.core.time import today
from portal.documents.models import Document, DocumentVersion
from tests.contracts.contract_pages import contracts, date_parts, direct_form, make_direct
from tests.support import factories
from tests.support.emails import last_email_to
from tests.support.pages import field_value, page_errors, page_text


@pytest.fixture
def on_lot(organisation):
    factories.admit(organisation, "mentoring")
    return organisation


def _nothing_written() -> None:
    db.session.rollback()
    assert db.session.scalar(select(func.count(Contract.id))) == 0
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action.like("contract.%"))
        )
        == 0
    )


def test_a_direct_call_off_is_made_and_sent_at_once(commissioner_client, commissioner, on_lot):
    response = make_direct(commissioner_client, on_lot)
    assert response.status_code == 302, page_errors(response)
    (made,) = contracts()
    assert response.location == f"/contracts/{made.id}"
    assert (made.origin, made.status, made.direct_ground) == (DIRECT, DRAFT, "urgent_need")
    assert (made.rate_pence, made.planned_units, made.total_pence) == (4500, 60, 270_000)
    assert made.held_back_percent == 10 and made.sent_at is not None
    assert (
        last_email_to("provider-a@example.org").subject == f"A contract to accept: {made.reference}"
    )
    page = page_text(commissioner_client.get(response.location))
    assert DIRECT_GROUNDS["urgent_need"] in page
    assert "Excluded last week" in page


def test_the_published_method_lists_the_grounds_and_says_the_commissioner_records_one(client):
    page = page_text(client.get("/providers/how-call-offs-are-made"))
    for ground in DIRECT_GROUNDS.values():
        assert ground in page
    assert "The commissioner records which ground applies, and why" in page


@pytest.mark.parametrize(
    ("admit", "expected"),
    [
        (None, "Organisation A Ltd is not on the framework for Mentoring"),
        (
            {"status": "suspended", "reason": "Late returns"},
            "Organisation A Ltd is suspended from Mentoring",
        ),
        ({"status": "removed", "reason": "Left"}, "Organisation A Ltd is removed from Mentoring"),
    ],
)
def test_a_provider_the_council_may_not_buy_from_is_refused(
    commissioner_client, organisation, other_organisation, admit, expected
):
    # Organisation A is on another lot, so it is on the provider list; not on mentoring.
    factories.admit(organisation, "online-tuition")
    if admit:
        factories.admit(organisation, "mentoring", **admit)
    response = make_direct(commissioner_client, organisation)
    errors = page_errors(response)
    assert list(errors) == ["organisation"]
    assert expected in errors["organisation"]
    _nothing_written()


def test_a_provider_whose_documents_are_out_of_date_is_refused(commissioner_client, on_lot):
    db.session.execute(
        update(DocumentVersion)
        .where(
            DocumentVersion.document_id.in_(
                select(Document.id).where(Document.organisation_id == on_lot.id)
            )
        )
        .values(expiry_date=today() - timedelta(days=1))
    )
    db.session.commit()
    errors = page_errors(make_direct(commissioner_client, on_lot))
    assert "expired on" in errors["organisation"]
    _nothing_written()


def test_a_direct_call_off_needs_its_ground(commissioner_client, on_lot):
    response = make_direct(commissioner_client, on_lot, ground="", ground_detail="")
    assert page_errors(response) == {
        "ground": "Select the ground for a direct call-off",
        "ground_detail": "Enter why the ground applies to this call-off",
    }
    # What was typed is kept.
    assert field_value(response, "title") == "Mentoring after an exclusion"
    response = make_direct(commissioner_client, on_lot, ground="cheapest")
    assert page_errors(response) == {"ground": "Select the ground for a direct call-off"}
    _nothing_written()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"rate": "0"}, {"rate": "Enter a rate between 1p and £100,000"}),
        ({"rate": "-5"}, {"rate": "Rate must be more than £0"}),
        ({"rate": "lots"}, {"rate": "Rate must be an amount of money, like £45 or £45.50"}),
        ({"rate": "£1000000"}, {"rate": "Enter a rate between 1p and £100,000"}),
        ({"rate": "45.123"}, {"rate": "Rate must be in pounds and pence, like £45.50"}),
        ({"planned_units": "0"}, {"planned_units": "Enter a planned volume between 1 and 100,000"}),
        (
            {"planned_units": "-3"},
            {"planned_units": "Planned volume must be a whole number, like 40"},
        ),
        (
            {"planned_units": "99999999999999"},
            {"planned_units": "Enter a planned volume between 1 and 100,000"},
        ),
        (
            {"planned_units": "x" * 21},
            {"planned_units": "Planned volume must be 20 characters or fewer"},
        ),
        (
            {"held_back_percent": "31"},
            {"held_back_percent": "Enter a share held back for outcomes between 0 and 30%"},
        ),
        ({"unit": "fortnight"}, {"unit": "Select how the provider is paid"}),
        ({"team": "Finance"}, {"team": "Select the commissioning team"}),
        ({"title": ""}, {"title": "Enter a title"}),
        ({"title": "x" * 201}, {"title": "Title must be 200 characters or fewer"}),
        ({"organisation": ""}, {"organisation": "Select the provider"}),
        ({"organisation": "999999"}, {"organisation": "Select the provider"}),
        ({"lot": "abc"}, {"lot": "Select the type of service"}),
        (
            date_parts("end_on", today() - timedelta(days=30)),
            {"end_on-day": "The end date must be the same as or after the start date"},
        ),
        ({"end_on": ["31", "2", "2027"]}, {"end_on-day": "End date must be a real date"}),
    ],
)
def test_bad_values_are_refused_beside_their_field(commissioner_client, on_lot, changes, errors):
    response = make_direct(commissioner_client, on_lot, **changes)
    assert response.status_code == 200
    assert page_errors(response) == errors
    _nothing_written()


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("title", "Mentoring for Tommy Smith", "must not include a name"),
        ("ground_detail", "Lives at DY1 4AA, needs help now", "must not include a full postcode"),
        ("ground_detail", "Born 3 March 2014; excluded", "must not include a date of birth"),
        ("placement_reference", "tommy", "must be the council's reference"),
    ],
)
def test_a_childs_personal_data_is_refused(commissioner_client, on_lot, field, text, words):
    errors = page_errors(make_direct(commissioner_client, on_lot, **{field: text}))
    assert list(errors) == [field]
    assert words in errors[field]
    _nothing_written()


def test_a_double_submit_makes_one_contract(commissioner_client, on_lot):
    page = commissioner_client.get("/contracts/new")
    data = direct_form(on_lot) | {"submission_id": field_value(page, "submission_id")}
    first = commissioner_client.post("/contracts/new", data=data)
    second = commissioner_client.post("/contracts/new", data=data)
    assert first.location == second.location
    assert len(contracts()) == 1


def test_only_commissioners_and_admins_make_direct_call_offs(reviewer_client, provider_client):
    assert reviewer_client.get("/contracts/new").status_code == 403
    assert provider_client.get("/contracts/new").status_code == 404
