"""The task list and a question page make the same number of database queries however much of
the application has been saved (the council's questionnaire, version 1)."""

import pytest

from portal.applications.models import ApplicationSection
from portal.core.db import db
from portal.questionnaires import services as questionnaires
from tests.applications.helpers import V1, page_url, publish, start
from tests.support.queries import queries_for as count_queries

LOTS = ["online-tuition", "therapeutic-support"]


@pytest.fixture
def v1_draft(provider_client, organisation, lots, admin) -> tuple[int, list]:
    version = publish(V1, admin)
    return start(provider_client, organisation), questionnaires.content_of(version).sections


def save_sections(application_id: int, sections, how_many: int) -> None:
    """Answers in the first `how_many` sections, lots chosen in every case."""
    db.session.query(ApplicationSection).delete()
    for section in sections[:how_many]:
        answers = {q.id: None for q in section.questions if not q.required}
        if section.id == "lots":
            answers["lots_applied_for"] = LOTS
        db.session.add(
            ApplicationSection(
                application_id=application_id,
                section_id=section.id,
                answers=answers,
                completed=True,
            )
        )
    if how_many == 1:
        db.session.add(
            ApplicationSection(
                application_id=application_id, section_id="lots", answers={"lots_applied_for": LOTS}
            )
        )
    db.session.commit()


def queries_for(app, client, url: str) -> int:
    client.get(url)  # the questionnaire's content is read once and cached
    count = count_queries(app, client, url)
    db.session.commit()
    return count


@pytest.mark.parametrize(
    "url",
    [
        "/applications/{id}",
        page_url(0, "about", "identity").replace("/0/", "/{id}/"),
        page_url(0, "staff_suitability", "key_staff").replace("/0/", "/{id}/"),
        page_url(0, "lots", "lots_choice").replace("/0/", "/{id}/"),
    ],
)
def test_a_page_makes_the_same_queries_with_one_section_saved_or_twenty(
    app, provider_client, v1_draft, url
):
    application_id, sections = v1_draft
    url = url.format(id=application_id)
    assert len(sections) == 20  # every section of version 1, the declaration's too

    save_sections(application_id, sections, 1)
    with_one = queries_for(app, provider_client, url)
    save_sections(application_id, sections, 20)
    with_twenty = queries_for(app, provider_client, url)

    assert with_one == with_twenty
    # The lots page also reads the organisation's admissions, to say which lots it holds.
    assert with_one <= (6 if url.endswith("/lots-choice") else 5), url
