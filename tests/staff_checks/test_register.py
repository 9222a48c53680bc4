"""The DBS staff register: adding and changing people under its rules, certificate numbers kept
encrypted and shown masked, and the flags a reviewer sees."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.staff_checks import services
from tests.staff_checks.helpers import add, checks, days_ago, parts, person
from tests.support.pages import page_errors, page_h1, page_text, soup


def _flags(client, organisation) -> list[list[str]]:
    page = client.get(f"/staff-checks/organisations/{organisation.id}")
    return [
        [tag.get_text(strip=True) for tag in row.select("td:nth-of-type(5) .govuk-tag")]
        for row in soup(page).select("tbody tr")
    ]


def test_a_provider_is_taken_to_their_register(provider_client, organisation):
    response = provider_client.get("/staff-checks")
    assert response.location == f"/staff-checks/organisations/{organisation.id}"
    assert page_h1(provider_client.get(response.location)) == "DBS staff register"


def test_adding_a_person(provider_client, organisation, provider):
    response = add(provider_client, organisation)

    assert response.location == f"/staff-checks/organisations/{organisation.id}"
    (check,) = checks()
    assert check.full_name == "Jo Tutor"
    assert check.check_level == "enhanced_barred"
    assert check.certificate_number_last4 == "7890"
    assert services.decrypt_certificate_number(check) == "001234567890"
    page = provider_client.get(response.location)
    assert "Jo Tutor has been added to the register" in page_text(page)
    assert "********7890" in page.get_data(as_text=True)
    assert "001234567890" not in page.get_data(as_text=True)
    assert _flags(provider_client, organisation) == [["Nothing"]]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff_check.added"))
    assert event.actor_id == provider.id
    assert "001234567890" not in str(event.after)


def test_the_certificate_number_is_encrypted_in_the_database(provider_client, organisation):
    add(provider_client, organisation)

    (row,) = db.session.execute(text("SELECT * FROM staff_checks")).mappings().all()
    assert "001234567890" not in " ".join(str(value) for value in row.values())
    assert row["certificate_number_encrypted"].startswith("gAAAAA")  # a Fernet token


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"check_level": "enhanced"},
            {
                "check_level": "A person in regulated activity with children needs an enhanced "
                "check with the children's barred list"
            },
        ),
        (
            {"certificate_number": "12345"},
            {"certificate_number": "Certificate number must be 12 digits, like 001234567890"},
        ),
        (
            {"certificate_number": "00123456789X"},
            {"certificate_number": "Certificate number must be 12 digits, like 001234567890"},
        ),
        ({"certificate_number": ""}, {"certificate_number": "Enter the certificate number"}),
        (
            {
                # Worked out when the test runs, not when it is collected (midnight).
                "issue_date": lambda: parts(days_ago(-1)),
                "status_checked_on": ["", "", ""],
                "status_check_result": None,
            },
            {"issue_date-day": "Date issued must be today or in the past"},
        ),
        (
            {"status_checked_on": lambda: parts(days_ago(500))},
            {
                "status_checked_on-day": "Date of the last status check must be after the date "
                "the certificate was issued"
            },
        ),
        (
            {"status_check_result": None},
            {"status_check_result": "Select the result of the last status check"},
        ),
        (
            {"training_date": ["", "", ""]},
            {"training_date-day": "Enter the date of their safeguarding training"},
        ),
        (
            {"full_name": "", "regulated_activity": None, "issue_date": ["31", "2", "2024"]},
            {
                "full_name": "Enter their full name",
                "regulated_activity": "Select whether they are in regulated activity with children",
                "issue_date-day": "Date issued must be a real date",
            },
        ),
    ],
)
def test_the_rules_are_shown_as_errors_and_nothing_is_saved(
    provider_client, organisation, changes, errors
):
    changes = {name: value() if callable(value) else value for name, value in changes.items()}
    response = add(provider_client, organisation, **changes)

    assert response.status_code == 200
    assert page_errors(response) == errors
    assert checks() == []


def test_someone_not_in_regulated_activity_may_have_a_lower_check(provider_client, organisation):
    add(provider_client, organisation, regulated_activity="no", check_level="basic")

    assert checks()[0].check_level == "basic"


def test_changing_a_record_keeps_the_number_unless_a_new_one_is_given(
    provider_client, organisation
):
    add(provider_client, organisation)
    check = checks()[0]
    url = f"/staff-checks/organisations/{organisation.id}/{check.id}/edit"

    form = provider_client.get(url)
    assert "We have a number ending 7890. Leave this blank to keep it." in page_text(form)
    assert "001234567890" not in form.get_data(as_text=True)
    provider_client.post(url, data=person(certificate_number="", job_role="Lead tutor"))
    assert checks()[0].job_role == "Lead tutor"
    assert services.decrypt_certificate_number(checks()[0]) == "001234567890"

    provider_client.post(url, data=person(certificate_number="111122223333", job_role="Lead tutor"))
    assert checks()[0].certificate_number_last4 == "3333"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "staff_check.updated")
    ).all()[-1]
    assert event.before == {"certificate_number_last4": "7890"}
    assert event.after == {"certificate_number_last4": "3333"}


def test_removing_a_person(provider_client, organisation):
    add(provider_client, organisation)
    url = f"/staff-checks/organisations/{organisation.id}/{checks()[0].id}/delete"

    assert "Are you sure you want to remove Jo Tutor" in page_h1(provider_client.get(url))
    provider_client.post(url)

    assert checks() == []


def test_flags_a_reviewer_sees_at_a_glance(app, provider_client, reviewer_client, organisation):
    years = app.config["DBS_CERTIFICATE_MAX_AGE_YEARS"]
    add(
        provider_client,
        organisation,
        full_name="Ann Old",
        update_service="no",
        issue_date=parts(days_ago(365 * years + 5)),
        right_to_work_checked="no",
        references_received="no",
        training_level="none",
        training_date=["", "", ""],
    )
    add(
        provider_client,
        organisation,
        full_name="Ben Waiting",
        regulated_activity="no",
        check_level="none",
        certificate_number="",
        issue_date=["", "", ""],
        update_service="no",
    )
    add(provider_client, organisation, full_name="Cat News", status_check_result="new_information")

    assert _flags(reviewer_client, organisation) == [
        [
            f"Certificate over {years} years old, not on the Update Service",
            "Right to work not checked",
            "References not received",
            "Safeguarding training overdue",
        ],
        ["No DBS check recorded"],
        ["Status check found new information"],
    ]
    index = reviewer_client.get("/staff-checks")
    row = [cell.get_text(strip=True) for cell in soup(index).select("tbody tr td")]
    assert row == ["Organisation A Ltd", "3", "3"]


def test_the_threshold_comes_from_configuration(make_app, provider, organisation):
    from tests.documents.helpers import client_of

    app = make_app(DBS_CERTIFICATE_MAX_AGE_YEARS=1)
    client = client_of(app, provider)
    add(client, organisation, update_service="no", issue_date=parts(days_ago(400)))

    page = client.get(f"/staff-checks/organisations/{organisation.id}")
    assert "Certificate over 1 years old, not on the Update Service" in page_text(page)


def test_council_staff_read_but_cannot_change(reviewer_client, provider_client, organisation):
    add(provider_client, organisation)
    check = checks()[0]
    base = f"/staff-checks/organisations/{organisation.id}"

    page = reviewer_client.get(base)
    assert page.status_code == 200
    assert "Add a person" not in page_text(page)
    assert reviewer_client.get(f"{base}/{check.id}/edit").status_code == 403
    assert reviewer_client.get(f"{base}/add").status_code == 403


def test_another_provider_finds_nothing(provider_client, other_provider_client, organisation):
    add(provider_client, organisation)
    check = checks()[0]
    base = f"/staff-checks/organisations/{organisation.id}"

    for url in (base, f"{base}/export", f"{base}/{check.id}/edit", f"{base}/add"):
        assert other_provider_client.get(url).status_code == 404, url


def test_council_staff_can_see_the_whole_number_and_each_look_is_audited(
    provider_client, reviewer_client, reviewer, organisation
):
    add(provider_client, organisation)
    check = checks()[0]
    register = reviewer_client.get(f"/staff-checks/organisations/{organisation.id}")
    (link,) = [
        a["href"] for a in soup(register).select("a") if "Show the whole number" in a.get_text()
    ]

    page = reviewer_client.get(link)

    assert soup(page).select_one("#certificate-number").get_text(strip=True) == "0012 3456 7890"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "staff_check.certificate_number_viewed")
    )
    assert (event.actor_id, event.object_id) == (reviewer.id, check.id)
    assert provider_client.get(link).status_code == 403
