"""Importing the register from a CSV file made from the template (all or nothing, problems
listed by line), and exporting it."""

from __future__ import annotations

import io

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.staff_checks import services
from tests.documents.helpers import keys_in_store
from tests.staff_checks.helpers import add, checks
from tests.support.exports import read_csv
from tests.support.pages import page_errors, page_text, soup

HEADINGS = (
    "Full name,Role,Regulated activity,Check level,Certificate number,Issue date,Update Service,"
    "Last status check,Status check result,Right to work checked,Training level,Training date,"
    "References received"
)
GOOD_LINES = [
    "Jo Tutor,Tutor,yes,enhanced with barred list,001234567890,27/03/2024,yes,01/09/2025,"
    "no new information,yes,2,12/01/2026,yes",
    "Sam Driver,Driver,no,basic,111122223333,2023-05-01,no,,,yes,,,no",
]


def _import(client, organisation, text: str, filename: str = "register.csv"):
    return client.post(
        f"/staff-checks/organisations/{organisation.id}/import",
        data={"file": (io.BytesIO(text.encode("utf-8-sig")), filename)},
        content_type="multipart/form-data",
    )


def _problems(response) -> list[str]:
    return [item.get_text(" ", strip=True) for item in soup(response).select("#problems li")]


def test_the_template_has_the_headings(provider_client):
    response = provider_client.get("/staff-checks/import-template")

    assert [",".join(row) for row in read_csv(response)] == [HEADINGS]


def test_a_good_file_adds_everyone(provider_client, organisation):
    response = _import(provider_client, organisation, "\n".join([HEADINGS, *GOOD_LINES, ""]))

    assert response.location == f"/staff-checks/organisations/{organisation.id}"
    jo, sam = sorted(checks(), key=lambda check: check.full_name)
    assert jo.check_level == "enhanced_barred"
    assert jo.status_check_result == "no_change"
    assert services.decrypt_certificate_number(jo) == "001234567890"
    assert sam.regulated_activity is False
    assert sam.issue_date.isoformat() == "2023-05-01"
    assert "2 people have been added" in page_text(provider_client.get(response.location))
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("staff_check.added") == 2
    assert "staff_check.imported" in actions


def test_any_bad_line_means_nobody_is_imported_and_every_problem_is_listed(
    provider_client, organisation
):
    lines = [
        HEADINGS,
        GOOD_LINES[0],
        "Al Mentor,Mentor,yes,enhanced,12345,01/01/2024,no,,,yes,1,01/01/2025,yes",
        "Bo,Coach,maybe,basic,111122223333,31/02/2024,no,,,yes,,,no",
        ",,no,,,,no,,,no,,,no",
    ]

    response = _import(provider_client, organisation, "\n".join(lines))

    assert page_errors(response) == {
        "file": "The selected file has 6 problems. Nothing has been imported"
    }
    assert _problems(response) == [
        "Line 3: A person in regulated activity with children needs an enhanced check with "
        "the children's barred list",
        "Line 3: Certificate number must be 12 digits, like 001234567890",
        "Line 4: Regulated activity must be yes or no",
        "Line 4: Issue date must be a real date, like 27/03/2024",
        "Line 5: Enter the person's full name",
        "Line 5: Enter the person's role",
    ]
    assert checks() == []


def test_a_file_without_the_templates_headings_is_refused(provider_client, organisation):
    response = _import(provider_client, organisation, "Name,Job\nJo,Tutor\n")

    assert _problems(response)[0].startswith(
        "Line 1: Line 1 must have the template's headings. Missing: Full name, Role,"
    )
    assert checks() == []


def test_a_file_that_is_not_a_csv_is_refused(provider_client, organisation):
    response = provider_client.post(
        f"/staff-checks/organisations/{organisation.id}/import",
        data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 40), "register.csv")},
        content_type="multipart/form-data",
    )

    assert page_errors(response) == {"file": "The selected file must be a CSV"}
    assert checks() == []
    assert keys_in_store(organisation) == []


def test_export_lists_the_register_with_numbers_masked_and_formulas_defused(
    provider_client, reviewer_client, organisation
):
    add(provider_client, organisation, full_name='=HYPERLINK("http://evil")')

    for client in (provider_client, reviewer_client):
        response = client.get(f"/staff-checks/organisations/{organisation.id}/export")
        rows = read_csv(response)
        assert ",".join(rows[0]) == HEADINGS
        assert rows[1][0] == '\'=HYPERLINK("http://evil")'
        assert rows[1][4] == "********7890"
        assert rows[1][3] == "enhanced with barred list"
