"""The outcome catalogue at /admin/outcomes: each lot starts with its outcomes; admins add,
change, reorder, retire and offer again, and bad input is refused beside the field with nothing
written. A retired outcome is offered for no new contract but stays on those that name it."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.contracts.models import OutcomeDefinition
from portal.contracts.services.catalogue import STARTING_OUTCOMES, ensure_starting_outcomes
from portal.core.db import db
from portal.lots.models import Lot
from portal.lots.services import ensure_starting_lots
from tests.contracts.helpers import make_active_contract
from tests.contracts.outcome_helpers import add_outcome, catalogue_of
from tests.support.pages import banner_text, page_errors, page_h1, page_text

LIST = "/admin/outcomes"


def _lot(slug: str) -> Lot:
    return db.session.scalar(select(Lot).where(Lot.slug == slug))


def _lot_id(slug: str = "mentoring") -> int:
    """The lot's id, with the starting lots and their catalogues made."""
    ensure_starting_lots()
    ensure_starting_outcomes()
    db.session.commit()
    return _lot(slug).id


def _titles(lot_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutcomeDefinition.title)
            .where(OutcomeDefinition.lot_id == lot_id)
            .order_by(OutcomeDefinition.position)
        )
    )


def test_every_starting_lot_starts_with_its_outcomes_once(app_ctx):
    ensure_starting_lots()
    made = ensure_starting_outcomes()
    assert made == sum(len(outcomes) for outcomes in STARTING_OUTCOMES.values())
    assert ensure_starting_outcomes() == 0
    assert _titles(_lot("post-16-provision").id)[0] == (
        "Sustained engagement in education, employment or training (not NEET)"
    )


def test_the_admin_reads_the_catalogue_by_lot(admin_client):
    lot_id = _lot_id()
    page = admin_client.get(LIST)
    assert page.status_code == 200
    assert page_h1(page) == "Outcomes"
    assert "Attendance rises to a target percentage" in page_text(page)
    assert f'id="lot-{lot_id}"' in page.get_data(as_text=True)


def test_an_admin_adds_an_outcome_after_the_others(admin_client):
    lot_id = _lot_id()
    response = admin_client.post(
        f"/admin/outcomes/lots/{lot_id}/add",
        data={"title": "  Fewer  exclusions ", "description": "No fixed-term exclusions"},
    )
    assert response.status_code == 302
    assert _titles(lot_id)[-1] == "Fewer exclusions"
    assert "‘Fewer exclusions’ has been added to Mentoring" in banner_text(
        admin_client.get(response.location)
    )
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "outcome_definition.added")
        )
        == 1
    )


def test_a_title_that_is_empty_too_long_or_taken_is_refused_with_nothing_added(admin_client):
    lot_id = _lot_id()
    before = _titles(lot_id)
    for title, message in [
        ("   ", "Enter the outcome"),
        ("x" * 201, "Outcome must be 200 characters or fewer"),
        (
            "attendance rises to a target PERCENTAGE",
            "This type of service already has the outcome ‘Attendance rises to a target "
            "percentage’",
        ),
    ]:
        page = admin_client.post(f"/admin/outcomes/lots/{lot_id}/add", data={"title": title})
        assert page.status_code == 200
        assert page_errors(page) == {"title": message}
    page = admin_client.post(
        f"/admin/outcomes/lots/{lot_id}/add", data={"title": "Fine", "description": "d" * 1001}
    )
    assert page_errors(page) == {"description": "Description must be 1,000 characters or fewer"}
    assert _titles(lot_id) == before


def test_the_same_page_sent_twice_adds_one_outcome(admin_client):
    lot_id = _lot_id()
    data = {"title": "Fewer exclusions", "submission_id": "once-only-add-1"}
    first = admin_client.post(f"/admin/outcomes/lots/{lot_id}/add", data=data)
    second = admin_client.post(f"/admin/outcomes/lots/{lot_id}/add", data=data)
    assert first.status_code == second.status_code == 302
    assert _titles(lot_id).count("Fewer exclusions") == 1


def test_an_admin_changes_and_reorders_an_outcome(admin_client):
    lot_id = _lot_id()
    first, second = db.session.scalars(
        select(OutcomeDefinition)
        .where(OutcomeDefinition.lot_id == lot_id)
        .order_by(OutcomeDefinition.position)
        .limit(2)
    ).all()
    second_title = second.title
    response = admin_client.post(
        f"/admin/outcomes/{first.id}/change", data={"title": "Attendance above 90%"}
    )
    assert response.status_code == 302
    response = admin_client.post(f"/admin/outcomes/{first.id}/move", data={"direction": "down"})
    assert response.status_code == 302
    assert _titles(lot_id)[:2] == [second_title, "Attendance above 90%"]
    # The first cannot move further up: told so on the list, nothing changes.
    response = admin_client.post(f"/admin/outcomes/{second.id}/move", data={"direction": "up"})
    assert "is already first" in banner_text(admin_client.get(response.location))
    assert _titles(lot_id)[:2] == [second_title, "Attendance above 90%"]


def test_a_retired_outcome_is_offered_for_no_new_contract_but_stays_on_those_naming_it(
    admin_client, commissioner_client, organisation, other_organisation
):
    contract = make_active_contract(organisation)
    definition = catalogue_of(contract)[0]
    add_outcome(contract, definition)
    page = admin_client.get(f"/admin/outcomes/{definition.id}/retire")
    assert page_h1(page) == f"Retire ‘{definition.title}’?"
    response = admin_client.post(f"/admin/outcomes/{definition.id}/retire")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutcomeDefinition, definition.id).retired_at is not None
    # Retiring it again (a page left open) is told, not repeated.
    again = admin_client.post(f"/admin/outcomes/{definition.id}/retire")
    assert page_errors(again) == {"submit": f"‘{definition.title}’ is already retired"}
    # The contract keeps it, and its count shows on the list.
    assert definition.title in page_text(
        commissioner_client.get(f"/contracts/{contract.id}/outcomes")
    )
    other = make_active_contract(other_organisation, title="Another")
    choices = page_text(commissioner_client.get(f"/contracts/{other.id}/outcomes/change"))
    assert definition.title not in choices
    response = admin_client.post(f"/admin/outcomes/{definition.id}/reinstate")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutcomeDefinition, definition.id).retired_at is None


def test_only_admins_manage_the_catalogue(commissioner_client, provider_client):
    _lot_id()
    assert commissioner_client.get(LIST).status_code == 403
    assert provider_client.get(LIST).status_code == 403
