"""journey.fill_in_sections, the quick way the reviewer, audit and settings tests reach a
submitted application, must leave exactly what completing every page through HTTP leaves:
otherwise those tests would be reviewing an application no provider could have sent."""

import json

from sqlalchemy import func, select

from portal.applications.models import Application, ApplicationSection, ApplicationSubmission
from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.outbox.models import OutboxEmail
from portal.questionnaires import services as questionnaires
from tests.applications import journey
from tests.applications.helpers import start
from tests.support import factories

LOTS = ["online-tuition", "mentoring"]


def _last_id(model) -> int:
    return db.session.scalar(select(func.max(model.id))) or 0


def _submitted_by(how, client, provider, organisation) -> dict:
    """Start, complete and submit an application for `organisation` (`how` completes it): what
    it left in the database, with what is bound to differ between two applications (ids, the
    organisation, the reference, times) put in general terms."""
    events, emails = _last_id(AuditEvent), _last_id(OutboxEmail)
    application_id = start(client, organisation)
    how(application_id)
    response = journey.submit(client, application_id)
    assert response.status_code == 302, response.status
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    sections = db.session.scalars(
        select(ApplicationSection)
        .where(ApplicationSection.application_id == application_id)
        .order_by(ApplicationSection.section_id)
    )
    (submission,) = db.session.scalars(
        select(ApplicationSubmission).where(ApplicationSubmission.application_id == application_id)
    )
    reference = application.reference

    def general(text: str) -> str:
        text = text.replace(reference, "REFERENCE").replace(organisation.legal_name, "ORG")
        return text.replace(f"/applications/{application_id}", "/applications/APPLICATION")

    snapshot = dict(submission.snapshot)
    assert snapshot.pop("reference") == reference
    snapshot.pop("submitted_at")
    # The organisation's details come from its record, not from the answers.
    assert snapshot.pop("organisation")["name"] == organisation.legal_name
    return {
        "application": [
            application.status,
            application.lock_version,
            application.questionnaire_version_id,
            application.created_by_id,
        ],
        "sections": [
            [s.section_id, s.answers, s.version, s.completed, s.updated_by_id] for s in sections
        ],
        "submission": [
            submission.number,
            submission.submitted_by_id,
            submission.declaration,
            submission.lots,
            submission.flags,
            snapshot,
        ],
        "events": [
            [
                e.action,
                e.object_type,
                "APPLICATION" if e.object_id == application_id else e.object_id,
                "ORG" if e.organisation_id == organisation.id else e.organisation_id,
                e.actor_id,
                e.before,
                json.loads(general(json.dumps(e.after))),
            ]
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.id > events).order_by(AuditEvent.id)
            )
        ],
        # Organisation B has another member, also told: the provider's own emails.
        "emails": [
            [general(e.subject), general(e.body)]
            for e in db.session.scalars(
                select(OutboxEmail)
                .where(OutboxEmail.id > emails, OutboxEmail.to_address == provider.email)
                .order_by(OutboxEmail.id)
            )
        ],
    }


def test_filling_in_through_the_services_leaves_what_the_pages_leave(
    provider, provider_client, organisation, other_organisation, every_type
):
    # The same person completes both, as an owner of both organisations.
    factories.add_member(other_organisation, provider, role="owner")
    content = questionnaires.content_of(every_type)

    by_pages = _submitted_by(
        lambda id_: journey.complete_sections(provider_client, content, id_, LOTS),
        provider_client,
        provider,
        organisation,
    )
    by_services = _submitted_by(
        lambda id_: journey.fill_in_sections(provider, id_, LOTS),
        provider_client,
        provider,
        other_organisation,
    )

    assert by_services == by_pages
    # Every section was filled in and completed, and the comparison saw the answers.
    assert [s[0] for s in by_pages["sections"]] == [
        "about",
        "declaration",
        "lots",
        "online",
        "safeguarding",
    ]
    assert all(s[3] for s in by_pages["sections"] if s[0] != "declaration")
    assert by_pages["submission"][5]["answers"]["referees"]
    assert [e[0] for e in by_pages["events"]] == ["application.started", "application.submitted"]
    assert len(by_pages["emails"]) == 1
