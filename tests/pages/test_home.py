"""The home pages say what needs doing: a provider sees the next step for every state their
organisation can be in, each linked to the page where it is done; council staff see counts of
the work waiting for their role."""

from __future__ import annotations

from datetime import date, timedelta

from portal.applications.models import Application
from portal.core.db import db
from portal.core.time import today
from tests.applications.helpers import start
from tests.competitions import helpers as competitions
from tests.documents.helpers import date_parts, in_days, only_document, upload
from tests.kpi_returns.helpers import admit_from, submit_return
from tests.support.pages import page_text, soup
from tests.support.queries import queries_for


def _home(client):
    response = client.get("/home")
    assert response.status_code == 200
    return response


def _links(response) -> dict[str, str]:
    return {
        " ".join(a.get_text(" ", strip=True).split()): a["href"]
        for a in soup(response).select("main a")
    }


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
    assert "you have completed 0 of 4 sections" in page_text(home)
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
    assert f"‘Public liability’ expires on {_day(in_days(10))}" in page_text(home)
    replace = f"/documents/organisations/{organisation.id}/{soon.id}/replace"
    assert _links(home)["Upload a new version of ‘Public liability’"] == replace

    soon.current.expiry_date = today() - timedelta(days=1)
    db.session.commit()
    assert "‘Public liability’ expired on" in page_text(_home(provider_client))


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def test_a_kpi_return_due_soon_or_late_is_a_next_step(provider_client, organisation, kpis, clock):
    admit_from(organisation, date(2026, 10, 1))
    clock(date(2026, 11, 6))  # October's return is due on the 10th working day of November

    home = _home(provider_client)
    assert "Your KPI return for October 2026 is due on Friday 13 November 2026." in (
        page_text(home)
    )
    fill = f"/kpi-returns/organisations/{organisation.id}/months/2026/10"
    assert _links(home)[f"Fill in the return for October 2026 for {organisation.display_name}"] == (
        fill
    )

    clock(date(2026, 11, 20))
    assert "Your KPI return for October 2026 is late" in page_text(_home(provider_client))

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
    assert "You are invited to quote for" in page_text(home)
    opportunity = [href for text, href in _links(home).items() if text.startswith("See the opp")]
    assert opportunity == [f"/competitions/{competition_id}"]

    competitions.quote_and_submit(provider_client, competition_id, ["Local", "Weekly"], "1250")
    assert "You are invited to quote for" not in page_text(_home(provider_client))


def test_staff_homes_count_the_work_waiting_for_their_role(
    app,
    reviewer_client,
    commissioner_client,
    admin_client,
    commissioner,
    evaluator,
    provider_client,
    organisation,
    every_type,
):
    before = {
        name: queries_for(app, client, "/home")
        for name, client in (
            ("reviewer", reviewer_client),
            ("commissioner", commissioner_client),
            ("admin", admin_client),
        )
    }
    assert "0 applications waiting for a decision" in page_text(_home(reviewer_client))

    draft = start(provider_client, organisation)
    _move(draft, "submitted", reference="FLSF-2026-00001")
    competitions.create(commissioner_client)

    reviewer = _home(reviewer_client)
    assert _links(reviewer)["1 application waiting for a decision"] == "/reviews"
    assert "mini-competition" not in page_text(reviewer)
    commissioner_home = page_text(_home(commissioner_client))
    assert "1 mini-competition in draft, to publish" in commissioner_home
    assert "0 mini-competitions closed, to evaluate and award" in commissioner_home
    assert "application waiting" not in commissioner_home
    admin_home = page_text(_home(admin_client))
    assert "1 application waiting for a decision" in admin_home
    assert "1 mini-competition in draft, to publish" in admin_home
    # The counts are counted in SQL: the same statements whatever is waiting.
    for name, client in (
        ("reviewer", reviewer_client),
        ("commissioner", commissioner_client),
        ("admin", admin_client),
    ):
        assert queries_for(app, client, "/home") == before[name], name
