"""Applications: one template completed and submitted through the real pages, and every other
application and submission copying its answers and snapshot."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import Connection, select

from bench.seed.base import (
    DOMAIN,
    LOAD_USERS,
    PASSWORD,
    TEMPLATE_NAME,
    Plan,
    RawJSON,
    SeedResult,
    Template,
    _next_id,
    _spread,
    _table,
    bulk_insert,
)
from bench.seed.organisations import _organisation_details
from portal.core.db import db
from portal.core.time import utcnow
from portal.questionnaires import services as questionnaires

TEMPLATE_LOTS = ["online-tuition", "therapeutic-support"]

# The last (current) application of each organisation, by organisation number mod 10; the
# earlier ones are closed (rejected, withdrawn or approved).
LAST_STATUS = (
    "draft",
    "draft",
    "draft",
    "submitted",
    "submitted",
    "in_review",
    "returned",
    "approved",
    "approved",
    "rejected",
)

EARLIER_STATUS = ("rejected", "withdrawn", "approved")


def _template_submission(app: Flask, result: SeedResult) -> Template:
    """Register nothing by hand: create the template organisation through the service, then
    answer every question on the route and submit through the pages with the test client."""
    from portal.accounts.models import User
    from portal.applications.models import Application, ApplicationSection, ApplicationSubmission
    from portal.organisations import services as organisations
    from tests.applications import journey

    with db.session.begin():
        user = User(
            email=f"template@{DOMAIN}",
            full_name="Template Provider",
            password_hash=current_app.extensions["bench_password_hash"],
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
        organisation = organisations.create_organisation(user, _organisation_details(0))
        organisation_id, user_id = organisation.id, user.id
        content = questionnaires.content_of(questionnaires.published_version())

    # A second app on the same database, without CSRF (the journey posts forms as a test
    # client does); the pages, services and rules are the portal's own.
    from portal import create_app

    overrides = {k: app.config[k] for k in _SHARED_CONFIG}
    journey_app = create_app({**overrides, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    client = journey_app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # production's cookies are Secure
    response = client.post("/sign-in", data={"email": f"template@{DOMAIN}", "password": PASSWORD})
    assert response.status_code == 302, response.status
    response = client.post(f"/applications/start/{organisation_id}", data={})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    application_id = int(response.location.rsplit("/", 1)[1])
    journey.complete_sections(client, content, application_id, TEMPLATE_LOTS)
    response = journey.submit(client, application_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with journey_app.app_context():
        db.engine.dispose()

    with db.session.begin():
        application = db.session.get(Application, application_id)
        submission = db.session.scalar(
            select(ApplicationSubmission).where(
                ApplicationSubmission.application_id == application_id
            )
        )
        declaration_ids = {q.id for q in content.questions if q.type == "declaration"}
        sections, declaration_section = [], None
        for row in db.session.scalars(
            select(ApplicationSection).where(ApplicationSection.application_id == application_id)
        ):
            if declaration_ids & set(row.answers):  # the section the declaration is in
                declaration_section = row.section_id
            sections.append(
                {
                    "section_id": row.section_id,
                    "answers": RawJSON(json.dumps(row.answers)),
                    "completed": row.completed,
                }
            )
        template = Template(
            organisation_id=organisation_id,
            user_id=user_id,
            application_id=application_id,
            questionnaire_version_id=application.questionnaire_version_id,
            sections=sections,
            declaration_section=declaration_section,
            declaration=RawJSON(json.dumps(submission.declaration)),
            snapshot_json=json.dumps(submission.snapshot),
            flags=RawJSON(json.dumps(submission.flags)),
            lots=list(getattr(submission, "lots", None) or TEMPLATE_LOTS),
            reference=application.reference,
            organisation_name=TEMPLATE_NAME,
            submitted_by=submission.snapshot.get("submitted_by", {}),
        )
    result.notes.append(
        f"Template submission: {len(template.snapshot_json) // 1024} KB snapshot, "
        f"{len(sections)} sections, reused by every submitted application."
    )
    return template


_SHARED_CONFIG = (
    "PORTAL_ENV",
    "DEMO_MODE",
    "SECRET_KEY",
    "DATABASE_URL",
    "BASE_URL",
    "S3_ENDPOINT_URL",
    "S3_BUCKET",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "MAIL_BACKEND",
    "MAIL_DIR",
    "PASSWORD_HASH_MEMORY_KIB",
    "PASSWORD_HASH_TIME_COST",
    "STAFF_CHECK_ENCRYPTION_KEY",
)


def _applications(
    connection: Connection, result: SeedResult, plan: Plan, total: int, template: Template
) -> None:
    """Earlier applications closed, the last one in any state; a submission for every
    application that was ever submitted; answers copied from the template."""
    now = utcnow()
    first_app = _next_id(connection, "applications")
    first_submission = _next_id(connection, "application_submissions")
    first_section = _next_id(connection, "application_sections")
    next_reference = int(template.reference.rsplit("-", 1)[1]) + 1
    reference_prefix = template.reference.rsplit("-", 1)[0]
    others = plan.organisations[1:]
    remaining = total - 1  # the template application is one
    base, extra = divmod(remaining, len(others))
    applications, submissions, sections, events = [], [], [], []
    app_id, submission_id, section_id = first_app, first_submission, first_section
    snapshot_json = template.snapshot_json
    drafts_by_org: dict[int, int] = {}
    later_drafts: dict[int, int] = {}  # drafts of organisations with a longer history
    approved: set[int] = set()  # organisations seed_reviews will admit to the template's lots
    for index, (organisation_id, user_id) in enumerate(others):
        number = index + 1
        how_many = base + (1 if index < extra else 0)
        previous = None
        for j in range(how_many):
            last = j == how_many - 1
            status = LAST_STATUS[number % 10] if last else EARLIER_STATUS[(number + j) % 3]
            created = now - timedelta(days=30 * (how_many - j) + number % 30, hours=number % 24)
            submitted = status != "draft"
            reference = None
            if submitted:
                reference = f"{reference_prefix}-{next_reference:05d}"
                next_reference += 1
            applications.append(
                (
                    app_id,
                    organisation_id,
                    template.questionnaire_version_id,
                    status,
                    reference,
                    user_id,
                    created,
                    created + timedelta(days=3),
                    created + timedelta(days=2) if submitted else None,
                    created + timedelta(days=4) if status == "withdrawn" else None,
                    previous,
                )
            )
            events.append((organisation_id, app_id, user_id, "application.started", created))
            for row in template.sections:
                if status == "draft" and row["section_id"] == template.declaration_section:
                    continue
                sections.append(
                    (
                        section_id,
                        app_id,
                        row["section_id"],
                        row["answers"],
                        row["completed"],
                        user_id,
                        created + timedelta(days=1),
                    )
                )
                section_id += 1
            if submitted:
                # The snapshot (about 90 KB) is written out as the row is copied, not held here.
                submissions.append(
                    (
                        submission_id,
                        app_id,
                        1,
                        created + timedelta(days=2),
                        user_id,
                        template.declaration,
                        (reference, plan.names[organisation_id]),
                        template.flags,
                    )
                )
                plan.submissions.append(
                    {"id": submission_id, "application_id": app_id, "status": status}
                )
                events.append((organisation_id, app_id, user_id, "application.submitted", created))
                submission_id += 1
            elif last and how_many == base:
                # People to sign in as: the same history (number of applications) at every
                # scale, so their pages hold the same rows at 1x and 10x.
                drafts_by_org[organisation_id] = app_id
            elif last:
                later_drafts[organisation_id] = app_id
            if status == "approved":
                approved.add(organisation_id)
            plan.applications.append(
                {"id": app_id, "organisation_id": organisation_id, "status": status}
            )
            previous = app_id
            app_id += 1
    bulk_insert(
        connection,
        _table("applications"),
        [
            "id",
            "organisation_id",
            "questionnaire_version_id",
            "status",
            "reference",
            "created_by_id",
            "created_at",
            "updated_at",
            "submitted_at",
            "withdrawn_at",
            "previous_application_id",
        ],
        applications,
    )
    bulk_insert(
        connection,
        _table("application_sections"),
        [
            "id",
            "application_id",
            "section_id",
            "answers",
            "completed",
            "updated_by_id",
            "updated_at",
        ],
        sections,
    )
    submission_columns = [
        "id",
        "application_id",
        "number",
        "submitted_at",
        "submitted_by_id",
        "declaration",
        "snapshot",
        "flags",
    ]
    lots = ()
    if "lots" in _table("application_submissions").c:
        submission_columns.append("lots")
        lots = (template.lots,)

    def snapshots():
        for *head, (reference, name), flags in submissions:
            snapshot = snapshot_json.replace(template.reference, reference)
            yield (*head, RawJSON(snapshot.replace(TEMPLATE_NAME, name)), flags, *lots)

    bulk_insert(connection, _table("application_submissions"), submission_columns, snapshots())
    first_event = _next_id(connection, "audit_events")
    bulk_insert(
        connection,
        _table("audit_events"),
        ["id", "occurred_at", "actor_id", "action", "object_type", "object_id", "organisation_id"],
        (
            (first_event + i, at, actor, action, "application", object_id, organisation_id)
            for i, (organisation_id, object_id, actor, action, at) in enumerate(events)
        ),
    )
    # The template application is submitted too.
    plan.applications.insert(
        0,
        {
            "id": template.application_id,
            "organisation_id": template.organisation_id,
            "status": "submitted",
        },
    )
    # The people the load test signs in as: providers with a draft (a new application) whose
    # organisation is on the framework (admitted by an earlier application), so their
    # competitions and KPI returns pages are not empty; spread over the ids. At 1x there are
    # one or two too few with the usual history: the rest come from a longer one.
    numbers = {organisation_id: n for n, (organisation_id, _user) in enumerate(plan.organisations)}
    wanted = LOAD_USERS + 1
    chosen = _spread(sorted(drafts_by_org.keys() & approved), wanted)
    for pool in (later_drafts.keys() & approved, drafts_by_org.keys() - approved):
        chosen += _spread(sorted(pool), wanted - len(chosen))
    drafts_by_org.update(later_drafts)
    for organisation_id in sorted(chosen):
        result.providers.append(
            {
                "email": f"provider{numbers[organisation_id]:05d}@{DOMAIN}",
                "organisation_id": organisation_id,
                "application_id": drafts_by_org[organisation_id],
            }
        )
    # A submitted application for each reviewer's review page, spread over the ids.
    waiting = [s["application_id"] for s in plan.submissions if s["status"] == "submitted"]
    step = max(1, len(waiting) // len(result.reviewers))
    for n, reviewer in enumerate(result.reviewers):
        reviewer["application_id"] = waiting[(n * step) % len(waiting)]
