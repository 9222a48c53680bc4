"""Safe redirects, the converters for ids in URLs, routes whose address builders are made when
first used, addresses built once for many ids, and links built by a command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, IntegerConverter, Map, Rule

# The largest id the database's integer columns hold (PostgreSQL INTEGER; SQLite's limit is
# higher).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number too big to be an id does not match the route (404)
    rather than reaching the database and failing there (500)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class RuleBuiltWhenUsed(Rule):
    """A route whose address builders (what `url_for` runs) are made the first time an address
    is built for it, not when the route is added. Werkzeug generates and compiles two Python
    functions per route as the app is made; over 240 routes that was 60 of the app's 110 ms,
    for every app a process makes (each gunicorn worker, every app the tests make), though most
    routes never have an address built in a given process. Matching a request is unchanged:
    it uses the route's pattern, still compiled as the route is added."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        # `compile` binds what this returns to the rule as `_build` (append_unknown False) or
        # `_build_unknown` (True); the first call makes the real builder, puts it in that place
        # so that later calls go straight to it, and builds the address with it.
        name = "_build_unknown" if append_unknown else "_build"
        make = super()._compile_builder

        def build_first(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            built: Callable[..., tuple[str, str]] = make(append_unknown).__get__(rule, None)
            setattr(rule, name, built)
            return built(*args, **kwargs)

        return build_first


class SlugConverter(BaseConverter):
    """`<slug:...>`: an id from questionnaire content (snake_case, such as a section's) shown
    in kebab-case, like every other path: /financial-standing/turnover is the page
    `turnover` of the section `financial_standing`."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value: str) -> str:
        return value.replace("-", "_")

    def to_url(self, value: str) -> str:
        return value.replace("_", "-")


class UrlPattern:
    """The address of one route for any ids, worked out by url_for once.

    A page that links to the same route hundreds of times (the KPI dashboard: a cell per
    provider and month) spent a fifth of its time in url_for. The ids are the only parts that
    change and an `<int:...>` converter writes each as plain digits, so building the address
    with a marker number for each id (the largest ids there are, one apart) and putting each
    id's digits in its marker's place gives exactly what url_for would. Called with the ids in
    the order `names` gives them.
    """

    def __init__(self, endpoint: str, *names: str, **values: Any) -> None:
        markers = {name: str(MAX_ID - place) for place, name in enumerate(names)}
        arguments: dict[str, Any] = {**values, **{name: int(m) for name, m in markers.items()}}
        address = url_for(endpoint, **arguments)
        # Where each marker stands, in the address's order: (position, which id, its length).
        places = []
        for place, (name, marker) in enumerate(markers.items()):
            if address.count(marker) != 1:
                # No marker, or more than one: the id's place in the address cannot be told.
                raise ValueError(f"{endpoint}: {name} is not an <int:...> part of the address")
            places.append((address.index(marker), place, len(marker)))
        places.sort()
        self._order = [place for _position, place, _length in places]
        self._parts = []
        start = 0
        for position, _place, length in places:
            self._parts.append(address[start:position])
            start = position + length
        self._parts.append(address[start:])

    def __call__(self, *ids: int) -> str:
        parts = self._parts
        if len(ids) == 1:  # the common case, kept as quick as it was (1,200 a dashboard)
            return f"{parts[0]}{int(ids[0])}{parts[1]}"
        address = parts[0]
        for index, place in enumerate(self._order):
            address += f"{int(ids[place])}{parts[index + 1]}"
        return address


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: a `next=` parameter must never send
    someone to another site (open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def local_route(target: str | None, endpoint: str) -> dict[str, Any] | None:
    """The route's arguments when `target` is a bare path on this site to `endpoint`, else
    None. A return address taken from a request is never followed as given: the caller checks
    the arguments and builds the address again with url_for."""
    path = safe_next_url(target)
    if path is None or urlsplit(path).query or urlsplit(path).fragment:
        return None
    try:
        matched, arguments = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return dict(arguments) if matched == endpoint else None


@contextmanager
def links_from_base_url() -> Iterator[None]:
    """For a command: emails carry links, and url_for builds them from a request's address,
    which a command has not, so BASE_URL stands in for it."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        yield
