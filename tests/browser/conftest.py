"""Browser fixtures: the app served by a real WSGI server, driven by Debian's Chromium through
Playwright, with real CSRF, so a journey runs as it would for a person with a browser.

The live app shares the database that the session `app` fixture migrated. Every browser test
has `app` among its fixtures (through `live_app`), so `_clean_state` in tests/conftest.py empties
the tables and resets the rate limits after it, exactly as for the other tests: the database
and the limiter's storage are shared by both apps.
"""

from __future__ import annotations

import os
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portal import create_app
from portal.core.db import db
from portal.core.extensions import object_store
from tests.browser.axe import serve_axe, track_checks, unchecked_pages
from tests.browser.people import LIVE_APPS
from tests.conftest import test_config
from tests.support import page_checks

# Debian's headless shell (package chromium-headless-shell, built from the same source as its
# Chromium) where it is installed: the same engine without the desktop browser around it. The
# browser tests cost 200 core-seconds with it against 292 with /usr/bin/chromium, whose headless
# mode is the whole browser (measured on 2 cores, 27 tests, 470 axe checks). Chromium otherwise.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else "/usr/bin/chromium"
# Headless and quiet: no sandbox (containers), no calls home, no update checks.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_app(app, database_url, s3_server):
    """An app like `app`, on the same database, with CSRF protection on. It needs `app`, which
    runs the migrations."""
    live = create_app(test_config(database_url, s3_server, WTF_CSRF_ENABLED=True))
    page_checks.install(live)
    serve_axe(live)
    yield live
    with live.app_context():
        object_store.close(live)
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """The base URL of `live_app`, served on a free port in a background thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    # Links in emails then point at this server, as they would at the real one.
    live_app.config["BASE_URL"] = base_url
    LIVE_APPS[base_url] = live_app  # for tests.browser.people.sign_in
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_passed = report.passed  # read by `page`, which checks more once a test passes
    return report


@pytest.fixture
def page(browser, request):
    """A tab in a fresh browser context (no cookies), under the portal's own Content Security
    Policy (axe-core comes from the server, so nothing is bypassed). The test fails if a page it
    loads is never checked with axe, has a script error or fails to load something."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    track_checks(page)
    problems: list[str] = []

    def note_console_error(message):
        if message.type == "error":
            problems.append(f"console error: {message.text} at {message.location}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", note_console_error)
    yield page
    try:
        # After a failure the test's own error says what went wrong; more would be noise.
        if getattr(request.node, "call_passed", False):
            unchecked = unchecked_pages(page)
            assert not unchecked, f"pages not checked with check_accessibility: {unchecked}"
            assert not problems, "\n".join(problems)
    finally:
        context.close()


@pytest.fixture
def new_page(browser, request):
    """More tabs, each in a browser context of its own (one per person), checked as `page`."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        tab = context.new_page()
        track_checks(tab)
        return tab

    yield make
    try:
        if getattr(request.node, "call_passed", False):
            for context in contexts:
                for tab in context.pages:
                    assert not unchecked_pages(tab), unchecked_pages(tab)
    finally:
        for context in contexts:
            context.close()
