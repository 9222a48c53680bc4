"""Load from a second process: wrk, one thread and one connection per signed-in person.

With `-t N -c N` every wrk thread has one connection and its own Lua state, so each thread
can be one person: their session cookie, their own pages (their application, their
organisation) and, for forms, their own version counter. The Lua script is written for each
run from the people and the page (bench/pages.py). It checks every answer's status: a page
that answers with anything other than what it should (a redirect to sign in, a 500, a refused
save) is counted as wrong and the figure is flagged, never reported as if it were fine.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

from bench.pages import Page

LUA = r"""
-- Written by bench/load.py for one run: one person per wrk thread.
local users = %(users)s
local expect = %(expect)d
local post = %(post)s
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  me = users[((id - 1) %% #users) + 1]
  version = me.version
  n = 0
  ok = 0
  wrong = 0
  conflicts = 0
  last_wrong = ""
end

function request()
  local headers = {}
  if me.cookie ~= "" then headers["Cookie"] = me.cookie end
  if post then
    n = n + 1
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local body = me.body .. "&" .. post.field .. "=" .. post.prefix .. id .. "-" .. n
    if post.version_field ~= "" then
      body = body .. "&" .. post.version_field .. "=" .. version
    end
    return wrk.format("POST", me.path, headers, body)
  end
  return wrk.format("GET", me.path, headers)
end

function response(status, headers, body)
  -- As a browser does: a session cookie the portal sends replaces the one held.
  local set = headers["Set-Cookie"]
  if set and me.cookie ~= "" then me.cookie = string.match(set, "^[^;]*") end
  if status == expect then
    ok = ok + 1
    if post and post.version_field ~= "" then version = version + 1 end
  else
    wrong = wrong + 1
    last_wrong = tostring(status)
    if post and post.version_field ~= "" and status == 200 then
      -- Refused as someone else's change: carry on from the version the page shows.
      local seen = string.match(body, 'name="' .. post.version_field .. '"[^>]-value="(%%d+)"')
      if seen then
        version = tonumber(seen)
        conflicts = conflicts + 1
      end
    end
  end
end

function done(summary, latency, requests)
  local ok_total, wrong_total, conflict_total, statuses = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    wrong_total = wrong_total + thread:get("wrong")
    conflict_total = conflict_total + thread:get("conflicts")
    local last = thread:get("last_wrong")
    if last ~= "" then statuses = last end
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "ok": %%d, "wrong": %%d, "conflicts": %%d, ' ..
    '"last_wrong_status": "%%s", "socket_errors": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, ok_total, wrong_total, conflict_total, statuses,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string for what we write


def _lua_users(users: list[dict]) -> str:
    rows = []
    for user in users:
        fields = ", ".join(
            f"{key} = {_lua_string(str(user.get(key, '')))}" for key in ("path", "cookie", "body")
        )
        rows.append(f"  {{{fields}, version = {int(user.get('version') or 0)}}}")
    return "{\n" + ",\n".join(rows) + "\n}"


def _lua_post(page: Page) -> str:
    if page.post is None:
        return "nil"
    name, prefix = page.post.changing
    return (
        f"{{field = {_lua_string(name)}, prefix = {_lua_string(quote_plus(prefix))}, "
        f"version_field = {_lua_string(page.post.version_field or '')}}}"
    )


def script(page: Page, users: list[dict]) -> str:
    return LUA % {"users": _lua_users(users), "expect": page.expect, "post": _lua_post(page)}


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    ok: int
    wrong: int
    conflicts: int
    last_wrong_status: str
    socket_errors: int

    @property
    def valid(self) -> bool:
        return self.requests > 0 and self.wrong == 0 and self.socket_errors == 0

    @property
    def problem(self) -> str:
        if self.requests == 0:
            return f"no request finished in {self.seconds} s"
        if self.wrong or self.socket_errors:
            return (
                f"{self.wrong} wrong answers (last {self.last_wrong_status}), "
                f"{self.socket_errors} socket errors"
            )
        return ""

    def as_dict(self) -> dict:
        return {**self.__dict__, "valid": self.valid, "problem": self.problem}


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: `apt-get install -y wrk` (make bench does this).")
    return found


def run(
    port: int, page: Page, users: list[dict], seconds: float, workdir: Path, label: str
) -> LoadResult:
    """Drive `page` for `seconds` with one wrk thread per person in `users` (dicts with
    path, cookie, body and version)."""
    lua = workdir / f"{re.sub(r'[^a-z0-9]+', '-', label.lower())}.lua"
    lua.write_text(script(page, users))
    count = len(users)
    command = [
        wrk_binary(),
        f"-t{count}",
        f"-c{count}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)  # noqa: S603
    line = next(
        (x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")),
        None,
    )
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed on {label} ({done.returncode}): {done.stdout}{done.stderr}")
    if done.stderr.strip():  # a Lua error stops a thread: never report a figure over one
        raise RuntimeError(f"wrk reported errors on {label}: {done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = raw["duration_us"] / 1e6
    # No request finished within the run (each took longer than it): reported as invalid, with
    # no latency figure, rather than as zeros that would look fast.
    return LoadResult(
        requests=raw["requests"],
        seconds=round(seconds_run, 2),
        rps=round(raw["requests"] / seconds_run, 1),
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        ok=raw["ok"],
        wrong=raw["wrong"],
        conflicts=raw["conflicts"],
        last_wrong_status=raw["last_wrong_status"],
        socket_errors=raw["socket_errors"],
    )
