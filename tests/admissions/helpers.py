"""Helpers for the admissions tests: a reviewer's confirmation form, the public list."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.db import db
from tests.support.pages import field_value, soup


def move_form(client, admission_id: int, move: str) -> dict[str, str]:
    """What the confirmation page's form would send: its hidden fields, no reason yet."""
    page = client.get(f"/reviews/admissions/{admission_id}/{move}")
    assert page.status_code == 200, page.get_data(as_text=True)
    return {
        "lock_version": field_value(page, "lock_version"),
        "submission_id": field_value(page, "submission_id"),
    }


def post_move(client, admission_id: int, move: str, reason: str, form: dict | None = None):
    data = (form or move_form(client, admission_id, move)) | {"reason": reason}
    return client.post(f"/reviews/admissions/{admission_id}/{move}", data=data)


def events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


# The public list ---------------------------------------------------------------------------


def provider_names(response) -> list[str]:
    return [
        cell.strong.get_text(strip=True)
        for cell in soup(response).select("tbody tr td:first-child")
    ]


def lots_of(response, name: str) -> list[str]:
    for row in soup(response).select("tbody tr"):
        if row.td.strong.get_text(strip=True) == name:
            return [item.get_text(strip=True) for item in row.select("td")[1].select("li")]
    raise AssertionError(f"{name} is not listed")
