"""A placement request and capacity: the draft shows the capacity that matches it (lot, age
band, needs, area), names its needs from the controlled list, and may invite only providers
with matching, confirmed capacity, with the reason recorded."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.competitions.models import Competition, Invitation
from portal.core.db import db
from tests.capacity.helpers import make_capacity
from tests.competitions import helpers
from tests.support.pages import page_errors, page_text


def _draft(client, **overrides) -> int:
    data = helpers.placement_form(**({"needs": ["semh"]} | overrides))
    return helpers.create(client, "placement_request", data)


def _ready(client, commissioner, **overrides) -> int:
    competition_id = _draft(client, **overrides)
    helpers.name_evaluators(client, competition_id, [commissioner], commissioner)
    return competition_id


def _invited(competition_id: int) -> set[int]:
    db.session.rollback()
    return set(
        db.session.scalars(
            select(Invitation.organisation_id).where(Invitation.competition_id == competition_id)
        )
    )


def test_the_draft_shows_matching_capacity_with_stale_capacity_marked(
    commissioner_client, on_lot, provider, other_provider
):
    a, b, c = on_lot
    make_capacity(provider, a, age_from=11, age_to=16, needs=("semh",), districts=("DY1",))
    make_capacity(other_provider, b, needs=("semh", "asd"), districts=("DY1",), days_ago=40)
    # C serves another district: it does not match.
    make_capacity(other_provider, c, districts=("B63",))

    competition_id = _draft(commissioner_client)
    page = page_text(commissioner_client.get(f"/competitions/{competition_id}"))

    assert "Matching capacity" in page
    assert "Organisation A Ltd" in page and "Organisation B Ltd" in page
    assert "Organisation C Ltd" not in page
    assert "— out of date" in page  # B's


def test_needs_are_stored_and_an_unknown_need_is_refused(commissioner_client, on_lot):
    competition_id = _draft(commissioner_client, needs=["semh", "ebsa"])
    db.session.rollback()
    assert db.session.get(Competition, competition_id).needs == ["semh", "ebsa"]

    response = commissioner_client.post(
        "/competitions/new?kind=placement_request",
        data=helpers.placement_form(needs=["semh", "flying"]),
    )
    assert page_errors(response) == {"needs": "Select needs from the list"}
    db.session.rollback()
    assert db.session.scalar(select(Competition.id).where(Competition.id > competition_id)) is None


def test_a_limit_to_capacity_needs_a_reason(commissioner_client, on_lot):
    response = commissioner_client.post(
        "/competitions/new?kind=placement_request",
        data=helpers.placement_form(limit_to_capacity="yes", capacity_limit_reason=""),
    )

    assert page_errors(response) == {
        "capacity_limit_reason": "Enter why you are inviting only these providers"
    }
    db.session.rollback()
    assert db.session.scalar(select(Competition.id)) is None


def test_a_limited_request_invites_only_providers_with_matching_confirmed_capacity(
    commissioner_client, commissioner, on_lot, provider, other_provider
):
    a, b, c = on_lot
    make_capacity(provider, a, needs=("semh",), districts=("DY1",))
    make_capacity(other_provider, b, needs=("semh",), districts=("DY1",), days_ago=31)  # stale
    competition_id = _ready(
        commissioner_client,
        commissioner,
        limit_to_capacity="yes",
        capacity_limit_reason="Urgent: only providers with places now",
    )
    publish_page = page_text(commissioner_client.get(f"/competitions/{competition_id}/publish"))
    assert "Organisation A Ltd" in publish_page and "Organisation B Ltd" not in publish_page

    assert helpers.publish(commissioner_client, competition_id).status_code == 302

    assert _invited(competition_id) == {a.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "competition.invited"))
    assert event.after["limited_to_capacity"] == "Urgent: only providers with places now"


def test_an_unlimited_request_invites_every_eligible_provider(
    commissioner_client, commissioner, on_lot, provider
):
    a, b, c = on_lot
    make_capacity(provider, a, needs=("semh",), districts=("DY1",))
    competition_id = _ready(commissioner_client, commissioner)

    assert helpers.publish(commissioner_client, competition_id).status_code == 302

    assert _invited(competition_id) == {a.id, b.id, c.id}


def test_a_limited_request_with_no_matching_capacity_is_refused_at_publish(
    commissioner_client, commissioner, on_lot, provider
):
    a, _b, _c = on_lot
    make_capacity(provider, a, needs=("asd",), districts=("DY1",))  # not SEMH
    competition_id = _ready(
        commissioner_client, commissioner, limit_to_capacity="yes", capacity_limit_reason="Urgent"
    )

    response = helpers.publish(commissioner_client, competition_id)

    assert response.status_code == 200
    assert "none eligible on Mentoring has matching capacity confirmed in the last 30 days" in (
        page_text(response)
    )
    db.session.rollback()
    assert db.session.get(Competition, competition_id).status == "draft"
    assert _invited(competition_id) == set()
