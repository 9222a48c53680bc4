"""The demo gives the quality work something to do on first run: a visit for the reviewer to
record, and Bright Futures' published findings with an overdue action."""

from __future__ import annotations

from tests.demo.test_demo_seed import _signed_in
from tests.pages.test_home import _links
from tests.support.pages import page_text


def test_the_demo_has_a_visit_to_record_and_an_overdue_action(make_app):
    demo = make_app(DEMO_MODE=True)
    result = demo.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output

    reviewer = _signed_in(demo, "reviewer@example.org")
    links = _links(reviewer.get("/home"))
    assert any(text.startswith("Record 1 visit") for text in links)
    # Bright Futures' finding, and the two actions Stourbridge agreed at its review meeting.
    assert "Chase 3 overdue actions" in links
    council = page_text(reviewer.get("/quality"))
    assert "Visits to record Provider" in council and "Stourbridge Mentoring Trust" in council
    assert "Call about every unexplained absence the same morning" in council

    bright = _signed_in(demo, "provider@example.org")
    assert any(
        text.startswith("Answer the findings of the visit on")
        for text in _links(bright.get("/home"))
    )
    page = page_text(bright.get("/quality"))
    assert "1 action is overdue" in page
    assert "Requires improvement" in page
    # Stourbridge was told of its announced visit; it cannot see it before its findings.
    stourbridge = page_text(_signed_in(demo, "provider2@example.org").get("/quality"))
    assert "has not published the findings" in stourbridge
