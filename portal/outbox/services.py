"""Queue emails in the outbox, in the same transaction as the change that causes them."""

from __future__ import annotations

from flask import current_app, render_template

from portal.core.db import db
from portal.outbox.models import OutboxEmail


def queue_email(to: str, subject: str, template: str, **context) -> OutboxEmail:
    """Render `templates/emails/<template>.txt` and queue it for `to`.

    Delivery happens later (`flask outbox send` or `flask outbox worker`), so a change that is
    rolled back never sends its email and a mail server that is down never loses one.
    """
    body = render_template(
        f"emails/{template}.txt",
        base_url=current_app.config["BASE_URL"],
        **context,
    )
    email = OutboxEmail(to_address=to, subject=subject, body=body)
    db.session.add(email)
    return email
