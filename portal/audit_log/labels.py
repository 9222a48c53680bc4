"""The audit log in plain English: what each kind of event, record and field is called on the
audit pages and in their exports. Anything without a label here is shown by its stored name made
readable ("kpi_query.asked" as "Kpi query asked"), so a new event never breaks the page."""

from __future__ import annotations

import json
from typing import Any

# The kinds of record events are about (`object_type`), as the filter offers them.
OBJECT_TYPES = {
    "application": "Application",
    "admission": "Admission to a type of service",
    "competition": "Mini-competition or placement request",
    "quote": "Quote",
    "organisation": "Organisation",
    "organisation_invitation": "Invitation to an organisation",
    "document": "Document",
    "stored_file": "Stored file",
    "staff_check": "DBS register entry",
    "kpi_return": "KPI return",
    "kpi_query": "Question about a KPI return",
    "kpi_escalation": "Performance escalation",
    "kpi_month": "KPI month",
    "kpi": "KPI definition",
    "questionnaire_version": "Questionnaire version",
    "user": "Person's account",
    "staff_invitation": "Staff invitation",
    "audit_log": "Audit log",
    "visit": "Quality visit",
    "action": "Action in an action plan",
    "referral": "Referral",
    "meeting": "Provider review meeting",
    "capacity": "Capacity on a type of service",
}

ACTION_LABELS = {
    "account.registered": "Account registered",
    "account.email_verified": "Email address confirmed",
    "account.signed_in": "Signed in",
    "account.signed_out": "Signed out",
    "account.locked": "Account locked after wrong passwords",
    "account.two_factor_enabled": "Two-factor authentication set up",
    "account.recovery_code_used": "Recovery code used",
    "application.started": "Application started",
    "application.submitted": "Application submitted",
    "application.in_review": "Application review started",
    "application.returned": "Application returned to the provider",
    "application.approved": "Application approved",
    "application.rejected": "Application rejected",
    "application.withdrawn": "Application withdrawn",
    "application.moved_to_new_version": "Application moved to a new questionnaire version",
    "review.approved": "Approval decision recorded",
    "review.returned": "Return decision recorded",
    "review.rejected": "Rejection decision recorded",
    "review.assigned": "Reviewer assigned",
    "review.comment_saved": "Review comment saved",
    "review.note_saved": "Review note saved",
    "review.approval_recommended": "Approval recommended (four eyes)",
    "admission.admitted": "Admitted to the framework",
    "organisation.created": "Organisation created",
    "organisation.updated": "Organisation details changed",
    "organisation.member_invited": "Member invited",
    "organisation.member_joined": "Member joined",
    "organisation.member_removed": "Member removed",
    "organisation.owner_added": "Owner added",
    "organisation.invitation_cancelled": "Invitation cancelled",
    "staff.invited": "Staff member invited",
    "staff.joined": "Staff member joined",
    "staff.role_changed": "Staff role changed",
    "staff.deactivated": "Staff account deactivated",
    "staff.reactivated": "Staff account reactivated",
    "staff.two_factor_reset": "Staff two-factor reset",
    "audit.viewed": "Audit log read",
    "audit.exported": "Audit log exported",
    "audit.organisation_history_viewed": "Organisation history read",
    "visit.planned": "Quality visit planned",
    "visit.recorded": "Quality visit recorded",
    "visit.published": "Quality visit findings published",
    "action.added": "Action added to an action plan",
    "action.done": "Action marked done by the provider",
    "action.closed": "Action accepted and closed",
    "action.reopened": "Action reopened",
    "action.overdue_emailed": "Overdue action emailed",
    "referral.recorded": "Referral recorded",
    "referral.updated": "Referral details changed",
    "referral.received": "Referral waiting for a match again",
    "referral.matched": "Referral matched",
    "referral.offered": "Referral offered to a provider",
    "referral.started": "Referral's placement started",
    "referral.closed": "Referral closed",
    "risk.changed": "Risk rating changed",
    "meeting.scheduled": "Review meeting scheduled",
    "meeting.agenda_added": "Added to a review meeting's agenda",
    "meeting.held": "Review meeting minutes published",
    "meeting.commented": "Comment on a review meeting",
    "capacity.published": "Capacity published",
    "capacity.updated": "Capacity changed",
    "capacity.confirmed": "Capacity confirmed as still right",
}

FIELD_LABELS = {
    "status": "Status",
    "reason": "Reason",
    "details": "Details",
    "role": "Role",
    "email": "Email address",
    "full_name": "Name",
    "legal_name": "Legal name",
    "trading_name": "Trading name",
    "recommended_by_id": "Recommended by (account number)",
    "reviewer_id": "Reviewer (account number)",
    "lot": "Type of service",
    "lots": "Types of service",
    "title": "Title",
    "filename": "File name",
    "version": "Version",
    "expires_on": "Expiry date",
    "deadline": "Deadline",
    "filters": "Filters",
    "format": "File format",
    "page": "Page",
}

# How a stored status or other code value reads in a difference.
VALUE_LABELS = {
    "draft": "Draft",
    "submitted": "Submitted",
    "in_review": "In review",
    "returned": "Returned",
    "approved": "Approved",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}


def _readable(name: str) -> str:
    words = name.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or _readable(action)


def object_type_label(object_type: str) -> str:
    return OBJECT_TYPES.get(object_type) or _readable(object_type)


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or _readable(name)


def value_text(value: Any) -> str:
    """A stored value as a person reads it: nothing as "(none)", yes/no for true/false, a code
    by its label, a list or a structure as compact JSON."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value)
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
