"""WCAG 1.4.10 (reflow): every council list page, and the pages its rows lead to, fits a 320px
wide screen and a 1024px one without the page scrolling sideways. A table wider than the screen
scrolls inside its own labelled, focusable region instead, and a provider's long name wraps
between words, never inside one. axe runs on each page at each width."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from portal.core.db import db
from tests.admissions.test_reviewer_list import record_document, well_checked
from tests.browser.axe import check_accessibility
from tests.browser.people import heading, sign_in
from tests.kpi_returns.conftest import kpis  # noqa: F401
from tests.kpi_returns.helpers import admit_from, month_ago, record_return, with_values
from tests.support import factories

# Longer than a 320px screen is wide, in one word, as organisations' names sometimes are.
LONG_NAME = "Halesowen Youth Mentoring Partnership Incorporated Foundation"
LONG_WORD = "Supercalifragilisticexpialidocious"


def _widths_fit(page: Page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_council_pages_reflow_at_320_and_1024_pixels(
    page: Page,
    live_server,
    admin,
    kpis,  # noqa: F811
):
    owner = factories.make_user("owner@halesowen.example.org")
    organisation = factories.make_organisation(owner, legal_name=LONG_NAME)
    lot_id = admit_from(organisation, month_ago(3)).lot_id
    for months_ago in (3, 2):
        record_return(organisation, month_ago(months_ago), with_values(attendance_rate="50"))
    kpi_return = record_return(organisation, month_ago(1), amendments=1)
    well_checked(organisation, f"Jo {LONG_WORD}")
    record_document(organisation, "insurance_certificate", f"Insurance {LONG_WORD}")
    other = factories.make_organisation(
        factories.make_user("owner@oak.example.org"), legal_name="Oak Tutoring"
    )
    admit_from(other, month_ago(3))
    db.session.commit()
    staff = (admin.email, admin.totp_secret)
    return_id, organisation_id = kpi_return.id, organisation.id

    pages = [
        "/kpi-returns/dashboard",
        "/kpi-returns/dashboard?months=12",
        f"/kpi-returns/dashboard/lots/{lot_id}",
        f"/kpi-returns/dashboard/lots/{lot_id}/summary",
        f"/kpi-returns/dashboard/providers/{organisation_id}",
        f"/kpi-returns/dashboard/providers/{organisation_id}/summary",
        f"/kpi-returns/dashboard/returns/{return_id}",
        "/kpi-returns/escalations",
        "/reviews",
        "/reviews/providers",
        f"/reviews/providers/{organisation_id}",
        "/quality/meetings",
        "/quality/risk-rule",
        f"/quality/providers/{organisation_id}/meetings/new",
        "/staff-checks",
        f"/staff-checks/organisations/{organisation_id}",
        "/documents/attention",
        "/competitions",
        "/admin/staff",
        "/admin/questionnaires",
        "/admin/kpis",
        "/providers",
    ]
    sign_in(page, live_server, *staff)
    too_wide = []
    for width in (320, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        for path in pages:
            page.goto(f"{live_server}{path}")
            expect(heading(page)).to_be_visible()
            content, window = _widths_fit(page)
            if content > window:
                too_wide.append(f"{path} at {width}px: {content}px wide")
            check_accessibility(page)
    assert too_wide == [], "\n".join(too_wide)


def test_the_dashboard_breaks_a_long_name_between_words_only(
    page: Page,
    live_server,
    admin,
    kpis,  # noqa: F811
):
    organisation = factories.make_organisation(
        factories.make_user("owner@halesowen.example.org"), legal_name=LONG_NAME
    )
    admit_from(organisation, month_ago(3))
    record_return(organisation, month_ago(1))
    db.session.commit()
    staff = (admin.email, admin.totp_secret)
    sign_in(page, live_server, *staff)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server}/kpi-returns/dashboard?months=12")
    expect(heading(page)).to_be_visible()
    check_accessibility(page)
    link = page.get_by_role("link", name=LONG_NAME, exact=True)
    # Each line of the name, as laid out, ends at a word's end: no word is split.
    lines = link.evaluate(
        """element => {
            const range = document.createRange();
            const text = element.firstChild;
            const lines = new Map();
            for (let i = 0; i < text.length; i++) {
                range.setStart(text, i);
                range.setEnd(text, i + 1);
                const top = Math.round(range.getBoundingClientRect().top);
                lines.set(top, (lines.get(top) || '') + text.data[i]);
            }
            return [...lines.values()];
        }"""
    )
    words = LONG_NAME.split()
    assert [word for line in lines for word in line.split()] == words, lines
    region = page.get_by_role("region", name="Returns by provider and month")
    expect(region).to_have_attribute("tabindex", "0")
