"""Helpers for the accounts journeys: links as if sent long ago, and what the requests wrote."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.core.db import db
from tests.support.pages import field_value, page_errors, soup


def aged_token(app, purpose: str, token: str, seconds_ago: int) -> str:
    """The same link token, as if the app had signed it `seconds_ago`."""
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=purpose).loads(token)

    class SignedInThePast(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    serializer = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt=purpose, signer=SignedInThePast
    )
    return serializer.dumps(payload)


def count(model, *where) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def user_by_email(email: str) -> User | None:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(User).where(User.email == email))


def audit_actions(email: str) -> list[str]:
    """The audit trail of the account with this address, oldest first."""
    user = user_by_email(email)
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
            .order_by(AuditEvent.id)
        )
    )


def assert_password_not_kept(response, name: str = "password") -> None:
    """The page shows the password field again, empty: a password is never sent back."""
    assert soup(response).find("input", attrs={"name": name}) is not None
    assert not field_value(response, name)


def assert_errors(response, expected: dict[str, str]) -> None:
    """The same page again, titled as an error, with a summary whose links reach the fields."""
    assert response.status_code == 200
    assert page_errors(response) == expected
    page = soup(response)
    assert page.title.get_text(strip=True).startswith("Error: ")
    for field_id in expected:
        assert page.find(id=field_id) is not None, f"the summary links to a missing #{field_id}"
