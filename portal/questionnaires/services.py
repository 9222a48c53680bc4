"""Questionnaire versions: loaded from their files as drafts, published by an admin.

A version's content never changes once loaded (a changed file needs a new version number), so
applications that started on it keep exactly the questions they were asked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.audit.services import record_change, record_event
from portal.core.db import db
from portal.core.errors import ServiceError, found
from portal.core.time import utcnow
from portal.lots.services import list_lots
from portal.questionnaires import loader, routing
from portal.questionnaires.models import DRAFT, PUBLISHED, RETIRED, QuestionnaireVersion
from portal.questionnaires.schema import Content, ContentError, Question

# Rebuilt content by (version id, file hash): a version's content never changes, and the hash
# keeps a reused id (a test database emptied between tests) from finding another's content.
_CONTENT_CACHE: dict[tuple[int, str], Content] = {}


class QuestionnaireError(ServiceError):
    """A problem an admin can put right."""


def load_version(path: str | Path, actor: User | None = None) -> tuple[QuestionnaireVersion, bool]:
    """Check the file and store it as a draft version: (the version, whether it was new).
    Loading the same content again changes nothing; different content under a version number
    already loaded raises ContentError, as does any mistake in the file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise ContentError(path.name, None, "cannot read the file (is the path right?)") from None
    return _load(data, path.name, actor)


# A questionnaire file is text: the whole of version 1 is under 100 KB.
UPLOAD_MAX_BYTES = 1024 * 1024
UPLOAD_EXTENSIONS = (".yaml", ".yml")


def upload_version(admin: User, storage: FileStorage | None) -> QuestionnaireVersion:
    """Check an uploaded questionnaire file and store it as a draft version, as `flask
    questionnaires load` does. Nothing is stored unless it loads cleanly. Raises
    QuestionnaireError for a file that is missing, empty, too big or not text, and ContentError
    (with the file's line) for a mistake in it or a version number already loaded."""
    if storage is None or not storage.filename:
        raise QuestionnaireError("Select a questionnaire file")
    name = Path(storage.filename.replace("\\", "/")).name[:100] or "the file"
    if not name.lower().endswith(UPLOAD_EXTENSIONS):
        raise QuestionnaireError("The selected file must be a YAML file, ending .yaml or .yml")
    data = storage.stream.read(UPLOAD_MAX_BYTES + 1)
    if len(data) > UPLOAD_MAX_BYTES:
        raise QuestionnaireError("The selected file must be smaller than 1MB")
    if not data.strip():
        raise QuestionnaireError("The selected file is empty")
    if b"\x00" in data:
        raise QuestionnaireError(
            "The selected file must be a YAML text file. This one looks like a binary file"
        )
    version, created = _load(data, name, admin)
    if not created:
        raise ContentError(
            name, None, f"version {version.version} is already loaded with this content"
        )
    return version


def _load(data: bytes, name: str, actor: User | None) -> tuple[QuestionnaireVersion, bool]:
    # Rules may name the starting lots and any an admin has added since.
    added = (lot.slug for lot in list_lots() if lot.slug not in loader.LOT_SLUGS)
    content = loader.parse(data, name, (*loader.LOT_SLUGS, *added))
    stored = content.to_dict()
    existing = db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.version == content.version)
    )
    if existing is not None:
        if existing.content == stored:
            return existing, False
        raise ContentError(
            name,
            None,
            f"version {content.version} is already loaded with different content; "
            "give the changed questionnaire a new version number",
        )
    version = QuestionnaireVersion(
        version=content.version,
        title=content.title,
        content=stored,
        source_sha256=hashlib.sha256(data).hexdigest(),
        loaded_by_id=actor.id if actor else None,
        status=DRAFT,
    )
    db.session.add(version)
    db.session.flush()
    record_event(
        "questionnaire.loaded",
        object_type="questionnaire_version",
        object_id=version.id,
        actor_id=version.loaded_by_id,
        after={"version": version.version, "source_sha256": version.source_sha256},
    )
    return version, True


def publish_version(admin: User, version_id: int) -> QuestionnaireVersion:
    """Make the version the one new applications start on; the one published before is
    retired. Raises NotFoundForUser, or QuestionnaireError if it is published already."""
    version = get_version(version_id)
    if version.status == PUBLISHED:
        raise QuestionnaireError(f"Version {version.version} is already published")
    before = version.status
    current = db.session.scalar(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.status == PUBLISHED)
        .with_for_update()
    )
    if current is not None:
        current.status = RETIRED
        # Retire first: the database allows one published version at a time.
        db.session.flush()
    version.status = PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = admin.id
    record_change(
        "questionnaire.published",
        version,
        admin,
        before={"status": before, "published_version": current.version if current else None},
        after={"status": PUBLISHED, "published_version": version.version},
        object_type="questionnaire_version",
    )
    db.session.flush()
    return version


def published_version() -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.status == PUBLISHED)
    )


def get_version(version_id: int) -> QuestionnaireVersion:
    """Raises NotFoundForUser (404) when there is no such version."""
    version = found(db.session.get(QuestionnaireVersion, version_id))
    return version


def list_versions() -> list[QuestionnaireVersion]:
    """Newest first."""
    return list(
        db.session.scalars(
            select(QuestionnaireVersion).order_by(QuestionnaireVersion.version.desc())
        )
    )


def content_of(version: QuestionnaireVersion) -> Content:
    key = (version.id, version.source_sha256)
    if key not in _CONTENT_CACHE:
        _CONTENT_CACHE[key] = Content.from_dict(version.content)
    return _CONTENT_CACHE[key]


def changed_questions(
    old: Content, new: Content, answers: Mapping[str, Any], lots: Collection[str]
) -> list[str]:
    """The ids of the questions on the applicant's route in `new` that are new or ask something
    different from `old`: another label, type, options or rule. Hints and help text do not
    count: the answer given still answers the question."""
    before = {q.id: q for q in old.questions}
    return [
        q.id
        for q in routing.questions_on_route(new, answers, lots)
        if q.id not in before or _asks(q) != _asks(before[q.id])
    ]


def _asks(question: Question) -> tuple:
    """What a question asks and accepts, leaving out hints, help and when it is asked."""
    return (
        question.type,
        question.label,
        question.required,
        tuple((o.value, o.label) for o in question.options),
        question.max_length,
        question.min_length,
        question.pattern,
        question.min_selected,
        question.max_selected,
        question.not_in_future,
        question.not_in_past,
        question.after,
        question.min,
        question.max,
        question.unit,
        question.item_label,
        question.min_items,
        question.max_items,
        question.statement,
        tuple(_asks(q) for q in question.questions),
    )
