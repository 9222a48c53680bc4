"""The database: one engine per app, one session per request, one commit per request.

Services flush and never commit. `commit_or_rollback` runs after each request: a response
below 400 commits, anything else rolls back, so a change, its audit event and its emails land
together or not at all. CLI commands wrap their work in `with db.session.begin():`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, Response, current_app
from flask.globals import app_ctx
from sqlalchemy import DateTime, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

from portal.core.time import as_utc

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(engine: Engine) -> None:
    """Make pysqlite honour foreign keys and real transactions (SAVEPOINT, BEGIN)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # SQLite has no row locks, and a transaction that read and then wants to write while
        # another holds the write lock fails at once ("database is locked") instead of waiting.
        # SQLite serves development and tests only, so every transaction takes the write lock
        # at BEGIN, where busy_timeout makes it wait its turn: one at a time, never a failure.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


class Database:
    """The engine lives on each app (several apps can share a process, as tests do) and a session
    lasts for one app context: a request, a CLI command, or a thread's own context."""

    def __init__(self) -> None:
        self.session = scoped_session(self._new_session, scopefunc=_app_context_id)

    def init_app(self, app: Flask) -> None:
        app.extensions["db"] = make_engine(app.config["DATABASE_URL"])
        app.after_request(self.commit_or_rollback)
        app.teardown_appcontext(self.remove_session)

    def _new_session(self) -> Session:
        return Session(bind=self.engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["db"]

    def commit_or_rollback(self, response: Response) -> Response:
        if response.status_code < 400:
            self.session.commit()
        else:
            self.session.rollback()
        return response

    def remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())


db = Database()


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always handed back timezone-aware.

    SQLite keeps no zone, so without this the same column would come back naive there and aware
    on PostgreSQL, and comparisons would behave differently between the two.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Timestamps must be timezone-aware (use portal.core.time.utcnow).")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect) -> datetime | None:
        return None if value is None else as_utc(value)
