"""Recording a referral: a commissioner gives its details, the portal makes a reference (or
takes the council's own code), and the referrer is the one who recorded it. Anything that looks
like a child's personal data (a name, a full postcode, a date of birth) is refused beside its
field, and so is every other bad value; nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.time import today
from portal.referrals.models import RECEIVED
from tests.referrals.helpers import (
    date_parts,
    hidden,
    post_new,
    record,
    referral,
    referral_count,
    referral_events,
    referral_form,
)
from tests.support.pages import page_errors, page_text


def test_a_commissioner_records_a_referral_and_the_portal_makes_its_reference(
    commissioner_client, commissioner
):
    referral_id = record(commissioner_client)
    saved = referral(referral_id)
    assert saved.reference == f"RF-{today().year}-0001"
    assert saved.status == RECEIVED
    assert saved.needs == ["semh", "ebsa"]
    assert saved.district == "DY1"
    assert saved.referrer_id == commissioner.id
    assert referral_events() == ["referral.recorded"]
    page = commissioner_client.get(f"/referrals/{referral_id}")
    assert f"Referral RF-{today().year}-0001" in page_text(page)
    assert record(commissioner_client) and referral_count() == 2
    assert referral(referral_id + 1).reference == f"RF-{today().year}-0002"


def test_the_councils_own_code_is_taken_as_the_reference(commissioner_client):
    referral_id = record(commissioner_client, reference="send-0421", district="b63")
    assert referral(referral_id).reference == "SEND-0421"
    assert referral(referral_id).district == "B63"


# What each bad value is told, on which field.
REFUSED = [
    (
        {"needs_summary": "Tommy Smith is anxious about school."},
        "needs_summary",
        "Summary of needs must not include a name",
    ),
    (
        {"needs_summary": "Lives at DY1 4QT with his gran."},
        "needs_summary",
        "Summary of needs must not include a full postcode",
    ),
    (
        {"needs_summary": "Born 03/04/2012; anxious."},
        "needs_summary",
        "Summary of needs must not include a date of birth",
    ),
    (
        {"requested_by": "Mrs Patel at the high school"},
        "requested_by",
        "Team or school must not include a name",
    ),
    (
        {"requested_by": "St Mary's Primary, DY1 4QT"},
        "requested_by",
        "Team or school must not include a full postcode",
    ),
    (
        {"requested_by": "Virtual School, DOB 03/04/2012"},
        "requested_by",
        "Team or school must not include a date of birth",
    ),
    ({"reference": "TOMMY-SMITH-1"}, "reference", "Reference must not include a name"),
    ({"reference": "Tommy Smith"}, "reference", "Reference must be the council's reference"),
    ({"district": "DY1 4QT"}, "district", "Postcode district must be the postcode district only"),
    ({"district": "Dudley"}, "district", "Postcode district must be a postcode district"),
    ({"needs": ["semh", "astrology"]}, "needs", "Select needs from the list only"),
    ({"needs": []}, "needs", "Select at least one need"),
    ({"age_band": "0-3"}, "age_band", "Select the age band"),
    ({"urgency": "whenever"}, "urgency", "Select how urgent it is"),
    ({"team": "Finance"}, "team", "Select the commissioning team"),
    ({"lot": "99999"}, "lot", "Select the type of service"),
    (
        date_parts("required_start", today() - timedelta(days=1)),
        "required_start-day",
        "must be the same as or after the date received",
    ),
    (
        date_parts("received_on", today() + timedelta(days=1)),
        "received_on-day",
        "The date received must be today or in the past",
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), REFUSED, ids=[r[1] for r in REFUSED])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(
    commissioner_client, change, field, message
):
    response = post_new(commissioner_client, **change)
    assert response.status_code == 200
    errors = page_errors(response)
    assert message in errors.get(field, ""), errors
    assert referral_count() == 0
    assert referral_events() == []


@pytest.mark.parametrize(
    "school", ["St Mary's C of E Primary", "Virtual School", "Holly Hall Academy"]
)
def test_a_school_or_team_is_named_as_it_is_called(commissioner_client, school):
    # A school's name is not a child's: the team or school field is not matched against the
    # lists of common names ("Holly Hall" reads as a person's name to them), while the summary
    # of needs still is, as every other free text.
    referral_id = record(commissioner_client, requested_by=school)
    assert referral(referral_id).requested_by == school
    summary = post_new(commissioner_client, needs_summary=f"Tommy is anxious; asked by {school}.")
    assert "must not include a name" in page_errors(summary)["needs_summary"]


def test_a_reference_already_used_is_refused(commissioner_client):
    record(commissioner_client, reference="SEND-0421")
    response = post_new(commissioner_client, reference="SEND-0421")
    assert page_errors(response) == {
        "reference": "A referral with the reference SEND-0421 already exists"
    }
    assert referral_count() == 1


def test_a_double_submit_records_one_referral(commissioner_client):
    page_fields = hidden(commissioner_client, "/referrals/new")
    data = referral_form() | page_fields
    first = commissioner_client.post("/referrals/new", data=data)
    second = commissioner_client.post("/referrals/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert referral_count() == 1


def test_a_stale_edit_is_refused_and_the_other_change_kept(app, commissioner_client, admin_client):
    referral_id = record(commissioner_client)
    url = f"/referrals/{referral_id}/edit"
    mine = hidden(commissioner_client, url)
    theirs = hidden(admin_client, url)
    response = admin_client.post(url, data=referral_form(urgency="emergency") | theirs)
    assert response.status_code == 302
    response = commissioner_client.post(url, data=referral_form(district="DY3") | mine)
    assert response.status_code == 200
    assert "has just been changed by someone else" in page_text(response)
    saved = referral(referral_id)
    assert (saved.urgency, saved.district) == ("emergency", "DY1")
    assert referral_events() == ["referral.recorded", "referral.updated"]


def test_a_closed_referral_cannot_be_moved_or_changed(commissioner_client, commissioner):
    referral_id = record(commissioner_client)
    url = f"/referrals/{referral_id}/close"
    # Pages opened in other tabs before the referral is closed.
    other_tab = hidden(commissioner_client, url)
    edit_tab = hidden(commissioner_client, f"/referrals/{referral_id}/edit")
    refused = commissioner_client.post(url, data=hidden(commissioner_client, url) | {"reason": ""})
    assert page_errors(refused) == {"reason": "Enter why the referral is being closed"}
    named = commissioner_client.post(
        url, data=hidden(commissioner_client, url) | {"reason": "Jayden Smith moved away"}
    )
    assert "must not include a name" in page_errors(named)["reason"]
    assert referral(referral_id).status == RECEIVED
    response = commissioner_client.post(
        url, data=hidden(commissioner_client, url) | {"reason": "Needs met at school now."}
    )
    assert response.status_code == 302
    assert referral(referral_id).status == "closed"
    again = commissioner_client.post(url, data=other_tab | {"reason": "Closing it again."})
    assert page_errors(again) == {"reason": "This referral is closed, so it cannot be changed"}
    assert commissioner_client.get(url).status_code == 404
    assert commissioner_client.get(f"/referrals/{referral_id}/edit").status_code == 404
    edited = commissioner_client.post(
        f"/referrals/{referral_id}/edit", data=referral_form(district="DY9") | edit_tab
    )
    assert "This referral is closed, so it cannot be changed" in page_text(edited)
    assert referral(referral_id).district == "DY1"
    assert referral_events() == ["referral.recorded", "referral.closed"]
