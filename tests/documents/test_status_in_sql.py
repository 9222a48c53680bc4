"""A document's status is worked out in Python for the page that shows one document
(`DocumentVersion.status`) and in SQL for the lists that count or sort many (`attention_order`
for the reviewers' documents needing attention, `needs_attention` for the reviewers' providers
list; the figures the database keeps for the reviewers' count and list, DocumentVersion's
is_current, attention_from and file_attention, read by `attention_order_kept` and
`needs_attention_kept`). All must say the
same of every file state and every date, or a list would count a document its own page calls
current. Every combination is written and they are compared."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from portal.core.db import db
from portal.core.time import today
from portal.documents.attention import documents_needing_attention
from portal.documents.models import (
    ATTENTION_ORDER,
    EXPIRES_SOON_DAYS,
    NOT_SCANNED,
    REJECTED,
    REMOVED_FOR_VIRUS,
    REMOVED_REASONS,
    SCAN_STATES,
    Document,
    DocumentVersion,
    StoredFile,
    attention_order,
    attention_order_kept,
    needs_attention,
    needs_attention_kept,
)
from tests.documents.helpers import stored_file


def _every_combination(organisation, provider, *, replacing: bool = False) -> None:
    """A document for every file state, removal, expiry date and review date (240), each in a
    version of its own; `replacing` gives each an older version first, one that would need
    attention whatever the day (a virus), which no list should count."""
    on = today()
    expiries = [None, on - timedelta(days=1), on, on + timedelta(days=EXPIRES_SOON_DAYS)]
    expiries.append(on + timedelta(days=EXPIRES_SOON_DAYS + 1))
    reviews = [None, on - timedelta(days=1), on]
    removals = [None, *REMOVED_REASONS]
    for number, (scan_state, removed, expiry, review) in enumerate(
        itertools.product(SCAN_STATES, removals, expiries, reviews)
    ):
        document = Document(organisation_id=organisation.id, kind="other", title=f"{number}")
        if replacing:
            older = stored_file(
                organisation, provider, f"older/{number}", REJECTED, REMOVED_FOR_VIRUS
            )
            document.versions.append(DocumentVersion(number=1, file=older))
        file = stored_file(organisation, provider, f"state/{number}", scan_state, removed)
        document.versions.append(
            DocumentVersion(
                number=len(document.versions) + 1,
                file=file,
                expiry_date=expiry,
                review_date=review,
            )
        )
        db.session.add(document)
    db.session.commit()


def _order_for_reviewers(version: DocumentVersion, on: date) -> int | None:
    """Where Python's status puts the version on the reviewers' list (ATTENTION_ORDER), or None
    when it is not on it."""
    status = version.status(on)
    if status.needs_attention:
        return ATTENTION_ORDER[status.colour]
    if version.file.scan_state == NOT_SCANNED:  # green to the provider, grey to reviewers
        return ATTENTION_ORDER["grey"]
    return None


def test_the_sql_status_agrees_with_the_python_status_for_every_state_and_date(
    organisation, provider
):
    on = today()
    _every_combination(organisation, provider)

    rows = db.session.execute(
        select(DocumentVersion, needs_attention(on), attention_order(on)).join(
            StoredFile, StoredFile.id == DocumentVersion.file_id
        )
    ).all()
    assert len(rows) == 4 * 4 * 5 * 3
    disagreements = []
    for version, in_sql, order_in_sql in rows:
        status = version.status(on)
        order = _order_for_reviewers(version, on)
        if bool(in_sql) != status.needs_attention or order_in_sql != order:
            disagreements.append(
                f"{version.file.scan_state}, removed {version.file.removed_reason}, expiry "
                f"{version.expiry_date}, review {version.review_date}: Python {status}, SQL "
                f"needs_attention {in_sql}, attention_order {order_in_sql}"
            )
    assert not disagreements, "\n".join(disagreements)


def test_the_kept_figures_agree_with_the_python_status_on_every_day_around_the_dates(
    organisation, provider
):
    """The reviewers' count and list read DocumentVersion.is_current, attention_from and
    file_attention, which the database keeps: a document is on the list on a day exactly when
    its current version's status puts it there, and as urgent, and counted on the providers
    list exactly when its status needs attention, on each day either side of every date the
    combinations hold."""
    _every_combination(organisation, provider, replacing=True)
    on = today()
    days = [on + timedelta(days=shift) for shift in (-2, -1, 0, 1, 2)]
    days += [on + timedelta(days=EXPIRES_SOON_DAYS + shift) for shift in (-1, 0, 1, 2)]
    documents = db.session.scalars(select(Document)).all()
    assert len(documents) == 240
    disagreements = []
    for day in days:
        kept = {
            document_id: (order, bool(counted))
            for document_id, order, counted in db.session.execute(
                select(
                    DocumentVersion.document_id,
                    attention_order_kept(day),
                    needs_attention_kept(day),
                ).where(DocumentVersion.is_current, DocumentVersion.attention_from <= day)
            )
        }
        for document in documents:
            version = document.current
            in_python = (_order_for_reviewers(version, day), version.status(day).needs_attention)
            if kept.get(document.id, (None, False)) != in_python:
                disagreements.append(
                    f"{day}: {version.file.scan_state}, removed {version.file.removed_reason}, "
                    f"expiry {version.expiry_date}, review {version.review_date}: Python "
                    f"{version.status(day)}, kept {kept.get(document.id)}"
                )
    assert not disagreements, "\n".join(disagreements)


def test_the_reviewers_list_and_count_agree_with_the_python_status_on_every_day_around_the_dates(
    organisation, provider
):
    """The reviewers' list reads the documents needing attention in four parts by urgency and
    counts them from the tally of days the database keeps (DocumentAttentionDay): on each day
    either side of every date the combinations hold, with nothing written between the days,
    its pages hold exactly the documents Python's status puts on it, most urgent first, then by
    organisation, kind and document, and the count says how many."""
    _every_combination(organisation, provider, replacing=True)
    on = today()
    days = [on + timedelta(days=shift) for shift in (-2, -1, 0, 1, 2)]
    days += [on + timedelta(days=EXPIRES_SOON_DAYS + shift) for shift in (-1, 0, 1, 2)]
    documents = db.session.scalars(select(Document)).all()
    for day in days:
        expected = sorted(
            (order, document.organisation_id, document.kind, document.id)
            for document in documents
            if (order := _order_for_reviewers(document.current, day)) is not None
        )
        first = documents_needing_attention(day)
        assert first.total == len(expected), day
        listed = []
        for number in range(1, first.pages + 1):
            listed += [item.document_id for item in documents_needing_attention(day, number).items]
        assert listed == [document_id for *_order, document_id in expected], day
