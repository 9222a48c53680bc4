"""`make bench`: the portal measured at the council's size and at ten times it: each page's CPU
per request in-process against its budget (bench/pages.py), then under load.

    .venv/bin/python -m bench.run            # 1x and 10x, 10 s per page (~30 min, 2 quiet cores)
    .venv/bin/python -m bench.run --quick    # load at 10x only, 3 s per page (~10 min)

For each scale it creates a PostgreSQL database of its own (dropped at the end), migrates it
with `flask --app wsgi db upgrade`, seeds it (bench/seed/), counts each page's SQL statements
and CPU per request in-process (bench/queries.py), and the extra CPU of being signed in on a
trivial page, then serves the portal under gunicorn with production settings
(2 x cores sync workers, as README's Deploying says) and SeaweedFS, signs in twenty people per
role through the real forms and drives every page with wrk (bench/load.py), at 20 people and
then at 5. The baseline (bench/baseline_app.py), a bare Flask page kept as a trend line, is
served and driven the same way before and after; their spread and the load average say how
steady the machine was. Uploads are measured by bench/upload_memory.py. Results: a table here,
bench/results/latest.json and bench/results/LATEST.md (committed, so the figures travel with
the code that produced them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).absolute().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import load, report  # noqa: E402
from bench.client import Browser, hidden  # noqa: E402
from bench.pages import PAGES, TRIVIAL, Page, built, similar_rules  # noqa: E402
from bench.seed.base import DOMAIN  # noqa: E402
from portal.dev.seaweed import free_port, start_seaweed  # noqa: E402

RESULTS = Path(__file__).parent / "results"
BIN = Path(sys.executable).parent
ACCESS_KEY, SECRET_KEY = "bench-access", "bench-secret-key-for-the-store"
BUCKET = "bench-documents"
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/postgres")
# Production insists on shared rate limits when several workers run, as they do here.
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
USERS = 20  # concurrent signed-in people per page (bench/seed/base.py LOAD_USERS)
FEW_USERS = 5  # a realistic council load, reported beside the twenty


def say(line: str = "") -> None:
    print(line, flush=True)


# PostgreSQL ----------------------------------------------------------------------------------


def _admin_engine():
    return create_engine(make_url(SERVER), isolation_level="AUTOCOMMIT")


def create_database(name: str) -> str:
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def postgres_version() -> str:
    engine = _admin_engine()
    with engine.connect() as connection:
        version = connection.scalar(text("SHOW server_version"))
    engine.dispose()
    return f"PostgreSQL {version}"


# The machine ---------------------------------------------------------------------------------


def describe_machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.M)
    # Only the load runs need wrk: an in-process run (--no-load) goes on without it.
    found = shutil.which("wrk")
    wrk = subprocess.run([found, "--version"], capture_output=True, text=True) if found else None  # noqa: S603
    said = (wrk.stdout or wrk.stderr) if wrk else ""
    return {
        "cpu": model[1].strip() if model else platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory[1]) / 1024 / 1024, 1) if memory else None,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": postgres_version(),
        "wrk": said.splitlines()[0] if said else "not installed",
    }


# Servers -------------------------------------------------------------------------------------


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade` on the database `env` names, as a deployment would run it."""
    migrated = subprocess.run(  # noqa: S603
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if migrated.returncode != 0:
        raise RuntimeError(f"db upgrade failed:\n{migrated.stderr}")


def seeded_app(name: str, store_url: str, scale: float, echo=print):
    """A database `name` of its own, migrated and seeded at `scale`, and the portal app on it
    (production settings, `store_url` its object store): (app, its settings, what was seeded)."""
    env = portal_env(create_database(name), store_url)
    migrate(env)
    os.environ.update(env)
    from bench.seed import seed
    from portal import create_app
    from portal.core.extensions import object_store

    app = create_app()
    with app.app_context():
        object_store.ensure_bucket()
    return app, env, seed(app, scale, echo=echo)


def portal_env(database_url: str, store_url: str) -> dict[str, str]:
    """Production settings (PORTAL_ENV=production: portal/config.py insists on each)."""
    return {
        "PORTAL_ENV": "production",
        "DEMO_MODE": "off",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "BASE_URL": "https://bench.example.org",
        "S3_ENDPOINT_URL": store_url,
        "S3_BUCKET": BUCKET,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "MAIL_BACKEND": "smtp",  # emails are queued in the outbox; no worker sends them here
        "MAIL_FROM": "bench@example.org",
        "SUPPORT_EMAIL": "bench-support@example.org",
        "STAFF_EMAIL_DOMAINS": f"council.{DOMAIN}",
        "SMTP_HOST": "127.0.0.1",
        "OCDS_PREFIX": "ocds-bench0",
        "STAFF_CHECK_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOW_UNSCANNED_FILES": "true",  # no clamd here: uploads are measured without one
        "REDIS_URL": REDIS,
    }


def start_gunicorn(target: str, port: int, workers: int, env: dict, log: Path):
    return subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [
            str(BIN / "gunicorn"),
            target,
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=60",
            f"--error-logfile={log}",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(port: int, path: str, process) -> None:
    # Four workers importing the app on a busy shared machine can take over a minute.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {process.returncode})")
        with suppress(OSError, RuntimeError):
            status, _location, _page = Browser(port).request("GET", path)
            if status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered 200 at {path} on port {port}")


def stop(process) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# One scale -----------------------------------------------------------------------------------


def _label(scale: float) -> str:
    return f"{scale:g}x"


def people_for(role: str, seeded) -> list[dict]:
    return {
        "provider": seeded.providers,
        "reviewer": seeded.reviewers,
        "commissioner": seeded.commissioners,
        "admin": seeded.admins,
        "public": [{} for _ in range(USERS)],
    }[role]


def measure_queries(pages: list[Page], seeded, echo) -> dict[str, dict]:
    """Count each built page's statements in-process, signed in as the spare person per role
    (the last one: the load test signs in as the others)."""
    from bench import queries
    from portal import create_app

    app = create_app()
    clients: dict[str, object] = {}
    counted: dict[str, dict] = {}
    for page in pages:
        person = people_for(page.role, seeded)[-1]
        if page.role not in clients:
            clients[page.role] = queries.client_for(app, page.role, person, seeded.password)
        result = queries.count(app, page, clients[page.role], person)
        counted[page.name] = result.__dict__
        echo(f"    {page.name:<34} {_cpu_line(result, page.budget_ms)}  [{result.status}]")
    with app.app_context():
        from portal.core.db import db

        db.engine.dispose()
    return counted


def _cpu_line(result, budget: float | None = None) -> str:
    pg = "not measured" if result.pg_cpu_ms is None else f"{result.pg_cpu_ms:.2f}"
    verdict = ""
    if budget is not None:
        verdict = f" / {budget:g} {'met' if result.cpu_ms <= budget else 'MISSED'}"
    return (
        f"{result.queries:3d} statements {result.rows:6d} rows  CPU {result.cpu_ms:6.2f} ms"
        f"{verdict} (app {result.app_cpu_ms:.2f}, PostgreSQL {pg}; spread "
        f"{result.cpu_spread:.0%})  wall {result.ms:.1f} ms"
    )


def measure_overhead(seeded, echo) -> dict:
    """The same trivial page opened anonymously and signed in: what being signed in costs."""
    from bench import queries
    from portal import create_app

    app = create_app()
    person = seeded.providers[-1]
    signed = queries.signed_in_client(app, person["email"], seeded.password)
    anonymous = app.test_client()
    anonymous.environ_base["wsgi.url_scheme"] = "https"
    # The cookie a browser carries after opening a page with a form (the CSRF token in it).
    signed.get("/account")
    figures = {}
    for who, client in (("anonymous", anonymous), ("signed_in", signed)):
        result = queries.count(app, TRIVIAL, client, person, cpu_repeat=3 * queries.CPU_REPEAT)
        figures[who] = {k: v for k, v in result.__dict__.items() if k != "statements"}
        figures[who]["statements"] = result.statements
        echo(f"    {TRIVIAL.name[:22] + ', ' + who:<34} {_cpu_line(result)}")
    with app.app_context():
        from portal.core.db import db

        db.engine.dispose()
    figures["overhead_ms"] = round(
        figures["signed_in"]["cpu_ms"] - figures["anonymous"]["cpu_ms"], 3
    )
    figures["extra_statements"] = figures["signed_in"]["queries"] - figures["anonymous"]["queries"]
    echo(
        f"    signed-in overhead: {figures['overhead_ms']:.2f} ms CPU, "
        f"{figures['extra_statements']} more statements"
    )
    return figures


def sign_in_everyone(port: int, pages: list[Page], seeded) -> dict[str, list[tuple]]:
    """Twenty people per role used, each from their own loopback address."""
    signed: dict[str, list[tuple]] = {}
    address = 10
    for role in dict.fromkeys(page.role for page in pages):
        people = people_for(role, seeded)[:USERS]
        signed[role] = []
        for person in people:
            browser = Browser(port, source=f"127.0.0.{address}")
            address += 1
            if role != "public":
                browser.sign_in(person["email"], seeded.password, person.get("totp_secret"))
                # As a browser would, it has opened a page with a form since signing in, so its
                # cookie carries the CSRF token (sign-in starts a fresh session without one).
                browser.request("GET", "/account")
            signed[role].append((person, browser))
    return signed


def load_users(page: Page, signed: list[tuple]) -> list[dict]:
    """Each person's request: their path and cookie, and for a form its fields as the page
    holds them now (CSRF token, current version)."""
    users = []
    for person, browser in signed:
        path = page.path(person)
        if browser.cookie and not page.post:
            # What a browser carries on this page: the cookie as the page itself leaves it.
            browser.request("GET", path)
        user = {"path": path, "cookie": browser.cookie, "body": "", "version": 0}
        if page.post:
            from urllib.parse import urlencode

            _status, _location, opened = browser.request("GET", path)
            fields = {"csrf_token": hidden(opened, "csrf_token"), **page.post.fields}
            user["body"] = urlencode(fields)
            if page.post.version_field:
                user["version"] = int(hidden(opened, page.post.version_field) or 0)
            user["cookie"] = browser.cookie
        users.append(user)
    return users


def settle(port: int, limit: float = 120) -> None:
    """Wait until the server answers /healthz (or /) quickly: requests wrk left queued when it
    stopped are still being served, and must not slow the next page's run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with suppress(OSError):
            status, _location, _page = Browser(port).request("GET", "/healthz")
            if status == 404:
                Browser(port).request("GET", "/")
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.2)


def drive(port, page, signed, seconds, warmup, workdir, label) -> load.LoadResult:
    settle(port)
    load.run(port, page, load_users(page, signed), warmup, workdir, f"{label}-warm")
    settle(port)
    return load.run(port, page, load_users(page, signed), seconds, workdir, label)


BASELINE = Page("Baseline (bare Flask + Jinja)", "public", "/", lambda _p: "/")


def measure_baseline(size: int, workers: int, args, workdir: Path, label: str) -> dict:
    port = free_port()
    baseline = start_gunicorn(
        "bench.baseline_app:app",
        port,
        workers,
        {"BENCH_BASELINE_BYTES": str(size)},
        workdir / f"baseline-{label}.log",
    )
    try:
        wait_for(port, "/", baseline)
        _status, _location, body = Browser(port).request("GET", "/")
        public = [({}, Browser(port)) for _ in range(USERS)]
        result = drive(port, BASELINE, public, args.seconds, args.warmup, workdir, label)
    finally:
        stop(baseline)
    return {**result.as_dict(), "bytes": len(body.encode())}


def _figures(f: dict) -> str:
    return f"{f['rps']:8.1f} req/s  p50 {f['p50_ms']:6.1f} ms  p95 {f['p95_ms']:6.1f} ms"


def run_scale(scale, args, token, store_url, workdir, rules, echo) -> dict:
    label = _label(scale)
    name = f"bench_{token}_{label.replace('.', '_')}"
    out: dict = {"scale": scale, "label": label, "database": name}
    database_url = create_database(name)
    try:
        env = portal_env(database_url, store_url)
        echo(f"\n== {label}: database {name}")
        started = time.perf_counter()
        migrate(env)
        out["migrate_seconds"] = round(time.perf_counter() - started, 2)
        echo(f"  migrated in {out['migrate_seconds']} s; seeding {label}")

        os.environ.update(env)
        from bench.seed import seed
        from portal import create_app
        from portal.core.extensions import object_store

        app = create_app()
        with app.app_context():
            object_store.ensure_bucket()
        seeded = seed(app, scale, echo=echo, fast_toast=args.quick)
        with app.app_context():
            from portal.core.db import db

            db.engine.dispose()
        echo(f"  seeded {label} in {seeded.seconds} s")
        out["seed"] = {
            "seconds": seeded.seconds,
            "steps": seeded.steps,
            "counts": seeded.counts,
            "notes": seeded.notes,
        }
        pages = [
            page
            for page in PAGES
            if built(page, rules) and (not args.page or page.name in args.page)
        ]
        echo("  statements and CPU per request, in-process (budget at 10x)")
        out["load_average_in_process"] = [os.getloadavg()]
        out["queries"] = measure_queries(pages, seeded, echo)
        out["overhead"] = measure_overhead(seeded, echo)
        out["load_average_in_process"].append(os.getloadavg())
        if scale not in args.load_scales:
            return out

        workers = 2 * (os.cpu_count() or 1)
        out["workers"] = workers
        # The baseline's page is as big as the portal's middle-sized page.
        sizes = [q["bytes"] for q in out["queries"].values() if q["status"] == 200 and q["bytes"]]
        size = int(statistics.median(sizes)) if sizes else 20000
        # Measured before and after the portal's pages: the machine may be busier at one time
        # than another (other work on a shared machine), and the spread between the two says how
        # much. Ratios are to their mean.
        before = measure_baseline(size, workers, args, workdir, f"{label}-before")
        echo(f"    {'baseline before':<34} {_figures(before)}")
        out["load_average_before"] = os.getloadavg()
        port = free_port()
        echo(f"  load: gunicorn, {workers} workers, {USERS} people per page, {args.seconds} s each")
        portal = start_gunicorn("wsgi:app", port, workers, env, workdir / f"portal-{label}.log")
        results: dict[str, dict] = {}
        few_results: dict[str, dict] = {}
        try:
            wait_for(port, "/healthz", portal)
            signed = sign_in_everyone(port, pages, seeded)
            for page in pages:
                result = drive(
                    port, page, signed[page.role], args.seconds, args.warmup, workdir, page.name
                )
                results[page.name] = result.as_dict()
                flag = f"  INVALID: {result.problem}" if result.problem else ""
                echo(f"    {page.name:<34} {_figures(result.as_dict())}{flag}")
                # Five people, straight after the twenty (already warm).
                settle(port)
                few = load.run(
                    port,
                    page,
                    load_users(page, signed[page.role][:FEW_USERS]),
                    args.seconds,
                    workdir,
                    f"{page.name}-{FEW_USERS}",
                )
                few_results[page.name] = few.as_dict()
                flag = f"  INVALID: {few.problem}" if few.problem else ""
                few_label = f"  ... {FEW_USERS} people"
                echo(f"    {few_label:<34} {_figures(few.as_dict())}{flag}")
        finally:
            stop(portal)
        out["load"] = results
        out["load_few"] = few_results
        out["load_average_after"] = os.getloadavg()
        after = measure_baseline(size, workers, args, workdir, f"{label}-after")
        echo(f"    {'baseline after':<34} {_figures(after)}")
        out["baseline_runs"] = [before, after]
        out["baseline"] = {
            "bytes": before["bytes"],
            "target_bytes": size,
            **{
                key: round((before[key] + after[key]) / 2, 3)
                for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
            },
            "spread": round(abs(before["rps"] - after["rps"]) / max(before["rps"], 1e-9), 3),
        }
        return out
    finally:
        with suppress(Exception):
            drop_database(name)


def run_uploads(token: str, runs: int, echo) -> dict:
    from bench import upload_memory

    name = f"bench_{token}_upload"
    database_url = create_database(name)
    try:
        echo("\n== uploads: 1 MB and 25 MB through the portal (one sync worker) and boto3 alone")
        figures = upload_memory.measure((1, 25), runs, database_url)
        for size, f in figures.items():
            echo(
                f"    {size:>5}: RSS +{f['rss_growth_mb']:.1f} MB, portal {f['portal_mb_per_s']} "
                f"MB/s, boto3 {f['boto3_mb_per_s']} MB/s, ratio {f['portal_over_boto3']}"
            )
        return figures
    finally:
        with suppress(Exception):
            drop_database(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the portal at 1x and 10x.")
    parser.add_argument(
        "--quick", action="store_true", help="load at 10x only, 3 s per page (about 10 minutes)"
    )
    parser.add_argument("--scales", default="1,10", help="comma-separated multiples of 1x")
    parser.add_argument("--seconds", type=float, help="length of each page's load run")
    parser.add_argument("--no-uploads", action="store_true")
    parser.add_argument("--no-load", action="store_true", help="in-process figures only")
    parser.add_argument("--page", action="append", help="measure only this page (repeatable)")
    args = parser.parse_args(argv)
    args.scales = [float(s) for s in args.scales.split(",")]
    largest = max(args.scales)
    args.load_scales = [] if args.no_load else [largest] if args.quick else args.scales
    args.seconds = args.seconds or (3 if args.quick else 10)
    args.warmup = 1 if args.quick else 3
    upload_runs = 2 if args.quick else 5

    token = secrets.token_hex(3)
    began = time.perf_counter()
    say(f"Benchmark {token}: scales {args.scales}, load at {args.load_scales}")
    machine = describe_machine()
    say(
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB; "
        f"Python {machine['python']}; {machine['postgresql']}"
    )
    from portal import create_app

    os.environ.update(portal_env("postgresql://unused/unused", "http://127.0.0.1:1"))
    rules = {rule.rule for rule in create_app().url_map.iter_rules()}
    missing = {page.name: similar_rules(page, rules) for page in PAGES if not built(page, rules)}
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine,
        "users": USERS,
        "seconds_per_page": args.seconds,
        "pages": [
            {
                "name": p.name,
                "role": p.role,
                "rule": p.rule,
                "method": p.method,
                "note": p.note,
                "budget_ms": p.budget_ms,
            }
            for p in PAGES
            if not args.page or p.name in args.page
        ],
        "not_built": missing,
        "scales": {},
        "load_average_start": os.getloadavg(),
    }
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        store = start_seaweed(workdir / "s3", ACCESS_KEY, SECRET_KEY)
        try:
            for scale in args.scales:
                results["scales"][_label(scale)] = run_scale(
                    scale, args, token, store.endpoint_url, workdir, rules, say
                )
            if not args.no_uploads:
                results["uploads"] = run_uploads(token, upload_runs, say)
        except BaseException:
            traceback.print_exc()
            for log in sorted(workdir.glob("*.log")):
                say(f"--- {log.name} (last lines)")
                say("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
            raise
        finally:
            store.stop()
    results["seconds"] = round(time.perf_counter() - began, 1)
    results["load_average_end"] = os.getloadavg()
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str))
    (RESULTS / "LATEST.md").write_text(report.markdown(results))
    say()
    say(report.table(results))
    say(f"\nWritten: {RESULTS / 'latest.json'} and {RESULTS / 'LATEST.md'}")
    say(f"Whole run: {results['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
