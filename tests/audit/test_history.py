"""Each record's own history: administrators follow a link from any record council staff open to
the audit log filtered to it; reviewers read one organisation's history, and nothing else of
the log, from its provider record."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from portal.core.time import today, utcnow
from portal.kpi_returns import months
from portal.kpi_returns.definitions import ensure_starting_kpis
from tests.audit.helpers import add_event, events
from tests.competitions import helpers as competitions
from tests.kpi_returns.helpers import record_return
from tests.reviews.test_decisions import APPROVAL, decide, start_review
from tests.support import factories
from tests.support.pages import page_h1, page_text, soup

HISTORY_LINK = "View the history of this record in the audit log"


def _link(response, text: str) -> str | None:
    found = soup(response).find("a", string=lambda s: s and text in s)
    return found["href"] if found else None


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_an_organisations_history_for_reviewers(
    app, reviewer_client, reviewer, organisation, other_organisation
):
    admission = factories.admit(organisation, "mentoring", admitted_at=utcnow())
    add_event(
        "organisation.updated",
        object_type="organisation",
        object_id=organisation.id,
        organisation_id=organisation.id,
        before={"trading_name": None},
        after={"trading_name": "Bright Minds"},
    )
    add_event(
        "organisation.updated",
        object_type="organisation",
        object_id=other_organisation.id,
        organisation_id=other_organisation.id,
        after={"trading_name": "Someone Else"},
    )

    record = reviewer_client.get(f"/reviews/providers/{organisation.id}")
    href = _link(record, "Everything recorded about")
    assert href == f"/reviews/providers/{organisation.id}/history"
    assert _link(record, "audit log") is None  # a reviewer has no link into the whole log

    page = reviewer_client.get(href)
    assert page.status_code == 200
    assert page_h1(page) == "History"
    text = page_text(page)
    assert "Organisation details changed" in text
    assert "Trading name: (none) → Bright Minds" in text
    assert "Someone Else" not in text
    # Read-only: no filters, no downloads.
    assert soup(page).find("form", method="get") is None
    assert "Download" not in text
    (reading,) = events("audit.organisation_history_viewed")
    assert reading.actor_id == reviewer.id and reading.organisation_id == organisation.id
    assert admission.id


def test_history_for_an_organisation_that_does_not_exist(reviewer_client):
    assert reviewer_client.get("/reviews/providers/999999/history").status_code == 404
    assert events("audit.organisation_history_viewed") == []


def test_commissioners_see_no_history_link(commissioner_client, organisation):
    factories.admit(organisation, "mentoring", admitted_at=utcnow())
    record = commissioner_client.get(f"/reviews/providers/{organisation.id}")
    assert record.status_code == 200
    assert _link(record, "Everything recorded about") is None
    assert commissioner_client.get(f"/reviews/providers/{organisation.id}/history").status_code == (
        403
    )


def test_admins_follow_each_record_to_its_history(
    app, admin_client, organisation, provider, submitted
):
    factories.admit(organisation, "mentoring", admitted_at=utcnow() - timedelta(days=100))
    add_event(
        "organisation.updated",
        object_type="organisation",
        object_id=organisation.id,
        organisation_id=organisation.id,
    )
    record = admin_client.get(f"/reviews/providers/{organisation.id}")
    href = _link(record, "in the audit log")
    assert _query(href) == {"organisation_id": [str(organisation.id)]}
    assert "Organisation details changed" in page_text(admin_client.get(href))

    document = factories.make_document(organisation, "other", "Lone working policy")
    competition_id = competitions.open_competition_rows(
        organisation, provider, app.config["S3_BUCKET"]
    )["competition_id"]
    ensure_starting_kpis()
    kpi_return = record_return(organisation, months.add_months(months.last_ended(today()), -1))
    pages = {
        ("application", submitted): f"/reviews/{submitted}",
        ("competition", competition_id): f"/competitions/{competition_id}",
        ("document", document.id): f"/documents/organisations/{organisation.id}/{document.id}",
        ("kpi_return", kpi_return.id): f"/kpi-returns/dashboard/returns/{kpi_return.id}",
    }
    for (object_type, object_id), url in pages.items():
        add_event(f"{object_type}.checked", object_type=object_type, object_id=object_id)
        page = admin_client.get(url)
        assert page.status_code == 200, url
        href = _link(page, HISTORY_LINK)
        assert href is not None, url
        assert _query(href) == {"object_type": [object_type], "object_id": [str(object_id)]}
        history = admin_client.get(href)
        assert f"{object_type.replace('_', ' ').capitalize()} checked" in page_text(history), url


def test_reviewers_get_no_link_into_the_whole_log(reviewer_client, submitted):
    page = reviewer_client.get(f"/reviews/{submitted}")
    assert page.status_code == 200
    assert _link(page, HISTORY_LINK) is None


def test_who_approved_an_application_and_what_changed(
    admin_client, reviewer_client, reviewer, submitted
):
    start_review(reviewer_client, submitted)
    assert decide(reviewer_client, submitted, "approve", APPROVAL).status_code == 302

    review_page = admin_client.get(f"/reviews/{submitted}")
    history = admin_client.get(_link(review_page, HISTORY_LINK))
    approved = [
        row
        for row in soup(history).select("table.app-audit tbody tr")
        if "Application approved" in row.get_text()
    ]
    assert len(approved) == 1
    text = approved[0].get_text(" ", strip=True)
    assert reviewer.full_name in text and reviewer.email in text
    assert "Status: In review → Approved" in text
    decision = page_text(history)
    assert "Approval decision recorded" in decision
    assert "Reason: Admitted for online tuition only" in decision
