"""A newer questionnaire: a draft keeps the questions it started with, and is offered the move
only when the new version asks something on its route differently."""

from portal.questionnaires import services as questionnaires
from tests.applications import journey
from tests.applications.helpers import (
    EVERY_TYPE,
    application,
    audit_events,
    page_url,
    publish,
    save,
    start,
    stored,
    task_statuses,
)
from tests.support.pages import banner_text, page_h1, page_text, soup

LOTS = ["online-tuition", "mentoring"]


def version_2(tmp_path, *changes: tuple[str, str]):
    """every_type.yaml as version 2, with text replaced."""
    text = EVERY_TYPE.read_text().replace("version: 1", "version: 2", 1)
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "v2.yaml"
    path.write_text(text)
    return path


NEW_LABEL = ('label: "Annual turnover"', 'label: "Turnover in your last financial year"')
NEW_HINT = ('hint: "As registered with Companies House"', 'hint: "As on your certificate"')


def test_a_draft_keeps_its_questions_and_is_offered_the_new_version(
    provider_client, organisation, draft, every_type, admin, tmp_path
):
    content = questionnaires.content_of(every_type)
    journey.complete_section(provider_client, content, page_url(draft, "about", "identity"), LOTS)
    save(provider_client, draft, "lots", "choose_lots", {"chosen_lots": LOTS})
    new = publish(version_2(tmp_path, NEW_LABEL, NEW_HINT), admin)

    # Still version 1's question until they choose to move.
    assert page_h1(provider_client.get(page_url(draft, "about", "money"))) == "Annual turnover"
    page = provider_client.get(f"/applications/{draft}")
    banner = banner_text(page)
    assert "A new version of the questionnaire is available" in banner
    assert "Version 2 asks 1 question that you need to answer differently" in banner
    assert "Turnover in your last financial year" in banner
    assert "Legal name" not in banner  # only its hint changed: the answer still answers it

    form = soup(page).select_one(".govuk-notification-banner form")
    response = provider_client.post(form["action"])

    assert response.location == f"/applications/{draft}"
    moved = provider_client.get(response.location)
    assert "Your application now uses version 2 of the questionnaire." in banner_text(moved)
    assert application(draft).questionnaire_version_id == new.id
    answers = stored(draft)
    assert "turnover" not in answers  # to answer again
    assert answers["legal_name"] == "Example" and answers["chosen_lots"] == LOTS
    assert task_statuses(moved)["About your organisation"] == "In progress"
    assert page_h1(provider_client.get(page_url(draft, "about", "money"))) == (
        "Turnover in your last financial year"
    )
    [event] = audit_events("application.moved_to_new_version")
    assert (event.before, event.after) == (
        {"questionnaire_version": 1},
        {"questionnaire_version": 2, "changed_questions": ["turnover"]},
    )
    # Moved: nothing more to offer.
    assert "A new version" not in page_text(provider_client.get(f"/applications/{draft}"))


def test_a_draft_can_finish_on_the_version_it_started(
    provider_client, draft, every_type, admin, tmp_path
):
    publish(version_2(tmp_path, NEW_LABEL), admin)
    journey.complete_sections(provider_client, questionnaires.content_of(every_type), draft, LOTS)

    response = journey.submit(provider_client, draft)

    assert response.location == f"/applications/{draft}/confirmation"
    assert application(draft).questionnaire_version_id == every_type.id


def test_no_offer_when_nothing_the_provider_answers_has_changed(
    provider_client, draft, every_type, admin, tmp_path
):
    publish(version_2(tmp_path, NEW_HINT), admin)

    page = provider_client.get(f"/applications/{draft}")
    assert "A new version" not in page_text(page)
    provider_client.post(f"/applications/{draft}/move-to-new-version")
    assert application(draft).questionnaire_version_id == every_type.id


def test_new_applications_start_on_the_published_version(
    other_provider_client, other_organisation, every_type, admin, tmp_path
):
    new = publish(version_2(tmp_path, NEW_LABEL), admin)

    started = start(other_provider_client, other_organisation)

    assert application(started).questionnaire_version_id == new.id
