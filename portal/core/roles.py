"""The roles people have. Plain names, kept in core because the permission table
(portal/core/permissions.py) is written in them; a User's role is one of ROLES."""

from __future__ import annotations

PROVIDER = "provider"
REVIEWER = "reviewer"
COMMISSIONER = "commissioner"
ADMIN = "admin"
ROLES = (PROVIDER, REVIEWER, COMMISSIONER, ADMIN)
STAFF_ROLES = (REVIEWER, COMMISSIONER, ADMIN)
ROLE_LABELS = {
    PROVIDER: "Provider",
    REVIEWER: "Reviewer",
    COMMISSIONER: "Commissioner",
    ADMIN: "Administrator",
}
