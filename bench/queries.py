"""SQL statements per page, counted in-process: the portal app on the seeded database, driven
by Flask's test client through the real sign-in (CSRF token, two-factor for staff), with
SQLAlchemy cursor events counting what each request sends and how many rows come back.

Each page is opened once to warm caches (the published questionnaire, compiled templates),
then measured `REPEAT` times: the statements and rows of the last request, and the median time
in-process split into SQL (cursor execute to its end) and templates (Flask's template signals).
A page whose statements or rows differ between 1x and 10x does work that grows with the data
behind it; the time split says where a slow page spends its time before any load is added.
"""

from __future__ import annotations

import secrets
import statistics
import time
from dataclasses import dataclass, field

import pyotp
from flask import Flask, before_render_template, template_rendered
from sqlalchemy import event

from bench.client import hidden
from bench.pages import Page

REPEAT = 3


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


def count(app: Flask, page: Page, client, person: dict, repeat: int = REPEAT) -> Counted:
    """Open (or post) `page` as `person` once to warm up, then `repeat` times measured."""
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
    return last
