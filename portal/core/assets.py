"""Static assets (the stylesheet, the scripts, the icons) at addresses that name their content.

Every `url_for("static", ...)` gets `?v=` and a digest of the file, and an asset asked for by
its current digest is sent with a year's `Cache-Control: immutable`: a browser fetches each
asset once and never asks again while the file is unchanged. Without it Flask sends `no-cache`,
so every page asked again for the stylesheet, both scripts and the icon (four conditional
requests a page view, each through the whole app, on a phone's connection). A new build gives
a new digest, hence a new address, so nobody keeps an old stylesheet after a release; an address
with any other digest (a page from before the release) is answered `no-cache`, as before.

Templates name assets with `asset_url`, which works each address out once per app. `app.js`
imports GOV.UK Frontend by its plain address; the page's import map (templates/base.html)
sends that import to the address with the digest.
"""

from __future__ import annotations

import functools
import hashlib
import os
from typing import Any

from flask import Flask, Response, current_app, request, url_for

VERSION = "v"
ONE_YEAR = 365 * 24 * 60 * 60


def digest_of(filename: str) -> str | None:
    """The digest naming `filename`'s content in the static folder (None: no such file)."""
    folder = current_app.static_folder
    if folder is None:
        return None
    path = os.path.join(folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    # Keyed by size and modification time, so a file built again is read again.
    return _digest(path, stat.st_size, stat.st_mtime_ns)


def asset_url(filename: str) -> str:
    """`url_for("static", filename=...)`, its digest included, worked out once per app and
    script root: every page names the same four assets, and building each address (the digest
    checked against the file, the query string) was a twentieth of a small page's CPU. The
    built assets do not change while the portal runs; in development (debug), where `make
    assets` may build them again meanwhile, each page asks afresh."""
    if current_app.debug:
        return url_for("static", filename=filename)
    urls: dict[tuple[str, str], str] = current_app.extensions.setdefault("asset_urls", {})
    key = (filename, request.script_root)
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for("static", filename=filename)
    return url


@functools.lru_cache(maxsize=256)
def _digest(path: str, _size: int, _modified_ns: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["asset_url"] = asset_url

    @app.url_defaults
    def name_the_content(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and VERSION not in values:
            digest = digest_of(os.fspath(values.get("filename", "")))
            if digest:
                values[VERSION] = digest

    @app.after_request
    def keep_named_content(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response  # every page passes here: nothing more is read for them
        version = request.args.get(VERSION)
        if version and version == digest_of((request.view_args or {}).get("filename", "")):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
