"""Old code against new on the same data: seed a database once and keep it, then measure pages on
it (or on copies of it) from any checkout, interleaved, so a change is judged by a ratio measured
side by side rather than by two `make bench` runs on a machine whose speed wanders.

    .venv/bin/python -m bench.compare keep kept10x --scale 10   # seed, keep (2-3 min at 10x)
    .venv/bin/python -m bench.compare copy kept10x mine         # a copy, migrated here
    .venv/bin/python -m bench.compare measure mine --page "Provider home" --person 2
    .venv/bin/python -m bench.compare measure mine --all --json out.json
    .venv/bin/python -m bench.compare slow mine --page "Provider home"   # statements by time

`keep` writes what the seed made (people, their TOTP secrets, the settings the data was written
with: the encryption key of staff checks) beside the database, in the temporary directory, so a
checkout elsewhere (a git worktree of older code) measures the same people on the same data.
`copy` makes the copy with `CREATE DATABASE ... TEMPLATE` (nobody may be connected to the
original) and migrates it with this checkout's migrations: old code on the original and new code
on its migrated copy read the same rows.

Two-factor codes may be used once: measuring the same staff member twice within 30 seconds is
refused. `--person N` signs in as the Nth person from the end of each role's list (1, the
default, is the one `make bench` counts statements as), so two checkouts measured one after the
other sign in as different people.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, text

from bench import queries
from bench.pages import PAGES, TRIVIAL, built
from bench.run import (
    ACCESS_KEY,
    SECRET_KEY,
    _admin_engine,
    migrate,
    people_for,
    seeded_app,
)


def _kept(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"bench-kept-{name}.pickle"


def keep(name: str, scale: float) -> None:
    from portal.dev.seaweed import start_seaweed

    with tempfile.TemporaryDirectory(prefix="bench-keep-") as tmp:
        store = start_seaweed(Path(tmp) / "s3", ACCESS_KEY, SECRET_KEY)
        try:
            _app, env, seeded = seeded_app(name, store.endpoint_url, scale)
        finally:
            store.stop()
    _kept(name).write_bytes(pickle.dumps({"env": env, "seeded": seeded}))
    print(f"kept {name} ({scale}x); its people in {_kept(name)}")


def copy(name: str, new: str) -> None:
    kept = pickle.loads(_kept(name).read_bytes())  # noqa: S301 - our own file
    with _admin_engine().connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{new}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{new}" TEMPLATE "{name}"'))
    env = {**kept["env"], "DATABASE_URL": kept["env"]["DATABASE_URL"].rsplit("/", 1)[0] + f"/{new}"}
    migrate(env)
    _kept(new).write_bytes(pickle.dumps({"env": env, "seeded": kept["seeded"]}))
    print(f"copied {name} to {new}, migrated by this checkout")


def _app(name: str):
    kept = pickle.loads(_kept(name).read_bytes())  # noqa: S301 - our own file
    os.environ.update(kept["env"])
    from portal import create_app

    return create_app(), kept["seeded"]


def _chosen(args) -> list:
    pages = [*PAGES, TRIVIAL]
    if args.all:
        return pages
    by_name = {page.name: page for page in pages}
    missing = [name for name in args.page if name not in by_name]
    if missing:
        raise SystemExit(f"no such page: {missing}; pages: {list(by_name)}")
    return [by_name[name] for name in args.page]


def measure(args) -> None:
    app, seeded = _app(args.name)
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    clients: dict[str, object] = {}
    figures = {}
    for page in _chosen(args):
        if not built(page, rules):
            print(f"{page.name}: not built in this checkout")
            continue
        person = people_for(page.role, seeded)[-args.person]
        if page.role not in clients:
            clients[page.role] = queries.client_for(app, page.role, person, seeded.password)
        result = queries.count(app, page, clients[page.role], person, cpu_repeat=args.repeat)
        figures[page.name] = {k: v for k, v in result.__dict__.items() if k != "statements"}
        pg = "-" if result.pg_cpu_ms is None else f"{result.pg_cpu_ms:.2f}"
        print(
            f"{page.name:<44} {result.queries:3d} statements  CPU {result.cpu_ms:7.2f} ms "
            f"(app {result.app_cpu_ms:.2f} + PostgreSQL {pg}; spread {result.cpu_spread:.0%}) "
            f"budget {page.budget_ms:g}  [{result.status}, {result.bytes} bytes]"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


def slow(args) -> None:
    """Each statement of the chosen pages with its median time on the client, slowest first."""
    app, seeded = _app(args.name)
    engine = app.extensions["db"]
    for page in _chosen(args):
        person = people_for(page.role, seeded)[-args.person]
        client = queries.client_for(app, page.role, person, seeded.password)
        client.get(page.path(person))  # warm up
        timed: dict[str, list[float]] = {}
        started: list = []

        def before(_c, _cur, _statement, _p, _ctx, _many, started=started):
            started.append(time.perf_counter())

        def after(_c, _cur, statement, _p, _ctx, _many, timed=timed, started=started):
            timed.setdefault(statement, []).append((time.perf_counter() - started.pop()) * 1000)

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        for _ in range(5):
            client.get(page.path(person))
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        print(f"== {page.name}")
        ranked = sorted(timed.items(), key=lambda item: -statistics.median(item[1]))
        for statement, times in ranked[: args.top]:
            flat = " ".join(statement.split())
            print(f"  {statistics.median(times):7.2f} ms x{len(times) // 5}  {flat[:300]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    kept = commands.add_parser("keep", help="seed a database and keep it")
    kept.add_argument("name")
    kept.add_argument("--scale", type=float, default=10)
    copied = commands.add_parser("copy", help="copy a kept database and migrate the copy")
    copied.add_argument("name")
    copied.add_argument("new")
    for command in ("measure", "slow"):
        sub = commands.add_parser(command)
        sub.add_argument("name")
        sub.add_argument("--page", action="append", default=[])
        sub.add_argument("--all", action="store_true")
        sub.add_argument("--person", type=int, default=1, help="the Nth person from the end")
        sub.add_argument("--repeat", type=int, default=queries.CPU_REPEAT)
        sub.add_argument("--json", help="also write the figures here")
        sub.add_argument("--top", type=int, default=8)
    args = parser.parse_args(argv)
    if args.command == "keep":
        keep(args.name, args.scale)
    elif args.command == "copy":
        copy(args.name, args.new)
    elif args.command == "measure":
        measure(args)
    else:
        slow(args)


if __name__ == "__main__":
    main()
