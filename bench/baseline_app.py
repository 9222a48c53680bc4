"""The baseline: a bare Flask app rendering a Jinja page about as big as the portal's pages,
served by the same gunicorn settings and driven by the same load in the same run. Every
portal figure is reported as a ratio to this one, so a slower or busier machine moves both.

    gunicorn bench.baseline_app:app     (BENCH_BASELINE_BYTES sets the page size; default 20000)

No database, no session, no extensions: what it costs to answer through gunicorn, Flask and
Jinja alone, which the portal cannot beat.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))

ROW_BYTES = 190  # about what one row of the template renders to
TARGET = int(os.environ.get("BENCH_BASELINE_BYTES", "20000"))
ROWS = [
    {"name": f"Bench Provider {n:05d} Ltd", "status": ("Current", "Expires soon")[n % 2], "n": n}
    for n in range(max(1, (TARGET - 1500) // ROW_BYTES))
]


@app.get("/")
def page():
    return render_template("baseline.html", title="Baseline", rows=ROWS)
