"""The accessibility check itself: a page axe-core finds a problem on fails the test that loaded
it, naming the rule and the element, so a journey's passing checks mean something."""

from __future__ import annotations

import pytest

from tests.browser.axe import check_accessibility


def test_an_image_with_no_text_alternative_fails_the_check(page, live_server):
    page.goto(f"{live_server}/")
    check_accessibility(page)  # the start page passes

    page.evaluate(
        """document.querySelector('main').insertAdjacentHTML(
             'beforeend', '<img id="no-words" src="/assets/images/favicon.ico">')"""
    )

    with pytest.raises(AssertionError) as failed:
        check_accessibility(page)
    message = str(failed.value)
    assert "axe found 1 accessibility problem(s)" in message
    assert "image-alt" in message and "#no-words" in message
