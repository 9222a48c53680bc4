"""The three decisions on an application in review: return for changes, approve per lot
(admitting the organisation to the lots approved; with four eyes, one reviewer proposes and
another confirms) and reject, each with its reasons, an audit event and an email to every member.

Deciding is guarded twice: the application row is locked (PostgreSQL) or the database written
to first (SQLite's BEGIN IMMEDIATE), and its lock_version must be the one the reviewer's page
showed; and a submission can have one decision only (a unique constraint). So when two
reviewers decide at once, one decision is recorded and the other is told whose it was."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.admissions import services as admissions
from portal.applications import services as applications
from portal.applications import snapshot as snapshots
from portal.applications.models import APPROVED, REJECTED, RETURNED, Application
from portal.audit.services import record_change
from portal.core.db import db
from portal.core.errors import NotFoundForUser
from portal.core.time import utcnow
from portal.lots.services import list_lots
from portal.outbox.services import queue_email
from portal.reviews import models as decision_kinds
from portal.reviews.models import Decision, Review
from portal.reviews.services import (
    AlreadyDecided,
    DecisionErrors,
    ReviewError,
    check_in_review,
    comments_on,
    decided_message,
    review_of,
    reviewers,
)
from portal.settings.services import framework_settings

REASON_MAX_LENGTH = 5000


# Built once, the application's id bound: the review page reads them on every view, with the
# names of who decided and recommended (their names alone: not their whole rows, secrets and all).
_DECISIONS = (
    select(Decision)
    .where(Decision.application_id == bindparam("application_id"))
    .order_by(Decision.id.desc())
    .options(
        joinedload(Decision.decided_by).load_only(User.full_name),
        joinedload(Decision.recommended_by).load_only(User.full_name),
    )
)


def decisions_of(application: Application) -> list[Decision]:
    """Every decision made on the application, newest first."""
    return list(db.session.scalars(_DECISIONS, {"application_id": application.id}))


def _lock_for_decision(application: Application, seen_lock_version: int | None) -> None:
    """Hold the application row until the request commits, read afresh, and refuse when it is
    no longer in review or has changed since the reviewer's page showed it."""
    applications.lock_application(application)
    check_in_review(application)
    if application.lock_version != seen_lock_version:
        raise AlreadyDecided(
            "This application has changed since you opened the page. Check it and try again"
        )


def _reason(reason: str | None, errors: dict[str, str], name: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors[name] = f"Enter {what}"
    elif len(reason) > REASON_MAX_LENGTH:
        errors[name] = (
            f"{what[0].upper()}{what[1:]} must be {REASON_MAX_LENGTH:,} characters or less"
        )
    return reason


def _record_decision(
    reviewer: User,
    application: Application,
    kind: str,
    reason: str,
    details: list[dict[str, Any]],
    recommended_by_id: int | None = None,
) -> Decision:
    submission = applications.latest_submission(application)
    decision = Decision(
        application_id=application.id,
        submission_id=submission.id,
        kind=kind,
        reason=reason,
        details=details,
        decided_by_id=reviewer.id,
        recommended_by_id=recommended_by_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(decision)
    except IntegrityError:
        db.session.refresh(application)
        raise AlreadyDecided(decided_message(application)) from None
    review = review_of(application)
    review.proposed_outcomes = review.proposed_reason = None
    review.proposed_by_id = review.proposed_at = None
    record_change(
        f"review.{kind}",
        application,
        reviewer,
        application.organisation_id,
        object_type="application",
        after={"reason": reason, "details": details, "recommended_by_id": recommended_by_id},
    )
    return decision


def check_return(reason: str | None) -> str:
    """The reason for a return, checked: raises DecisionErrors."""
    errors: dict[str, str] = {}
    reason = _reason(reason, errors, "reason", "what the provider needs to change")
    if errors:
        raise DecisionErrors(errors)
    return reason


def return_application(
    reviewer: User, application: Application, reason: str | None, seen_lock_version: int | None
) -> Decision:
    """Return the application for changes: the comments on it become visible to the provider,
    beside their questions. Raises DecisionErrors without a reason, AlreadyDecided when someone
    else decided first."""
    reason = check_return(reason)
    _lock_for_decision(application, seen_lock_version)
    decision = _record_decision(reviewer, application, decision_kinds.RETURNED, reason, [])
    now = utcnow()
    for comment in comments_on(applications.latest_submission(application)).values():
        comment.shared_at = now
    applications.transition(application, RETURNED, reviewer)
    applications.email_members(
        application, "Your application needs changes", "application_returned", decision=decision
    )
    db.session.flush()
    return decision


@dataclass(frozen=True)
class LotOutcome:
    slug: str
    admitted: bool | None  # None: not decided on the form
    reason: str


def applied_lots(application: Application) -> list[tuple[str, str]]:
    """(slug, name) of the lots the latest submission applied for."""
    submission = applications.latest_submission(application)
    return [(lot["slug"], lot["name"]) for lot in submission.snapshot["lots"]]


def check_approval(
    application: Application, outcomes: list[LotOutcome], reason: str | None
) -> tuple[list[dict[str, Any]], str]:
    """Check an approval: every lot applied for decided, each with a reason, at least one
    admitted, no other lot. Raises DecisionErrors."""
    errors: dict[str, str] = {}
    applied = dict(applied_lots(application))
    given = {outcome.slug: outcome for outcome in outcomes}
    for slug in given.keys() - applied.keys():
        errors[f"lot-{slug}"] = "This application did not apply for that lot"
    details = []
    for slug, name in applied.items():
        outcome = given.get(slug)
        if outcome is None or outcome.admitted is None:
            errors[f"lot-{slug}"] = f"Select whether to admit the provider to {name}"
            continue
        what = f"the reason for {'admitting to' if outcome.admitted else 'refusing'} {name}"
        lot_reason = _reason(outcome.reason, errors, f"lot-{slug}-reason", what)
        details.append(
            {"lot": slug, "name": name, "admitted": outcome.admitted, "reason": lot_reason}
        )
    if not errors and not any(item["admitted"] for item in details):
        errors["lots"] = "Admit the provider to at least one lot, or reject the application"
    reason = _reason(reason, errors, "reason", "the reason for the decision")
    if errors:
        raise DecisionErrors(errors)
    return details, reason


def four_eyes() -> bool:
    return framework_settings().four_eyes_approval


def approve(
    reviewer: User,
    application: Application,
    outcomes: list[LotOutcome],
    reason: str | None,
    seen_lock_version: int | None,
) -> Decision | None:
    """Approve the application for some or all of its lots (refusing the others, each with a
    reason) and admit the organisation to those approved. Under four-eyes approval this records
    the recommendation for a second reviewer instead, and returns None."""
    details, reason = check_approval(application, outcomes, reason)
    _lock_for_decision(application, seen_lock_version)
    if four_eyes():
        _propose(reviewer, application, details, reason)
        return None
    return _approve(reviewer, application, details, reason)


def _propose(reviewer: User, application: Application, details, reason: str) -> None:
    review = review_of(application)
    review.proposed_outcomes, review.proposed_reason = details, reason
    review.proposed_by_id, review.proposed_at = reviewer.id, utcnow()
    # Any other change to the application makes a confirming reviewer's page out of date.
    application.lock_version += 1
    record_change(
        "review.approval_recommended",
        application,
        reviewer,
        application.organisation_id,
        after={"reason": reason, "details": details},
        object_type="application",
    )
    for colleague in reviewers():
        if colleague.id not in (reviewer.id, review.opened_by_id):
            queue_email(
                colleague.email,
                f"An approval needs a second reviewer ({application.reference})",
                "approval_to_confirm",
                application=application,
                organisation=application.organisation,
                member=colleague,
                reviewer=reviewer,
            )
    db.session.flush()


def can_confirm(reviewer: User, review: Review) -> bool:
    """Four-eyes: the approver is neither the reviewer who recommended it nor the first to
    review it."""
    return review.proposed_outcomes is not None and reviewer.id not in (
        review.proposed_by_id,
        review.opened_by_id,
    )


def confirm_approval(
    reviewer: User, application: Application, seen_lock_version: int | None
) -> Decision:
    """Four-eyes: a second reviewer confirms the recommended approval."""
    _lock_for_decision(application, seen_lock_version)
    review = review_of(application)
    if review.proposed_outcomes is None:
        raise ReviewError("There is no approval waiting to be confirmed")
    if not can_confirm(reviewer, review):
        raise ReviewError(
            "A second reviewer must confirm this approval: you reviewed or recommended it"
        )
    return _approve(
        reviewer,
        application,
        review.proposed_outcomes,
        review.proposed_reason or "",
        recommended_by_id=review.proposed_by_id,
    )


def _approve(reviewer, application, details, reason, recommended_by_id=None) -> Decision:
    decision = _record_decision(
        reviewer, application, decision_kinds.APPROVED, reason, details, recommended_by_id
    )
    lots = {lot.slug: lot for lot in list_lots()}
    for item in details:
        if item["admitted"]:
            admissions.admit(
                reviewer, application.id, application.organisation_id, lots[item["lot"]]
            )
    applications.transition(application, APPROVED, reviewer)
    applications.email_members(
        application, "Decision on your application", "application_approved", decision=decision
    )
    db.session.flush()
    return decision


def rejection_areas(application: Application) -> list[tuple[str, str]]:
    """(section id, title) of the sections the latest submission answered: the areas a
    rejection gives reasons for."""
    submission = applications.latest_submission(application)
    return [
        (section.id, section.title)
        for section, _rows in snapshots.read(submission.snapshot).sections
    ]


def check_rejection(
    application: Application, area_reasons: dict[str, str], reason: str | None
) -> tuple[list[dict[str, Any]], str]:
    """A rejection's reasons, checked: at least one area, each reason within limits. Raises
    DecisionErrors."""
    errors: dict[str, str] = {}
    areas = dict(rejection_areas(application))
    details = []
    for area, text in area_reasons.items():
        text = (text or "").strip()
        if not text:
            continue
        if area not in areas:
            raise NotFoundForUser()
        details.append(
            {
                "area": area,
                "name": areas[area],
                "reason": _reason(text, errors, f"area-{area}", f"the reason for {areas[area]}"),
            }
        )
    if not details:
        errors["areas"] = "Give the reason for at least one area that did not meet the standard"
    reason = _reason(reason, errors, "reason", "the reason for the decision")
    if errors:
        raise DecisionErrors(errors)
    return details, reason


def reject(
    reviewer: User,
    application: Application,
    area_reasons: dict[str, str],
    reason: str | None,
    seen_lock_version: int | None,
) -> Decision:
    """Reject the application, with the reasons per area that failed (at least one) and how to
    reapply (in the email and on the provider's page)."""
    details, reason = check_rejection(application, area_reasons, reason)
    _lock_for_decision(application, seen_lock_version)
    decision = _record_decision(reviewer, application, decision_kinds.REJECTED, reason, details)
    applications.transition(application, REJECTED, reviewer)
    applications.email_members(
        application, "Decision on your application", "application_rejected", decision=decision
    )
    db.session.flush()
    return decision
