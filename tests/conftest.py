"""Test fixtures: a real database (PostgreSQL when DATABASE_URL points at one, else SQLite),
built by running the migrations; a real S3 server (SeaweedFS); clients named for roles.

Each pytest-xdist worker gets its own database and bucket. Tables are emptied after every test,
so tests see exactly what the requests they make commit, as a user would.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from alembic import command as alembic_command
from flask import Flask, has_app_context, has_request_context, session
from flask.testing import FlaskClient
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import Select, TextClause, create_engine, event, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import ORMExecuteState, Session

from portal import create_app
from portal.accounts import sessions
from portal.accounts.models import ADMIN, COMMISSIONER, PROVIDER, REVIEWER
from portal.audit.services import record_change
from portal.config import PROJECT_ROOT
from portal.core import migrations
from portal.core.db import Base, db, make_engine
from portal.core.extensions import limiter, object_store
from portal.core.permissions import TWO_FACTOR_PASSED
from portal.core.time import utcnow
from portal.dev.seaweed import start_seaweed
from portal.questionnaires import loader
from tests.support import factories, page_checks, store

# Reading a questionnaire file is pure (the same text gives the same frozen Content, and a bad one
# raises every time), and slow in PyYAML's Python parser: about a third of a second for v1.yaml.
# Hundreds of tests load the same file, so each text is read once per worker.
loader.parse = functools.lru_cache(maxsize=64)(loader.parse)

# Fixtures kept in modules of their own: `clamd_server`; `database_proxy`, `store_proxy`.
pytest_plugins = ["tests.support.clamd", "tests.support.fault_proxy"]

MIGRATIONS = PROJECT_ROOT / "migrations"
ACCESS_KEY = "portal-test"
SECRET_KEY = "portal-test-secret-key"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _run() -> str:
    """This run's name: pytest-xdist gives all of one run's workers the same id; a run without
    it is its own process."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or f"p{os.getpid()}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """This worker's database, already migrated: a copy of a template migrated once for the
    migrations as they are now (their digest names it), kept between runs, so a run migrates at
    most once rather than once per worker. The `app` fixture still runs the migrations, which
    then find nothing to do."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        path = tmp_path_factory.mktemp("db") / "portal.db"
        shutil.copyfile(_sqlite_template(), path)
        yield f"sqlite:///{path}"
        return
    # One database per worker of this run, made from the template and dropped at the end. Named
    # for the run too: two runs at once on one server (two checkouts, a helper's and yours) once
    # shared `test_gw0` and emptied and remade each other's tables mid-test.
    base = make_url(url)
    name = f"{base.database}_{_run()}_{_worker()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        template = _postgresql_template(connection, base)
        # Left by a run of the same name that crashed (a process id used again).
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        # A test database need not survive a crash: commits stop waiting for the disk.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(MIGRATIONS.rglob("*.py")):
        digest.update(path.relative_to(MIGRATIONS).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _migrate(url: str) -> None:
    engine = make_engine(url)
    config = migrations.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        alembic_command.upgrade(config, "head")
    engine.dispose()


def _sqlite_template() -> Path:
    template = Path(tempfile.gettempdir()) / f"portal-test-template-{_migrations_digest()}.db"
    if not template.exists():
        # Built aside and renamed into place: a worker (or run) never sees half of one.
        building = template.with_suffix(f".{os.getpid()}.building")
        building.unlink(missing_ok=True)
        _migrate(f"sqlite:///{building}")
        os.replace(building, template)
    return template


def _postgresql_template(connection, base) -> str:
    """The name of the migrated template database, built now if there is none. Workers take
    turns (an advisory lock), so one builds it and the others copy it."""
    prefix = f"{base.database}_template_"
    template = f"{prefix}{_migrations_digest()}"
    lock = text("SELECT pg_advisory_lock(hashtext(:name))")
    connection.execute(lock, {"name": prefix})
    try:
        names = connection.execute(
            text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
            {"prefix": prefix},
        ).scalars()
        for stale in set(names) - {template}:  # built for migrations as they were
            connection.execute(text(f'DROP DATABASE "{stale}" WITH (FORCE)'))
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": template}
        )
        if not exists:
            building = f"{template}_building"
            connection.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{building}"'))
            _migrate(base.set(database=building).render_as_string(hide_password=False))
            connection.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{template}"'))
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), {"name": prefix})
    return template


@event.listens_for(Session, "do_orm_execute")
def _tests_read_records_in_id_order(state: ORMExecuteState) -> None:
    """A test that reads records (`select(AuditEvent)...`) gets them in id order, the order they
    were written. Without ORDER BY a database may return rows in any order, and PostgreSQL does
    once tables are emptied with DELETE (see `empty_tables`): a connection goes on filling the
    page it last wrote to, so rows written by two connections come back in the order of their
    pages. Only the test's own reads are ordered (outside a request): what the portal's pages
    read is left exactly as it is, so a page that forgets ORDER BY still shows it."""
    statement = state.statement
    if (
        not isinstance(statement, Select)
        or state.is_relationship_load
        or has_request_context()
        or statement._order_by_clauses
        or statement._group_by_clauses
        or statement._distinct_on
    ):
        return
    entity = statement.column_descriptions[0].get("entity")
    if entity is None or statement.column_descriptions[0].get("expr") is not entity:
        return  # not a read of whole records (a count, a column)
    state.statement = statement.order_by(*sa_inspect(entity).primary_key)


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """A test database need not survive a crash: SQLite stops waiting for the disk at each
    commit, as PostgreSQL does with synchronous_commit off (above). Locking is unchanged."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = start_seaweed(tmp_path_factory.mktemp("s3"), ACCESS_KEY, SECRET_KEY)
    yield server
    server.stop()


# Compiled templates, shared by every test app in every worker and kept between runs: the suite
# builds an app per worker and more for tests that change a setting, and each compiled every
# template it rendered afresh (about a third of a SQLite run's template time). Jinja checks each
# entry against its template's source, and writes an entry whole (a temporary file renamed).
# Given to the app in its settings (TEMPLATE_BYTECODE_CACHE), so the macros every page imports,
# compiled while the app is built, are kept too.
_TEMPLATE_CACHE_DIR = Path(tempfile.gettempdir()) / "portal-test-templates"
_TEMPLATE_CACHE_DIR.mkdir(exist_ok=True)
TEMPLATE_CACHE = FileSystemBytecodeCache(str(_TEMPLATE_CACHE_DIR), "%s.cache")


def test_config(database_url: str, s3_server, tmp_path: Path | None = None, **overrides) -> dict:
    config = {
        "TESTING": True,
        "PORTAL_ENV": "development",
        "DEMO_MODE": False,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-signing",
        "DATABASE_URL": database_url,
        "BASE_URL": "http://localhost",
        "S3_ENDPOINT_URL": s3_server.endpoint_url,
        "S3_BUCKET": f"portal-test-{_worker()}",
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_KEY_PREFIX": f"portal-test-{_worker()}",
        # Said outright: flask-limiter keeps `enabled` on its one Limiter, shared by every app in
        # the process, so an app made with limits off would otherwise leave them off for the next.
        "RATELIMIT_ENABLED": True,
        "REDIS_URL": None,
        "MAIL_BACKEND": "file",
        "SERVER_NAME": None,
        # Still argon2id, at a cost that keeps hundreds of sign-ins quick.
        "PASSWORD_HASH_MEMORY_KIB": 1024,
        "PASSWORD_HASH_TIME_COST": 1,
        "TEMPLATE_BYTECODE_CACHE": TEMPLATE_CACHE,
    }
    config.update(overrides)
    return config


test_config.__test__ = False  # a helper, not a test


class RequestClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in production.

    Flask would otherwise run a request inside the app context a test holds open for its
    factories, so requests would share `g` (where flask-login keeps the signed-in user: one
    client's request would run as another client's user) and the database session.
    """

    def open(self, *args, **kwargs):
        # Whichever app the test's own context belongs to, end its transaction: on SQLite every
        # transaction holds the write lock (portal/core/db.py), which would block the request.
        in_test_context = has_app_context()
        if in_test_context:
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if in_test_context:
            db.session.expire_all()  # so the test reads what the request committed
        return response


def make_test_app(config: dict):
    app = create_app(config)
    app.test_client_class = RequestClient
    page_checks.install(app)
    return app


@pytest.fixture(scope="session")
def app(database_url, s3_server):
    app = make_test_app(test_config(database_url, s3_server))
    with app.app_context():
        migrations.upgrade()
        object_store.ensure_bucket()
    yield app
    _close(app)


def _close(app) -> None:
    with app.app_context():
        object_store.close(app)
        db.engine.dispose()


# Settings that say where something is (a server, a port): a later test may get the same port
# for another server, so an app made to reach one elsewhere than the suite's own is never given
# to another test.
_WHERE = re.compile(r"URL|PORT|HOST")
# Apps made with settings overridden, kept for the next test that asks for the same settings.
_KEEP_MADE_APPS = 8


@dataclass
class _Made:
    app: Flask
    as_made: str  # its settings and routes when made (`_as_made`)


def _as_made(made: Flask) -> str:
    return repr((sorted(made.config.items()), len(made.url_map._rules), made.view_functions))


@pytest.fixture(scope="session")
def _made_apps() -> Iterator[OrderedDict[str, _Made]]:
    kept: OrderedDict[str, _Made] = OrderedDict()
    yield kept
    for made in kept.values():
        _close(made.app)


@pytest.fixture
def make_app(app, database_url, s3_server, _made_apps):
    """Build another app on the same database and object store, with settings overridden.

    Making an app takes about 50 ms, and the suite asks for about 300 on each database, most of
    them with settings an earlier test asked for too. So an app is kept and given to the next
    test that asks for the same settings, as it was made: its settings and routes unchanged
    (a test that changed them has its app made again) and its rate limits forgotten, as the
    session app's are after every test. Tables, the store and the limits are emptied after each
    test as for the session app."""
    fresh, given = [], set()

    def make(**overrides):
        key = repr(sorted(overrides.items()))
        own = test_config(database_url, s3_server)
        if key in given or any(
            _WHERE.search(k) and v != own.get(k) for k, v in overrides.items()
        ):  # a second app with the same settings is another app, as is one reaching elsewhere
            fresh.append(make_test_app(test_config(database_url, s3_server, **overrides)))
            return fresh[-1]
        given.add(key)
        made = _made_apps.pop(key, None)
        if made is not None and _as_made(made.app) == made.as_made:
            limiter.enabled = made.app.config["RATELIMIT_ENABLED"]  # as making it set it
            if limiter.enabled:  # (an app made with them off has no storage for limits)
                with made.app.app_context():
                    limiter.reset()
            # As made, a test may still add routes to it (Flask refuses once it has served).
            made.app._got_first_request = False
        else:
            if made is not None:
                _close(made.app)
            new = make_test_app(test_config(database_url, s3_server, **overrides))
            made = _Made(new, _as_made(new))
        _made_apps[key] = made
        while len(_made_apps) > _KEEP_MADE_APPS:
            _close(_made_apps.popitem(last=False)[1].app)
        return made.app

    yield make
    for other in fresh:
        _close(other)


store.install()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table, the object store and the rate limits after each test that used the
    app. The bucket is emptied only when something changed it, and a snapshot's objects may
    stay for the next test that puts the same snapshot back (tests/support/store.py)."""
    store.empty_unless_held_for(request.fixturenames)
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    if "db" not in app.extensions:  # a module's own bare Flask app named `app`
        return
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            empty_tables(connection)
        # And the worker's bucket: ids start again at 1, so an object left by one test would
        # look like the next test's own (and reconcile would find it).
        store.empty_unless_unchanged()
        limiter.reset()
        limiter.enabled = True  # as the session's app has it (see RATELIMIT_ENABLED above)


def empty_tables(connection) -> None:
    """Empty every table, and start every id sequence a test drew from again at 1.

    On PostgreSQL, in one round trip (`_EMPTY_POSTGRESQL`): a statement a table, probing first
    which tables had rows, cost about 15 ms a test, most of it waiting for answers. DELETE, not
    TRUNCATE: TRUNCATE gives every table and index new files, about a third of a second a test;
    a test leaves a few rows, and an empty table is deleted from in microseconds. Every table is
    emptied, whoever wrote to it: other apps, the browser's live server, a worker in a
    subprocess, a trigger."""
    if db.is_postgresql:
        connection.execute(_empty_postgresql())
        return
    probe, order, derived = _sqlite_emptying()
    used = {name for (name,) in connection.exec_driver_sql(probe)}
    for name in order:
        if name in used or name in derived:
            connection.exec_driver_sql(f"DELETE FROM {name}")  # noqa: S608 - our table names


@functools.cache
def _sqlite_emptying() -> tuple[str, list[str], frozenset[str]]:
    """The probe for tables with rows, the order to empty them in and the derived tables, made
    once: sorting the tables again for every test was about a quarter of emptying them.

    SQLite gives the next row the highest id in use plus one: 1 in an empty table. Its triggers
    run as rows go (SQLite cannot set them aside), so the tables they derive (MonthlySpend) are
    emptied after the rest, always."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    probe = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})"  # noqa: S608 - our table names
        for name in tables
    )
    derived = frozenset(t.name for t in Base.metadata.sorted_tables if t.info.get("derived"))
    return probe, sorted(tables, key=lambda name: name in derived), derived


@functools.cache
def _empty_postgresql() -> TextClause:
    """One block that empties every table and restarts the sequences drawn from. Replica mode
    skips triggers for this transaction only, so the audit log's row trigger (which refuses
    DELETE) and the foreign keys' checks stand aside while the tables are emptied, in any order.
    `setval(..., false)` rather than ALTER SEQUENCE RESTART (a new file per sequence): the next
    id drawn is the sequence's first, as after RESTART. An insert that was rolled back leaves no
    row but has still drawn an id, so every sequence drawn from is restarted, not only those of
    tables with rows."""
    tables = ", ".join(f"'{table.name}'" for table in Base.metadata.sorted_tables)
    return text(_EMPTY_POSTGRESQL.replace("TABLES", tables))


_EMPTY_POSTGRESQL = """
    DO $$
    DECLARE
      name text;
    BEGIN
      PERFORM set_config('session_replication_role', 'replica', true);
      FOREACH name IN ARRAY ARRAY[TABLES] LOOP
        EXECUTE format('DELETE FROM %I', name);
      END LOOP;
      PERFORM setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)
      FROM pg_sequences
      WHERE schemaname = current_schema() AND last_value IS NOT NULL;
    END $$
"""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "shows_typed_markup(*texts): markup a test types, shown as text on purpose"
    )
    config.addinivalue_line(
        "markers",
        "postgresql: needs PostgreSQL (a real TCP fault to the database, or writers at once)",
    )
    config.addinivalue_line(
        "markers", "browser: drives Chromium (every test in tests/browser/, marked on collection)"
    )


def pytest_collection_finish(session):
    """Python's collector is kept off what importing and collecting made (gc.freeze, as the
    production entry point does: wsgi.py), and it runs less often: the youngest generation after
    5,000 new objects rather than 700, the oldest a tenth as often. A worker holds about half a
    million objects by its end; each full collection walked them all, about 150 ms, 13 times in
    tests/contracts and tests/applications in one process, and once more as pytest finishes.
    Measured there with the collector's callbacks: 2.7 s of 43 in the collector by default,
    1.0 s so."""
    gc.freeze()
    gc.set_threshold(5_000, 10, 100)


def pytest_collection_modifyitems(config, items):
    """Browser tests are marked `browser`, so a run can choose them (`-m browser`) or leave them
    to another (`.ci/run` runs them in its PostgreSQL pass only: see there).

    A TCP fault needs a database reached over TCP, and two transactions writing at once need a
    database that lets them (SQLite has one writer at a time): on SQLite, tests marked
    `postgresql` are deselected (said in the summary, never reported as passed or skipped), and
    `.ci/run` runs them in its PostgreSQL pass. SQLite has tests of its own for the same pages."""
    browser_tests = Path(__file__).parent / "browser"
    for item in items:
        if browser_tests in item.path.parents:
            item.add_marker(pytest.mark.browser)
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def _page_checks(request):
    """Fail a test when a page it rendered shows markup as text or repeats an id (see
    tests/support/page_checks.py)."""
    marker = request.node.get_closest_marker("shows_typed_markup")
    page_checks.start(tuple(marker.args) if marker else ())
    yield
    found = page_checks.finish()
    assert not found, "pages with problems:\n" + "\n".join(found)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


anonymous_client = client


# People and organisations --------------------------------------------------------------------


@pytest.fixture
def provider(app_ctx):
    """A verified provider who owns organisation A."""
    user = factories.make_user("provider-a@example.org", full_name="Alex Provider")
    factories.make_organisation(user, legal_name="Organisation A Ltd")
    return user


@pytest.fixture
def organisation(provider):
    return factories.organisation_of(provider)


@pytest.fixture
def other_provider(app_ctx):
    """A verified provider who owns organisation B."""
    user = factories.make_user("provider-b@example.org", full_name="Bea Provider")
    factories.make_organisation(user, legal_name="Organisation B Ltd")
    return user


@pytest.fixture
def other_organisation(other_provider):
    return factories.organisation_of(other_provider)


def _staff(role: str):
    return factories.make_user(f"{role}@council.example.org", role=role, two_factor=True)


@pytest.fixture
def reviewer(app_ctx):
    return _staff(REVIEWER)


@pytest.fixture
def commissioner(app_ctx):
    return _staff(COMMISSIONER)


@pytest.fixture
def admin(app_ctx):
    return _staff(ADMIN)


def sign_in(client, user, password: str = factories.PASSWORD):
    """Sign in through the pages, passing two-factor for staff as they would."""
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    if user.role != PROVIDER:
        code = pyotp.TOTP(user.totp_secret).now()
        response = client.post("/two-factor", data={"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def signed_in(client, user):
    """`client` signed in as `user`, left as the sign-in pages leave a browser: the sign-in
    recorded, a session row on the server and its cookie, two-factor passed for staff. Made
    by the services the pages call, without posting the forms (`sign_in`), which cost 20-40 ms
    of CPU a person in about half the suite's tests; the pages themselves are tested through
    HTTP in tests/accounts."""
    if has_app_context():
        # As RequestClient.open: `client` may be another app's, whose writes SQLite's lock on
        # this context's open transaction would block.
        db.session.commit()
    # The session the services write is the request's; the client's cookie gets a copy.
    with client.session_transaction() as cookie, client.application.test_request_context():
        user = db.session.merge(user)
        user.last_signed_in_at = utcnow()
        record_change("account.signed_in", user, user, object_type="user")
        sessions.start_session(user)
        session[TWO_FACTOR_PASSED] = True
        cookie.update(session)
        cookie.permanent = True
        db.session.commit()
    return client


@pytest.fixture
def provider_client(app, provider):
    return signed_in(app.test_client(), provider)


@pytest.fixture
def other_provider_client(app, other_provider):
    return signed_in(app.test_client(), other_provider)


@pytest.fixture
def reviewer_client(app, reviewer):
    return signed_in(app.test_client(), reviewer)


@pytest.fixture
def commissioner_client(app, commissioner):
    return signed_in(app.test_client(), commissioner)


@pytest.fixture
def admin_client(app, admin):
    return signed_in(app.test_client(), admin)
