"""The stylesheet, scripts and icons are at addresses that name their content, so a browser
keeps each for a year and asks again only when a release changes it (portal/core/assets.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from flask import url_for

from portal.config import PROJECT_ROOT
from tests.support.pages import soup


def _fetch(client, address: str):
    """The response to `address`, read whole and closed (a file's response holds it open)."""
    response = client.get(address)
    response.get_data()
    response.close()
    return response


def _asset_addresses(page) -> dict[str, str]:
    html = soup(page)
    [import_map] = html.select('script[type="importmap"]')
    return {
        "stylesheet": html.select_one('link[rel="stylesheet"]')["href"],
        "icon": html.select_one('link[rel="icon"]')["href"],
        "script": html.select_one('script[type="module"]')["src"],
        "imported": json.loads(import_map.string)["imports"]["/assets/govuk-frontend.min.js"],
    }


def test_every_asset_a_page_names_is_kept_for_a_year_and_the_import_follows(client):
    addresses = _asset_addresses(client.get("/"))

    assert addresses["stylesheet"].startswith("/assets/app.css?v=")
    assert addresses["icon"].startswith("/assets/images/favicon.ico?v=")
    assert addresses["script"].startswith("/assets/app.js?v=")
    assert addresses["imported"].startswith("/assets/govuk-frontend.min.js?v=")
    # What app.js imports is what the import map redirects.
    assert 'from "/assets/govuk-frontend.min.js"' in _fetch(client, addresses["script"]).text
    for address in addresses.values():
        response = _fetch(client, address)
        assert response.status_code == 200, address
        cache = response.cache_control
        assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 60 * 60
        assert not cache.no_cache and not cache.no_store
    # A browser that asks again anyway (a forced reload) is told its copy still serves, and for
    # as long.
    stylesheet = _fetch(client, addresses["stylesheet"])
    again = client.get(
        addresses["stylesheet"], headers={"If-None-Match": stylesheet.headers["ETag"]}
    )
    again.close()
    assert again.status_code == 304
    assert again.cache_control.immutable and again.cache_control.max_age == 365 * 24 * 60 * 60
    # The same address is the same on every page.
    assert _asset_addresses(client.get("/sign-in")) == addresses


def test_a_portal_served_under_a_path_names_its_assets_under_it(client):
    at_root = _asset_addresses(client.get("/"))
    mounted = _asset_addresses(client.get("/", environ_overrides={"SCRIPT_NAME": "/portal"}))

    assert mounted == {name: f"/portal{address}" for name, address in at_root.items()}
    assert _asset_addresses(client.get("/")) == at_root


@pytest.fixture
def built_asset():
    """A stylesheet in the static folder, as a build would leave it, removed afterwards."""
    path = Path(PROJECT_ROOT, "static", f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.css")
    path.write_text("body { color: black; }")
    yield path
    path.unlink()


def test_a_changed_asset_gets_a_new_address_and_the_old_one_is_not_kept(app, client, built_asset):
    def address() -> str:
        with app.test_request_context():
            return url_for("static", filename=built_asset.name)

    before = address()
    assert _fetch(client, before).cache_control.immutable

    built_asset.write_text("body { color: #0b0c0c; }")
    stat = built_asset.stat()  # a new time too, as a build gives
    os.utime(built_asset, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = address()

    assert after != before
    new = _fetch(client, after)
    assert new.text == "body { color: #0b0c0c; }" and new.cache_control.immutable
    # A page from before the release asks by the old digest: it gets what is there now, which
    # no browser may keep under that address.
    old = _fetch(client, before)
    assert old.status_code == 200 and old.text == "body { color: #0b0c0c; }"
    assert old.cache_control.no_cache and not old.cache_control.immutable
    # And an address with no digest is as Flask serves it: asked again each time.
    assert _fetch(client, f"/assets/{built_asset.name}").cache_control.no_cache
