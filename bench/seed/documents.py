"""Documents: each organisation's policies, insurance and other evidence, with their versions
and stored files."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from bench.seed.base import Plan, SeedResult, _next_id, _table, bulk_insert
from portal.core.time import today, utcnow
from portal.documents.models import EXPIRY_ASKED, INSURANCE, KINDS, POLICY_KINDS


def _document_rows(organisation_id: int, user_id: int, n: int, on: date, now: datetime):
    """The kind, title, dates and details of the organisation's n-th document."""
    kinds = list(KINDS)
    kind = kinds[n % len(kinds)]
    # Spread the dates so every status appears: expired, expiring soon, current, review due.
    offset = ((organisation_id * 7 + n * 13) % 500) - 40
    expiry = on + timedelta(days=offset) if kind in EXPIRY_ASKED else None
    review = on + timedelta(days=offset + 200) if kind in POLICY_KINDS else None
    cover = ("public_liability", 500_000_000) if kind == INSURANCE else (None, None)
    issuer = "ofsted" if kind == "accreditation" else None
    return kind, f"{KINDS[kind]} {n // len(kinds) + 1}", expiry, review, cover, issuer


def _documents(connection: Connection, result: SeedResult, plan: Plan, total: int) -> None:
    """`total` documents spread evenly; every fifth has an earlier version too."""
    now, on = utcnow(), today()
    first_doc = _next_id(connection, "documents")
    first_file = _next_id(connection, "stored_files")
    first_version = _next_id(connection, "document_versions")
    per, extra = divmod(total, len(plan.organisations))
    documents, files, versions = [], [], []
    doc_id, file_id, version_id = first_doc, first_file, first_version
    for index, (organisation_id, user_id) in enumerate(plan.organisations):
        for n in range(per + (1 if index < extra else 0)):
            kind, title, expiry, review, cover, issuer = _document_rows(
                organisation_id, user_id, n, on, now
            )
            uploaded = now - timedelta(days=(n * 11) % 300 + 1)
            documents.append((doc_id, organisation_id, kind, title, user_id, uploaded))
            for number in (1, 2) if n % 5 == 0 else (1,):
                at = uploaded - timedelta(days=365) if number == 1 and n % 5 == 0 else uploaded
                files.append(
                    (
                        file_id,
                        organisation_id,
                        "document",
                        f"org/{organisation_id}/doc/{uuid.uuid4()}",
                        f"{kind.replace('_', '-')}-{n}.pdf",
                        "application/pdf",
                        150_000 + n,
                        secrets.token_hex(32),
                        "clean" if n % 7 else "not_scanned",
                        at if n % 7 else None,
                        user_id,
                        at,
                    )
                )
                versions.append(
                    (
                        version_id,
                        doc_id,
                        number,
                        file_id,
                        at.date(),
                        expiry,
                        review,
                        cover[0],
                        cover[1],
                        issuer,
                        user_id,
                        at,
                    )
                )
                file_id += 1
                version_id += 1
            doc_id += 1
    bulk_insert(
        connection,
        _table("stored_files"),
        [
            "id",
            "organisation_id",
            "purpose",
            "object_key",
            "original_filename",
            "content_type",
            "size_bytes",
            "sha256",
            "scan_state",
            "scanned_at",
            "uploaded_by_id",
            "uploaded_at",
        ],
        files,
    )
    bulk_insert(
        connection,
        _table("documents"),
        ["id", "organisation_id", "kind", "title", "created_by_id", "created_at"],
        documents,
    )
    bulk_insert(
        connection,
        _table("document_versions"),
        [
            "id",
            "document_id",
            "number",
            "file_id",
            "issue_date",
            "expiry_date",
            "review_date",
            "cover_type",
            "cover_amount_pence",
            "issuer",
            "uploaded_by_id",
            "uploaded_at",
        ],
        versions,
    )
    result.notes.append(
        "Documents are records only: their objects are not written to the store (no page "
        "measured reads them; uploads are measured on their own)."
    )
