"""The provider risk rule: worked examples of the points and thresholds, the rule read from a
provider's record, the rating kept with a change audited and emailed to the quality officers
(`flask quality rate-risk`), and the published rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.time import today
from portal.quality.models import ProviderRisk
from portal.quality.services import visits
from portal.quality.services.risk import HIGH_FROM, MEDIUM_FROM, RiskInputs, rate, ratings_for
from tests.documents.helpers import run_command
from tests.quality import helpers
from tests.quality.record_helpers import give_record
from tests.support import factories
from tests.support.emails import emails_to
from tests.support.pages import field_value, page_text
from tests.support.queries import counting_queries

# Worked examples: what the record shows, the rating and every reason it gives, in order.
WORKED_EXAMPLES = [
    (RiskInputs(), "low", []),
    (RiskInputs(overdue_actions=2), "low", ["2 actions overdue: +2"]),
    (
        RiskInputs(overdue_actions=2, amber_returns=1),
        "medium",
        ["1 KPI return rated amber in the last 3 months: +1", "2 actions overdue: +2"],
    ),
    (
        RiskInputs(lapsed_documents=1),
        "medium",
        ["1 mandatory document lapsed: +3"],
    ),
    (
        RiskInputs(visit_judgement="requires_improvement"),
        "medium",
        ["Latest visit judged requires improvement: +3"],
    ),
    (RiskInputs(visit_judgement="good"), "low", []),
    # An inadequate visit alone makes a provider high risk.
    (RiskInputs(visit_judgement="inadequate"), "high", ["Latest visit judged inadequate: +6"]),
    (
        RiskInputs(red_returns=2, open_escalations=1),
        "high",
        [
            "2 KPI returns rated red in the last 3 months: +4",
            "1 open performance escalation: +2",
        ],
    ),
    # Many people flagged on the DBS register count for at most 3: medium, not high.
    (
        RiskInputs(dbs_flagged=12),
        "medium",
        ["12 people on the DBS register with something to check: +3 (the most this factor gives)"],
    ),
    # Just under the line for medium, then just on it.
    (
        RiskInputs(amber_returns=1, dbs_flagged=1),
        "low",
        [
            "1 KPI return rated amber in the last 3 months: +1",
            "1 person on the DBS register with something to check: +1",
        ],
    ),
    (
        RiskInputs(amber_returns=2, dbs_flagged=1),
        "medium",
        [
            "2 KPI returns rated amber in the last 3 months: +2",
            "1 person on the DBS register with something to check: +1",
        ],
    ),
    # 5 points is medium; one more overdue action tips it to high.
    (
        RiskInputs(red_returns=1, amber_returns=1, overdue_actions=2),
        "medium",
        [
            "1 KPI return rated red in the last 3 months: +2",
            "1 KPI return rated amber in the last 3 months: +1",
            "2 actions overdue: +2",
        ],
    ),
    (
        RiskInputs(red_returns=1, amber_returns=1, overdue_actions=3),
        "high",
        [
            "1 KPI return rated red in the last 3 months: +2",
            "1 KPI return rated amber in the last 3 months: +1",
            "3 actions overdue: +3",
        ],
    ),
]


@pytest.mark.parametrize(("inputs", "rating", "reasons"), WORKED_EXAMPLES)
def test_worked_examples_of_the_rule(inputs, rating, reasons):
    worked_out = rate(inputs)
    assert worked_out.rating == rating
    assert [reason.because for reason in worked_out.reasons] == reasons
    assert worked_out.points == sum(reason.points for reason in worked_out.reasons)


def test_the_thresholds_are_the_published_ones():
    assert (HIGH_FROM, MEDIUM_FROM) == (6, 3)


def test_the_rule_reads_the_providers_record(app_ctx, organisation, other_organisation):
    factories.admit(organisation, "mentoring")
    give_record(
        organisation,
        reds=1,
        ambers=1,
        escalations=1,
        overdue_actions=2,
        lapsed=True,
        dbs_flagged=2,
        judgement="requires_improvement",
    )
    found = ratings_for([organisation.id, other_organisation.id], today())
    assert [reason.because for reason in found[organisation.id].reasons] == [
        "1 KPI return rated red in the last 3 months: +2",
        "1 KPI return rated amber in the last 3 months: +1",
        "1 open performance escalation: +2",
        "2 actions overdue: +2",
        "1 mandatory document lapsed: +3",
        "2 people on the DBS register with something to check: +2",
        "Latest visit judged requires improvement: +3",
    ]
    assert found[organisation.id].rating == "high"
    assert found[other_organisation.id].rating == "low"
    assert found[other_organisation.id].reasons == ()


def _providers(first: int, count: int) -> list[int]:
    ids = []
    for number in range(first, first + count):
        owner = factories.make_user(f"owner-{number}@example.org")
        organisation = factories.make_organisation(owner, legal_name=f"Provider {number} Ltd")
        factories.admit(organisation, "mentoring")
        give_record(organisation, reds=1, overdue_actions=2, dbs_flagged=1, judgement="good")
        ids.append(organisation.id)
    return ids


def _queries(app, ids: list[int]) -> tuple[int, set[str]]:
    db.session.commit()
    # A fresh app context each time: the framework settings are read once per context.
    with app.app_context(), app.test_request_context(), counting_queries(app) as statements:
        found = ratings_for(ids, today())
    return len(statements), {rating.rating for rating in found.values()}


def test_many_providers_are_rated_in_as_many_queries_as_one(app, app_ctx):
    few = _providers(0, 1)
    many = few + _providers(1, 4)
    one, many_of_them = _queries(app, few), _queries(app, many)
    assert one == many_of_them
    assert one[1] == {"medium"}


def test_a_change_of_rating_is_kept_audited_and_emailed_to_the_quality_officers(
    app, organisation, reviewer, commissioner
):
    factories.admit(organisation, "mentoring")
    # Low at first: kept quietly (a provider never rated counts as low).
    assert "0 risk rating(s) changed" in run_command(app, "quality", "rate-risk")
    assert db.session.scalar(select(ProviderRisk.rating)) == "low"
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "risk.changed")
    ).all()

    give_record(organisation, judgement="inadequate", overdue_actions=1)
    output = run_command(app, "quality", "rate-risk")
    assert "Organisation A Ltd: low to high" in output
    assert "1 risk rating(s) changed" in output
    kept = db.session.scalar(select(ProviderRisk))
    assert kept.rating == "high"
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "risk.changed"))
    assert event.organisation_id == organisation.id
    assert event.before == {"rating": "low", "reasons": []}
    assert event.after["rating"] == "high"
    assert [reason["because"] for reason in event.after["reasons"]] == [
        "1 action overdue: +1",
        "Latest visit judged inadequate: +6",
    ]
    (email,) = emails_to(reviewer.email)
    assert email.subject == "Risk rating changed to high: Organisation A Ltd"
    assert "from low to high" in email.body
    assert "- Latest visit judged inadequate: +6" in email.body
    assert "every 3 months" in email.body
    assert f"/reviews/providers/{organisation.id}" in email.body
    assert emails_to(commissioner.email) == []  # not the commissioners' work

    # Run again with nothing changed: nothing more audited or emailed.
    assert "0 risk rating(s) changed" in run_command(app, "quality", "rate-risk")
    assert len(emails_to(reviewer.email)) == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "risk.changed"))
    assert len(events.all()) == 1


def test_the_rule_is_published_to_staff_from_the_same_constants(app, reviewer_client):
    text = page_text(reviewer_client.get("/quality/risk-rule"))
    assert "6 points or more is high risk" in text
    assert "3 to 5 points medium risk" in text
    assert "An action in the provider's action plan still open after its due date" in text
    assert "High risk: every 3 months" in text


def test_publishing_an_inadequate_visit_rerates_the_provider_in_that_request(
    app, reviewer_client, reviewer, organisation
):
    """Quality's own changes re-work the rating at once, not only the nightly job."""
    factories.admit(organisation, "mentoring")
    run_command(app, "quality", "rate-risk")
    assert db.session.scalar(select(ProviderRisk.rating)) == "low"
    visit = helpers.recorded_visit(organisation, reviewer, {"dsl_training": "not_met"})
    assert visit.judgement == "inadequate"
    visits.add_finding_action(
        reviewer,
        visit,
        item_id="dsl_training",
        title="Train the safeguarding lead",
        owner="Centre manager",
        due_on=today() + timedelta(days=30),
    )
    db.session.commit()
    page = reviewer_client.get(f"/quality/visits/{visit.id}")
    response = reviewer_client.post(
        f"/quality/visits/{visit.id}/publish",
        data={"lock_version": field_value(page, "lock_version")},
    )
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.scalar(select(ProviderRisk))
    assert kept.rating == "high"
    assert [reason["because"] for reason in kept.reasons] == ["Latest visit judged inadequate: +6"]
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "risk.changed"))
    assert (event.before["rating"], event.after["rating"]) == ("low", "high")
    assert [email.subject for email in emails_to(reviewer.email)] == [
        "Risk rating changed to high: Organisation A Ltd"
    ]
    # The record page shows the same rating as the one kept.
    assert "High risk" in page_text(reviewer_client.get(f"/reviews/providers/{organisation.id}"))
