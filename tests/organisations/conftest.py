"""Helpers for the organisation journeys: a complete set of details as a provider would type
them, a colleague who is a member but not an owner, invitations sent through the pages, and
reading back what the requests wrote."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.db import db
from portal.organisations.models import Membership
from tests.conftest import signed_in
from tests.support import factories
from tests.support.emails import last_email_to, link_in
from tests.support.pages import page_errors, page_title, soup

# What a provider types into the organisation form: untidy on purpose where people are.
DETAILS = {
    "legal_name": "Brierley Hill Learning Ltd",
    "trading_name": "Brierley Learning",
    "legal_form": "company",
    "company_number": "7654321",
    "charity_number": "",
    "is_sme": "y",
    "address_line_1": "12 Church Street",
    "address_line_2": "",
    "town": "Brierley Hill",
    "postcode": "dy5 3aa",
    "phone": "01384 812345",
    "website": "www.brierley-learning.example.org",
    "contact_name": "Sam Jones",
    "contact_email": "sam@brierley-learning.example.org",
}


def details(**changes) -> dict:
    """DETAILS with some answers changed; an answer of None is left out, as an unticked box is."""
    return {k: v for k, v in (DETAILS | changes).items() if v is not None}


def assert_error(response, field_id: str, message: str) -> None:
    """The page says `message` in the error summary, linked to the field, and by the field."""
    assert response.status_code == 200
    assert page_errors(response).get(field_id) == message, page_errors(response)
    page = soup(response)
    field = page.find(id=field_id)
    assert field is not None, f"the error summary links to #{field_id}, which is not on the page"
    group = field.find_parent(class_="govuk-form-group--error")
    assert group is not None and message in group.get_text(" ", strip=True)
    assert page_title(response).startswith("Error: ")


def assert_refused(response, message: str) -> None:
    """A page with one button says `message` in its error summary, linked to the button."""
    assert response.status_code == 200
    assert page_errors(response) == {"submit": message}
    assert soup(response).find("button", id="submit") is not None
    assert page_title(response).startswith("Error: ")


def button_forms(response, text: str) -> list:
    """The small forms (one button each) whose button's words start with `text`."""
    return [
        button.find_parent("form")
        for button in soup(response).select("main button")
        if button.get_text(" ", strip=True).startswith(text)
    ]


def buttons(response, text: str) -> list[str]:
    """Where each of those buttons posts to."""
    return [form["action"] for form in button_forms(response, text)]


def members_listed(response) -> list[tuple[str, str]]:
    """The members table as (name and email, role) rows."""
    return [
        tuple(cell.get_text(" ", strip=True) for cell in row.select("td")[:2])
        for row in soup(response).select("table tbody tr")
    ]


def count(model, *where) -> int:
    db.session.rollback()  # what the requests committed (see tests/support/emails.py)
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def organisation_events() -> int:
    """How many organisation changes the audit log holds (signing in is audited too)."""
    return count(AuditEvent, AuditEvent.action.startswith("organisation."))


def audit_events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def fresh(model, id_: int):
    """The row as committed now."""
    db.session.rollback()
    return db.session.get(model, id_)


def membership_of(organisation, user) -> Membership | None:
    db.session.rollback()
    return db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    )


def invite(client, organisation_id: int, email: str) -> str:
    """Invite `email` through the page and return the link from the email they get."""
    response = client.post(
        f"/organisations/{organisation_id}/members/invite", data={"email": email}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return link_in(last_email_to(email), "/organisations/invitations/")


@pytest.fixture
def member(organisation):
    """A colleague in organisation A who is a member, not an owner."""
    user = factories.make_user("colleague-a@example.org", full_name="Chris Colleague")
    factories.add_member(organisation, user)
    return user


@pytest.fixture
def member_client(app, member):
    return signed_in(app.test_client(), member)
