"""Council staff's home pages list the work waiting for their role, most urgent first, each
item linked to where it is done; the page makes the same number of queries with little or a
lot waiting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Date, bindparam, func, select

from portal.accounts.models import User
from portal.applications.models import Application
from portal.core.db import db
from portal.core.time import utcnow
from portal.core.waiting import Figures, Listed, read_figures, read_lists, read_waiting
from portal.kpi_returns import escalations
from portal.outbox.models import FAILED, OutboxEmail
from portal.questionnaires import services as questionnaires
from portal.reviews import services as reviews
from tests.applications.helpers import EVERY_TYPE, start
from tests.competitions import helpers as competitions
from tests.contracts.helpers import make_active_contract
from tests.pages.test_home import _home, _links, _tags
from tests.support import factories
from tests.support.pages import page_text
from tests.support.queries import counting_queries, queries_for


def _submit(provider_client, organisation, days_ago: int) -> int:
    """A submitted application, as if submitted `days_ago` days ago."""
    application_id = start(provider_client, organisation)
    application = db.session.get(Application, application_id)
    application.status = "submitted"
    application.reference = f"FLSF-2026-{application_id:05d}"
    application.submitted_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return application_id


def test_a_reviewer_sees_applications_overdue_first_and_documents(
    app,
    reviewer_client,
    provider_client,
    organisation,
    other_provider_client,
    other_organisation,
    every_type,
):
    empty = queries_for(app, reviewer_client, "/home")
    assert "Nothing is waiting for you right now" in page_text(_home(reviewer_client))

    _submit(provider_client, organisation, days_ago=40)
    _submit(other_provider_client, other_organisation, days_ago=0)
    for kind in ("safeguarding_policy", "insurance_certificate"):
        factories.make_document(organisation, kind)

    home = _home(reviewer_client)
    links = _links(home)
    assert links["Applications over the service level"] == "/reviews?flag=overdue"
    assert links["Applications waiting for a decision"] == "/reviews"
    assert links["Check documents that need attention"] == "/documents/attention"
    text = page_text(home)
    assert "1 application has waited more than" in text
    assert "2 applications in the queue" in text
    assert "2 documents expired, expiring, due for review or not checked for viruses" in text
    assert _tags(home)[0] == ("Applications over the service level", "Overdue")
    assert "mini-competition" not in text.lower().replace("mini-competitions and placement", "")
    assert queries_for(app, reviewer_client, "/home") == empty


def test_a_reviewer_sees_only_their_own_waiting_applications_as_assigned_to_them(
    reviewer_client,
    reviewer,
    provider_client,
    organisation,
    other_provider_client,
    other_organisation,
    every_type,
):
    """Counted from the waiting applications joined to the reviewer's own reviews: one assigned
    to nobody and one decided are not theirs to do."""
    mine = _submit(provider_client, organisation, days_ago=1)
    _submit(other_provider_client, other_organisation, days_ago=1)
    assert "Applications assigned to you" not in _links(_home(reviewer_client))

    reviews.review_of(db.session.get(Application, mine)).assigned_to_id = reviewer.id
    db.session.commit()
    home = _home(reviewer_client)
    assert _links(home)["Applications assigned to you"] == f"/reviews?assignee={reviewer.id}"
    assert "1 application waiting for your decision" in page_text(home)
    assert "2 applications in the queue" in page_text(home)

    db.session.get(Application, mine).status = "approved"
    db.session.commit()
    home = _home(reviewer_client)
    assert "Applications assigned to you" not in _links(home)
    assert "1 application in the queue" in page_text(home)


def test_a_commissioner_sees_each_competition_needing_action(
    app,
    commissioner_client,
    commissioner,
    evaluator,
    on_lot,
    provider_client,
    organisation,
):
    empty = queries_for(app, commissioner_client, "/home")

    draft = competitions.create(commissioner_client)
    asked = competitions.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    competitions.publish(commissioner_client, asked)
    response = provider_client.post(
        f"/competitions/{asked}/ask",
        data={
            "question": "Is transport included?",
            **competitions.hidden(provider_client, f"/competitions/{asked}/ask"),
        },
    )
    assert response.status_code == 302
    closed = competitions.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    competitions.publish(commissioner_client, closed)
    competitions.pass_deadline(closed)
    with app.test_request_context():  # its emails carry links
        escalation = escalations.open_escalation(
            commissioner, organisation, None, "Two months of late returns", set(), date.today()
        )
        db.session.commit()

    home = _home(commissioner_client)
    links = _links(home)
    titles = {text: href for text, href in links.items() if "‘" in text}
    assert f"/competitions/{draft}" in titles.values()
    assert any(
        text.startswith("Answer questions on") and href == f"/competitions/{asked}"
        for text, href in titles.items()
    )
    # The commissioner sits on its panel: the closed competition is theirs to score, and listed
    # once, as theirs to score, not again as ready to evaluate.
    assert any(
        text.startswith("Score the quotes") and href == f"/competitions/{closed}/evaluation"
        for text, href in titles.items()
    )
    assert f"/competitions/{closed}" not in titles.values()
    assert f"/kpi-returns/escalations/{escalation.id}" in links.values()
    assert "1 question from providers not answered" in page_text(home)
    order = [text.split(" ‘")[0] for text, _tag in _tags(home)]
    assert order.index("Answer questions on") < order.index("Publish")
    assert order.index("Score the quotes for") < order.index("Publish")
    assert "Applications waiting" not in page_text(home)
    assert queries_for(app, commissioner_client, "/home") == empty


def test_an_admin_sees_staff_without_two_factor_failed_emails_and_drafts(app, admin_client, admin):
    empty = queries_for(app, admin_client, "/home")

    factories.make_user("new.reviewer@council.example.org", role="reviewer")
    db.session.add(
        OutboxEmail(to_address="x@example.org", subject="Hello", body="Hi", status=FAILED)
    )
    db.session.commit()

    home = _home(admin_client)
    links = _links(home)
    assert links["Staff without two-factor authentication"] == "/admin/staff"
    assert "1 member of staff has not set it up" in page_text(home)
    # The list of emails is a demo tool: outside demo mode the item says what failed, unlinked.
    assert "1 email failed after every retry" in page_text(home)
    assert "Emails that could not be sent" not in links
    assert queries_for(app, admin_client, "/home") == empty
    app.config["DEMO_MODE"] = True
    try:
        home = _home(admin_client)
    finally:
        app.config["DEMO_MODE"] = False
    assert _links(home)["Emails that could not be sent"] == "/dev/mail"
    assert _tags(home)[0] == ("Emails that could not be sent", "Overdue")


def test_an_admin_sees_a_questionnaire_version_to_publish(app, admin_client, lots):
    empty = queries_for(app, admin_client, "/home")

    version, _new = questionnaires.load_version(EVERY_TYPE)
    db.session.commit()

    home = _home(admin_client)
    assert _links(home)[f"Preview and publish questionnaire version {version.version}"] == (
        f"/admin/questionnaires/{version.id}"
    )
    assert queries_for(app, admin_client, "/home") == empty


def test_a_commissioner_sees_the_most_urgent_few_and_how_many_wait_in_all(
    app, commissioner_client, commissioner, organisation, on_lot
):
    """Each list the home shortens says how many wait in all, counted with the rows it lists
    (one statement each), in the same number of queries as with nothing waiting."""
    empty = queries_for(app, commissioner_client, "/home")

    for number in range(11):
        competitions.create(
            commissioner_client,
            data=competitions.mini_competition_form(title=f"Mentoring round {number}"),
        )
        make_active_contract(organisation, active=False, title=f"Mentoring {number}")
    with app.test_request_context():  # its emails carry links
        for number in range(6):
            escalations.open_escalation(
                commissioner, organisation, None, f"Late returns {number}", set(), date.today()
            )
        db.session.commit()

    home = _home(commissioner_client)
    text = page_text(home)
    assert _links(home)["All mini-competitions and placement requests"] == "/competitions"
    assert "11 need your action; the 10 most urgent are listed above" in text
    assert sum(1 for link in _links(home) if link.startswith("Publish ‘Mentoring round")) == 10
    assert "11 contracts; the 10 oldest are listed" in text
    assert sum(1 for link in _links(home) if link.startswith("Complete and send contract")) == 10
    assert "6 escalations open in all" in text
    assert sum(1 for link, _tag in _tags(home) if link.startswith("Escalation:")) == 5
    assert queries_for(app, commissioner_client, "/home") == empty


def test_a_reviewer_is_not_asked_for_what_only_commissioners_do(
    app, reviewer_client, commissioner_client, on_lot
):
    """A reviewer may read competitions but not manage them: a draft waiting for its
    commissioner is not the reviewer's, and is not even looked for."""
    empty = queries_for(app, reviewer_client, "/home")
    competitions.create(commissioner_client)

    assert "Publish" not in page_text(_home(reviewer_client))
    assert queries_for(app, reviewer_client, "/home") == empty


def test_what_a_reviewers_home_only_counts_is_read_in_one_statement(app, reviewer_client):
    """The applications waiting, the documents needing attention, the KPI returns to check, the
    visits and actions, and the meetings to schedule are counted by one statement, not five,
    and what the home lists is read by it too."""
    with counting_queries(app) as statements:
        assert reviewer_client.get("/home").status_code == 200
    counting = [
        statement
        for statement in statements
        if any(
            table in statement
            for table in (
                "document_attention_days",
                "kpi_month_tallies",
                "quality_visits",
                "quality_meeting_bases",
            )
        )
    ]
    assert len(counting) == 1
    assert all(table in counting[0] for table in ("applications", "kpi_month_tallies"))
    # And what it lists (competitions to score, meetings waiting for minutes) in the same one.
    assert all(table in counting[0] for table in ("competition_evaluators", "quality_meetings"))


def test_what_a_commissioners_home_counts_and_lists_is_read_in_one_statement(
    app, commissioner_client, commissioner, organisation, on_lot
):
    """The competitions to score and needing action, the contracts to send, the outcomes to
    decide, the referrals to match, the open escalations and the statements to approve and
    referrals offered (counted) are read by one statement, not five."""
    competitions.create(commissioner_client, data=competitions.mini_competition_form())
    make_active_contract(organisation, active=False, title="Mentoring")
    with counting_queries(app) as statements:
        home = _home(commissioner_client)
    reading = [
        statement
        for statement in statements
        if any(
            table in statement
            for table in ("competitions", "contracts", "statements", "referrals", "escalations")
        )
    ]
    assert len(reading) == 1
    assert all(
        table in reading[0]
        for table in ("competitions", "contract_outcomes", "statements", "referrals", "escalations")
    )
    assert any(link.startswith("Publish ‘") for link in _links(home))
    assert any(link.startswith("Complete and send contract") for link in _links(home))


def test_figures_and_lists_read_together_are_as_read_apart(app, app_ctx):
    """read_waiting reads figures' one row and lists' rows in one statement: each part's items
    are those it makes read alone, in the order given, with each value of its own type."""
    factories.make_user("b@example.org", full_name="Bea", role="reviewer")
    factories.make_user("a@example.org", full_name="Al", role="commissioner")
    on = bindparam("on", type_=Date)
    counted = Figures(
        select(func.count(), func.min(User.created_at)).where(on < date(2099, 1, 1)),
        {"on": date(2026, 6, 1)},
        lambda row: [tuple(row)],
    )
    listed = Listed(
        select(User.full_name, User.role, User.created_at).order_by(User.full_name),
        {"on": date(2026, 6, 1)},
        lambda rows: [tuple(row) for row in rows],
    )
    together = read_waiting([listed, counted, listed])
    assert together == [read_lists([listed])[0], read_figures([counted])[0], together[0]]
    [(count, first)] = together[1]
    assert count == 2 and first.tzinfo is not None
    assert [name for name, _role, _at in together[0]] == ["Al", "Bea"]


def test_two_figures_may_share_a_parameter_only_with_one_value(app):
    """A statement has one value for a name: figures that would give it two are refused, not
    read with one of them."""
    on = select(func.count()).where(bindparam("on", type_=Date) < date(2027, 1, 1))
    twice = select(func.count()).where(bindparam("on", type_=Date) > date(2026, 1, 1))
    with app.app_context():
        same = read_figures(
            [
                Figures(on, {"on": date(2026, 6, 1)}, lambda row: [row[0]]),
                Figures(twice, {"on": date(2026, 6, 1)}, lambda row: [row[0]]),
            ]
        )
        assert same == [[1], [1]]
        with pytest.raises(ValueError, match="'on'"):
            read_figures(
                [
                    Figures(on, {"on": date(2026, 6, 1)}, lambda row: []),
                    Figures(twice, {"on": date(2026, 6, 2)}, lambda row: []),
                ]
            )
