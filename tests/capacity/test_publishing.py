"""A provider publishes its capacity per lot it is admitted to, changes it and confirms it in
one click; every bad answer is refused with a message and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from tests.capacity.helpers import (
    capacity_count,
    capacity_form,
    edit_url,
    hidden,
    lot_id,
    make_capacity,
    publish,
    saved,
)
from tests.conftest import sign_in
from tests.support import factories
from tests.support.pages import banner_text, field_value, page_errors, page_text
from tests.support.queries import counting_queries


@pytest.fixture
def admitted(organisation):
    factories.admit(organisation, "mentoring")
    return organisation


def test_a_provider_publishes_capacity_for_a_lot_it_is_on(provider_client, admitted, provider):
    overview = provider_client.get(f"/capacity/organisations/{admitted.id}")
    assert "Mentoring" in page_text(overview)
    assert "Not published yet" in page_text(overview)

    response = publish(provider_client, admitted, lot_id())

    assert response.status_code == 302
    assert response.location == f"/capacity/organisations/{admitted.id}"
    capacity = saved(admitted)
    assert (capacity.places_now, capacity.places_next_term) == (3, 5)
    assert (capacity.age_from, capacity.age_to) == (11, 16)
    assert [row.need for row in capacity.needs] == ["ebsa", "semh"]
    assert [row.district for row in capacity.districts] == ["B63", "DY1", "DY2"]
    assert capacity.travel_support is True
    assert capacity.confirmed_by_id == provider.id
    page = provider_client.get(response.location)
    assert "Your capacity for Mentoring has been published" in banner_text(page)
    assert "Last confirmed" in page_text(page)
    assert "— out of date" not in page_text(page)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "capacity.published"))
    assert event.after["districts"] == ["DY1", "DY2", "B63"]


def test_districts_are_upper_case_each_once_whatever_the_separators(provider_client, admitted):
    publish(provider_client, admitted, lot_id(), districts="dy1;DY1 ,b63\nwv14  DY1")

    assert [row.district for row in saved(admitted).districts] == ["B63", "DY1", "WV14"]


def test_a_change_replaces_needs_and_districts_and_is_audited(provider_client, admitted, provider):
    make_capacity(provider, admitted, needs=("semh", "asd"), districts=("DY1", "DY2"))

    edit = provider_client.get(edit_url(admitted, lot_id()))
    assert field_value(edit, "districts") == "DY1, DY2"
    response = publish(
        provider_client, admitted, lot_id(), needs=["asd", "adhd"], districts="DY2, B63"
    )

    assert response.status_code == 302
    capacity = saved(admitted)
    assert sorted(row.need for row in capacity.needs) == ["adhd", "asd"]
    assert sorted(row.district for row in capacity.districts) == ["B63", "DY2"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "capacity.updated"))
    assert event.before["needs"] == ["asd", "semh"]
    assert sorted(event.after["needs"]) == ["adhd", "asd"]


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"places_now": "-1"}, "places_now", "Places now must be 0 or more"),
        ({"places_next_term": "-3"}, "places_next_term", "Places next term must be 0 or more"),
        ({"places_now": "three"}, "places_now", "Places now must be a whole number, like 3"),
        ({"places_now": ""}, "places_now", "Enter places now"),
        ({"places_now": "5000"}, "places_now", "Places now must be 1000 or fewer"),
        (
            {"age_from": "15", "age_to": "12"},
            "age_to",
            "Oldest age must be the same as or more than the youngest age",
        ),
        ({"age_from": "2"}, "age_from", "Youngest age must be a whole number from 4 to 25"),
        ({"age_to": "30"}, "age_to", "Oldest age must be a whole number from 4 to 25"),
        ({"age_to": "abc"}, "age_to", "Oldest age must be a whole number from 4 to 25"),
        ({"needs": ["semh", "telepathy"]}, "needs", "Select the needs you support from the list"),
        (
            {"districts": "DY1, XYZ"},
            "districts",
            "‘XYZ’ is not a postcode district. Enter districts like DY1, DY2, B63",
        ),
        (
            {"districts": "DY1 1AA"},
            "districts",
            "Enter postcode districts only, like DY1, not full postcodes such as ‘DY1 1AA’",
        ),
        (
            {"districts": " , "},
            "districts",
            "Enter the postcode districts you serve, like DY1, DY2, B63",
        ),
        ({"travel_support": ""}, "travel_support", "Select yes if you help children travel to you"),
        ({"notes": "x" * 2001}, "notes", "Notes must be 2000 characters or fewer"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(
    provider_client, admitted, answers, field, message
):
    response = publish(provider_client, admitted, lot_id(), **answers)

    assert response.status_code == 200
    assert page_errors(response)[field] == message
    assert capacity_count() == 0


def test_every_mistake_is_shown_at_once_with_what_was_typed(provider_client, admitted):
    response = publish(
        provider_client,
        admitted,
        lot_id(),
        places_now="-1",
        age_from="9",
        age_to="6",
        travel_support="",
    )

    assert list(page_errors(response)) == ["places_now", "age_to", "travel_support"]
    assert field_value(response, "places_now") == "-1"
    assert field_value(response, "age_from") == "9"


def test_a_bad_change_leaves_the_published_capacity_as_it_was(provider_client, admitted, provider):
    make_capacity(provider, admitted, places_now=2)

    response = publish(provider_client, admitted, lot_id(), places_now="-2")

    assert page_errors(response) == {"places_now": "Places now must be 0 or more"}
    assert saved(admitted).places_now == 2


def test_a_lot_the_provider_is_not_admitted_to_is_not_found(provider_client, admitted):
    other_lot = lot_id("online-tuition")
    assert provider_client.get(edit_url(admitted, other_lot)).status_code == 404
    response = provider_client.post(edit_url(admitted, other_lot), data=capacity_form())
    assert response.status_code == 404
    assert capacity_count() == 0


@pytest.mark.parametrize("status", ["suspended", "removed"])
def test_a_lot_the_provider_was_taken_off_is_not_found(provider_client, organisation, status):
    factories.admit(organisation, "mentoring", status=status, reason="Safeguarding concerns")

    assert provider_client.get(edit_url(organisation, lot_id())).status_code == 404
    overview = provider_client.get(f"/capacity/organisations/{organisation.id}")
    assert "not on the framework for any type of service" in page_text(overview)


def test_another_organisations_capacity_is_not_found(
    provider_client, other_provider, other_organisation, admitted
):
    factories.admit(other_organisation, "mentoring")
    make_capacity(other_provider, other_organisation, places_now=7)
    urls = [
        f"/capacity/organisations/{other_organisation.id}",
        edit_url(other_organisation, lot_id()),
    ]
    for url in urls:
        assert provider_client.get(url).status_code == 404
    for url in [
        edit_url(other_organisation, lot_id()),
        f"{edit_url(other_organisation, lot_id())}/confirm",
    ]:
        assert provider_client.post(url, data=capacity_form(places_now="1")).status_code == 404
    assert saved(other_organisation).places_now == 7


def test_a_double_submit_publishes_once(provider_client, admitted):
    url = edit_url(admitted, lot_id())
    data = hidden(provider_client, url) | capacity_form()

    first = provider_client.post(url, data=data)
    second = provider_client.post(url, data=data | {"places_now": "9"})

    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert saved(admitted).places_now == 3
    assert (
        db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action.like("capacity.%")).limit(2).offset(1)
        )
        is None
    )


def test_two_people_editing_at_once_the_second_is_told(app, provider_client, admitted, provider):
    member = factories.make_user("member@example.org", full_name="Mo Member")
    factories.add_member(admitted, member)
    member_client = sign_in(app.test_client(), member)
    make_capacity(provider, admitted, places_now=2)
    url = edit_url(admitted, lot_id())
    mine, theirs = hidden(provider_client, url), hidden(member_client, url)

    assert provider_client.post(url, data=mine | capacity_form(places_now="4")).status_code == 302
    response = member_client.post(url, data=theirs | capacity_form(places_now="6"))

    assert response.status_code == 200
    assert "This capacity has just been changed by someone else" in page_text(response)
    assert saved(admitted).places_now == 4


def test_a_first_publication_made_by_someone_else_meanwhile_is_not_overwritten(
    app, provider_client, admitted, provider
):
    url = edit_url(admitted, lot_id())
    page = hidden(provider_client, url)
    assert page["lock_version"] == "0"
    make_capacity(provider, admitted, places_now=8)

    response = provider_client.post(url, data=page | capacity_form(places_now="1"))

    assert "This capacity has just been changed by someone else" in page_text(response)
    assert saved(admitted).places_now == 8


def test_the_overview_names_each_lots_needs_and_districts_in_order_in_fixed_statements(
    app, provider_client, admitted, provider
):
    """The overview reads every capacity's needs and districts by one statement, as names (not
    objects on each capacity): in the order they always showed, the same statements whatever
    the number of lots."""
    url = f"/capacity/organisations/{admitted.id}"
    make_capacity(provider, admitted, needs=("semh", "ebsa"), districts=("DY2", "B63"))
    with counting_queries(app) as one_lot:
        page = provider_client.get(url)
    assert "Emotionally-based school avoidance (EBSA); Social, emotional" in page_text(page)
    assert "B63, DY2" in page_text(page)

    factories.admit(admitted, "online-tuition")
    make_capacity(provider, admitted, "online-tuition", needs=(), districts=("WV1",))
    with counting_queries(app) as two_lots:
        page = provider_client.get(url)
    text = page_text(page)
    assert text.count("None named") == 1 and "WV1" in text
    assert len(two_lots) == len(one_lot)
