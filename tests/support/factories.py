"""Make records for tests directly, where the test is not about how they are made."""

from __future__ import annotations

import hashlib
import io
import itertools
from datetime import timedelta

import pyotp
from sqlalchemy import select

from portal.accounts.models import PROVIDER, User
from portal.accounts.passwords import hash_password
from portal.admissions.models import ADMITTED, Admission
from portal.core.db import db
from portal.core.extensions import object_store
from portal.core.time import today, utcnow
from portal.documents.models import (
    INSURANCE,
    KINDS,
    MANDATORY_KINDS,
    NOT_SCANNED,
    Document,
    DocumentVersion,
    StoredFile,
)
from portal.lots.models import Lot
from portal.lots.services import ensure_starting_lots
from portal.organisations.models import OWNER, Membership, Organisation

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH: list[str] = []  # argon2 is slow on purpose: hash the shared password once


def _password_hash() -> str:
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(hash_password(PASSWORD))
    return _PASSWORD_HASH[0]


def make_user(
    email: str,
    *,
    full_name: str = "Test User",
    role: str = PROVIDER,
    verified: bool = True,
    two_factor: bool = False,
) -> User:
    user = User(
        email=email,
        full_name=full_name,
        role=role,
        password_hash=_password_hash(),
        email_verified_at=utcnow() if verified else None,
    )
    if two_factor:
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled_at = utcnow()
    db.session.add(user)
    db.session.commit()
    return user


ORGANISATION_DETAILS = {
    "legal_name": "Test Organisation Ltd",
    "trading_name": None,
    "legal_form": "company",
    "company_number": "01234567",
    "charity_number": None,
    "is_sme": True,
    "is_vcse": False,
    "address_line_1": "1 Test Street",
    "address_line_2": None,
    "town": "Dudley",
    "postcode": "DY1 1AA",
    "is_local": True,
    "phone": "01384 000000",
    "website": None,
    "contact_name": "Test Contact",
    "contact_email": "contact@example.org",
}


_company_numbers = itertools.count(1)


def make_organisation(owner: User, **details) -> Organisation:
    details = ORGANISATION_DETAILS | details
    # Company numbers are unique: the first organisation keeps the usual one, later ones get
    # their own.
    taken = select(Organisation.id).where(Organisation.company_number == details["company_number"])
    if details["company_number"] and db.session.scalar(taken) is not None:
        details["company_number"] = f"{90000000 + next(_company_numbers)}"
    organisation = Organisation(**details)
    organisation.memberships.append(Membership(user_id=owner.id, role=OWNER))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def organisation_of(user: User) -> Organisation:
    return db.session.scalar(
        select(Organisation).join(Organisation.memberships).where(Membership.user_id == user.id)
    )


def add_member(organisation: Organisation, user: User, role: str = "member") -> Membership:
    membership = Membership(organisation_id=organisation.id, user_id=user.id, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def admit(
    organisation: Organisation,
    lot_slug: str,
    *,
    status: str = ADMITTED,
    reason: str | None = None,
    admitted_at=None,
    documents: bool = True,
):
    """An admission of `organisation` to the lot, written directly (the starting lots are made
    if missing), for tests of what lists and pages show. An organisation admitted has the
    documents a call-off requires, in date (give_required_documents), as its application did,
    unless `documents` is False (for a test of what a provider without them is told)."""
    ensure_starting_lots()
    if status == ADMITTED and documents:
        give_required_documents(organisation)
    lot = db.session.scalar(select(Lot).where(Lot.slug == lot_slug))
    when = admitted_at or utcnow()
    admission = Admission(
        organisation_id=organisation.id,
        lot_id=lot.id,
        status=status,
        admitted_at=when,
        status_changed_at=when,
        status_reason=reason if status != ADMITTED else None,
    )
    db.session.add(admission)
    db.session.commit()
    return admission


# A minimal PDF: what the store holds for a document made here.
_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def give_required_documents(organisation: Organisation) -> None:
    """Each document a call-off requires (documents.MANDATORY_KINDS), in date and reviewed, for
    an organisation that has none of that kind."""
    held = set(
        db.session.scalars(select(Document.kind).where(Document.organisation_id == organisation.id))
    )
    # Added together and flushed once: one INSERT per table for all of them.
    db.session.add_all(
        _new_document(organisation, kind) for kind in MANDATORY_KINDS if kind not in held
    )
    db.session.flush()


def make_document(organisation: Organisation, kind: str, title: str | None = None) -> Document:
    """A document in date and reviewed, written directly, its file put in the store."""
    document = _new_document(organisation, kind, title)
    db.session.add(document)
    db.session.flush()
    return document


def _new_document(organisation: Organisation, kind: str, title: str | None = None) -> Document:
    key = object_store.document_key(organisation.id)
    object_store.put_stream(key, io.BytesIO(_PDF), content_type="application/pdf", metadata={})
    stored = StoredFile(
        organisation_id=organisation.id,
        object_key=key,
        original_filename=f"{kind}.pdf",
        content_type="application/pdf",
        size_bytes=len(_PDF),
        sha256=hashlib.sha256(_PDF).hexdigest(),
        scan_state=NOT_SCANNED,
    )
    insurance = kind == INSURANCE
    document = Document(organisation_id=organisation.id, kind=kind, title=title or KINDS[kind])
    document.versions.append(
        DocumentVersion(
            number=1,
            file=stored,
            issue_date=today() - timedelta(days=30),
            expiry_date=today() + timedelta(days=365) if insurance else None,
            review_date=None if insurance else today() + timedelta(days=365),
            cover_type="public_liability" if insurance else None,
            cover_amount_pence=500_000_000 if insurance else None,
        )
    )
    return document
