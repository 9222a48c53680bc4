"""What a submission freezes, and reading it back.

A submission keeps the questionnaire exactly as it was asked, every answer on the applicant's
route and the organisation's details as they were, so the copy a provider prints or downloads
(and what a reviewer reads) never changes when the organisation, the questionnaire or a later
draft does. Everything shown from a submission is read from here alone.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.accounts.models import User
from portal.applications.models import Application
from portal.applications.progress import Progress
from portal.core.time import LONDON
from portal.questionnaires import routing
from portal.questionnaires.schema import Content, Question, Section
from portal.staff_checks import services as staff_checks


def build(
    application: Application,
    progress: Progress,
    user: User,
    lot_names: dict[str, str],
    submitted_at: datetime,
) -> dict[str, Any]:
    version = application.questionnaire_version
    answers = dict(progress.route.kept)
    return {
        "reference": application.reference,
        "submitted_at": submitted_at.isoformat(),
        "submitted_by": {"name": user.full_name, "email": user.email},
        "questionnaire": {
            "version": version.version,
            "title": version.title,
            "content": progress.content.to_dict(),
        },
        "answers": answers,
        # The document versions used as evidence, as they were: shown in place of their ids.
        "documents": {
            str(version_id): details
            for version_id, details in progress.documents.items()
            if version_id in evidence_ids(progress.content, answers)
        },
        "lots": [{"slug": slug, "name": lot_names.get(slug, slug)} for slug in progress.lots],
        "organisation": _organisation(application),
        "staff_checks": _register(application, submitted_at),
    }


def _register(application: Application, submitted_at: datetime) -> list[dict[str, Any]]:
    """The DBS register as it stood, with the warnings it had that day: what the reviewer reads
    (certificate numbers stay encrypted in the register, shown here masked)."""
    on = submitted_at.astimezone(LONDON).date()
    checks = staff_checks.checks_of(application.organisation)
    return [
        {
            "name": check.full_name,
            "role": check.job_role,
            "regulated_activity": check.regulated_activity,
            "check_level": check.check_level_label,
            "certificate_number": check.masked_certificate_number,
            "issue_date": check.issue_date.isoformat() if check.issue_date else None,
            "update_service": check.update_service,
            "right_to_work_checked": check.right_to_work_checked,
            "training_date": check.training_date.isoformat() if check.training_date else None,
            "flags": staff_checks.flags(check, on),
        }
        for check in checks
    ]


def evidence_ids(content: Content, answers: dict[str, Any]) -> list[int]:
    """The document versions the answers use as evidence."""
    return [answers[q.id] for q in content.questions if q.type == "evidence" and answers.get(q.id)]


def _organisation(application: Application) -> dict[str, Any]:
    organisation = application.organisation
    address = ", ".join(
        part
        for part in (
            organisation.address_line_1,
            organisation.address_line_2,
            organisation.town,
            organisation.postcode,
        )
        if part
    )
    details = [
        ("Legal name", organisation.legal_name),
        ("Trading name", organisation.trading_name),
        ("Type of organisation", organisation.legal_form_label),
        ("Companies House number", organisation.company_number),
        ("Charity number", organisation.charity_number),
        ("Address", address),
        ("Contact", organisation.contact_name),
        ("Contact email address", organisation.contact_email),
        ("Telephone number", organisation.phone),
        ("Website", organisation.website),
    ]
    return {
        "name": organisation.display_name,
        "details": [[label, value] for label, value in details if value],
    }


def _shown(question: Question, answers: dict[str, Any], documents: dict[str, dict]) -> Any:
    answer = answers.get(question.id)
    if question.type == "evidence" and answer is not None:
        return documents.get(str(answer))
    return answer


@dataclass(frozen=True)
class SubmittedCopy:
    reference: str
    submitted_at: datetime
    submitted_by: str
    questionnaire_title: str
    questionnaire_version: int
    organisation_name: str
    organisation_details: list[tuple[str, str]]
    lot_names: dict[str, str]
    # Each section with something answered in it, with its questions that applied and answers.
    sections: list[tuple[Section, list[tuple[Question, Any]]]]
    # The DBS register as it stood (submissions before it was frozen have none).
    staff_checks: list[dict[str, Any]]


# The questionnaires frozen in submissions, rebuilt: every submission of one questionnaire version
# freezes the same content, and rebuilding its 150 questions took longer than the rest of the
# review page's work. One per version and title, reused only for stored data equal to what it was
# built from (a quick comparison), so a read gives exactly what Content.from_dict would.
_FROZEN: dict[tuple[Any, ...], tuple[dict[str, Any], Content]] = {}
_FROZEN_LIMIT = 32


def frozen_content(data: dict[str, Any]) -> Content:
    """The questionnaire content a submission froze (its snapshot's questionnaire content)."""
    key = (data.get("version"), data.get("title"))
    content: Content = made_once(
        _FROZEN, _FROZEN_LIMIT, key, data, Content.from_dict, copy.deepcopy
    )
    return content


# Snapshots decoded, by submission id, with the JSON text each was decoded from. Decoding 90 KB
# of JSON through the ORM took a fifth of the review page; its text is read instead, and decoded
# only when it is not the text kept here, so a read gives exactly what decoding would (whatever
# the id, which SQLite tests reuse). Shared between requests: never change what it returns.
_DECODED: dict[int, tuple[str, dict[str, Any]]] = {}
_DECODED_LIMIT = 64


def decoded(submission_id: int, text: str) -> dict[str, Any]:
    """The snapshot whose JSON is `text` (of submission `submission_id`), decoded."""
    value: dict[str, Any] = made_once(_DECODED, _DECODED_LIMIT, submission_id, text, json.loads)
    return value


def made_once(
    kept: dict[Any, tuple[Any, Any]],
    limit: int,
    key: Any,
    source: Any,
    make: Callable[[Any], Any],
    keep: Callable[[Any], Any] = lambda source: source,
) -> Any:
    """What `make` makes of `source`, from `kept` when it holds it under `key` made from an
    equal source; else made, and kept (with `keep(source)`: a copy, when it may change), the
    oldest dropped beyond `limit`."""
    known = kept.get(key)
    if known is not None and known[0] == source:
        return known[1]
    made = make(source)
    kept_source = keep(source)
    # Under a threaded server two requests may drop the oldest at once: one would find it gone.
    with _KEEPING:
        if key not in kept and len(kept) >= limit:
            del kept[next(iter(kept))]
        kept[key] = (kept_source, made)
    return made


_KEEPING = threading.Lock()


def read(snapshot: dict[str, Any]) -> SubmittedCopy:
    content = frozen_content(snapshot["questionnaire"]["content"])
    answers = snapshot["answers"]
    lots = [lot["slug"] for lot in snapshot["lots"]]
    documents = snapshot.get("documents", {})
    sections = []
    route = routing.Route(content, answers, lots)
    for section, _status in route.task_list():
        asked = route.questions(section)
        if asked:
            sections.append((section, [(q, _shown(q, answers, documents)) for q in asked]))
    return SubmittedCopy(
        reference=snapshot["reference"],
        submitted_at=datetime.fromisoformat(snapshot["submitted_at"]),
        submitted_by=snapshot["submitted_by"]["name"],
        questionnaire_title=snapshot["questionnaire"]["title"],
        questionnaire_version=snapshot["questionnaire"]["version"],
        organisation_name=snapshot["organisation"]["name"],
        organisation_details=[tuple(pair) for pair in snapshot["organisation"]["details"]],
        lot_names={lot["slug"]: lot["name"] for lot in snapshot["lots"]},
        sections=sections,
        staff_checks=snapshot.get("staff_checks", []),
    )
