"""The checks every rendered page goes through (tests/support/page_checks.py) find what they
are for, and let ordinary text through."""

from __future__ import annotations

from markupsafe import escape

from tests.support.page_checks import problems_in


def page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>A page</title></head><body>{body}</body></html>"


def test_escaped_markup_in_the_text_is_found():
    # What `"<span class='app-multiline'>" ~ (reason | e) ~ "</span>"` rendered.
    shown = escape("<span class='app-multiline'>") + "Too late" + escape("</span>")
    assert problems_in(page(f"<dd>{shown}</dd>")) == [
        "markup shown as text: \"<span class='app-multiline'>\"",
        "markup shown as text: '</span>'",
    ]
    assert problems_in(page(f"<p>{escape('<br>')}</p>")) == ["markup shown as text: '<br>'"]


def test_text_escaped_twice_is_found():
    assert problems_in(page("<p>Smith &amp;amp; Sons</p>")) == ["text escaped twice: '&amp;'"]


def test_repeated_ids_are_found():
    forms = '<input type="hidden" id="csrf_token" name="csrf_token" value="x">' * 3
    assert problems_in(page(forms)) == ["id 'csrf_token' used 3 times"]


def test_ordinary_text_scripts_and_typed_markup_pass():
    body = (
        "<p>Ages 5 < 11 and 11 > 5; Smith & Sons; I <3 maths</p>"
        "<script>document.body.className += '<span>'</script>"
        f"<p>{escape('<img src=x>')}</p>"
    )
    assert problems_in(page(body), typed=("<img src=x>",)) == []
