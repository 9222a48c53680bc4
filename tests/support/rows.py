"""Tables' rows written in Python rather than by a Jinja loop, for speed (the README's layout
row), are checked against the loop they replaced: each test keeps the loop as it was, and both
are rendered through the app's Jinja environment and must be equal to the character, whitespace
included, with what people typed escaped once."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.support.page_checks import problems_in

# What a person might type into a name or title: tags, an ampersand and both quotes, each to
# come out as text.
TYPED = "Bright <b>Futures</b> & 'Co' \"quoted\""


def assert_as_the_loop_wrote(
    app: Flask,
    loop: str,
    ours: str,
    context: dict[str, Any],
    ours_context: dict[str, Any] | None = None,
    typed: tuple[str, ...] = ("<b>", "</b>"),
) -> str:
    """Render `loop` (the template's lines as they were) with `context` and `ours` (what
    replaced them) with `ours_context`, or the same context, and fail unless they are equal.
    Our tags must be markup and nothing escaped twice: only the tags in `typed` (those the test
    data typed) may show as text. Returns our rendering."""
    with app.test_request_context():
        theirs = app.jinja_env.from_string(loop).render(context)
        written = app.jinja_env.from_string(ours).render(
            context if ours_context is None else ours_context
        )
    assert written == theirs
    assert problems_in(f"<table>{written}</table>", typed=typed) == []
    return written
