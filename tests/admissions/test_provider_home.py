"""A provider's home page says where each of their organisations stands on the framework, per
type of service, in plain words."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.admissions.models import REMOVED, SUSPENDED
from tests.admissions.helpers import post_move
from tests.support import factories
from tests.support.pages import page_text


def test_the_lots_a_provider_is_on_are_said_in_one_sentence_per_day_admitted(
    provider_client, organisation
):
    march = datetime(2027, 3, 3, 10, 0, tzinfo=UTC)
    factories.admit(organisation, "mentoring", admitted_at=march)
    factories.admit(organisation, "online-tuition", admitted_at=march)
    factories.admit(organisation, "robotics-and-stem", admitted_at=datetime(2027, 4, 5, tzinfo=UTC))
    text = page_text(provider_client.get("/home"))
    assert "You are on the framework for Online tuition and Mentoring since 3 March 2027." in text
    assert "You are on the framework for Robotics and STEM since 5 April 2027." in text


def test_three_lots_admitted_on_one_day(provider_client, organisation):
    day = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
    for slug in ("online-tuition", "mentoring", "post-16-provision"):
        factories.admit(organisation, slug, admitted_at=day)
    text = page_text(provider_client.get("/home"))
    assert (
        "You are on the framework for Online tuition, Mentoring and Post-16 provision "
        "since 3 March 2027." in text
    )


def test_the_day_is_the_day_in_london(provider_client, organisation):
    # 11:30pm UTC on 30 June is 12:30am on 1 July in London (summer time).
    factories.admit(
        organisation, "mentoring", admitted_at=datetime(2027, 6, 30, 23, 30, tzinfo=UTC)
    )
    assert "for Mentoring since 1 July 2027." in page_text(provider_client.get("/home"))


def test_suspended_and_removed_lots_are_said_plainly_with_the_reason(provider_client, organisation):
    factories.admit(organisation, "mentoring")
    factories.admit(organisation, "online-tuition", status=SUSPENDED, reason="Insurance lapsed.")
    factories.admit(organisation, "post-16-provision", status=REMOVED, reason="Service closed.")
    text = page_text(provider_client.get("/home"))
    assert "You are on the framework for Mentoring since" in text
    assert "You are suspended from Online tuition since" in text
    assert "The council's reason: Insurance lapsed." in text
    assert "You were removed from Post-16 provision on" in text
    assert "The council's reason: Service closed." in text
    assert "Online tuition and" not in text


def test_an_organisation_not_yet_admitted(provider_client, organisation):
    assert "You are not on the framework yet." in page_text(provider_client.get("/home"))


def test_the_home_page_follows_a_reviewers_change(provider_client, reviewer_client, organisation):
    admission = factories.admit(organisation, "mentoring")
    post_move(reviewer_client, admission.id, "suspend", "Safeguarding policy out of date.")
    text = page_text(provider_client.get("/home"))
    assert "You are suspended from Mentoring since" in text
    assert "Safeguarding policy out of date." in text
