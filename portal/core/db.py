"""The database: one engine per app, one session per request, one commit per request.

Services flush and never commit. `commit_or_rollback` runs after each request: a response
below 400 commits, anything else rolls back, so a change, its audit event and its emails land
together or not at all. CLI commands wrap their work in `with db.session.begin():`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import psycopg
from flask import Flask, Response, current_app
from flask.globals import app_ctx
from psycopg.abc import PQGen
from psycopg.errors import _WaitTimeout  # what Connection.wait(timeout=...) raises (psycopg 3.3)
from psycopg.rows import TupleRow
from sqlalchemy import (
    CompoundSelect,
    DateTime,
    Delete,
    MetaData,
    Select,
    TypeDecorator,
    Update,
    bindparam,
    create_engine,
    event,
    update,
)
from sqlalchemy.engine import Connection, CursorResult, Dialect, Engine, Row
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter, ClauseElement

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


@dataclass(frozen=True)
class Timeouts:
    """How long the portal waits on the database before it gives up, in seconds (0: no limit).

    A stalled database must cost a request seconds, never a worker for ever: `connect` bounds
    opening a connection, `statement` bounds each statement on the server and, with a second's
    grace, each round trip on the client (a server or network that stops answering cannot
    enforce its own timeout), `lock` bounds waiting for a row lock (SQLite: for the write lock)
    and `pool` bounds waiting for a free connection in the pool.
    """

    connect: int = 5
    statement: int = 15
    lock: int = 5
    pool: int = 5

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Timeouts:
        return cls(
            connect=config["DATABASE_CONNECT_TIMEOUT_SECONDS"],
            statement=config["DATABASE_STATEMENT_TIMEOUT_SECONDS"],
            lock=config["DATABASE_LOCK_TIMEOUT_SECONDS"],
            pool=config["DATABASE_POOL_TIMEOUT_SECONDS"],
        )


# A shorter (or no) limit on each database round trip for the code inside `round_trips_within`;
# unset, a connection uses its own (the statement timeout and a second's grace).
_round_trip_limit: ContextVar[float | None] = ContextVar("round_trip_limit")


@contextmanager
def round_trips_within(seconds: float | None) -> Iterator[None]:
    """Give up on any database round trip that takes longer than `seconds` (None: no limit)
    inside this block: /healthz must answer in seconds, a migration may take as long as it
    needs."""
    token = _round_trip_limit.set(seconds)
    try:
        yield
    finally:
        _round_trip_limit.reset(token)


RV = TypeVar("RV")
S = TypeVar("S", bound=ClauseElement)


class DeadlineConnection(psycopg.Connection[TupleRow]):
    """A psycopg connection that stops waiting for an answer after a limit, and then closes.

    Server-side timeouts cannot help when the server, or the network in between, stops
    answering. A connection that gave up mid-conversation is in an unknown state, so it is
    closed, and SQLAlchemy then treats the error as a disconnect and drops it from the pool.
    """

    round_trip_limit: float | None = None

    def wait(
        self,
        gen: PQGen[RV],
        interval: float = 0.1,  # psycopg's own default
        timeout: float | None = None,
    ) -> RV:
        if timeout is None:
            timeout = _round_trip_limit.get(self.round_trip_limit)
        try:
            return super().wait(gen, interval, timeout)
        except _WaitTimeout:
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"The database did not answer within {timeout:g} seconds."
            ) from None


def _configure_postgresql(engine: Engine, timeouts: Timeouts) -> None:
    @event.listens_for(engine, "do_connect")
    def connect(
        _dialect: Dialect,
        _record: ConnectionPoolEntry,
        cargs: list[Any],
        cparams: dict[str, Any],
    ) -> DeadlineConnection:
        # Inside `round_trips_within`, opening a connection is held to the same limit (libpq
        # counts whole seconds, 2 at least).
        limit = _round_trip_limit.get(None)
        cparams["connect_timeout"] = max(2, min(timeouts.connect, math.ceil(limit or 60)))
        # Milliseconds; 0 turns a timeout off.
        cparams["options"] = (
            f"-c statement_timeout={timeouts.statement * 1000} "
            f"-c lock_timeout={timeouts.lock * 1000}"
        )
        connection = DeadlineConnection.connect(*cargs, **cparams)
        connection.round_trip_limit = timeouts.statement + 1 if timeouts.statement else None
        return connection


# A pooled connection unused for this long is pinged before it is handed out again.
IDLE_PING_SECONDS = 30
# And none is kept longer than this, whatever its use (a server or proxy closing old ones).
POOL_RECYCLE_SECONDS = 30 * 60


def _ping_connections_left_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has sat idle, not on every checkout.

    A connection in steady use has just answered, so pinging it (SQLAlchemy's pool_pre_ping)
    costs every request a round trip for nothing. One left idle may have been closed by a
    restarted server or a proxy: that one is pinged, and a dead one replaced before the request
    sees it. A connection that breaks mid-request is still caught as before: psycopg marks it
    closed, SQLAlchemy treats the error as a disconnect and drops the pool's older connections.
    """

    @event.listens_for(engine, "checkin")
    def checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except psycopg.Error as error:
            # The pool closes this one and hands out a fresh connection instead.
            raise DisconnectionError(str(error)) from error


def _configure_sqlite(engine: Engine, timeouts: Timeouts) -> None:
    """Make pysqlite honour foreign keys and real transactions (SAVEPOINT, BEGIN)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # 0 means no limit, as on PostgreSQL (to SQLite it would mean not waiting at all).
        busy_ms = timeouts.lock * 1000 if timeouts.lock else 2**31 - 1
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # SQLite has no row locks, and a transaction that read and then wants to write while
        # another holds the write lock fails at once ("database is locked") instead of waiting.
        # SQLite serves development and tests only, so every transaction takes the write lock
        # at BEGIN, where busy_timeout makes it wait its turn: one at a time, never a failure.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, timeouts: Timeouts | None = None) -> Engine:
    timeouts = timeouts or Timeouts()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine, timeouts)
        return engine
    engine = create_engine(
        url,
        pool_size=5,
        max_overflow=5,
        pool_timeout=timeouts.pool,
        pool_recycle=POOL_RECYCLE_SECONDS,
    )
    _configure_postgresql(engine, timeouts)
    _ping_connections_left_idle(engine)
    return engine


class Database:
    """The engine lives on each app (several apps can share a process, as tests do) and a session
    lasts for one app context: a request, a CLI command, or a thread's own context."""

    def __init__(self) -> None:
        # scoped_session only ever calls its factory with no arguments; its stub asks for a
        # sessionmaker, but a session here binds the current app's engine when it is made.
        factory = cast("sessionmaker[Session]", self._new_session)
        self.session = scoped_session(factory, scopefunc=_app_context_id)

    def init_app(self, app: Flask) -> None:
        app.extensions["db"] = make_engine(
            app.config["DATABASE_URL"], Timeouts.from_config(app.config)
        )
        app.after_request(self.commit_or_rollback)
        app.teardown_appcontext(self.remove_session)

    def _new_session(self) -> Session:
        return Session(bind=self.engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        engine: Engine = current_app.extensions["db"]
        return engine

    def commit_or_rollback(self, response: Response) -> Response:
        if response.status_code < 400:
            self.session.commit()
        else:
            self.session.rollback()
        return response

    def count(self, statement: Select[int]) -> int:
        """What a COUNT query answers: always one row, so never None."""
        return self.session.execute(statement).scalar_one()

    def rows(
        self,
        statement: Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]],
        values: Mapping[str, Any] | None = None,
    ) -> Sequence[Row[*tuple[Any, ...]]]:
        """Every row of a statement of columns (no objects), fetched at once and run on the
        session's connection rather than through the ORM, whose handling of each row is spent
        for nothing on columns (the capacity search's 350 needs and districts: 0.31 against
        0.21 ms of CPU). The session is flushed first, as the ORM would."""
        session = self.session
        if session.autoflush:
            session.flush()
        return session.connection().execute(statement, values or {}).all()

    def rows_changed(self, statement: Update | Delete) -> int:
        """How many rows an UPDATE or DELETE changed: a compare-and-set reads 0 as "someone else
        got there first"."""
        result = self.session.execute(statement)
        # An UPDATE or DELETE answers with a CursorResult; Session.execute's stub says Result.
        return cast("CursorResult[Any]", result).rowcount

    def set_where(self, model: Any, *conditions: Any, **values: Any) -> int:
        """Compare-and-set: write `values` to `model`'s rows where all `conditions` hold, leaving
        the session's objects as they were; how many rows changed (0: someone got there first,
        or there was nothing to change)."""
        return self.rows_changed(
            update(model)
            .where(*conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def keep_transaction_began(self, moment: datetime) -> datetime:
        """Keep PostgreSQL's now() (the moment this transaction began, the same all through
        it), read by a statement the request makes anyway, so that `transaction_began` need
        not ask for it with a statement of its own. Answers it in UTC."""
        session = self.session()
        moment = as_utc(moment)
        session.info[_TRANSACTION_BEGAN] = (session.get_transaction(), moment)
        return moment

    def transaction_began(self) -> datetime | None:
        """The moment kept by `keep_transaction_began` in this same transaction, in UTC; None
        when none was kept in it (a commit since begins another)."""
        session = self.session()
        kept = session.info.get(_TRANSACTION_BEGAN)
        transaction = session.get_transaction()
        if kept is None or transaction is None or kept[0] is not transaction:
            return None
        moment: datetime = kept[1]
        return moment


# Where Database.keep_transaction_began keeps its moment, with the transaction (Session.info).
_TRANSACTION_BEGAN = "db.transaction_began"


def _app_context_id() -> int:
    # Flask types app_ctx as the context itself, not the proxy that has this method.
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]


db = Database()


def ids_in_text(ids: Iterable[int]) -> BindParameter[Any]:
    """Ids for `column.in_(...)`, written into the statement as numbers rather than sent as one
    parameter each.

    psycopg prepares a statement once it has run five times on a connection, and PostgreSQL may
    then settle on a generic plan for `IN ($1, ... $50)`, made without knowing the ids: on the
    KPI dashboard that plan cost its backend 3 ms a run against 0.5 ms for the same rows with
    the ids in the text (the bench's data, PostgreSQL 15). With the ids in the text every run is
    planned for its own ids, which costs planning time on every run: most lists of a page's
    ids here run faster prepared (measured at 10x, statement by statement, generic against
    custom plans), so use this only where the generic plan was measured to be the slower.
    """
    return bindparam(None, list(ids), expanding=True, literal_execute=True)


def values_in_text(statement: S, keep_bound: Iterable[str] = ()) -> S:
    """`statement`, built once, with every value bound in it (its constants and the parameters
    given when it runs, but those named in `keep_bound`) written into its text when it runs,
    as ids_in_text writes ids.

    PostgreSQL plans a prepared statement with parameters afresh on every run unless its
    generic plan, made without their values, looks no dearer than the plans made with them:
    for a list's statement of a dozen subqueries that plan looked dearer, although it ran as
    fast, and planning cost about as much as running it (the reviewers' providers list at
    10x: 0.6 ms a view). With its values in the text it has none: it is planned once, when
    psycopg prepares it, and again only when its text changes (a new day, another page).
    Only for values the portal makes (dates, constants, a page's first row), never for what
    someone typed: keep those bound."""
    kept = set(keep_bound)

    def in_text(element: Any, **_kw: Any) -> BindParameter[Any] | None:
        if isinstance(element, BindParameter) and element.key not in kept:
            return element.render_literal_execute()
        return None

    traversed: visitors.ExternallyTraversible = statement
    return cast(S, visitors.replacement_traverse(traversed, {}, in_text))


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always handed back timezone-aware.

    SQLite keeps no zone, so without this the same column would come back naive there and aware
    on PostgreSQL, and comparisons would behave differently between the two.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Timestamps must be timezone-aware (use portal.core.time.utcnow).")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)
