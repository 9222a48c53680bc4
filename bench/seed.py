"""Scale data for the benchmark: the council's size (1x) or a multiple of it, in bulk.

1x is Dudley's size: 400 provider organisations, 1,000 applications (most organisations have
applied more than once: earlier applications closed, at most one open), 10,000 documents and
10 people per organisation on the DBS register. Larger scales multiply every one of these, so a
provider's own pages hold the same amount of data at 10x and a council list holds ten times as
much.

How it is made, so that every row is one the portal could have made itself:
- the lots and the published questionnaire come from the portal's own services;
- one "template" application is completed and submitted through the real pages (the test
  suite's journey, in-process with the test client), so its answers, snapshot, flags and lots
  are exactly what a submission produces;
- everything else is inserted in bulk (PostgreSQL COPY, or executemany on SQLite) with explicit
  ids, copying the template's answers and snapshot (with each application's own reference and
  organisation name written into it). The database checks every constraint as rows land:
  foreign keys, check constraints, the unique indexes (one open application per organisation,
  unique company numbers, references and object keys).

Rows for domains that have not landed yet (competitions, KPI returns) are made by the functions
in EXTENSIONS once their tables exist; see the bottom of this file.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
from cryptography.fernet import Fernet, MultiFernet
from flask import Flask, current_app
from sqlalchemy import Connection, Table, func, insert, select, text

import portal.models  # noqa: F401 - every table in Base.metadata
from portal.accounts.models import ADMIN, COMMISSIONER, PROVIDER, REVIEWER
from portal.accounts.passwords import hash_password
from portal.core.db import Base, db, round_trips_within
from portal.core.time import today, utcnow
from portal.documents.models import EXPIRY_ASKED, INSURANCE, KINDS, POLICY_KINDS
from portal.lots.services import ensure_starting_lots
from portal.questionnaires import services as questionnaires

V1 = Path(questionnaires.__file__).parent / "content" / "v1.yaml"
PASSWORD = "bench password, not a real one"  # noqa: S105 - every seeded account shares it
DOMAIN = "bench.example.org"
TEMPLATE_LOTS = ["online-tuition", "therapeutic-support"]

# At 1x (Dudley).
PROVIDERS = 400
APPLICATIONS = 1000
DOCUMENTS = 10_000
STAFF_CHECKS_PER_ORGANISATION = 10
# How many signed-in people of each role the load test uses (each a separate account).
LOAD_USERS = 20

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


class RawJSON(str):
    """JSON already serialised: copied as text on PostgreSQL (the same 90 KB snapshot is not
    serialised ten thousand times)."""


@dataclass
class SeedResult:
    scale: float
    password: str = PASSWORD
    providers: list[dict[str, Any]] = field(default_factory=list)
    reviewers: list[dict[str, Any]] = field(default_factory=list)
    commissioners: list[dict[str, Any]] = field(default_factory=list)
    admin: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


# Bulk insert ---------------------------------------------------------------------------------


def _filled_defaults(table: Table, columns: Sequence[str]) -> tuple[list[str], list[Any]]:
    """Columns the rows leave out that have a Python-side default (COPY never applies those):
    their names and values, worked out once per insert."""
    names, values = [], []
    for column in table.columns:
        if column.name in columns or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            value = default.arg
        elif default.is_callable:
            value = default.arg(None)
        else:
            continue
        names.append(column.name)
        values.append(value)
    return names, values


def _pg_value(value: Any) -> Any:
    if isinstance(value, RawJSON):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def bulk_insert(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (tuples in the order of `columns`) into `table`: COPY on PostgreSQL,
    executemany elsewhere. Returns the number of rows."""
    started = time.perf_counter()
    try:
        return _bulk_insert(connection, table, columns, rows)
    finally:
        TIMINGS[f"insert {table.name}"] = TIMINGS.get(f"insert {table.name}", 0) + round(
            time.perf_counter() - started, 3
        )


TIMINGS: dict[str, float] = {}  # seconds spent inserting into each table, for the report


def _bulk_insert(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    extra_names, extra_values = _filled_defaults(table, columns)
    names = [*columns, *extra_names]
    count = 0
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_pg_value(v) for v in (*row, *extra_values)])
                count += 1
        cursor.close()
        return count
    batch: list[dict[str, Any]] = []
    for row in rows:
        values = [json.loads(v) if isinstance(v, RawJSON) else v for v in (*row, *extra_values)]
        batch.append(dict(zip(names, values, strict=True)))
        count += 1
        if len(batch) == 5000:
            connection.execute(insert(table), batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)
    return count


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _next_id(connection: Connection, name: str) -> int:
    table = _table(name)
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def _reset_sequences(connection: Connection) -> None:
    """After inserting explicit ids, point each table's id sequence past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


# The seed ------------------------------------------------------------------------------------


class _Timer:
    def __init__(self, result: SeedResult, echo: Callable[[str], None]) -> None:
        self.result, self.echo, self.started = result, echo, time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.result.steps[name] = round(now - self.started, 3)
        self.echo(f"    {name:<34} {now - self.started:6.2f} s")
        self.started = now


def seed(
    app: Flask, scale: float, echo: Callable[[str], None] = print, fast_toast: bool = False
) -> SeedResult:
    """Fill the (migrated, empty) database of `app` with `scale` times Dudley's data.

    `fast_toast` compresses large values (the 90 KB snapshots) with lz4 instead of
    PostgreSQL's default pglz while seeding: about three times faster to write, for --quick.
    Reading either back costs well under a millisecond, so pages are barely affected; the full
    run keeps PostgreSQL's default."""
    started = time.perf_counter()
    TIMINGS.clear()
    result = SeedResult(scale=scale)
    timer = _Timer(result, echo)
    organisations = max(2, round(PROVIDERS * scale))
    applications = max(organisations, round(APPLICATIONS * scale))
    documents = max(organisations, round(DOCUMENTS * scale))
    with app.app_context():
        staff = _reference_data(result)
        timer.step("lots, questionnaire, staff")
        template = _template_submission(app, result)
        timer.step("template application (via pages)")
        # Bulk COPY at ten times the council's size outlasts the portal's statement timeout.
        with db.engine.begin() as connection, round_trips_within(None):
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL statement_timeout = 0"))
            if fast_toast and _lz4(connection):
                connection.execute(text("SET LOCAL default_toast_compression = 'lz4'"))
                result.notes.append("Seeded with lz4 TOAST compression (--quick).")
            plan = _organisations(connection, result, organisations, template)
            timer.step("users, organisations")
            _applications(connection, result, plan, applications, template)
            timer.step("applications and submissions")
            _documents(connection, result, plan, documents)
            timer.step("documents")
            _staff_checks(connection, result, plan)
            timer.step("staff checks")
            for extension in EXTENSIONS:
                extension(connection, result, plan, staff, template)
            timer.step("reviews and later domains")
            _reset_sequences(connection)
        with db.engine.begin() as connection, round_trips_within(None):
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL statement_timeout = 0"))
                connection.execute(text("ANALYZE"))
            result.counts = {
                table.name: connection.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
            }
        timer.step("analyse and count")
    result.steps.update({name: round(seconds, 2) for name, seconds in TIMINGS.items()})
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _lz4(connection: Connection) -> bool:
    if connection.dialect.name != "postgresql":
        return False
    return bool(
        connection.scalar(
            text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        )
    )


def _reference_data(result: SeedResult) -> dict[str, list[int]]:
    """Lots, the published questionnaire and council staff (every one with two-factor)."""
    from portal.accounts.models import User

    password_hash = hash_password(PASSWORD)
    staff: dict[str, list[int]] = {REVIEWER: [], COMMISSIONER: [], ADMIN: []}
    with db.session.begin():
        ensure_starting_lots()
        if "kpis" in Base.metadata.tables:
            # The KPIs the council asks for, as `flask kpi seed` makes them (every lot).
            from portal.kpi_returns.definitions import ensure_starting_kpis

            ensure_starting_kpis()
        # One more of each staff role than the load test signs in: the query count signs in
        # as the last, and a two-factor code is accepted once per person and time step.
        people = [(ADMIN, 1), (REVIEWER, LOAD_USERS + 1), (COMMISSIONER, LOAD_USERS + 1)]
        for role, number in people:
            for n in range(1, number + 1):
                user = User(
                    email=f"{role}{n:02d}@council.{DOMAIN}",
                    full_name=f"{role.title()} {n:02d}",
                    role=role,
                    password_hash=password_hash,
                    email_verified_at=utcnow(),
                    totp_secret=pyotp.random_base32(),
                    totp_enabled_at=utcnow(),
                )
                db.session.add(user)
                db.session.flush()
                staff[role].append(user.id)
                person = {"id": user.id, "email": user.email, "totp_secret": user.totp_secret}
                if role == ADMIN:
                    result.admin = person
                else:
                    (result.reviewers if role == REVIEWER else result.commissioners).append(person)
        admin = db.session.get(User, staff[ADMIN][0])
        version, _created = questionnaires.load_version(V1, admin)
        questionnaires.publish_version(admin, version.id)
    current_app.extensions["bench_password_hash"] = password_hash
    return staff


@dataclass
class Template:
    """The one application made through the pages, whose rows every other one copies."""

    organisation_id: int
    user_id: int
    application_id: int
    questionnaire_version_id: int
    sections: list[dict[str, Any]]  # answers as RawJSON
    declaration_section: str | None
    declaration: RawJSON
    snapshot_json: str
    flags: RawJSON
    lots: list[str]
    reference: str
    organisation_name: str
    submitted_by: dict[str, str]


TEMPLATE_NAME = "Bench Template Organisation Ltd"


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

_LEGAL_FORMS = ("company", "charity", "cic", "sole_trader", "company", "partnership", "other")
_POSTCODES = ("DY1 4QF", "DY8 1DE", "B63 3BL", "WV14 0QL", "B1 1AA", "WS1 1AA", "DY2 7BD")
_LOCAL = ("DY1", "DY8", "B63", "WV14", "DY2")


def _organisation_details(n: int) -> dict[str, Any]:
    legal_form = _LEGAL_FORMS[n % len(_LEGAL_FORMS)]
    postcode = _POSTCODES[n % len(_POSTCODES)]
    return {
        "legal_name": TEMPLATE_NAME if n == 0 else f"Bench Provider {n:05d} Ltd",
        "trading_name": f"Bench Learning {n:05d}" if n % 3 == 0 and n else None,
        "legal_form": legal_form,
        # Unique numbers (the template organisation, n = 0, has its own).
        "company_number": f"{20000000 + n:08d}" if legal_form in ("company", "cic") else None,
        "charity_number": f"{2000000 + n}" if legal_form == "charity" else None,
        "is_sme": True,
        "is_vcse": legal_form in ("charity", "cic"),
        "address_line_1": f"{n % 200 + 1} Castle Hill",
        "address_line_2": None,
        "town": "Dudley",
        "postcode": postcode,
        "phone": "01384 000000",
        "website": f"https://provider-{n}.example.org" if n % 2 else None,
        "contact_name": f"Contact {n:05d}",
        "contact_email": f"provider{n:05d}@{DOMAIN}",
    }


@dataclass
class Plan:
    """Who was made, for the later steps."""

    organisations: list[tuple[int, int]]  # (organisation id, owner user id), template first
    names: dict[int, str]
    applications: list[dict[str, Any]] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)


def _organisations(
    connection: Connection, result: SeedResult, count: int, template: Template
) -> Plan:
    now = utcnow()
    first_user, first_org = _next_id(connection, "users"), _next_id(connection, "organisations")
    first_membership = _next_id(connection, "memberships")
    password_hash = current_app.extensions["bench_password_hash"]
    numbers = range(1, count)  # the template organisation is the first of `count`
    bulk_insert(
        connection,
        _table("users"),
        ["id", "email", "full_name", "password_hash", "role", "email_verified_at", "created_at"],
        (
            (
                first_user + i,
                f"provider{n:05d}@{DOMAIN}",
                f"Provider {n:05d}",
                password_hash,
                PROVIDER,
                now,
                now,
            )
            for i, n in enumerate(numbers)
        ),
    )
    detail_columns = list(_organisation_details(1))
    bulk_insert(
        connection,
        _table("organisations"),
        ["id", *detail_columns, "is_local", "created_at", "updated_at"],
        (
            (
                first_org + i,
                *_organisation_details(n).values(),
                _organisation_details(n)["postcode"].split()[0] in _LOCAL,
                now,
                now,
            )
            for i, n in enumerate(numbers)
        ),
    )
    bulk_insert(
        connection,
        _table("memberships"),
        ["id", "organisation_id", "user_id", "role", "created_at"],
        (
            (first_membership + i, first_org + i, first_user + i, "owner", now)
            for i in range(count - 1)
        ),
    )
    organisations = [(template.organisation_id, template.user_id)]
    organisations += [(first_org + i, first_user + i) for i in range(count - 1)]
    names = {template.organisation_id: TEMPLATE_NAME}
    names.update({first_org + i: f"Bench Provider {n:05d} Ltd" for i, n in enumerate(numbers)})
    return Plan(organisations=organisations, names=names)


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


def _spread(ids: list[int], count: int) -> list[int]:
    """`count` of `ids` (or all of them), evenly spread."""
    if count <= 0:
        return []
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def _document_rows(organisation_id: int, user_id: int, n: int, on: date, now: datetime):
    """The kind, title, dates and details of the organisation's n-th document."""
    kinds = list(KINDS)
    kind = kinds[n % len(kinds)]
    # Spread the dates so every status appears: expired, expiring soon, current, review due.
    offset = ((organisation_id * 7 + n * 13) % 500) - 40
    expiry = on + timedelta(days=offset) if kind in EXPIRY_ASKED else None
    review = on + timedelta(days=offset + 200) if kind in POLICY_KINDS else None
    cover = ("public_liability", 500_000_000) if kind == INSURANCE else (None, None)
    issuer = "ofsted" if kind == "accreditation" else None
    return kind, f"{KINDS[kind]} {n // len(kinds) + 1}", expiry, review, cover, issuer


def _documents(connection: Connection, result: SeedResult, plan: Plan, total: int) -> None:
    """`total` documents spread evenly; every fifth has an earlier version too."""
    now, on = utcnow(), today()
    first_doc = _next_id(connection, "documents")
    first_file = _next_id(connection, "stored_files")
    first_version = _next_id(connection, "document_versions")
    per, extra = divmod(total, len(plan.organisations))
    documents, files, versions = [], [], []
    doc_id, file_id, version_id = first_doc, first_file, first_version
    for index, (organisation_id, user_id) in enumerate(plan.organisations):
        for n in range(per + (1 if index < extra else 0)):
            kind, title, expiry, review, cover, issuer = _document_rows(
                organisation_id, user_id, n, on, now
            )
            uploaded = now - timedelta(days=(n * 11) % 300 + 1)
            documents.append((doc_id, organisation_id, kind, title, user_id, uploaded))
            for number in (1, 2) if n % 5 == 0 else (1,):
                at = uploaded - timedelta(days=365) if number == 1 and n % 5 == 0 else uploaded
                files.append(
                    (
                        file_id,
                        organisation_id,
                        "document",
                        f"org/{organisation_id}/doc/{uuid.uuid4()}",
                        f"{kind.replace('_', '-')}-{n}.pdf",
                        "application/pdf",
                        150_000 + n,
                        secrets.token_hex(32),
                        "clean" if n % 7 else "not_scanned",
                        at if n % 7 else None,
                        user_id,
                        at,
                    )
                )
                versions.append(
                    (
                        version_id,
                        doc_id,
                        number,
                        file_id,
                        at.date(),
                        expiry,
                        review,
                        cover[0],
                        cover[1],
                        issuer,
                        user_id,
                        at,
                    )
                )
                file_id += 1
                version_id += 1
            doc_id += 1
    bulk_insert(
        connection,
        _table("stored_files"),
        [
            "id",
            "organisation_id",
            "purpose",
            "object_key",
            "original_filename",
            "content_type",
            "size_bytes",
            "sha256",
            "scan_state",
            "scanned_at",
            "uploaded_by_id",
            "uploaded_at",
        ],
        files,
    )
    bulk_insert(
        connection,
        _table("documents"),
        ["id", "organisation_id", "kind", "title", "created_by_id", "created_at"],
        documents,
    )
    bulk_insert(
        connection,
        _table("document_versions"),
        [
            "id",
            "document_id",
            "number",
            "file_id",
            "issue_date",
            "expiry_date",
            "review_date",
            "cover_type",
            "cover_amount_pence",
            "issuer",
            "uploaded_by_id",
            "uploaded_at",
        ],
        versions,
    )
    result.notes.append(
        "Documents are records only: their objects are not written to the store (no page "
        "measured reads them; uploads are measured on their own)."
    )


def _staff_checks(connection: Connection, result: SeedResult, plan: Plan) -> None:
    now, on = utcnow(), today()
    fernet = MultiFernet([Fernet(key) for key in current_app.config["STAFF_CHECK_ENCRYPTION_KEY"]])
    first = _next_id(connection, "staff_checks")
    levels = ("enhanced_barred", "enhanced", "enhanced_barred", "standard", None)
    rows = []
    check_id = first
    for organisation_id, user_id in plan.organisations:
        token = fernet.encrypt(f"00{organisation_id:010d}".encode()).decode()
        for n in range(STAFF_CHECKS_PER_ORGANISATION):
            level = levels[n % len(levels)]
            rows.append(
                (
                    check_id,
                    organisation_id,
                    f"Person {n + 1} of {organisation_id}",
                    "Tutor" if n % 2 else "Mentor",
                    n % 4 != 0,
                    level,
                    token if level else None,
                    f"{organisation_id % 10000:04d}" if level else None,
                    on - timedelta(days=(n * 170) % 1500) if level else None,
                    n % 3 == 0,
                    on - timedelta(days=30) if n % 3 == 0 else None,
                    "no_change" if n % 3 == 0 else None,
                    True,
                    str(n % 3 + 1),
                    on - timedelta(days=(n * 97) % 1400),
                    n % 5 != 0,
                    user_id,
                    now,
                    now,
                )
            )
            check_id += 1
    bulk_insert(
        connection,
        _table("staff_checks"),
        [
            "id",
            "organisation_id",
            "full_name",
            "job_role",
            "regulated_activity",
            "check_level",
            "certificate_number_encrypted",
            "certificate_number_last4",
            "issue_date",
            "update_service",
            "status_checked_on",
            "status_check_result",
            "right_to_work_checked",
            "training_level",
            "training_date",
            "references_received",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        rows,
    )


# Later domains -------------------------------------------------------------------------------
# Each function makes its domain's rows once its tables exist (checked by table name, so the
# harness keeps working while a domain is being built). Add competitions and KPI returns here:
# 1x is 50 competitions with 20 quotes each and 40,000 KPI values (400 providers x 100).


def _columns(name: str, row: dict[str, Any]) -> dict[str, Any]:
    """Only the values whose columns exist (a domain's schema may still be settling)."""
    columns = _table(name).c
    return {k: v for k, v in row.items() if k in columns}


def _insert_dicts(connection: Connection, name: str, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    rows = [_columns(name, row) for row in rows]
    names = list(rows[0])
    return bulk_insert(connection, _table(name), names, [tuple(r[k] for k in names) for r in rows])


def _dashboard_places(plan: Plan, organisation_ids: Iterable[int]) -> dict[int, int]:
    """Each organisation's place in the KPI dashboard's order (name, then id), counting only
    `organisation_ids` (those on the framework)."""
    numbers = {organisation_id: n for n, (organisation_id, _user) in enumerate(plan.organisations)}

    def name(organisation_id: int) -> tuple[str, int]:
        details = _organisation_details(numbers[organisation_id])
        return (details["trading_name"] or details["legal_name"]).lower(), organisation_id

    return {id_: place for place, id_ in enumerate(sorted(organisation_ids, key=name))}


def _admitted_ago(number: int) -> timedelta:
    """How long ago the `number`th organisation was admitted: three in ten when the framework
    opened, just under two years ago, the rest at any time since up to a month ago (so each
    owes a return or more, none for more than the 24 months the dashboard shows)."""
    if number % 10 in (0, 3, 7):
        return timedelta(days=700 + number % 25, hours=number % 24)
    return timedelta(days=(number * 53) % 660 + 35, hours=number % 24)


def seed_reviews(connection, result, plan, staff, template) -> None:
    """Reviews (one per submitted application), decisions (approved, rejected, returned) and
    admissions (an organisation on each lot of its approval)."""
    tables = Base.metadata.tables
    if "reviews" not in tables:
        result.notes.append("Reviews: not built yet, no review data seeded.")
        return
    now = utcnow()
    reviewers = staff[REVIEWER]
    lot_ids = dict(connection.execute(select(_table("lots").c.slug, _table("lots").c.id)).all())
    submissions = {s["application_id"]: s for s in plan.submissions}
    organisation_of = {a["id"]: a["organisation_id"] for a in plan.applications}
    first_review = _next_id(connection, "reviews")
    reviews, decisions, admissions = [], [], {}
    first_decision = _next_id(connection, "decisions") if "decisions" in tables else 0
    places = _dashboard_places(
        plan,
        {organisation_of[a] for a, s in submissions.items() if s["status"] == "approved"},
    )
    for n, (application_id, submission) in enumerate(sorted(submissions.items())):
        status = submission["status"]
        decided = now - timedelta(days=n % 300)
        if status == "approved":
            # Admissions over the framework's two years (KPI returns are owed from the month
            # of admission), by place on the KPI dashboard: its first page (50 providers) holds
            # the same at every scale.
            decided = now - _admitted_ago(places[organisation_of[application_id]])
        assigned = reviewers[n % len(reviewers)] if status != "submitted" or n % 2 else None
        reviews.append(
            {
                "id": first_review + n,
                "application_id": application_id,
                "assigned_to_id": assigned,
                "opened_by_id": assigned if status != "submitted" else None,
                "opened_at": now - timedelta(days=1) if status != "submitted" else None,
                "private_note": "",
            }
        )
        if status in ("approved", "rejected", "returned") and "decisions" in tables:
            if status == "approved":
                details = [
                    {"lot": slug, "name": slug, "admitted": True, "reason": ""}
                    for slug in template.lots
                ]
            elif status == "rejected":
                details = [{"area": "about", "name": "About", "reason": "Not enough detail."}]
            else:
                details = []
            decisions.append(
                {
                    "id": first_decision + len(decisions),
                    "application_id": application_id,
                    "submission_id": submission["id"],
                    "kind": status,
                    "reason": "Decided by the benchmark seed.",
                    "details": details,
                    "decided_by_id": reviewers[n % len(reviewers)],
                    "decided_at": decided,
                }
            )
        if status == "approved" and "admissions" in tables:
            for slug in template.lots:
                key = (organisation_of[application_id], lot_ids[slug])
                admissions[key] = {
                    "organisation_id": key[0],
                    "lot_id": key[1],
                    "status": "suspended" if n % 17 == 0 else "admitted",
                    "application_id": application_id,
                    "admitted_at": decided,
                    "status_changed_at": decided,
                }
    counts = [_insert_dicts(connection, "reviews", reviews)]
    if "decisions" in tables:
        counts.append(_insert_dicts(connection, "decisions", decisions))
    if "admissions" in tables:
        first = _next_id(connection, "admissions")
        rows = [{"id": first + i, **row} for i, row in enumerate(admissions.values())]
        counts.append(_insert_dicts(connection, "admissions", rows))
    result.notes.append(f"Reviews seeded: reviews, decisions, admissions = {counts}.")


# At 1x: 50 competitions with 20 quotes each. The number of competitions grows with the scale
# (a council list holds ten times as many at 10x); a competition's bidders do not (a competition
# page holds the same 20 at every scale). Never fewer than one competition in each stage, so the
# smallest seed (the test's) still fills every table.
COMPETITIONS = 50
QUOTES_PER_COMPETITION = 20

# Competition n is in COMPETITION_STAGES[n % 10]: every stage a page can meet, from a draft to
# an award confirmed. "closing" is open with under 48 hours left; "scoring" past the deadline
# with the panel part-way through; "moderating" with every evaluator's scores in and half the
# quotes' agreed scores; "evaluated" with moderation closed and the award still to make.
COMPETITION_STAGES = (
    "open",
    "awarded",
    "scoring",
    "confirmed",
    "draft",
    "evaluated",
    "open",
    "moderating",
    "closing",
    "cancelled",
)
_PAST_DEADLINE = ("scoring", "moderating", "evaluated", "awarded", "confirmed")
_EVALUATED = ("evaluated", "awarded", "confirmed")
# Days from now to the deadline for quotes, by stage (negative: passed).
_DEADLINE_DAYS = {
    "draft": 21,
    "open": 10,
    "closing": 0.8,
    "cancelled": 6,
    "scoring": -3,
    "moderating": -10,
    "evaluated": -20,
    "awarded": -30,
    "confirmed": -60,
}
_SERVICES = (
    "One-to-one maths tuition for Year 6 pupils",
    "Small-group English tuition for pupils out of school",
    "Therapeutic mentoring for pupils at risk of exclusion",
    "GCSE science tuition for looked-after children",
    "Emotional literacy support for primary pupils",
    "Reading catch-up tuition over the summer term",
    "Art therapy sessions for pupils with SEMH needs",
)
_MINI_QUESTIONS = (
    "How you would deliver the service and meet the outcomes",
    "How you would keep the pupils safe",
    "Your staff's experience with pupils with similar needs",
)
_ANSWER = (
    "We would assign a named tutor with enhanced DBS clearance, agree a plan with the school "
    "in the first week and report progress every half term against the agreed outcomes. "
)
_DECLINE_REASONS = (
    "We have no capacity this term.",
    "The work is too far from our base.",
    "We cannot offer the hours asked for.",
)


def _admitted_and_eligible(connection: Connection) -> tuple[dict[int, list[int]], set[int]]:
    """Who publishing would invite, per lot (as services.invitable): admitted and not suspended,
    without an expired mandatory document (judged today), in organisation order; and which
    organisations are based in the borough."""
    from portal.documents.models import MANDATORY_KINDS

    admissions, documents, versions = (
        _table("admissions"),
        _table("documents"),
        _table("document_versions"),
    )
    latest = (
        select(versions.c.document_id, func.max(versions.c.number).label("number"))
        .group_by(versions.c.document_id)
        .subquery()
    )
    expired = set(
        connection.scalars(
            select(documents.c.organisation_id)
            .join(latest, latest.c.document_id == documents.c.id)
            .join(
                versions,
                (versions.c.document_id == documents.c.id) & (versions.c.number == latest.c.number),
            )
            .where(documents.c.kind.in_(MANDATORY_KINDS), versions.c.expiry_date < today())
            .distinct()
        )
    )
    by_lot: dict[int, list[int]] = {}
    for organisation_id, lot_id in connection.execute(
        select(admissions.c.organisation_id, admissions.c.lot_id)
        .where(admissions.c.status == "admitted")
        .order_by(admissions.c.lot_id, admissions.c.organisation_id)
    ):
        if organisation_id not in expired:
            by_lot.setdefault(lot_id, []).append(organisation_id)
    organisations = _table("organisations")
    local = set(
        connection.scalars(select(organisations.c.id).where(organisations.c.is_local.is_(True)))
    )
    return by_lot, local


def seed_competitions(connection, result, plan, staff, template) -> None:
    """Mini-competitions and placement requests in every stage, with what each stage has made:
    invitations (to the organisations publishing would have invited), questions asked and
    answered, quotes and their submitted versions, declines, the panel's declarations and
    scores, agreed scores, awards. Scores, rankings and winners follow the published rules
    (portal/competitions/scoring.py)."""
    if "competitions" not in Base.metadata.tables:
        result.notes.append("Competitions: not built yet, no competition data seeded.")
        return
    from portal.competitions import scoring
    from portal.competitions.models import AGE_BANDS
    from portal.core.time import add_working_days

    by_lot, local = _admitted_and_eligible(connection)
    lots = sorted(by_lot)
    if not lots:
        result.notes.append("Competitions: no organisation is admitted to a lot, none seeded.")
        return
    owner = dict(plan.organisations)
    commissioners, reviewers = staff[COMMISSIONER], staff[REVIEWER]
    now = utcnow()
    total = max(len(COMPETITION_STAGES), round(COMPETITIONS * result.scale))
    ids = {
        name: _next_id(connection, name)
        for name in (
            "competitions",
            "competition_questions",
            "competition_invitations",
            "competition_clarifications",
            "quotes",
            "quote_versions",
            "competition_evaluators",
            "competition_scores",
            "competition_moderated_scores",
            "audit_events",
        )
    }

    def next_id(name: str) -> int:
        ids[name] += 1
        return ids[name] - 1

    rows: dict[str, list] = {name: [] for name in ids}
    invitations: list[tuple] = []  # the largest table: tuples, not dicts
    showcase: list[int] = []  # evaluated, with a full set of bidders: for the pages measured
    placements = 0

    for n in range(total):
        stage = COMPETITION_STAGES[n % len(COMPETITION_STAGES)]
        placement = n % 7 == 5
        placements += placement
        lot_id = lots[n % len(lots)]
        commissioner = commissioners[n % len(commissioners)]
        deadline = now + timedelta(days=_DEADLINE_DAYS[stage], hours=-(n % 5))
        clarification_deadline = deadline - timedelta(days=5 if stage != "closing" else 2)
        published = None if stage == "draft" else clarification_deadline - timedelta(days=9)
        # How long it sat as a draft varies (later rounds of the stages longer), so the
        # council's list, newest first, mixes drafts, open and closed ones at every scale.
        sat = timedelta(
            days=2 + 20 * (n // len(COMPETITION_STAGES)) / max(1, total // len(COMPETITION_STAGES))
        )
        created = (published or now) - sat - timedelta(hours=n % 24)
        local_preference = "none"
        if not placement and n % 6 == 2:
            local_preference = "weighted"
        elif not placement and n % 6 == 4:
            local_preference = "local_only"
        local_weight = 10 if local_preference == "weighted" else 0
        if placement:
            quality, price_weight = (
                100 - scoring.PLACEMENT_PRICE_WEIGHT,
                scoring.PLACEMENT_PRICE_WEIGHT,
            )
            questions = [
                (text, weight, limit, kind)
                for text, weight, limit, kind in scoring.PLACEMENT_QUESTIONS
            ]
        else:
            quality, price_weight = 60 - local_weight // 2, 40 - local_weight // 2
            weights = (quality // 2, quality - quality // 2 - 10, 10)
            questions = [
                (text, weight, 500, "text")
                for text, weight in zip(_MINI_QUESTIONS, weights, strict=True)
            ]
        competition_id = next_id("competitions")
        status = {"awarded": "awarded", "confirmed": "confirmed", "draft": "draft"}.get(
            stage, "cancelled" if stage == "cancelled" else "published"
        )
        competition = {
            "id": competition_id,
            "kind": "placement_request" if placement else "mini_competition",
            "status": status,
            "lot_id": lot_id,
            "title": (
                f"Placement: one-to-one support, {list(AGE_BANDS)[n % len(AGE_BANDS)]} years"
                if placement
                else f"{_SERVICES[n % len(_SERVICES)]} ({n + 1})"
            ),
            "description": "What the council needs, where and for how long.\n" * 3,
            "requirements": "Enhanced DBS checks for every tutor. Weekly attendance reports.",
            "price_basis": (
                ("hourly", "per_placement")[n % 2]
                if placement
                else ("total", "hourly", "daily")[n % 3]
            ),
            "quality_weight": quality,
            "price_weight": price_weight,
            "local_preference": local_preference,
            "local_weight": local_weight,
            "clarification_deadline": clarification_deadline,
            "submission_deadline": deadline,
            "reference_code": f"SEND-{1000 + n:04d}" if placement else None,
            "age_band": list(AGE_BANDS)[n % len(AGE_BANDS)] if placement else None,
            "needs_summary": (
                "Needs one-to-one support with reading and a calm space to work in."
                if placement
                else None
            ),
            "hours_per_week": 10 + n % 15 if placement else None,
            "start_date": (deadline + timedelta(days=21)).date() if placement else None,
            "area": _LOCAL[n % len(_LOCAL)] if placement else None,
            "created_by_id": commissioner,
            "created_at": created,
            "published_at": published,
            "lock_version": 1 if stage == "draft" else 2,
            # Set below by stage (every row has every key: _insert_dicts reads the first's).
            "cancelled_at": None,
            "cancel_reason": None,
            "moderation_closed_at": None,
            "awarded_at": None,
            "winner_quote_id": None,
            "award_reason": None,
            "standstill_ends_on": None,
            "confirmed_at": None,
            "invited_count": 0,
        }
        rows["competitions"].append(competition)
        events = [(created, commissioner, "competition.created", competition_id)]
        if published:
            events.append((published, commissioner, "competition.published", competition_id))

        question_ids = []
        for position, (wording, weight, limit, kind) in enumerate(questions, 1):
            question_ids.append((next_id("competition_questions"), weight, kind))
            rows["competition_questions"].append(
                {
                    "id": question_ids[-1][0],
                    "competition_id": competition_id,
                    "position": position,
                    "text": wording,
                    "weight": weight,
                    "word_limit": limit,
                    "answer_kind": kind,
                }
            )
        text_ids = [qid for qid, _weight, kind in question_ids if kind == "text"]

        # The panel, named before publishing: a lead commissioner, a reviewer, another
        # commissioner (one evaluator for a placement request). Every third mini-competition's
        # third evaluator declares a conflict after the deadline and takes no part.
        panel_users = [commissioner]
        if not placement:
            panel_users += [
                reviewers[n % len(reviewers)],
                commissioners[(n + 1) % len(commissioners)],
            ]
        past = stage in _PAST_DEADLINE
        panel = []  # (evaluator id, can score)
        for position, user_id in enumerate(panel_users):
            conflict = past and position == 2 and n % 3 == 0
            lead = position == 0
            # Submitting a placement request's scores closes its evaluation.
            submitted = (
                past
                and not conflict
                and (stage in _EVALUATED or (not placement and (stage == "moderating" or lead)))
            )
            evaluator_id = next_id("competition_evaluators")
            panel.append((evaluator_id, past and not conflict, position))
            rows["competition_evaluators"].append(
                {
                    "id": evaluator_id,
                    "competition_id": competition_id,
                    "user_id": user_id,
                    "is_lead": lead,
                    "declared_at": deadline + timedelta(hours=2) if past else None,
                    "has_conflict": conflict if past else None,
                    "conflict_detail": "I used to work for one of the bidders."
                    if conflict
                    else None,
                    "scores_submitted_at": deadline + timedelta(days=2) if submitted else None,
                }
            )
        if stage == "draft":
            _competition_events(rows, events, next_id)
            continue

        # Invitations: everyone publishing would have invited, as it would have.
        invited = [o for o in by_lot[lot_id] if local_preference != "local_only" or o in local]
        if not invited:
            invited = by_lot[lot_id]  # too small a seed for a local-only one: a wider one
            rows["competitions"][-1]["local_preference"] = "none"
        competition["invited_count"] = len(invited)
        start = (n * 37) % len(invited)
        rotated = invited[start:] + invited[:start]
        bidding = rotated[:QUOTES_PER_COMPETITION]
        declining = rotated[QUOTES_PER_COMPETITION : QUOTES_PER_COMPETITION + 3]
        for organisation_id in invited:
            declined = organisation_id in declining
            invitations.append(
                (
                    next_id("competition_invitations"),
                    competition_id,
                    organisation_id,
                    published,
                    published + timedelta(days=2) if declined else None,
                    _DECLINE_REASONS[organisation_id % 3] if declined else None,
                    owner.get(organisation_id) if declined else None,
                )
            )

        # Questions from bidders: answered, except the newest while the competition is open.
        for k, organisation_id in enumerate(bidding[:3]):
            asked = published + timedelta(days=1 + k)
            answered = not (stage in ("open", "closing") and k == 2)
            question = f"Can the sessions take place at the pupils' school? (question {k + 1})"
            rows["competition_clarifications"].append(
                {
                    "id": next_id("competition_clarifications"),
                    "competition_id": competition_id,
                    "organisation_id": organisation_id,
                    "asked_by_id": owner.get(organisation_id),
                    "asked_at": asked,
                    "question": question,
                    "published_question": question if answered else None,
                    "answer": "Yes, in a room the school provides." if answered else None,
                    "answered_at": asked + timedelta(hours=20) if answered else None,
                    "answered_by_id": commissioner if answered else None,
                }
            )

        # Quotes. Before the deadline some are still drafts and some withdrawn; past it, every
        # one of the 20 was submitted (every third revised once).
        submitted_quotes = []  # (quote id, organisation id, answers, price)
        base_price = {"total": 1_200_000, "hourly": 4_500, "daily": 30_000}.get(
            competition["price_basis"], 250_000
        )
        for k, organisation_id in enumerate(bidding):
            quote_id = next_id("quotes")
            user_id = owner.get(organisation_id)
            quote_status = "submitted"
            if not past and k % 5 == 3:
                quote_status = "draft"
            elif not past and k % 7 == 6:
                quote_status = "withdrawn"
            answers = {}
            for qid, _weight, kind in question_ids:
                answers[str(qid)] = (
                    list(scoring.DISTANCE_BANDS)[(k + n) % len(scoring.DISTANCE_BANDS)]
                    if kind != "text"
                    else _ANSWER * (1 + (k + qid) % 4)
                )
            price = base_price * (80 + (k * 7 + n) % 41) // 100
            # Submitted between publishing and the deadline (or now, while it is open).
            window = min(now, deadline) - published
            first_at = published + window * (0.2 + 0.3 * k / QUOTES_PER_COMPETITION)
            versions = 0 if quote_status == "draft" else 2 if k % 3 == 0 else 1
            for number in range(1, versions + 1):
                rows["quote_versions"].append(
                    {
                        "id": next_id("quote_versions"),
                        "quote_id": quote_id,
                        "number": number,
                        "answers": answers,
                        "price_pence": price if number == versions else price * 11 // 10,
                        "attachment_ids": [],
                        "submitted_at": first_at + window * 0.3 * (number - 1),
                        "submitted_by_id": user_id,
                    }
                )
            last_at = first_at + window * 0.3 * max(versions - 1, 0)
            rows["quotes"].append(
                {
                    "id": quote_id,
                    "competition_id": competition_id,
                    "organisation_id": organisation_id,
                    "status": quote_status,
                    "answers": answers,
                    "price_pence": price,
                    "updated_at": last_at,
                    "updated_by_id": user_id,
                    "submitted_at": last_at if versions else None,
                    "lock_version": 1 + 2 * versions + (quote_status == "withdrawn"),
                }
            )
            if quote_status == "submitted":
                submitted_quotes.append((quote_id, organisation_id, answers, price))

        if past:
            _seed_evaluation(
                rows,
                next_id,
                stage,
                placement,
                panel,
                submitted_quotes,
                text_ids,
                deadline,
                commissioner,
            )
        if stage in _EVALUATED:
            # The award follows the published rules: the top-ranked quote wins.
            moderated = {}
            for row in rows["competition_moderated_scores"]:
                moderated.setdefault(row["quote_id"], {})[row["question_id"]] = row["score"]
            bids = []
            for quote_id, organisation_id, answers, price in submitted_quotes:
                scores = dict(moderated.get(quote_id, {}))
                for qid, _weight, kind in question_ids:
                    if kind != "text":
                        scores[qid] = scoring.distance_score(answers[str(qid)])
                bids.append(scoring.Bid(quote_id, price, scores, organisation_id in local))
            ranked = scoring.rank(
                bids,
                {qid: weight for qid, weight, _kind in question_ids},
                price_weight,
                local_weight,
            )
            closed = deadline + timedelta(days=6)
            competition["moderation_closed_at"] = closed
            events.append((closed, commissioner, "competition.evaluation_closed", competition_id))
            if len(submitted_quotes) >= min(QUOTES_PER_COMPETITION, len(invited)):
                showcase.append(competition_id)
            if stage in ("awarded", "confirmed"):
                awarded = (
                    now - timedelta(days=3) if stage == "awarded" else closed + timedelta(days=2)
                )
                standstill = add_working_days(awarded.date(), 8)
                competition.update(
                    awarded_at=awarded,
                    winner_quote_id=ranked[0].key,
                    standstill_ends_on=standstill,
                    lock_version=3 if stage == "awarded" else 4,
                )
                events.append((awarded, commissioner, "competition.awarded", competition_id))
                if stage == "confirmed":
                    confirmed = datetime.combine(standstill + timedelta(days=1), awarded.timetz())
                    competition["confirmed_at"] = confirmed
                    events.append(
                        (confirmed, commissioner, "competition.award_confirmed", competition_id)
                    )
        if stage == "cancelled":
            cancelled = now - timedelta(days=1)
            competition.update(
                cancelled_at=cancelled,
                cancel_reason="The school has found the support it needs elsewhere.",
                lock_version=3,
            )
            events.append((cancelled, commissioner, "competition.cancelled", competition_id))
        _competition_events(rows, events, next_id)

    counts = {}
    for name in (
        "competitions",
        "competition_questions",
        "competition_evaluators",
    ):
        counts[name] = _insert_dicts(connection, name, rows[name])
    counts["competition_invitations"] = bulk_insert(
        connection,
        _table("competition_invitations"),
        [
            "id",
            "competition_id",
            "organisation_id",
            "invited_at",
            "declined_at",
            "decline_reason",
            "declined_by_id",
        ],
        invitations,
    )
    for name in (
        "competition_clarifications",
        "quotes",
        "quote_versions",
        "competition_scores",
        "competition_moderated_scores",
    ):
        counts[name] = _insert_dicts(connection, name, rows[name])
    _insert_dicts(connection, "audit_events", rows["audit_events"])

    # The pages measured: each commissioner opens an evaluated competition with a full set of
    # bidders (spread over them), as reviewers each open their own application.
    for k, person in enumerate(result.commissioners):
        person["competition_id"] = showcase[k % len(showcase)] if showcase else None
    invited_people = sum(
        1 for p in result.providers if any(p["organisation_id"] in o for o in by_lot.values())
    )
    result.notes.append(
        f"Competitions seeded ({placements} placement requests): "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + f". {invited_people} of the {len(result.providers)} providers signed in are on a lot."
        " Quotes have no attachments (no files in the store)."
    )


def _seed_evaluation(
    rows, next_id, stage, placement, panel, quotes, text_ids, deadline, lead_user
) -> None:
    """Each evaluator's scores (all of them from the lead; half from the others while scoring)
    and the agreed scores: half the quotes while moderating, all once evaluated. A placement
    request has one evaluator, whose submitted scores are the agreed ones."""
    at = deadline + timedelta(days=1)
    detail = ("little", "clear")
    given: dict[tuple[int, int], list[int]] = {}
    for evaluator_id, can_score, position in panel:
        if not can_score:
            continue
        for k, (quote_id, _organisation, _answers, _price) in enumerate(quotes):
            if stage == "scoring" and k % 2 and (position or placement):
                continue
            for qid in text_ids:
                score = (k * 3 + qid + position) % 5
                given.setdefault((quote_id, qid), []).append(score)
                rows["competition_scores"].append(
                    {
                        "id": next_id("competition_scores"),
                        "evaluator_id": evaluator_id,
                        "quote_id": quote_id,
                        "question_id": qid,
                        "score": score,
                        "comment": f"Score {score}: the answer gives {detail[score > 2]} detail.",
                        "updated_at": at,
                    }
                )
    moderated = stage in _EVALUATED or (stage == "moderating" and not placement)
    if not moderated:
        return
    for k, (quote_id, *_rest) in enumerate(quotes):
        if stage == "moderating" and k % 2:
            continue
        for qid in text_ids:
            scores = given[quote_id, qid]
            rows["competition_moderated_scores"].append(
                {
                    "id": next_id("competition_moderated_scores"),
                    "quote_id": quote_id,
                    "question_id": qid,
                    "score": round(sum(scores) / len(scores)),
                    "rationale": "Agreed by the panel: the answer meets the need in most respects.",
                    "moderated_by_id": lead_user,
                    "updated_at": at + timedelta(days=3),
                }
            )


def _competition_events(rows, events, next_id) -> None:
    for at, actor, action, competition_id in events:
        rows["audit_events"].append(
            {
                "id": next_id("audit_events"),
                "occurred_at": at,
                "actor_id": actor,
                "action": action,
                "object_type": "competition",
                "object_id": competition_id,
            }
        )


# KPI returns. Every admitted organisation (on a lot or suspended from it) owes a return each
# month from the month it was admitted, for the KPIs of its lots (portal/kpi_returns). At 1x
# about 240 organisations are admitted over the last two years, so about 3,500 returns and
# 40,000 values: ~100 per provider, ten times as many at 10x. Each organisation's months are
# made from its place in the dashboard's order (as its admission date is, in seed_reviews) and
# the month, so the dashboard's first page holds the same returns at every scale.
KPI_MONTHS = 24  # months back from the last one ended (the dashboard's longest period)
# Of the months whose due date has passed: no return at all, a draft never submitted, submitted
# late; the rest on time. Of those submitted: amended once, twice.
KPI_NONE, KPI_DRAFT_ONLY, KPI_LATE = 0.03, 0.02, 0.10
KPI_AMENDED, KPI_AMENDED_TWICE = 0.10, 0.02
# Each rated value is good, approaching target, requires improvement or inadequate with these
# chances (the rating itself is always the portal's, from the definition: ratings.rate).
KPI_BANDS = (0.82, 0.94, 0.985)
# The council locks a month this long after its due date (an amendment comes before).
KPI_LOCK_AFTER = timedelta(days=40)
_AMEND_REASONS = (
    "Corrected the attendance figure: two sessions had been recorded twice.",
    "A late register from one school changed the totals.",
    "Our data manager found a placement counted in the wrong month.",
)
_POOR_COMMENTS = (
    "Two tutors were off sick for most of the month and sessions were rearranged.",
    "Several pupils moved school mid-month; we are re-establishing their timetables.",
)


def _kpi_catalogue(connection: Connection):
    """The KPI definitions the portal uses (Catalogue), read on the seed's connection."""
    from sqlalchemy.orm import Session, selectinload

    from portal.kpi_returns.definitions import Catalogue
    from portal.kpi_returns.models import Kpi, KpiVersion

    with Session(bind=connection) as session:
        kpis = list(
            session.scalars(
                select(Kpi)
                .options(selectinload(Kpi.versions).selectinload(KpiVersion.lots))
                .order_by(Kpi.position, Kpi.id)
            )
        )
    return Catalogue(kpis)


def _kpi_value(definition, band: str, rng) -> float:
    """A value for `definition` aimed at rating `band` (ignored for a KPI that is not rated)."""
    from portal.kpi_returns import ratings
    from portal.kpi_returns.models import COUNT, PERCENTAGE, POUNDS, YES_NO

    unit = definition.unit
    if unit == YES_NO:
        better = 1.0 if definition.higher_is_better else 0.0
        return better if band in (ratings.GOOD, ratings.APPROACHING) else 1.0 - better
    if definition.good_from is None:  # reported, not rated: small monthly totals
        if unit == PERCENTAGE:
            return round(rng.uniform(50, 100), 1)
        if unit == POUNDS:
            return round(rng.uniform(200, 5000), 2)
        return float(min(rng.randint(0, 5), rng.randint(0, 5)))
    good = definition.good_from
    approaching = definition.approaching_from if definition.approaching_from is not None else good
    improvement = definition.requires_improvement_from
    improvement = improvement if improvement is not None else approaching
    span = max(abs(good - improvement), 5.0)
    if definition.higher_is_better:
        top = 100.0 if unit == PERCENTAGE else good + span
        low, high = {
            ratings.GOOD: (good, top),
            ratings.APPROACHING: (approaching, good),
            ratings.REQUIRES_IMPROVEMENT: (improvement, approaching),
            ratings.INADEQUATE: (max(0.0, improvement - span), improvement),
        }[band]
    else:
        low, high = {
            ratings.GOOD: (max(0.0, good - span), good),
            ratings.APPROACHING: (good, approaching),
            ratings.REQUIRES_IMPROVEMENT: (approaching, improvement),
            ratings.INADEQUATE: (improvement, improvement + span),
        }[band]
    value = low + (high - low) * rng.random()
    if unit == PERCENTAGE:
        value = min(100.0, value)
    return float(round(value)) if unit == COUNT else round(value, 1)


def _kpi_band(rng, poor: str | None) -> str:
    from portal.kpi_returns import ratings

    if poor:
        return poor
    draw = rng.random()
    for band, upto in zip(ratings.RATINGS, KPI_BANDS, strict=False):
        if draw < upto:
            return band
    return ratings.INADEQUATE


def _at(day: date, hour: int) -> datetime:
    """`hour` o'clock UTC on `day` (the same London date: hours between 7 and 20)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _working_days_before(day: date, count: int) -> date:
    from portal.core.time import is_working_day

    while count > 0:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return day


def seed_kpi_returns(connection, result, plan, staff, template) -> None:
    """Monthly KPI returns of every admitted organisation for up to 24 months: on time, late,
    amended (each version kept, with its reason), drafts never submitted and months missed; the
    council's questions, months locked, the reminders sent and the escalations the rules open
    (a missing return when its chaser goes; a KPI inadequate two months running or requires
    improvement three), most of them worked and closed."""
    import random

    from portal.kpi_returns import months, ratings
    from portal.kpi_returns.models import (
        CHASER,
        FIVE_DAYS,
        MISSING_RETURN,
        ONE_DAY,
        THREE_REQUIRES_IMPROVEMENT,
        TWO_INADEQUATE,
    )
    from portal.kpi_returns.obligations import Obligation, _local_month

    if "kpi_returns" not in Base.metadata.tables:
        result.notes.append("KPI returns: not built yet, no KPI data seeded.")
        return
    catalogue = _kpi_catalogue(connection)
    if not catalogue.kpis:
        result.notes.append("KPI returns: no KPI is defined, no KPI data seeded.")
        return
    admissions = _table("admissions")
    # Lot id: (first month owed, last month owed: None while on the lot, as every one here is).
    lots: dict[int, dict[int, tuple[date, date | None]]] = {}
    for organisation_id, lot_id, admitted_at in connection.execute(
        select(admissions.c.organisation_id, admissions.c.lot_id, admissions.c.admitted_at).where(
            admissions.c.status.in_(("admitted", "suspended"))
        )
    ):
        lots.setdefault(organisation_id, {})[lot_id] = (_local_month(admitted_at), None)
    if not lots:
        result.notes.append("KPI returns: no organisation is admitted to a lot, none seeded.")
        return

    now, on = utcnow(), months.current_day()
    last = months.last_ended(on)
    window = months.months_between(months.add_months(last, 1 - KPI_MONTHS), last)
    owner = dict(plan.organisations)
    places = _dashboard_places(plan, lots)
    reviewers, commissioners = staff[REVIEWER], staff[COMMISSIONER]
    # A new database has no saved framework settings, so the environment's due day is in force;
    # asking the settings service would open a second transaction beside the seed's own.
    due_day = current_app.config["KPI_DUE_WORKING_DAYS"]
    due_dates = {month: months.due_date(month, due_day) for month in window}
    locked_at = {
        month: _at(due_dates[month] + KPI_LOCK_AFTER, 9)
        for month in window
        if _at(due_dates[month] + KPI_LOCK_AFTER, 9) < now
    }
    definitions_for: dict[tuple[frozenset[int], date], list] = {}
    rated = [kpi.id for kpi in catalogue.kpis if any(v.is_rated for v in kpi.versions)]

    ids = {
        name: _next_id(connection, name)
        for name in (
            "kpi_returns",
            "kpi_return_versions",
            "kpi_values",
            "kpi_queries",
            "kpi_reminders",
            "kpi_escalations",
            "kpi_escalation_actions",
            "kpi_month_locks",
            "audit_events",
        )
    }

    def next_id(name: str) -> int:
        ids[name] += 1
        return ids[name] - 1

    rows: dict[str, list] = {name: [] for name in ids}
    values: list[tuple] = []  # the largest table: tuples, not dicts
    escalations: list[dict[str, Any]] = []  # opened, with "closed" worked out below
    states = dict.fromkeys(
        ("on time", "late", "amended", "missed", "missed, a draft saved", "due"), 0
    )

    def event(at, actor, action, object_type, object_id, organisation_id, after=None) -> None:
        rows["audit_events"].append(
            {
                "id": next_id("audit_events"),
                "occurred_at": at,
                "actor_id": actor,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "organisation_id": organisation_id,
                "before": None,
                "after": after,
            }
        )

    for organisation_id in sorted(lots):
        number = places[organisation_id]
        user_id = owner.get(organisation_id)
        obligation = Obligation(organisation_id, lots[organisation_id])
        # One organisation in eleven has a bad spell on one rated KPI: two months inadequate
        # and one requiring improvement, some months back (an escalation, by the rules).
        poor_kpi, poor_months = None, {}
        if number % 11 == 4 and rated:
            poor_kpi = rated[number % len(rated)]
            start = months.add_months(last, -(2 + number % 18))
            poor_months = {
                start: ratings.INADEQUATE,
                months.add_months(start, 1): ratings.INADEQUATE,
                months.add_months(start, 2): ratings.REQUIRES_IMPROVEMENT,
            }
        series: dict[int, dict[date, tuple[float | None, str | None]]] = {}
        moments: dict[date, datetime] = {}  # when each month's current version was submitted
        for month in window:
            if not obligation.owes(month):
                continue
            rng = random.Random(f"kpi {number} {month:%Y-%m}")  # noqa: S311 - made-up figures
            due = due_dates[month]
            month_end = months.last_day(month)
            past_due = on > due
            draw = rng.random()
            if past_due:
                fate = (
                    "none"
                    if draw < KPI_NONE
                    else "draft"
                    if draw < KPI_NONE + KPI_DRAFT_ONLY
                    else "late"
                    if draw < KPI_NONE + KPI_DRAFT_ONLY + KPI_LATE
                    else "on time"
                )
            else:  # still due: more are in the further the due period has gone
                elapsed = (on - month_end).days / max(1, (due - month_end).days)
                fate = (
                    "on time"
                    if draw < 0.8 * elapsed
                    else "draft"
                    if draw < 0.8 * elapsed + 0.15
                    else "none"
                )
            hour = rng.randint(8, 17)
            if fate == "late":
                day = due + timedelta(days=rng.randint(1, 20))
            else:
                day = month_end + timedelta(days=rng.randint(1, max(1, (due - month_end).days)))
            moment = min(_at(day, hour), now - timedelta(hours=1))
            if fate != "none" and moment.date() <= month_end:
                fate = "none"  # the month ended too recently for anything to be saved
            submitted = fate in ("on time", "late")
            # The reminders the daily job sent while the return was not in: five and one
            # working days before the due date, and the chaser the day after it.
            reminders = [
                (FIVE_DAYS, _working_days_before(due, 5)),
                (ONE_DAY, _working_days_before(due, 1)),
                (CHASER, due + timedelta(days=1)),
            ]
            for kind, sent_on in reminders:
                sent = _at(sent_on, 7)
                if sent < now and not (submitted and moment < sent):
                    rows["kpi_reminders"].append(
                        {
                            "id": next_id("kpi_reminders"),
                            "organisation_id": organisation_id,
                            "month": month,
                            "kind": kind,
                            "sent_at": sent,
                        }
                    )
                    if kind == CHASER:
                        escalations.append(
                            {
                                "organisation_id": organisation_id,
                                "kpi_id": None,
                                "trigger": MISSING_RETURN,
                                "month": month,
                                "evidence": [
                                    {"month": months.iso_month(month), "due": due.isoformat()}
                                ],
                                "opened_at": sent,
                                "received_at": moment if submitted else None,
                            }
                        )
            if fate == "none":
                states["missed" if past_due else "due"] += 1
                continue
            states[fate if submitted else "missed, a draft saved" if past_due else "due"] += 1

            key = (frozenset(obligation.lot_ids(month)), month)
            if key not in definitions_for:
                definitions_for[key] = catalogue.for_month(set(key[0]), month)
            definitions = definitions_for[key]
            current = []  # (definition, value, rating, comment)
            for definition in definitions:
                band = _kpi_band(
                    rng, poor_months.get(month) if definition.kpi_id == poor_kpi else None
                )
                value = _kpi_value(definition, band, rng)
                if not submitted and rng.random() < 0.3:
                    value = None  # a draft part-filled
                rating = ratings.rate(value, definition)
                comment = ""
                if rating in (ratings.REQUIRES_IMPROVEMENT, ratings.INADEQUATE):
                    comment = _POOR_COMMENTS[number % len(_POOR_COMMENTS)]
                current.append((definition, value, rating, comment))

            return_id = next_id("kpi_returns")
            versions = [(moment, None, current)]  # (submitted or saved at, reason, values)
            if submitted:
                amendments = (
                    2
                    if rng.random() < KPI_AMENDED_TWICE
                    else 1
                    if rng.random() < KPI_AMENDED
                    else 0
                )
                latest = moment
                for n in range(amendments):
                    at = latest + timedelta(days=rng.randint(3, 15), hours=rng.randint(0, 3))
                    if at >= now or (month in locked_at and at >= locked_at[month]):
                        break
                    changed = list(current)
                    k = (number + n) % len(changed)
                    definition, _old, _rating, comment = changed[k]
                    value = _kpi_value(definition, _kpi_band(rng, None), rng)
                    changed[k] = (definition, value, ratings.rate(value, definition), comment)
                    reason = _AMEND_REASONS[(number + n) % len(_AMEND_REASONS)]
                    versions.append((at, reason, changed))
                    current, latest = changed, at
                if len(versions) > 1:
                    states["amended"] += 1
            via_draft = rng.random() < 0.3  # saved as a draft before it was submitted
            for position, (at, reason, entries) in enumerate(versions, 1):
                version_id = next_id("kpi_return_versions")
                rating = ratings.worst(entry[2] for entry in entries)
                rows["kpi_return_versions"].append(
                    {
                        "id": version_id,
                        "kpi_return_id": return_id,
                        "number": position,
                        "saved_at": at,
                        "saved_by_id": user_id,
                        "submitted_at": at if submitted else None,
                        "reason": reason,
                        "rating": rating,
                    }
                )
                for k, (definition, value, value_rating, comment) in enumerate(entries):
                    values.append(
                        (
                            next_id("kpi_values"),
                            version_id,
                            definition.kpi_id,
                            definition.id,
                            k,
                            value,
                            comment,
                            value_rating,
                        )
                    )
                if submitted:
                    action = "kpi_return.submitted" if position == 1 else "kpi_return.amended"
                    after = {"status": "submitted", "month": months.iso_month(month)}
                    after["rating"] = rating
                    if reason:
                        after.update(version=position, reason=reason)
                    event(at, user_id, action, "kpi_return", return_id, organisation_id, after)
            if not submitted:
                event(
                    moment,
                    user_id,
                    "kpi_return.saved",
                    "kpi_return",
                    return_id,
                    organisation_id,
                    {"status": "draft", "month": months.iso_month(month)},
                )
            final_at, final = versions[-1][0], versions[-1][2]
            # Each save moves a return on one from 1: a draft (saved first, or only), the
            # submission, each amendment.
            lock_version = 1 + (via_draft or not submitted) + submitted + len(versions) - 1
            created = moment
            if via_draft and submitted:
                created = min(
                    moment, max(moment - timedelta(days=2), _at(month_end + timedelta(days=1), 7))
                )
            rows["kpi_returns"].append(
                {
                    "id": return_id,
                    "organisation_id": organisation_id,
                    "month": month,
                    "status": "submitted" if submitted else "draft",
                    "submitted_at": moment if submitted else None,
                    "amended_at": final_at if len(versions) > 1 else None,
                    "version_count": len(versions),
                    "rating": ratings.worst(entry[2] for entry in final),
                    "lock_version": lock_version,
                    "created_at": created,
                }
            )
            if not submitted:
                continue
            moments[month] = final_at
            for definition, value, value_rating, _comment in final:
                series.setdefault(definition.kpi_id, {})[month] = (
                    value,
                    value_rating,
                    definition.name,
                )
            # The council's questions: on some amended returns (the amendment answered it), and
            # a few on recent ones (answered by the provider, or still open).
            asked = moment + timedelta(days=2)
            query = None  # (answer, answered at): None, None while it is open
            if len(versions) > 1 and rng.random() < 0.4:
                query = (f"Amended the return: {versions[1][1]}", versions[1][0])
            elif month >= months.add_months(last, -2) and rng.random() < 0.08 and asked < now:
                reply = asked + timedelta(days=1)
                answered = rng.random() < 0.5 and reply < now
                query = ("The figure is right: two new pupils joined late.", reply)
                if not answered:
                    query = (None, None)
            if query is not None:
                answer, answered_at = query
                kpi_id = final[number % len(final)][0].kpi_id
                rows["kpi_queries"].append(
                    {
                        "id": next_id("kpi_queries"),
                        "kpi_return_id": return_id,
                        "kpi_id": kpi_id,
                        "question": "Can you check this figure? It is well off last month's.",
                        "asked_by_id": reviewers[number % len(reviewers)],
                        "asked_at": asked,
                        "status": "answered" if answer else "open",
                        "answer": answer,
                        "answered_by_id": user_id if answer else None,
                        "answered_at": answered_at,
                        "lock_version": 2 if answer else 1,
                    }
                )

        # The rules on each submission, in month order: a run of two inadequate months, or of
        # three requiring improvement or worse, ending with the month just submitted opens one
        # unless the same organisation and KPI already has one open.
        open_until: dict[int, datetime | None] = {}
        for kpi_id, by_month in series.items():
            for month in window:
                for trigger, length, bad in (
                    (TWO_INADEQUATE, 2, (ratings.INADEQUATE,)),
                    (
                        THREE_REQUIRES_IMPROVEMENT,
                        3,
                        (ratings.REQUIRES_IMPROVEMENT, ratings.INADEQUATE),
                    ),
                ):
                    run = [months.add_months(month, -back) for back in reversed(range(length))]
                    if not all(by_month.get(each, (None, None))[1] in bad for each in run):
                        continue
                    at = max(moments[each] for each in run) + timedelta(minutes=1)
                    if kpi_id in open_until and (open_until[kpi_id] or now) > at:
                        continue
                    escalation = {
                        "organisation_id": organisation_id,
                        "kpi_id": kpi_id,
                        "trigger": trigger,
                        "month": month,
                        "evidence": [
                            {
                                "month": months.iso_month(each),
                                "kpi": by_month[each][2],
                                "value": by_month[each][0],
                                "rating": by_month[each][1],
                            }
                            for each in run
                        ],
                        "opened_at": at,
                        "received_at": None,
                    }
                    escalations.append(escalation)
                    open_until[kpi_id] = _closing(escalation, now)

    # Escalations: worked and closed, except the recent ones.
    for n, escalation in enumerate(sorted(escalations, key=lambda e: e["opened_at"])):
        escalation_id = next_id("kpi_escalations")
        organisation_id = escalation["organisation_id"]
        closed = _closing(escalation, now)
        commissioner = commissioners[n % len(commissioners)]
        key = (
            f"{organisation_id}:{escalation['trigger']}:{escalation['kpi_id'] or '-'}:"
            f"{months.iso_month(escalation['month'])}"
        )
        actions = []
        opened = escalation["opened_at"]
        if escalation["trigger"] != MISSING_RETURN or escalation["received_at"] is None:
            actions.append(("review_meeting", opened + timedelta(days=10), "Met the provider."))
            actions.append(("action_plan", opened + timedelta(days=17), "Weekly check-ins agreed."))
        if closed and actions:
            actions.append(("outcome", closed, "The provider has met the action plan."))
        actions = [action for action in actions if _at(action[1].date(), 9) < now]
        for kind, at, details in actions:
            rows["kpi_escalation_actions"].append(
                {
                    "id": next_id("kpi_escalation_actions"),
                    "escalation_id": escalation_id,
                    "kind": kind,
                    "on_date": at.date(),
                    "details": details,
                    "recorded_by_id": commissioner,
                    "recorded_at": _at(at.date(), 9),
                }
            )
        reason = None
        if closed and escalation["trigger"] != MISSING_RETURN:
            reason = "Performance has been back on target since the action plan."
        elif closed and escalation["received_at"]:
            reason = "The return has been received."
        elif closed:
            reason = "Agreed at the review meeting: the month's figures cannot be recovered."
        rows["kpi_escalations"].append(
            {
                "id": escalation_id,
                "organisation_id": organisation_id,
                "kpi_id": escalation["kpi_id"],
                "trigger": escalation["trigger"],
                "trigger_key": key,
                "month": escalation["month"],
                "evidence": escalation["evidence"],
                "status": "closed" if closed else "open",
                "opened_at": opened,
                "closed_at": closed,
                "closed_by_id": commissioner if closed else None,
                "close_reason": reason,
                # Each action recorded moves it on one, and so does closing it.
                "lock_version": 1 + len(actions) + (closed is not None),
            }
        )
        after = {"trigger": escalation["trigger"], "month": months.iso_month(escalation["month"])}
        event(
            opened,
            None,
            "kpi_escalation.opened",
            "kpi_escalation",
            escalation_id,
            organisation_id,
            {**after, "kpi_id": escalation["kpi_id"]},
        )
        if closed:
            event(
                closed,
                commissioner,
                "kpi_escalation.closed",
                "kpi_escalation",
                escalation_id,
                organisation_id,
                {"status": "closed", "reason": reason},
            )

    for month, at in locked_at.items():
        lock_id = next_id("kpi_month_locks")
        rows["kpi_month_locks"].append(
            {"id": lock_id, "month": month, "locked_at": at, "locked_by_id": commissioners[0]}
        )
        event(
            at,
            commissioners[0],
            "kpi_month.locked",
            "kpi_month",
            None,
            None,
            {"month": months.iso_month(month)},
        )

    counts = {}
    for name in ("kpi_month_locks", "kpi_returns", "kpi_return_versions"):
        counts[name] = _insert_dicts(connection, name, rows[name])
    counts["kpi_values"] = bulk_insert(
        connection,
        _table("kpi_values"),
        ["id", "version_id", "kpi_id", "kpi_version_id", "position", "value", "comment", "rating"],
        values,
    )
    for name in ("kpi_queries", "kpi_reminders", "kpi_escalations", "kpi_escalation_actions"):
        counts[name] = _insert_dicts(connection, name, rows[name])
    _insert_dicts(connection, "audit_events", rows["audit_events"])
    open_escalations = sum(1 for row in rows["kpi_escalations"] if row["status"] == "open")
    result.notes.append(
        f"KPI returns seeded for {len(lots)} admitted organisations, up to {KPI_MONTHS} months: "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + f" ({open_escalations} escalations open). Months: "
        + ", ".join(f"{state} {count}" for state, count in states.items())
        + f". {sum(p['organisation_id'] in lots for p in result.providers)} of the "
        f"{len(result.providers)} providers signed in owe returns."
    )


def _closing(escalation: dict[str, Any], now: datetime) -> datetime | None:
    """When the council closed an escalation: a missing return a few days after it came in, or
    two months on if it never did; a poor rating after the review meeting and the action plan,
    six weeks on. None: still open."""
    opened = escalation["opened_at"]
    if escalation["received_at"] is not None:
        closed = escalation["received_at"] + timedelta(days=3)
    elif escalation["trigger"] == "missing_return":
        closed = opened + timedelta(days=60)
    else:
        closed = opened + timedelta(days=42)
    return closed if closed < now else None


EXTENSIONS = [seed_reviews, seed_competitions, seed_kpi_returns]
