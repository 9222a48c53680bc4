"""A provider starts an application from their organisation's page: one draft, pinned to the
questionnaire that is published."""

from portal.applications.models import DRAFT, Application
from tests.applications.helpers import application, audit_events, count, start
from tests.support.pages import page_errors, page_h1, page_text, soup


def test_the_organisation_page_leads_to_a_new_application(
    provider_client, organisation, every_type
):
    page = provider_client.get(f"/organisations/{organisation.id}")
    [button] = [a for a in soup(page).select("main a.govuk-button") if "Apply" in a.get_text()]
    assert button.get_text(strip=True) == "Apply to join the framework"

    start_page = provider_client.get(button["href"])
    assert page_h1(start_page) == "Apply to join the framework"
    assert "Tell us about your organisation." in page_text(start_page)  # the summary

    response = provider_client.post(button["href"], data={})

    draft = application(int(response.location.rsplit("/", 1)[1]))
    assert (draft.status, draft.organisation_id) == (DRAFT, organisation.id)
    assert draft.questionnaire_version_id == every_type.id
    assert draft.reference is None
    [event] = audit_events("application.started")
    assert event.object_id == draft.id
    task_list = provider_client.get(response.location)
    assert page_h1(task_list) == "Apply to join the framework"
    again = provider_client.get(f"/organisations/{organisation.id}")
    assert "Your application is in progress. Continue your application" in page_text(again)
    assert soup(again).find("a", string="Continue your application")["href"] == (
        f"/applications/{draft.id}"
    )


def test_a_double_click_on_start_makes_one_application(provider_client, organisation, every_type):
    form = provider_client.get(f"/applications/start/{organisation.id}")
    submission_id = soup(form).find(attrs={"name": "submission_id"})["value"]
    first = provider_client.post(
        f"/applications/start/{organisation.id}", data={"submission_id": submission_id}
    )
    second = provider_client.post(
        f"/applications/start/{organisation.id}", data={"submission_id": submission_id}
    )
    assert first.location == second.location
    assert count(Application) == 1


def test_an_organisation_has_one_open_application(
    provider_client, member_client, organisation, every_type
):
    """Another member (or another tab) starting again is taken to the application there is."""
    first = start(provider_client, organisation)
    assert member_client.get(f"/applications/start/{organisation.id}").location == (
        f"/applications/{first}"
    )
    assert start(member_client, organisation) == first
    assert count(Application) == 1


def test_nobody_can_apply_before_a_questionnaire_is_published(provider_client, organisation):
    page = provider_client.get(f"/applications/start/{organisation.id}")
    assert "The council is not taking applications at the moment" in page_text(page)
    assert "Start your application" not in page_text(page)

    response = provider_client.post(f"/applications/start/{organisation.id}", data={})

    assert response.status_code == 200
    assert list(page_errors(response).values()) == [
        "The council is not taking applications at the moment"
    ]
    assert count(Application) == 0


def test_another_organisations_start_page_is_not_found(
    other_provider_client, organisation, every_type
):
    assert other_provider_client.get(f"/applications/start/{organisation.id}").status_code == 404
    assert other_provider_client.post(f"/applications/start/{organisation.id}").status_code == 404
    assert count(Application) == 0
