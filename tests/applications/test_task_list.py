"""The task list: each section's status, how many are completed, and the sections for the lots
chosen."""

from portal.questionnaires import services as questionnaires
from tests.applications import journey
from tests.applications.helpers import (
    V1,
    page_url,
    publish,
    save,
    start,
    task_hints,
    task_links,
    task_statuses,
)
from tests.support.pages import page_text

LOTS = {"chosen_lots": ["online-tuition", "mentoring"]}


def test_a_new_application_lists_every_section_not_yet_started(provider_client, draft):
    page = provider_client.get(f"/applications/{draft}")

    assert task_statuses(page) == {
        "Types of service": "Not yet started",
        "About your organisation": "Not yet started",
        # For some lots only: it cannot start until the lots are chosen.
        "Online tuition": "Cannot start yet",
        "Safeguarding": "Not yet started",
        "Declaration": "Cannot start yet",
    }
    assert task_hints(page) == {
        "Online tuition": "Choose the lots you are applying for first",
        "Declaration": "Complete every other section first",
    }
    # The section for some lots is listed but not counted until the lots are chosen.
    assert (
        "You have completed 0 of 4 sections. The sections for the types of service you choose "
        "will be added when you choose them." in page_text(page)
    )
    assert task_links(page) == {
        "Types of service": page_url(draft, "lots", "choose_lots"),
        "About your organisation": page_url(draft, "about", "identity"),
        "Safeguarding": page_url(draft, "safeguarding", "convictions"),
    }


def test_choosing_lots_shows_only_their_sections(provider_client, draft):
    save(provider_client, draft, "lots", "choose_lots", {"chosen_lots": ["mentoring"]})
    page = provider_client.get(f"/applications/{draft}")
    assert "Online tuition" not in task_statuses(page)
    assert "You have completed 0 of 4 sections." in page_text(page)
    assert "will be added when you choose them" not in page_text(page)

    save(provider_client, draft, "lots", "choose_lots", LOTS)
    page = provider_client.get(f"/applications/{draft}")
    assert "You have completed 0 of 5 sections." in page_text(page)
    statuses = task_statuses(page)
    assert statuses["Online tuition"] == "Not yet started"
    # Every question answered, but not yet confirmed on its check answers page.
    assert statuses["Types of service"] == "In progress"


def test_a_section_is_in_progress_until_the_provider_says_it_is_completed(provider_client, draft):
    save(provider_client, draft, "about", "identity", {"legal_name": "Bright Futures"})
    page = provider_client.get(f"/applications/{draft}")
    assert task_statuses(page)["About your organisation"] == "In progress"
    # In progress leads to the first page still to do.
    assert task_links(page)["About your organisation"] == page_url(draft, "about", "identity")

    save(provider_client, draft, "lots", "choose_lots", LOTS)
    check = f"/applications/{draft}/lots/check-answers"
    provider_client.post(check, data={"completed": "yes"})
    page = provider_client.get(f"/applications/{draft}")
    assert task_statuses(page)["Types of service"] == "Completed"
    assert "You have completed 1 of 5 sections." in page_text(page)
    assert task_links(page)["Types of service"] == check


def test_the_declaration_opens_once_every_other_section_is_completed(
    provider_client, draft, every_type
):
    content = questionnaires.content_of(every_type)
    journey.complete_sections(provider_client, content, draft, LOTS["chosen_lots"])

    page = provider_client.get(f"/applications/{draft}")

    assert task_statuses(page) == {
        "Types of service": "Completed",
        "About your organisation": "Completed",
        "Online tuition": "Completed",
        "Safeguarding": "Completed",
        "Declaration": "Not yet started",
    }
    assert task_hints(page) == {"Declaration": "Check your answers, then sign and submit"}
    assert "Application incomplete" in page_text(page)
    assert "You have completed 4 of 5 sections." in page_text(page)
    assert task_links(page)["Declaration"] == f"/applications/{draft}/check-answers"


def test_the_count_grows_only_by_the_sections_of_the_lots_chosen(
    provider_client, organisation, lots, admin
):
    """The council's questionnaire: the first count is every section for all applicants, and
    choosing lots adds only their sections, never a count that shrinks."""
    content = questionnaires.content_of(publish(V1, admin))
    draft = start(provider_client, organisation)
    for_everyone = [s for s in content.sections if not s.lots]

    first = page_text(provider_client.get(f"/applications/{draft}"))
    assert f"You have completed 0 of {len(for_everyone)} sections." in first

    chosen = ["online-tuition", "therapeutic-support"]
    save(provider_client, draft, "lots", "lots_choice", {"lots_applied_for": chosen})
    for_lots = [s for s in content.sections if set(s.lots) & set(chosen)]
    assert for_lots
    later = page_text(provider_client.get(f"/applications/{draft}"))
    assert f"of {len(for_everyone) + len(for_lots)} sections." in later
