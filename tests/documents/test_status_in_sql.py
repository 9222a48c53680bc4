"""A document's status is worked out twice: in Python for the page that shows one document
(`DocumentVersion.status`) and in SQL for the lists that count or sort many (`attention_order`
for the reviewers' documents needing attention, `needs_attention` for the reviewers' providers
list). Both must say the same of every file state and every date, or a list would count a
document its own page calls current. Every combination is written and the two are compared."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import today, utcnow
from portal.documents.models import (
    ATTENTION_ORDER,
    EXPIRES_SOON_DAYS,
    NOT_SCANNED,
    REMOVED_REASONS,
    SCAN_STATES,
    Document,
    DocumentVersion,
    StoredFile,
    attention_order,
    needs_attention,
)


def test_the_sql_status_agrees_with_the_python_status_for_every_state_and_date(
    organisation, provider
):
    on = today()
    expiries = [None, on - timedelta(days=1), on, on + timedelta(days=EXPIRES_SOON_DAYS)]
    expiries.append(on + timedelta(days=EXPIRES_SOON_DAYS + 1))
    reviews = [None, on - timedelta(days=1), on]
    removals = [None, *REMOVED_REASONS]
    for number, (scan_state, removed, expiry, review) in enumerate(
        itertools.product(SCAN_STATES, removals, expiries, reviews)
    ):
        file = StoredFile(
            organisation_id=organisation.id,
            purpose="document",
            object_key=f"state/{number}",
            original_filename="policy.pdf",
            content_type="application/pdf",
            size_bytes=100,
            sha256="0" * 64,
            scan_state=scan_state,
            removed_at=utcnow() if removed else None,
            removed_reason=removed,
            uploaded_by_id=provider.id,
        )
        document = Document(organisation_id=organisation.id, kind="other", title=f"{number}")
        document.versions.append(
            DocumentVersion(number=1, file=file, expiry_date=expiry, review_date=review)
        )
        db.session.add(document)
    db.session.commit()

    rows = db.session.execute(
        select(DocumentVersion, needs_attention(on), attention_order(on)).join(
            StoredFile, StoredFile.id == DocumentVersion.file_id
        )
    ).all()
    assert len(rows) == 4 * 4 * 5 * 3
    disagreements = []
    for version, in_sql, order_in_sql in rows:
        status = version.status(on)
        grey_to_reviewers = not status.needs_attention and version.file.scan_state == NOT_SCANNED
        order = (
            ATTENTION_ORDER[status.colour]
            if status.needs_attention
            else ATTENTION_ORDER["grey"]
            if grey_to_reviewers
            else None
        )
        if bool(in_sql) != status.needs_attention or order_in_sql != order:
            disagreements.append(
                f"{version.file.scan_state}, removed {version.file.removed_reason}, expiry "
                f"{version.expiry_date}, review {version.review_date}: Python {status}, SQL "
                f"needs_attention {in_sql}, attention_order {order_in_sql}"
            )
    assert not disagreements, "\n".join(disagreements)
