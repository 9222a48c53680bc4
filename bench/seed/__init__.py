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

Each domain's rows are made by a module of this package named for it (as the portal's packages
are): `organisations`, `applications`, `documents` and `staff_checks` by `seed` itself, then
`reviews`, `competitions`, `kpi_returns`, `contracts`, `referrals` and `audit` by the functions in
EXTENSIONS, each once its
domain's tables exist; `base` holds the sizes and bulk insert they share. A new domain adds a
module and its function to EXTENSIONS.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy import Connection, func, select, text

import portal.models  # noqa: F401 - every table in Base.metadata
from bench.seed.applications import _applications, _template_submission
from bench.seed.audit import seed_audit
from bench.seed.base import (
    APPLICATIONS,
    DOCUMENTS,
    PASSWORD,
    PROVIDERS,
    TIMINGS,
    SeedResult,
    _reset_sequences,
)
from bench.seed.capacity import seed_capacity
from bench.seed.competitions import seed_competitions
from bench.seed.contracts import seed_contracts
from bench.seed.documents import _documents
from bench.seed.kpi_returns import seed_kpi_returns
from bench.seed.organisations import _organisations, _reference_data
from bench.seed.quality import seed_quality
from bench.seed.referrals import seed_referrals
from bench.seed.reviews import seed_reviews
from bench.seed.staff_checks import _staff_checks
from portal.core.db import Base, db, round_trips_within


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
        _vacuum()
        timer.step("vacuum and analyse")
        with db.engine.begin() as connection, round_trips_within(None):
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL statement_timeout = 0"))
            result.counts = {
                table.name: connection.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
            }
        timer.step("count")
    result.steps.update({name: round(seconds, 2) for name, seconds in TIMINGS.items()})
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _vacuum() -> None:
    """VACUUM (ANALYZE) every table, as autovacuum would have done on a live database: besides
    the planner's statistics, it marks the freshly written pages all-visible, without which an
    index-only scan still reads every table row it finds. VACUUM cannot run in a transaction."""
    if db.engine.dialect.name != "postgresql":
        return
    with (
        db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
        round_trips_within(None),
    ):
        connection.execute(text("SET statement_timeout = 0"))
        connection.execute(text("VACUUM (ANALYZE)"))
        connection.execute(text("RESET statement_timeout"))


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


EXTENSIONS = [
    seed_reviews,
    seed_competitions,
    seed_kpi_returns,
    seed_contracts,
    seed_referrals,
    seed_quality,
    seed_capacity,
    seed_audit,
]


__all__ = ["PASSWORD", "SeedResult", "seed"]
