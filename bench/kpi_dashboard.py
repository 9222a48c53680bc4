"""The council's KPI dashboard at 50 and 500 providers, each with 24 months of returns: the SQL
statements one page makes (counted in-process) and its response time under gunicorn, both sizes
measured in one run.

    .venv/bin/python bench/kpi_dashboard.py [--sizes 50 500] [--requests 30] [--workers 2]

For each size it builds a SQLite database by the migrations, seeds the lots, the starting KPIs,
a commissioner and N providers admitted 25 months ago, each with 24 submitted returns of eleven
values (written in bulk, not through the pages), then signs in through the pages as the
commissioner (CSRF token, two-factor) and asks for /kpi-returns/dashboard?months=24: the first
page of 50 providers × 24 months. Times are wall-clock from a client in this process, after a
few warm-up requests; figures are for comparing runs on one machine, never asserts.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pyotp
from flask import current_app

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from portal.dev.seaweed import free_port  # noqa: E402

EMAIL, PASSWORD = "commissioner@bench.example.org", "bench password for the dashboard"
URL = "/kpi-returns/dashboard?months=24"
MONTHS = 24


def seed(database_url: str, providers: int, secret: str) -> None:
    """Migrate and fill a database: lots, KPIs, a commissioner, `providers` × 24 returns."""
    from sqlalchemy import insert, select

    from portal import create_app
    from portal.accounts.models import COMMISSIONER, User
    from portal.accounts.passwords import hash_password
    from portal.admissions.models import Admission
    from portal.core import migrations
    from portal.core.db import db
    from portal.core.time import today, utcnow
    from portal.kpi_returns import months, ratings
    from portal.kpi_returns.definitions import Catalogue, ensure_starting_kpis
    from portal.kpi_returns.models import KpiReturn, KpiReturnVersion, KpiValue
    from portal.lots.models import Lot
    from portal.lots.services import ensure_starting_lots
    from portal.organisations.models import Organisation

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x" * 40})
    with app.app_context():
        migrations.upgrade()
        ensure_starting_lots()
        ensure_starting_kpis()
        db.session.add(
            User(
                email=EMAIL,
                full_name="Bench Commissioner",
                role=COMMISSIONER,
                password_hash=hash_password(PASSWORD),
                email_verified_at=utcnow(),
                totp_secret=secret,
                totp_enabled_at=utcnow(),
            )
        )
        db.session.commit()
        lot_id = db.session.scalar(select(Lot.id).where(Lot.slug == "mentoring"))
        last = months.last_ended(today())
        all_months = [months.add_months(last, -back) for back in reversed(range(MONTHS))]
        definitions = Catalogue().for_lot(lot_id, last)
        admitted = datetime.now(UTC) - timedelta(days=31 * (MONTHS + 1))
        organisations = [
            {
                "legal_name": f"Provider {number:04d} Ltd",
                "legal_form": "company",
                "company_number": f"{80000000 + number}",
                "is_sme": True,
                "is_vcse": False,
                "address_line_1": "1 Bench Street",
                "town": "Dudley",
                "postcode": "DY1 1AA",
                "is_local": True,
                "phone": "01384 000000",
                "contact_name": "Bench",
                "contact_email": f"provider{number}@bench.example.org",
            }
            for number in range(providers)
        ]
        db.session.execute(insert(Organisation), organisations)
        ids = db.session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
        db.session.execute(
            insert(Admission),
            [
                {
                    "organisation_id": id_,
                    "lot_id": lot_id,
                    "status": "admitted",
                    "admitted_at": admitted,
                    "status_changed_at": admitted,
                }
                for id_ in ids
            ],
        )
        returns = []
        for id_ in ids:
            for index, month in enumerate(all_months):
                due = months.due_date(month, current_app.config["KPI_DUE_WORKING_DAYS"])
                submitted = datetime.combine(due, datetime.min.time(), UTC)
                returns.append(
                    {
                        "organisation_id": id_,
                        "month": month,
                        "status": "submitted",
                        "submitted_at": submitted - timedelta(days=(id_ + index) % 3),
                        "version_count": 1 + (id_ + index) % 5 // 4,
                        "rating": None,
                    }
                )
        db.session.execute(insert(KpiReturn), returns)
        rows = db.session.execute(select(KpiReturn.id, KpiReturn.version_count)).all()
        versions = [
            {"kpi_return_id": return_id, "number": number, "submitted_at": utcnow()}
            for return_id, count in rows
            for number in range(1, count + 1)
        ]
        db.session.execute(insert(KpiReturnVersion), versions)
        values = []
        for version_id in db.session.scalars(select(KpiReturnVersion.id)):
            for position, definition in enumerate(definitions):
                value = float(60 + (version_id * 7 + position * 13) % 41)
                if definition.unit != "percentage":
                    value = float((version_id + position) % 4)
                values.append(
                    {
                        "version_id": version_id,
                        "kpi_id": definition.kpi_id,
                        "kpi_version_id": definition.id,
                        "position": position,
                        "value": value,
                        "comment": "",
                        "rating": ratings.rate(value, definition),
                    }
                )
        for start in range(0, len(values), 20000):
            db.session.execute(insert(KpiValue), values[start : start + 20000])
        db.session.execute(
            KpiReturn.__table__.update().values(rating=ratings.APPROACHING)  # overall rating
        )
        db.session.commit()
        db.engine.dispose()


def count_queries(database_url: str, secret: str) -> int:
    """Statements one dashboard page makes, signed in through the pages in-process."""
    from sqlalchemy import event

    from portal import create_app
    from portal.core.db import db

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "x" * 40, "WTF_CSRF_ENABLED": False}
    )
    client = app.test_client()
    client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    client.post("/two-factor", data={"code": pyotp.TOTP(secret).now()})
    client.get(URL)  # warm
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    response = client.get(URL)
    event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.status_code
    with app.app_context():
        db.engine.dispose()
    return len(statements)


class Client:
    """A browser's cookies over one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read().decode()

    def csrf(self, path: str) -> str:
        _status, page = self.request("GET", path)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]

    def sign_in(self, secret: str) -> None:
        token = self.csrf("/sign-in")
        self.request(
            "POST", "/sign-in", {"csrf_token": token, "email": EMAIL, "password": PASSWORD}
        )
        token = self.csrf("/two-factor")
        code = pyotp.TOTP(secret).now()
        status, _ = self.request("POST", "/two-factor", {"csrf_token": token, "code": code})
        assert status == 302, status


def time_under_gunicorn(database_url: str, secret: str, requests: int, workers: int):
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "x" * 40,
        "PORTAL_ENV": "development",
        "DEMO_MODE": "false",
    }
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, arguments from this file
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=PROJECT_ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client = Client(port)
                client.request("GET", "/sign-in")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        client.sign_in(secret)
        for _ in range(3):
            status, _page = client.request("GET", URL)
            assert status == 200, status
        timings = []
        for _ in range(requests):
            start = time.perf_counter()
            status, page = client.request("GET", URL)
            timings.append((time.perf_counter() - start) * 1000)
            assert status == 200, status
        return statistics.median(timings), sorted(timings)[int(len(timings) * 0.95) - 1], len(page)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for size in args.sizes:
            database_url = f"sqlite:///{Path(directory) / f'kpi-{size}.db'}"
            secret = pyotp.random_base32()
            started = time.perf_counter()
            seed(database_url, size, secret)
            seeded = time.perf_counter() - started
            queries = count_queries(database_url, secret)
            median, p95, size_bytes = time_under_gunicorn(
                database_url, secret, args.requests, args.workers
            )
            results.append((size, queries, median, p95, size_bytes, seeded))
    print(
        f"KPI dashboard, {URL}, first page (50 providers × {MONTHS} months), SQLite, "
        f"gunicorn {args.workers} sync workers, {args.requests} sequential requests"
    )
    print("providers  queries  median ms  p95 ms  page KB  (seeded in s)")
    for size, queries, median, p95, size_bytes, seeded in results:
        print(
            f"{size:>9}  {queries:>7}  {median:>9.1f}  {p95:>6.1f}  {size_bytes / 1024:>7.0f}"
            f"  ({seeded:.0f})"
        )


if __name__ == "__main__":
    main()
