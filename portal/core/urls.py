"""Safe redirects, and the converter for ids in URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

# The largest id the database's integer columns hold (PostgreSQL INTEGER; SQLite's limit is
# higher).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number too big to be an id does not match the route (404)
    rather than reaching the database and failing there (500)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


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
