"""Where a page's time goes: seed a database like `make bench` does, then open each page in
this process a number of times under a profiler and print where the time went.

    .venv/bin/python -m bench.profile [--scale 1] [--requests 50] [--page "Documents list"]

Uses pyinstrument when it is installed (`pip install pyinstrument`), else cProfile. The time
per request printed first is wall-clock in one process, with no other load: the floor under
what the load test can see.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import secrets
import tempfile
import time
from pathlib import Path

from bench import queries
from bench.pages import PAGES, built
from bench.run import (
    ACCESS_KEY,
    SECRET_KEY,
    drop_database,
    people_for,
    seeded_app,
)
from portal.dev.seaweed import start_seaweed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--page", action="append", help="only these pages (by name)")
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args()
    name = f"bench_profile_{secrets.token_hex(3)}"
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        store = start_seaweed(Path(tmp) / "s3", ACCESS_KEY, SECRET_KEY)
        try:
            app, _env, seeded = seeded_app(
                name, store.endpoint_url, args.scale, echo=lambda _line: None
            )
            rules = {rule.rule for rule in app.url_map.iter_rules()}
            clients = {}
            for page in PAGES:
                if not built(page, rules) or (args.page and page.name not in args.page):
                    continue
                person = people_for(page.role, seeded)[-1]
                if page.role not in clients:
                    clients[page.role] = queries.client_for(app, page.role, person, seeded.password)
                _profile(app, page, clients[page.role], person, args)
        finally:
            store.stop()
            drop_database(name)


def _profile(app, page, client, person, args) -> None:
    queries.count(app, page, client, person)  # warm up
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None  # noqa: N806
    profiler = Profiler() if Profiler else cProfile.Profile()
    started = time.perf_counter()
    profiler.enable() if not Profiler else profiler.start()
    for _ in range(args.requests):
        queries.count(app, page, client, person) if page.post else client.get(page.path(person))
    profiler.disable() if not Profiler else profiler.stop()
    per = (time.perf_counter() - started) / args.requests * 1000
    if page.post:
        per = per / 4  # count() opens the form and posts, twice
    print(f"\n=== {page.name}: {per:.1f} ms per request in-process (no other load)")
    if Profiler:
        print(profiler.output_text(unicode=False, color=False, show_all=False))
        return
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(args.lines)
    print(out.getvalue())


if __name__ == "__main__":
    main()
