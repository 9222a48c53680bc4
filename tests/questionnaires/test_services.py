"""Loading questionnaire files as versions, publishing one, and reading their content back."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.questionnaires import services
from portal.questionnaires.loader import load_file, parse
from portal.questionnaires.models import QuestionnaireVersion
from portal.questionnaires.schema import ContentError
from tests.questionnaires.conftest import EVERY_TYPE
from tests.questionnaires.helpers import complete_answers


def changed_text(number: int, *changes: tuple[str, str]) -> str:
    """The test questionnaire as version `number`, with text replaced as `changes` say."""
    text = EVERY_TYPE.read_text().replace("version: 1\n", f"version: {number}\n", 1)
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text


def version_file(tmp_path, number: int, *changes: tuple[str, str]):
    path = tmp_path / f"v{number}.yaml"
    path.write_text(changed_text(number, *changes))
    return path


def fresh(version_id: int) -> QuestionnaireVersion:
    db.session.expire_all()
    return db.session.get(QuestionnaireVersion, version_id)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_loading_a_file_stores_a_draft(app_ctx, admin):
    version, created = services.load_version(EVERY_TYPE, admin)
    db.session.commit()
    stored = fresh(version.id)
    assert created
    assert (stored.version, stored.title, stored.status) == (1, "Test questionnaire", "draft")
    assert stored.loaded_by_id == admin.id
    assert stored.published_at is None
    assert len(stored.source_sha256) == 64
    assert services.content_of(stored) == load_file(EVERY_TYPE)
    assert actions() == ["questionnaire.loaded"]


def test_loading_the_same_content_again_changes_nothing(app_ctx, tmp_path):
    first, _ = services.load_version(EVERY_TYPE)
    db.session.commit()
    # The same questions, with a comment added: still the same version.
    same = version_file(tmp_path, 1, ('title: "Test q', '# Edited.\ntitle: "Test q'))
    again, created = services.load_version(same)
    db.session.commit()
    assert not created and again.id == first.id
    assert fresh(first.id).source_sha256 == first.source_sha256
    assert count(QuestionnaireVersion) == 1
    assert actions() == ["questionnaire.loaded"]


def test_changed_content_needs_a_new_version_number(app_ctx, tmp_path):
    services.load_version(EVERY_TYPE)
    db.session.commit()
    changed = version_file(tmp_path, 1, ('label: "Legal name"', 'label: "Registered name"'))
    with pytest.raises(ContentError) as raised:
        services.load_version(changed)
    assert str(raised.value) == (
        "v1.yaml: version 1 is already loaded with different content; "
        "give the changed questionnaire a new version number"
    )
    db.session.rollback()
    assert count(QuestionnaireVersion) == 1


def test_a_bad_file_stores_nothing(app_ctx, tmp_path):
    bad = version_file(tmp_path, 2, ("type: money", "type: monies"))
    with pytest.raises(ContentError, match=r'^v2\.yaml line \d+: question "turnover": unknown'):
        services.load_version(bad)
    db.session.rollback()
    assert count(QuestionnaireVersion) == 0
    with pytest.raises(ContentError, match=r"^v9\.yaml: cannot read the file"):
        services.load_version(tmp_path / "v9.yaml")


def test_publishing_retires_the_version_published_before(app_ctx, admin, tmp_path):
    first, _ = services.load_version(EVERY_TYPE)
    second, _ = services.load_version(version_file(tmp_path, 2))
    services.publish_version(admin, first.id)
    db.session.commit()
    assert services.published_version().id == first.id

    services.publish_version(admin, second.id)
    db.session.commit()
    assert fresh(first.id).status == "retired"
    published = fresh(second.id)
    assert (published.status, published.published_by_id) == ("published", admin.id)
    assert published.published_at is not None
    assert services.published_version().id == second.id
    assert [v.version for v in services.list_versions()] == [2, 1]
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "questionnaire.published")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert (event.actor_id, event.object_id) == (admin.id, second.id)
    assert event.before == {"status": "draft", "published_version": 1}
    assert event.after == {"status": "published", "published_version": 2}


def test_a_retired_version_can_be_published_again(app_ctx, admin, tmp_path):
    first, _ = services.load_version(EVERY_TYPE)
    second, _ = services.load_version(version_file(tmp_path, 2))
    services.publish_version(admin, first.id)
    services.publish_version(admin, second.id)
    services.publish_version(admin, first.id)
    db.session.commit()
    assert (fresh(first.id).status, fresh(second.id).status) == ("published", "retired")


def test_publishing_the_published_version_again_is_refused(app_ctx, admin):
    version, _ = services.load_version(EVERY_TYPE)
    services.publish_version(admin, version.id)
    with pytest.raises(services.QuestionnaireError, match="^Version 1 is already published$"):
        services.publish_version(admin, version.id)


def test_a_missing_version_is_not_found(app_ctx, admin):
    with pytest.raises(NotFoundForUser):
        services.get_version(999)
    with pytest.raises(NotFoundForUser):
        services.publish_version(admin, 999)


def test_the_database_allows_one_published_version(app_ctx, tmp_path):
    first, _ = services.load_version(EVERY_TYPE)
    second, _ = services.load_version(version_file(tmp_path, 2))
    first.status = second.status = "published"
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_content_is_rebuilt_once_per_version(app_ctx):
    version, _ = services.load_version(EVERY_TYPE)
    assert services.content_of(version) is services.content_of(version)


def test_changed_questions_are_those_on_the_route_that_ask_something_else(content):
    text = changed_text(
        2,
        ('label: "Legal name"', 'label: "Registered name"'),  # a new label
        ('hint: "As registered with Companies House"', 'hint: "As on your certificate"'),
        ('label: "Charity", hint', 'label: "Charity or CIO", hint'),  # a changed option
        ('label: "Name of your teaching platform"', 'label: "Your platform"'),  # off the route
        ("            max: 100000000\n", "            max: 50000000\n"),  # a new rule
        (  # a new question
            "          - id: staff_count\n",
            '          - {id: volunteers, type: number, label: "Number of volunteers"}\n'
            "          - id: staff_count\n",
        ),
    )
    new = parse(text, "v2.yaml")
    answers = complete_answers()
    assert services.changed_questions(content, new, answers, ["mentoring"]) == [
        "legal_name",
        "legal_form",
        "turnover",
        "volunteers",
    ]
    assert services.changed_questions(content, content, answers, ["mentoring"]) == []
