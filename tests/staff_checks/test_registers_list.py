"""The council's list of registers: every provider with someone on its register, by name, with
how many people and how many flagged; 50 to a page, each page in the same number of queries
however many providers and people there are."""

from __future__ import annotations

from portal.core.db import db
from portal.staff_checks.models import ENHANCED_BARRED, StaffCheck
from tests.staff_checks.helpers import days_ago
from tests.support import factories
from tests.support.pages import page_text, page_title, soup
from tests.support.queries import counting_queries, counts_read_alone, queries_for


def _providers_with_registers(count: int, start: int = 0) -> None:
    """`count` providers, each with two people: one with nothing to check, one flagged (no
    references). Made directly: filling in the form is tested elsewhere."""
    owner = factories.make_user(f"owner{start}@example.org")
    for number in range(start, start + count):
        organisation = factories.make_organisation(owner, legal_name=f"Provider {number:03}")
        for references in (True, False):
            db.session.add(
                StaffCheck(
                    organisation_id=organisation.id,
                    full_name="Jo Tutor",
                    job_role="Tutor",
                    regulated_activity=True,
                    check_level=ENHANCED_BARRED,
                    issue_date=days_ago(100),
                    right_to_work_checked=True,
                    training_level="2",
                    training_date=days_ago(100),
                    references_received=references,
                )
            )
    db.session.commit()


def rows(response) -> list[list[str]]:
    return [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in soup(response).select("tbody tr")
    ]


def test_providers_without_a_register_are_left_out(reviewer_client, organisation):
    _providers_with_registers(1)

    response = reviewer_client.get("/staff-checks")

    assert rows(response) == [["Provider 000", "2", "1"]]
    assert soup(response).select_one(".govuk-pagination") is None


def test_fifty_to_a_page_each_in_the_same_number_of_queries(app, reviewer_client):
    _providers_with_registers(3)
    queries_for_a_short_list = queries_for(app, reviewer_client, "/staff-checks")
    _providers_with_registers(57, start=3)

    first = reviewer_client.get("/staff-checks")
    second = reviewer_client.get("/staff-checks?page=2")

    assert rows(first) == [[f"Provider {number:03}", "2", "1"] for number in range(50)]
    assert rows(second) == [[f"Provider {number:03}", "2", "1"] for number in range(50, 60)]
    assert "Showing 51 to 60 of 60 providers." in page_text(second)
    assert page_title(second).startswith("DBS staff registers (page 2 of 2)")
    assert soup(first).select_one(".govuk-pagination__next a")["href"] == "/staff-checks?page=2"
    for url in ("/staff-checks", "/staff-checks?page=2"):
        assert queries_for(app, reviewer_client, url) == queries_for_a_short_list
    # A page past the end shows the last; how many in all is read with the page's rows.
    assert rows(reviewer_client.get("/staff-checks?page=9")) == rows(second)
    with counting_queries(app) as statements:
        reviewer_client.get("/staff-checks")
    assert not counts_read_alone(statements)
