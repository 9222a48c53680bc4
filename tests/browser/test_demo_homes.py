"""Each demo account, signed in to a portal seeded by `flask seed demo`, finds work waiting on
its home page and reaches it in one click; every page checked with axe."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal import create_app
from portal.core.db import db
from portal.core.extensions import object_store
from portal.demo.cli import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.browser.axe import check_accessibility, serve_axe
from tests.browser.people import heading
from tests.conftest import test_config
from tests.support import page_checks


@pytest.fixture
def demo_server(app, database_url, s3_server):
    """A portal in demo mode (so staff sign in without two-factor, as in `make run`), seeded,
    served on a free port. It needs `app`, which migrates the database and empties it after."""
    demo = create_app(test_config(database_url, s3_server, WTF_CSRF_ENABLED=True, DEMO_MODE=True))
    page_checks.install(demo)
    serve_axe(demo)
    result = demo.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, demo, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    demo.config["BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join()
    with demo.app_context():
        object_store.close(demo)
        db.engine.dispose()


def test_each_demo_account_reaches_waiting_work_in_one_click(demo_server, new_page):
    for email, _name, role in DEMO_ACCOUNTS:
        page = new_page()
        page.goto(f"{demo_server}/sign-in")
        check_accessibility(page)
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{demo_server}/home")
        expect(page.get_by_role("heading", name="What needs doing")).to_be_visible()
        check_accessibility(page)

        first = page.locator("#waiting .govuk-task-list__link").first
        what = first.inner_text()
        first.click()
        expect(page).not_to_have_url(f"{demo_server}/home")
        expect(heading(page)).to_be_visible()
        assert "problem" not in heading(page).inner_text().lower(), (role, what)
        check_accessibility(page)
