"""The home pages say what needs doing: each role sees the work waiting for it, most urgent
first, each item linked to the page where it is done, and the home page makes the same number
of queries whatever is waiting."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import bindparam, select

from portal.admissions.held import admissions_held
from portal.admissions.models import Admission
from portal.applications.models import Application, ApplicationSection
from portal.competitions.models import Competition, Invitation, Quote
from portal.core.db import db
from portal.core.memo import read_together, reading_once
from portal.core.templating import waiting_items
from portal.core.time import today, utcnow
from portal.core.waiting import Listed, Waiting, addresses, read_lists
from portal.documents import services as documents
from portal.kpi_returns.models import KpiQuery, KpiReturn
from tests.applications.helpers import start
from tests.competitions import helpers as competitions
from tests.contracts.helpers import make_active_contract
from tests.documents.helpers import date_parts, in_days, only_document, upload
from tests.kpi_returns.helpers import admit_from, kpi_ids, month_ago, submit_return
from tests.support import factories
from tests.support.pages import page_text, soup
from tests.support.queries import counting_queries, queries_for


def _home(client):
    response = client.get("/home")
    assert response.status_code == 200
    return response


def _links(response) -> dict[str, str]:
    return {
        " ".join(a.get_text(" ", strip=True).split()): a["href"]
        for a in soup(response).select("main a")
    }


def _tags(response) -> list[tuple[str, str]]:
    """The waiting items in order: (what the link says, its urgency tag)."""
    return [
        (
            " ".join(item.select_one(".govuk-task-list__link").get_text(" ", strip=True).split()),
            item.select_one(".govuk-tag").get_text(strip=True),
        )
        for item in soup(response).select("#waiting .govuk-task-list__item--with-link")
    ]


def _move(application_id: int, status: str, **changes) -> None:
    """Put the application in a state it reaches through the reviewers' pages."""
    application = db.session.get(Application, application_id)
    application.status = status
    for name, value in changes.items():
        setattr(application, name, value)
    db.session.commit()


def test_apply_is_on_the_home_page(provider_client, organisation):
    response = _home(provider_client)

    links = _links(response)
    assert links["Apply to join the framework"] == f"/applications/start/{organisation.id}"


def test_each_state_of_an_application_has_its_next_step(provider_client, organisation, every_type):
    draft = start(provider_client, organisation)
    task_list = f"/applications/{draft}"

    home = _home(provider_client)
    assert "You have completed 0 of 4 sections" in page_text(home)
    assert _links(home)[f"Continue your application for {organisation.display_name}"] == (task_list)
    assert "Apply to join the framework" not in _links(home)

    _move(draft, "submitted", reference="FLSF-2026-00001")
    home = _home(provider_client)
    assert "Your application (FLSF-2026-00001) is with the council" in page_text(home)
    assert _links(home)[f"See your application for {organisation.display_name}"] == task_list

    _move(draft, "returned")
    home = _home(provider_client)
    assert "The council has returned your application for changes" in page_text(home)
    assert _links(home)[
        f"Change and resubmit your application for {organisation.display_name}"
    ] == (task_list)

    _move(draft, "approved")
    assert _links(_home(provider_client))["Apply for more lots"] == (
        f"/applications/start/{organisation.id}"
    )
    _move(draft, "rejected")
    assert "Apply again" in _links(_home(provider_client))


def test_a_document_expiring_or_expired_is_a_next_step(provider_client, organisation):
    upload(
        provider_client,
        organisation,
        kind="insurance_certificate",
        title="Public liability",
        expiry_date=date_parts(in_days(10)),
    )
    soon = only_document()

    home = _home(provider_client)
    assert f"Expires on {_day(in_days(10))}" in page_text(home)
    replace = f"/documents/organisations/{organisation.id}/{soon.id}/replace"
    assert _links(home)["Upload a new version of ‘Public liability’"] == replace
    assert _tags(home)[0] == ("Upload a new version of ‘Public liability’", "Due soon")

    soon.current.expiry_date = today() - timedelta(days=1)
    db.session.commit()
    home = _home(provider_client)
    assert "Expired on" in page_text(home)
    assert _tags(home)[0] == ("Upload a new version of ‘Public liability’", "Overdue")


def test_a_required_document_not_uploaded_is_waiting(provider_client, organisation):
    links = _links(_home(provider_client))

    assert links["Upload your safeguarding and child protection policy"] == (
        f"/documents/organisations/{organisation.id}/upload?kind=safeguarding_policy"
    )
    assert "Upload your insurance certificate" in links


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def test_a_kpi_return_due_soon_or_late_is_a_next_step(provider_client, organisation, kpis, clock):
    admit_from(organisation, date(2026, 10, 1))
    clock(date(2026, 11, 6))  # October's return is due on the 10th working day of November

    home = _home(provider_client)
    assert "Due on Friday 13 November 2026" in page_text(home)
    fill = f"/kpi-returns/organisations/{organisation.id}/months/2026/10"
    assert _links(home)["Fill in the KPI return for October 2026"] == fill

    clock(date(2026, 11, 20))
    home = _home(provider_client)
    assert "Late: it was due on Friday 13 November 2026" in page_text(home)
    assert ("Fill in the KPI return for October 2026", "Overdue") in _tags(home)

    submit_return(provider_client, organisation, date(2026, 10, 1))
    assert "KPI return for October 2026" not in page_text(_home(provider_client))


def test_an_open_invitation_to_quote_is_a_next_step(
    commissioner_client, commissioner, evaluator, on_lot, provider_client
):
    competition_id = competitions.ready_mini_competition(
        commissioner_client, [commissioner, evaluator], commissioner
    )
    assert competitions.publish(commissioner_client, competition_id).status_code == 302

    home = _home(provider_client)
    assert "quotes close at" in page_text(home)
    opportunity = [href for text, href in _links(home).items() if text.startswith("Quote for ‘")]
    assert opportunity == [f"/competitions/{competition_id}"]

    competitions.quote_and_submit(provider_client, competition_id, ["Local", "Weekly"], "1250")
    assert "quotes close at" not in page_text(_home(provider_client))


def _invite(organisations, title: str, closes_in: timedelta, **invitation) -> Competition:
    """A published mini-competition on mentoring closing `closes_in` from now, written directly,
    the organisations invited."""
    at = utcnow()
    competition = Competition(
        kind="mini_competition",
        status="published",
        lot_id=competitions.lot_id(),
        title=title,
        description="d",
        requirements="r",
        price_basis="total",
        quality_weight=60,
        price_weight=40,
        clarification_deadline=at + closes_in / 2,
        submission_deadline=at + closes_in,
        published_at=at,
    )
    db.session.add(competition)
    db.session.flush()
    db.session.add_all(
        Invitation(competition_id=competition.id, organisation_id=each.id, **invitation)
        for each in organisations
    )
    db.session.commit()
    return competition


def test_a_provider_sees_the_invitations_closing_soonest_and_how_many_are_open(
    app, provider_client, organisation
):
    """A home lists the ten invitations closing soonest and counts the rest, linking to the
    opportunities list, in the same number of queries as with one; declined ones, closed ones
    and those already quoted for are neither listed nor counted."""
    factories.admit(organisation, "mentoring")

    def invite(title: str, closes_in: timedelta, **invitation) -> Competition:
        return _invite([organisation], title, closes_in, **invitation)

    invite("Round 1", timedelta(days=1))
    one = queries_for(app, provider_client, "/home")
    for number in range(2, 13):
        invite(f"Round {number}", timedelta(days=number))
    invite("Declined", timedelta(hours=1), declined_at=utcnow())
    closed = invite("Closed", timedelta(days=1))
    closed.submission_deadline = utcnow() - timedelta(minutes=1)
    quoted = invite("Quoted", timedelta(hours=2))
    db.session.add(
        Quote(
            competition_id=quoted.id,
            organisation_id=organisation.id,
            status="submitted",
            answers={},
            price_pence=100_000,
            submitted_at=utcnow(),
        )
    )
    db.session.commit()

    home = _home(provider_client)
    listed = [link for link in _links(home) if link.startswith("Quote for ‘")]
    assert listed == [f"Quote for ‘Round {number}’" for number in range(1, 11)]
    assert _links(home)["All your opportunities"] == "/competitions"
    assert "12 open to your quote; the 10 closing soonest are listed above" in page_text(home)
    assert queries_for(app, provider_client, "/home") == one


def test_a_member_of_two_organisations_sees_each_ones_invitations_counted_together(
    provider_client, provider, organisation, other_organisation
):
    """Someone in two organisations: each invitation names the organisation it is for, and the
    ten listed and the count are of both organisations' together."""
    factories.add_member(other_organisation, provider)
    for each in (organisation, other_organisation):
        factories.admit(each, "mentoring")
    _invite([organisation, other_organisation], "Shared round", timedelta(days=1))
    for number in range(2, 11):
        _invite([organisation], f"Round {number}", timedelta(days=number))

    home = _home(provider_client)
    listed = [link for link in _links(home) if link.startswith("Quote for ‘")]
    assert listed[:2] == [
        "Quote for ‘Shared round’ for Organisation A Ltd",
        "Quote for ‘Shared round’ for Organisation B Ltd",
    ]
    assert len(listed) == 10
    assert "11 open to your quote; the 10 closing soonest are listed above" in page_text(home)


def test_the_provider_home_makes_the_same_queries_with_more_waiting(
    app, provider_client, organisation, every_type, kpis, clock
):
    start(provider_client, organisation)
    admit_from(organisation, date(2026, 10, 1))
    factories.make_document(organisation, "safeguarding_policy")
    clock(date(2026, 11, 6))
    few = queries_for(app, provider_client, "/home")
    # The draft, a return and the capacity to publish on the lot it was admitted to.
    assert len(_tags(_home(provider_client))) == 3

    for kind in ("health_and_safety_policy", "insurance_certificate", "equality_policy"):
        factories.make_document(organisation, kind)
    clock(date(2027, 3, 20))  # four months late, one due
    home = _home(provider_client)
    assert len([text for text, _tag in _tags(home) if text.startswith("Fill in")]) == 5
    assert queries_for(app, provider_client, "/home") == few


def _reads_of(statements: list[str], table: str) -> int:
    return sum(1 for statement in statements if re.search(rf"\bFROM {table}\b", statement))


def test_the_provider_home_reads_each_thing_once(app, provider_client, organisation, every_type):
    """Its parts ask for the same rows (the standing, capacity and KPI returns: the admissions;
    the standing and the documents waiting: the library; the list and the applications waiting:
    the latest application; each part of a contract's work: the contracts): each is read once."""
    start(provider_client, organisation)
    make_active_contract(organisation)  # admitted, with the documents a call-off requires
    _home(provider_client)

    with counting_queries(app) as statements:
        _home(provider_client)

    reads = {
        table: _reads_of(statements, table)
        for table in ("admissions", "documents", "applications", "contracts")
    }
    assert reads == {"admissions": 1, "documents": 1, "applications": 1, "contracts": 1}


def test_what_the_home_reads_once_is_read_afresh_by_the_next_request(provider_client, organisation):
    """One library read serves the standing and the documents waiting within a request, never
    beyond it: a document uploaded shows at the next request in both."""
    factories.admit(organisation, "mentoring", documents=False)
    home = page_text(_home(provider_client))
    assert "Upload your safeguarding and child protection policy" in home
    assert "No safeguarding and child protection policy has been uploaded" in home

    response = upload(provider_client, organisation, kind="safeguarding_policy")
    assert response.status_code == 302

    home = page_text(_home(provider_client))
    assert "Upload your safeguarding and child protection policy" not in home
    assert "No safeguarding and child protection policy has been uploaded" not in home
    assert "Upload your insurance certificate" in home


def test_the_waiting_items_addresses_are_url_fors(app):
    """Addresses worked out once per route (core.waiting.addresses) are exactly url_for's:
    an id in the path, an id in the query string, words, several arguments, no page."""
    items = [
        Waiting(link="a", endpoint="competitions.show", args={"competition_id": 7}),
        Waiting(link="b", endpoint="competitions.show", args={"competition_id": 1234567}),
        Waiting(link="c", endpoint="reviews.queue", args={"assignee": 12}),
        Waiting(link="d", endpoint="contracts.index", args={"status": "to_send"}),
        Waiting(
            link="e",
            endpoint="kpi_returns.show_return",
            args={"organisation_id": 3, "year": 2027, "month": 1},
        ),
        Waiting(link="f", endpoint="kpi_returns.dashboard"),
        Waiting(link="g", endpoint=None),
    ]
    with app.test_request_context("/home"):
        expected = [url_for(i.endpoint, **i.args) if i.endpoint else None for i in items]
        assert addresses(items) == expected


# The Jinja loop templates/pages/_waiting.html had, which templating.waiting_items replaces.
_WAITING_LOOP = """{% for item in waiting %}
      {% set tag_text, tag_class = item.tag %}
      <li class="govuk-task-list__item{% if item.endpoint %} govuk-task-list__item--with-link{% endif %}">
        <div class="govuk-task-list__name-and-hint">
          {% if item.endpoint %}
            <a class="govuk-link govuk-task-list__link" href="{{ url_for(item.endpoint, **item.args) }}" aria-describedby="waiting-{{ loop.index }}-hint waiting-{{ loop.index }}-status">{{ item.link }}</a>
          {% else %}
            <span>{{ item.link }}</span>
          {% endif %}
          {% if item.hint %}<div class="govuk-task-list__hint" id="waiting-{{ loop.index }}-hint">{{ item.hint }}</div>{% endif %}
        </div>
        <div class="govuk-task-list__status" id="waiting-{{ loop.index }}-status"><strong class="govuk-tag {{ tag_class }}">{{ tag_text }}</strong></div>
      </li>
    {% endfor %}"""  # noqa: E501


def test_the_waiting_items_render_as_the_jinja_loop_did(app):
    items = [
        Waiting(
            link="Quote for ‘<Tutoring> & more’",
            endpoint="competitions.show",
            args={"competition_id": 7},
            hint="Closes at 12pm",
            urgency=0,
        ),
        Waiting(link="No hint", endpoint="competitions.show", args={"competition_id": 8}),
        Waiting(
            link="Queue",
            endpoint="reviews.queue",
            args={"flag": "overdue", "assignee": 3},
            hint='"Quoted" <b>hint</b>',
            urgency=1,
        ),
        Waiting(link="Emails that could not be sent", endpoint=None, hint="3 emails failed"),
        Waiting(link="No page, no hint", endpoint=None),
    ]
    with app.test_request_context("/home"):
        template = app.jinja_env.from_string(_WAITING_LOOP)
        assert str(waiting_items(items)) == template.render(waiting=items)
        assert str(waiting_items([])) == template.render(waiting=[])


def test_a_question_on_a_kpi_return_is_a_next_step_read_with_the_returns(
    app, provider_client, reviewer_client, organisation, kpis
):
    """The council's open questions come in the same read as the returns owed (one statement
    for both): a question on a submitted return shows beside the returns still owed, and goes
    once answered while they stay."""
    admit_from(organisation, month_ago(4))
    submit_return(provider_client, organisation, month_ago(4))
    kpi_return_id = db.session.scalar(select(KpiReturn.id))
    asked = reviewer_client.post(
        f"/kpi-returns/dashboard/returns/{kpi_return_id}/query",
        data={"kpi_id": str(kpi_ids()["attendance-rate"]), "question": "Is 95% right?"},
    )
    assert asked.status_code == 302
    query_id = db.session.scalar(select(KpiQuery.id))
    answer = f"/kpi-returns/organisations/{organisation.id}/queries/{query_id}/answer"
    question = f"Answer the council’s question on your {month_ago(4):%B %Y} KPI return"

    _home(provider_client)
    with counting_queries(app) as statements:
        home = _home(provider_client)
    assert _links(home)[question] == answer
    # The months since, not submitted: at least the oldest is late.
    assert f"Fill in the KPI return for {month_ago(3):%B %Y}" in _links(home)
    assert _reads_of(statements, "kpi_queries") == 0  # joined to the returns' read
    assert _reads_of(statements, "kpi_returns") == 1

    answered = provider_client.post(answer, data={"answer": "Yes", "lock_version": "1"})
    assert answered.status_code == 302
    home = _home(provider_client)
    assert question not in _links(home)
    assert f"Fill in the KPI return for {month_ago(3):%B %Y}" in _links(home)


def test_the_provider_home_reads_its_lists_in_one_statement(
    app, provider_client, organisation, every_type
):
    """What each domain lists for a provider from rows needing nothing read before them (its
    invitations, contracts, statements queried, outcomes due, returns, capacity, actions,
    meetings, a draft's sections) is read in one statement, not one each."""
    start(provider_client, organisation)
    make_active_contract(organisation)
    _home(provider_client)

    with counting_queries(app) as statements:
        _home(provider_client)

    listing = [
        statement
        for statement in statements
        if re.search(
            r"\b(competition_invitations|statements|contract_outcomes|kpi_returns|capacities|"
            r"quality_actions|quality_meetings|application_sections)\b",
            statement,
        )
    ]
    assert len(listing) == 1
    assert all(
        re.search(rf"\b{table}\b", listing[0])
        for table in ("competition_invitations", "kpi_returns", "capacities", "quality_meetings")
    )


def test_lists_read_together_are_each_as_read_alone(app, provider_client, organisation, every_type):
    """read_lists gives each list's rows in its own order, each value as its column's type
    makes it when read alone (timestamps in UTC, dates, JSON, booleans), whatever the other
    lists hold; a parameter two lists share must have one value."""
    application_id = start(provider_client, organisation)
    db.session.add_all(
        [
            ApplicationSection(
                application_id=application_id,
                section_id=f"section-{number}",
                answers={"question": number, "words": "‘a’ & b"},
                completed=number % 2 == 0,
            )
            for number in range(3)
        ]
    )
    factories.admit(organisation, "mentoring")
    factories.admit(organisation, "online-tuition")
    db.session.flush()
    mine = {"ids": [organisation.id]}
    statements = [
        (
            select(
                ApplicationSection.answers,
                ApplicationSection.completed,
                ApplicationSection.version,
            )
            .where(ApplicationSection.application_id == bindparam("application_id"))
            .order_by(ApplicationSection.section_id.desc()),
            {"application_id": application_id},
        ),
        (
            select(Admission.lot_id, Admission.admitted_at, Admission.status)
            .where(Admission.organisation_id.in_(bindparam("ids", expanding=True)))
            .order_by(Admission.lot_id.desc()),
            mine,
        ),
        (
            select(Application.id, Application.created_at, Application.status)
            .where(Application.organisation_id.in_(bindparam("ids", expanding=True)))
            .order_by(Application.id),
            mine,
        ),
    ]
    alone = [[tuple(row) for row in db.session.execute(*each)] for each in statements]
    together = read_lists([Listed(statement, params, list) for statement, params in statements])

    assert [[tuple(row) for row in rows] for rows in together] == alone
    assert [len(rows) for rows in alone] == [3, 2, 1]
    assert alone[0][0] == ({"question": 2, "words": "‘a’ & b"}, True, 1)
    assert alone[1][0][1].tzinfo is not None and alone[1][0][1].utcoffset() == timedelta(0)
    with pytest.raises(ValueError, match="'ids'"):
        read_lists(
            [Listed(statements[1][0], mine, list), Listed(statements[2][0], {"ids": [0]}, list)]
        )


def test_reads_read_together_are_as_read_alone_and_not_read_again(app, organisation):
    """read_together reads the admissions and libraries a page's parts will ask for in one
    statement; asked after it within reading_once they read nothing and give what each reads
    alone. Outside reading_once it reads nothing, and each reads when asked."""
    factories.admit(organisation, "mentoring")
    factories.make_document(organisation, "safeguarding_policy")
    db.session.flush()
    ids = [organisation.id]
    with app.test_request_context("/home"):
        alone = (admissions_held(ids), documents.libraries_of(ids))
        assert all(alone[0][organisation.id]) and alone[1][organisation.id]
        with counting_queries(app) as outside:
            read_together((admissions_held, documents.libraries_of), ids)
        assert outside == []
        with reading_once(), counting_queries(app) as statements:
            read_together((admissions_held, documents.libraries_of), ids)
            together = (admissions_held(ids), documents.libraries_of(ids))
            read_together((admissions_held, documents.libraries_of), ids)
        assert len(statements) == 1
        assert together == alone
