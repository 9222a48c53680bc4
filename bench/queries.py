"""SQL statements per page, counted in-process: the portal app on the seeded database, driven
by Flask's test client through the real sign-in (CSRF token, two-factor for staff), with
SQLAlchemy cursor events counting what each request sends and how many rows come back.

Each page is opened once to warm caches (the published questionnaire, compiled templates),
then measured `REPEAT` times: the statements and rows of the last request, and the median time
in-process split into SQL (cursor execute to its end) and templates (Flask's template signals).
A page whose statements or rows differ between 1x and 10x does work that grows with the data
behind it; the time split says where a slow page spends its time before any load is added.

Then CPU: `CPU_REPEAT` more requests with no listeners on the cursor, each timed as CPU, not
wall clock, so that the figure holds whatever else the machine is doing. The portal's share is
`time.process_time()` around the request in this process (Flask, SQLAlchemy, psycopg, Jinja; the
test client's own few microseconds included). PostgreSQL's share is the CPU its backend processes
spent meanwhile, read from Linux's /proc/<pid>/schedstat (nanoseconds on the CPU) for every
backend this app's pool has checked out. pg_stat_statements would give the same per statement,
but it must be preloaded when the server starts, which the shared server here does not do, and
timing statements from the client (cursor events) counts the wait and the network, not the
server's work. The schedstat figure includes parsing, planning and sending results, which is
what a request costs the database. Where /proc cannot be read (another machine, no permission)
PostgreSQL's share is reported as not measured, never as zero.
"""

from __future__ import annotations

import secrets
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from flask import Flask, before_render_template, template_rendered
from sqlalchemy import event

from bench.client import hidden
from bench.pages import Page

REPEAT = 3
CPU_REPEAT = 15


@dataclass
class Counted:
    status: int
    queries: int
    rows: int
    bytes: int
    ms: float
    sql_ms: float
    template_ms: float
    statements: list[str] = field(default_factory=list)
    # CPU per request (medians): the portal's Python, PostgreSQL's backends, and their sum.
    app_cpu_ms: float | None = None
    pg_cpu_ms: float | None = None
    cpu_ms: float | None = None
    # The spread of the total over the CPU passes: (max - min) / median.
    cpu_spread: float | None = None


# Backend process ids of PostgreSQL connections each engine's pool has handed out.
_backends: dict[int, set[int]] = {}


def _track_backends(engine) -> set[int] | None:
    if engine.dialect.name != "postgresql":
        return None
    key = id(engine)
    if key not in _backends:
        pids: set[int] = set()

        def checkout(dbapi_connection, _record, _proxy):
            pids.add(dbapi_connection.info.backend_pid)

        event.listen(engine, "checkout", checkout)
        _backends[key] = pids
    return _backends[key]


def _on_cpu_ns(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def backend_cpu_ns(pids: set[int] | None) -> dict[int, int | None]:
    return {pid: _on_cpu_ns(pid) for pid in pids or ()}


def backend_cpu_delta_ms(before: dict[int, int | None], pids: set[int] | None) -> float | None:
    """CPU the backends spent since `before`; None when any of them cannot be read."""
    if not pids:
        return None
    total = 0
    for pid in pids:
        now = _on_cpu_ns(pid)
        if now is None:
            return None
        was = before.get(pid)
        # A backend that started during the request: all its CPU is the request's.
        total += now - (was if was is not None else 0)
    return total / 1e6


class _Recorder:
    """Statements, rows and time spent in SQL and in templates during one request."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.statements: list[str] = []
        self.rows = 0
        self.sql = 0.0
        self.templates = 0.0
        self._sql_started = 0.0
        self._template_started: list[float] = []

    def before_execute(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        self.statements.append(" ".join(statement.split())[:160])
        self._sql_started = time.perf_counter()

    def after_execute(self, _conn, cursor, statement, _parameters, _context, _executemany):
        self.sql += time.perf_counter() - self._sql_started
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.rows += max(cursor.rowcount or 0, 0)

    def before_render(self, _app, **_extra):
        self._template_started.append(time.perf_counter())

    def rendered(self, _app, **_extra):
        if self._template_started:
            started = self._template_started.pop()
            if not self._template_started:  # the outermost template (includes the inner ones)
                self.templates += time.perf_counter() - started


def signed_in_client(app: Flask, email: str, password: str, totp_secret: str | None = None):
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # production cookies are Secure
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in",
        data={"csrf_token": hidden(page, "csrf_token"), "email": email, "password": password},
    )
    assert response.status_code == 302, f"sign-in as {email}: {response.status}"
    if totp_secret:
        page = client.get("/two-factor").get_data(as_text=True)
        response = client.post(
            "/two-factor",
            data={"csrf_token": hidden(page, "csrf_token"), "code": pyotp.TOTP(totp_secret).now()},
        )
        assert response.status_code == 302, f"two-factor for {email}: {response.status}"
    return client


def client_for(app: Flask, role: str, person: dict, password: str):
    """A test client of `app` signed in as `person` (through the pages), or, for the "public"
    role, a client signed in as nobody."""
    if role == "public":
        return app.test_client()
    return signed_in_client(app, person["email"], password, person.get("totp_secret"))


def count(
    app: Flask, page: Page, client, person: dict, repeat: int = REPEAT, cpu_repeat: int = CPU_REPEAT
) -> Counted:
    """Open (or post) `page` as `person` once to warm up, then `repeat` times measured, then
    `cpu_repeat` times for CPU alone."""
    recorder = _Recorder()
    path = page.path(person)
    engine = app.extensions["db"]
    measured: list[Counted] = []
    for attempt in range(repeat + 1):
        data = None
        if page.post:
            opened = client.get(path).get_data(as_text=True)
            data = {"csrf_token": hidden(opened, "csrf_token"), **page.post.fields}
            name, prefix = page.post.changing
            data[name] = f"{prefix}{secrets.token_hex(4)}-{attempt}"
            if page.post.version_field:
                data[page.post.version_field] = hidden(opened, page.post.version_field)
        recorder.reset()
        event.listen(engine, "before_cursor_execute", recorder.before_execute)
        event.listen(engine, "after_cursor_execute", recorder.after_execute)
        before_render_template.connect(recorder.before_render, app)
        template_rendered.connect(recorder.rendered, app)
        started = time.perf_counter()
        try:
            response = client.post(path, data=data) if page.post else client.get(path)
        finally:
            elapsed = time.perf_counter() - started
            event.remove(engine, "before_cursor_execute", recorder.before_execute)
            event.remove(engine, "after_cursor_execute", recorder.after_execute)
            before_render_template.disconnect(recorder.before_render, app)
            template_rendered.disconnect(recorder.rendered, app)
        if attempt:
            measured.append(
                Counted(
                    status=response.status_code,
                    queries=len(recorder.statements),
                    rows=recorder.rows,
                    bytes=len(response.data),
                    ms=elapsed * 1000,
                    sql_ms=recorder.sql * 1000,
                    template_ms=recorder.templates * 1000,
                    statements=list(recorder.statements),
                )
            )
    last = measured[-1]
    last.ms = round(statistics.median(m.ms for m in measured), 2)
    last.sql_ms = round(statistics.median(m.sql_ms for m in measured), 2)
    last.template_ms = round(statistics.median(m.template_ms for m in measured), 2)
    app_ms, pg_ms = cpu(app, page, client, person, cpu_repeat)
    last.app_cpu_ms = round(statistics.median(app_ms), 3)
    if pg_ms is not None:
        totals = [a + p for a, p in zip(app_ms, pg_ms, strict=True)]
        last.pg_cpu_ms = round(statistics.median(pg_ms), 3)
    else:
        totals = app_ms
    last.cpu_ms = round(statistics.median(totals), 3)
    middle = statistics.median(totals)
    last.cpu_spread = round((max(totals) - min(totals)) / middle, 2) if middle else None
    return last


def _form_data(client, page: Page, path: str, attempt: str) -> dict:
    opened = client.get(path).get_data(as_text=True)
    data = {"csrf_token": hidden(opened, "csrf_token"), **page.post.fields}
    name, prefix = page.post.changing
    data[name] = f"{prefix}{secrets.token_hex(4)}-{attempt}"
    if page.post.version_field:
        data[page.post.version_field] = hidden(opened, page.post.version_field)
    return data


def cpu(
    app: Flask, page: Page, client, person: dict, repeat: int = CPU_REPEAT
) -> tuple[list[float], list[float] | None]:
    """CPU milliseconds of `repeat` requests: the portal's and PostgreSQL's, one pair each.
    A form's page is opened before each post, outside the measurement."""
    path = page.path(person)
    pids = _track_backends(app.extensions["db"])
    app_ms: list[float] = []
    pg_ms: list[float] | None = []
    client.post(path, data=_form_data(client, page, path, "warm")) if page.post else client.get(
        path
    )
    for attempt in range(repeat):
        data = _form_data(client, page, path, f"cpu{attempt}") if page.post else None
        before = backend_cpu_ns(pids)
        started = time.process_time()
        response = client.post(path, data=data) if page.post else client.get(path)
        app_ms.append((time.process_time() - started) * 1000)
        database = backend_cpu_delta_ms(before, pids)
        if database is None or pg_ms is None:
            pg_ms = None
        else:
            pg_ms.append(database)
        assert response.status_code == page.expect, f"{page.name}: {response.status}"
    return app_ms, pg_ms
