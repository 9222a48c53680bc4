"""Checks on every page the suite renders, whichever test renders it: through the Flask test
client or the browser tests' live server.

`install(app)` adds an after_request hook to a test app; it reads every HTML page the app sends
and notes what is wrong with it. The autouse fixture `_page_checks` (tests/conftest.py) fails
the test that made the request. What is checked, and why each is a class of bug, not one page's:

- Markup shown as text. A template that builds a component's `html` from literal tags and
  escaped text with `~` has Jinja escape the literal tags too, so people read
  "<span class='app-multiline'>" on the page; text escaped twice shows "&lt;" or "&amp;".
- Duplicate ids. Two elements with one id break labels, error summary links and skip links
  (two CSRF fields rendered as `form.csrf_token` on one page did exactly that).

A test that types markup on purpose (to prove it is shown as text, never run) names what it
typed with `@pytest.mark.shows_typed_markup("<img ...>")`; only those strings are let through.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter

import lxml.html
from flask import Flask, Response, request
from lxml import etree

# The element names a template writes: a "<" followed by one of these, as text, is markup
# that was escaped by mistake (a person's "<3" or "a < b" is not).
_ELEMENTS = (
    "a|abbr|b|br|button|caption|code|dd|details|div|dl|dt|em|fieldset|form|h[1-6]|hr|i|img|"
    "input|label|legend|li|ol|p|pre|section|select|small|span|strong|summary|table|tbody|td|"
    "textarea|th|thead|tr|ul"
)
_ESCAPED_TAG = re.compile(rf"</?(?:{_ELEMENTS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_ESCAPED_TWICE = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);", re.IGNORECASE)


# Every id, and the page's text less that of elements never shown: found by libxml2 in C. Python's
# html.parser, which raised an event in Python for every tag and string, took a twentieth of the
# suite's CPU. The hidden elements are cut from the tree before its text is read: an XPath that
# asked each text node whether it had such an ancestor took 1.4 ms a page against 0.2.
_IDS = etree.XPath("//@id")
_NEVER_SHOWN = ("script", "style", "template", "noscript")


def problems_in(html: str, typed: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a page: markup shown as text, and ids used more than once."""
    return list(_problems_in(html, typed))


# The answer depends only on the page and what the test typed, and over half the pages the suite
# renders are ones it has just rendered (a form shown again, a page read after each step):
# parsing each once saves a few per cent of the CPU of a run (39.2 s against 41.1 s of
# tests/competitions and tests/kpi_returns in one process).
@functools.lru_cache(maxsize=256)
def _problems_in(html: str, typed: tuple[str, ...]) -> tuple[str, ...]:
    if not html.strip():
        return ()  # lxml refuses an empty document; it has nothing to show wrongly
    tree = lxml.html.document_fromstring(html)
    ids = _IDS(tree)
    etree.strip_elements(tree, *_NEVER_SHOWN, with_tail=False)  # the tree is this check's own
    text = "".join(tree.itertext())
    for allowed in typed:
        text = text.replace(allowed, "")
    found = [f"markup shown as text: {m!r}" for m in _ESCAPED_TAG.findall(text)]
    found += [f"text escaped twice: {m!r}" for m in _ESCAPED_TWICE.findall(text)]
    found += [
        f"id {name!r} used {count} times" for name, count in Counter(ids).items() if count > 1
    ]
    return tuple(found)


_lock = threading.Lock()
_found: list[str] = []
_typed: tuple[str, ...] = ()


def install(app: Flask) -> None:
    """Check every HTML page `app` sends (the test apps call this)."""

    @app.after_request
    def check_page(response: Response) -> Response:
        if response.mimetype == "text/html" and not response.is_streamed:
            problems = problems_in(response.get_data(as_text=True), _typed)
            if problems:
                with _lock:
                    _found.extend(f"{request.method} {request.full_path}: {p}" for p in problems)
        return response


def start(typed: tuple[str, ...] = ()) -> None:
    """Start noting the problems of the pages a test renders, letting `typed` through."""
    global _typed
    with _lock:
        _typed = typed
        _found.clear()


def finish() -> list[str]:
    """The problems noted since `start`, each once."""
    global _typed
    with _lock:
        found = list(dict.fromkeys(_found))
        _found.clear()
        _typed = ()
    return found
