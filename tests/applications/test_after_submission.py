"""After submission: the read-only status page, a printable copy and a download of exactly what
was submitted, withdrawing, and applying again with the answers filled in."""

from datetime import datetime

import pytest
from sqlalchemy import update

from portal.applications.models import APPROVED, REJECTED, WITHDRAWN, Application
from portal.core.db import db
from portal.core.time import LONDON
from portal.questionnaires.models import QuestionnaireVersion
from tests.applications import journey
from tests.applications.helpers import (
    application,
    audit_events,
    page_url,
    save,
    start,
    stored,
    task_statuses,
)
from tests.support import factories
from tests.support.emails import emails_to
from tests.support.pages import banner_text, page_h1, page_text, soup

LOTS = ["online-tuition", "mentoring"]
YEAR = datetime.now(LONDON).year


@pytest.fixture
def submitted(provider, provider_client, draft, every_type) -> int:
    """Organisation A's application on `every_type`, submitted: filled in through the services
    the pages call (test_journey_shortcut.py checks it is what the pages leave), then
    submitted through HTTP."""
    journey.fill_in_sections(provider, draft, LOTS)
    response = journey.submit(provider_client, draft)
    assert response.status_code == 302
    return draft


def summary(response) -> dict[str, str]:
    return {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in soup(response).select(".govuk-summary-list__row")
    }


def test_the_status_page_after_submission(provider_client, organisation, submitted):
    page = provider_client.get(f"/applications/{submitted}")

    assert page_h1(page) == "Your application"
    rows = summary(page)
    assert rows["Reference number"] == f"FLSF-{YEAR}-00001"
    assert rows["Status"] == "Submitted"
    assert rows["Lots applied for"] == "Online tuition, Mentoring"
    assert rows["Submitted"].endswith("by Alex Provider")
    links = {a.get_text(strip=True): a["href"] for a in soup(page).select("main a.govuk-link")}
    assert (
        links["View or print what you submitted"] == f"/applications/{submitted}/submitted-answers"
    )
    assert (
        links["Download a copy (HTML)"] == f"/applications/{submitted}/submitted-answers/download"
    )
    assert links["Withdraw your application"] == f"/applications/{submitted}/withdraw"
    organisation_page = provider_client.get(f"/organisations/{organisation.id}")
    assert f"Your application FLSF-{YEAR}-00001 is submitted." in page_text(organisation_page)


def test_the_printable_copy_and_the_download(provider_client, submitted):
    page = provider_client.get(f"/applications/{submitted}/submitted-answers")
    assert page_h1(page) == f"Application FLSF-{YEAR}-00001"
    text = page_text(page)
    assert "Submitted on" in text and "by Alex Provider" in text
    assert "Legal name Organisation A Ltd" in text  # the organisation's record as it was
    assert "Annual turnover £1,250.50" in text
    assert "Referee 1 Full name: Example" in text
    assert "Declaration Agreed by Alex Provider, Director" in text

    download = provider_client.get(f"/applications/{submitted}/submitted-answers/download")

    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="FLSF-{YEAR}-00001.html"'
    )
    assert download.mimetype == "text/html"
    copy = page_text(download)
    assert "Annual turnover £1,250.50" in copy
    assert soup(download).find("script") is None  # a file to keep: nothing that runs


def test_the_copy_is_what_was_submitted_whatever_changes_later(
    provider_client, organisation, submitted, every_type
):
    """The organisation renames itself and the questionnaire's stored content is altered: the
    copy still shows what was submitted, as it was asked."""
    provider_client.post(
        f"/organisations/{organisation.id}/edit",
        data={
            "legal_name": "Renamed Ltd",
            "legal_form": "company",
            "company_number": "01234567",
            "address_line_1": "2 New Street",
            "town": "Dudley",
            "postcode": "DY1 1AA",
            "phone": "01384 000000",
            "contact_name": "Test Contact",
            "contact_email": "contact@example.org",
        },
    )
    content = dict(every_type.content)
    content["title"] = "Changed questionnaire"
    db.session.execute(
        update(QuestionnaireVersion)
        .where(QuestionnaireVersion.id == every_type.id)
        .values(content={**content, "sections": []}, source_sha256="0" * 64)
    )
    db.session.commit()
    assert "Renamed Ltd" in page_text(provider_client.get(f"/organisations/{organisation.id}"))

    copy = page_text(provider_client.get(f"/applications/{submitted}/submitted-answers"))

    assert "Legal name Organisation A Ltd" in copy
    assert "Renamed Ltd" not in copy
    assert "Annual turnover £1,250.50" in copy
    assert "Online tuition Name of your teaching platform Example" in copy


def test_withdrawing_an_application(provider_client, member, submitted):
    page = provider_client.get(f"/applications/{submitted}/withdraw")
    assert page_h1(page) == "Are you sure you want to withdraw your application?"

    response = provider_client.post(f"/applications/{submitted}/withdraw")

    assert response.location == f"/applications/{submitted}"
    page = provider_client.get(response.location)
    assert banner_text(page) == "Success Your application has been withdrawn"
    assert summary(page)["Status"] == "Withdrawn"
    assert application(submitted).status == WITHDRAWN
    assert application(submitted).withdrawn_at is not None
    [event] = audit_events("application.withdrawn")
    assert event.before == {"status": "submitted"}
    assert emails_to(member.email)[-1].subject == (
        f"Your application has been withdrawn (FLSF-{YEAR}-00001)"
    )
    # Once withdrawn, it cannot be withdrawn again.
    again = provider_client.post(f"/applications/{submitted}/withdraw")
    assert again.location == f"/applications/{submitted}"
    assert "already been withdrawn" in banner_text(provider_client.get(again.location))
    assert len(audit_events("application.withdrawn")) == 1
    assert "Withdraw your application" not in page_text(page)


def test_a_draft_can_be_withdrawn_too(provider_client, draft):
    response = provider_client.post(f"/applications/{draft}/withdraw")

    assert response.location == f"/applications/{draft}"
    assert application(draft).status == WITHDRAWN
    assert application(draft).reference is None


def test_applying_again_after_a_rejection_starts_with_the_last_answers(
    provider_client, organisation, submitted
):
    db.session.execute(update(Application).values(status=REJECTED))  # as a reviewer will
    db.session.commit()
    page = provider_client.get(f"/organisations/{organisation.id}")
    assert "Your last application (FLSF-" in page_text(page)
    start_page = provider_client.get(f"/applications/start/{organisation.id}")
    assert "We’ll fill in the answers from your last application." in page_text(start_page)

    again = start(provider_client, organisation)

    assert again != submitted
    assert application(again).previous_application_id == submitted
    carried = stored(again)
    assert carried == {k: v for k, v in stored(submitted).items() if k != "declaration"}
    assert carried["chosen_lots"] == LOTS
    # The sections answered in full stay completed: only the lots are asked again.
    statuses = task_statuses(provider_client.get(f"/applications/{again}"))
    assert statuses["About your organisation"] == "Completed"
    assert statuses["Online tuition"] == "Completed"
    assert statuses["Safeguarding"] == "Completed"
    assert statuses["Types of service"] == "In progress"
    assert statuses["Declaration"] == "Cannot start yet"


def test_an_admitted_provider_applies_for_more_lots(provider_client, organisation, submitted):
    db.session.execute(update(Application).values(status=APPROVED))
    db.session.commit()
    factories.admit(organisation, "mentoring")  # as approving the lot does
    page = provider_client.get(f"/organisations/{organisation.id}")
    buttons = [a.get_text(strip=True) for a in soup(page).select("main a.govuk-button")]
    assert "Apply for more lots" in buttons

    more = start(provider_client, organisation)

    assert stored(more)["legal_name"] == "Example"
    assert application(more).previous_application_id == submitted
    # The lots page says which lots are held and why they are ticked.
    lots_page = page_text(provider_client.get(page_url(more, "lots", "choose_lots")))
    assert "You are on the framework for Mentoring since" in lots_page
    assert "The types of service you chose in your last application are ticked below" in lots_page
    # Adding a lot asks only that lot's questions: the rest stay completed.
    save(
        provider_client, more, "lots", "choose_lots", {"chosen_lots": [*LOTS, "in-person-tuition"]}
    )
    statuses = task_statuses(provider_client.get(f"/applications/{more}"))
    assert statuses["About your organisation"] == "Completed"
    assert statuses["Online tuition"] == "Completed"
    assert statuses["Types of service"] == "In progress"


def test_applying_again_after_withdrawing_a_draft(provider_client, organisation, draft):
    save(provider_client, draft, "lots", "choose_lots", {"chosen_lots": ["mentoring"]})
    provider_client.post(f"/applications/{draft}/withdraw")

    again = start(provider_client, organisation)

    assert stored(again) == {"chosen_lots": ["mentoring"]}
    assert provider_client.get(page_url(again, "lots", "choose_lots")).status_code == 200
