"""The council's questionnaire, version 1, answered page by page through HTTP for two lots and
submitted: every page a provider meets on that route works, and the copy has every answer."""

from portal.applications.models import ApplicationSubmission
from portal.core.db import db
from portal.questionnaires import routing
from portal.questionnaires import services as questionnaires
from tests.applications import journey
from tests.applications.helpers import V1, application, publish, start, task_statuses

LOTS = ["online-tuition", "therapeutic-support"]


def test_version_1_from_start_to_submission_for_two_lots(
    provider_client, organisation, lots, admin
):
    content = questionnaires.content_of(publish(V1, admin))
    assert len(content.questions) == 152
    draft = start(provider_client, organisation)

    journey.complete_sections(provider_client, content, draft, LOTS)

    statuses = task_statuses(provider_client.get(f"/applications/{draft}"))
    assert "Online tuition" in statuses
    assert "Therapeutic support and creative therapeutic provision" in statuses
    assert "Supported internships" not in statuses  # a lot not chosen
    assert set(statuses.values()) == {"Completed", "Not yet started"}  # the declaration's
    response = journey.submit(provider_client, draft)
    assert response.location == f"/applications/{draft}/confirmation"
    assert application(draft).status == "submitted"
    db.session.rollback()
    [submission] = db.session.query(ApplicationSubmission).all()
    answers = submission.snapshot["answers"]
    assert answers["lots_applied_for"] == LOTS
    asked = routing.questions_on_route(content, answers, LOTS)
    assert {q.id for q in asked} == set(answers)
    assert len(asked) > 60
    copy = provider_client.get(f"/applications/{draft}/submitted-answers").get_data(as_text=True)
    for question in asked:
        assert question.label.replace("'", "&#39;") in copy, question.id
