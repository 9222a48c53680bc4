"""A provider's way into a section kept per organisation (documents, the DBS register, KPI
returns, capacity): straight to its own organisation's page, or a choice when it belongs to
several, or to adding one when it has none. One shape and one page for every such section."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.organisations.services import memberships_of


def into_own_organisation(
    endpoint: str, *, heading: str, lead: str, staff_to: str | None = None
) -> ResponseReturnValue:
    """Redirect to `endpoint` (which takes `organisation_id`) for the signed-in provider's one
    organisation; with several, a page choosing one (`heading`, and `lead` saying what for).
    Council staff, who belong to none, go to `staff_to`: the section's page for the council."""
    if staff_to is not None and current_user.is_staff:
        return redirect(url_for(staff_to))
    memberships = memberships_of(current_user)
    if not memberships:
        return redirect(url_for("organisations.create"))
    if len(memberships) == 1:
        return redirect(url_for(endpoint, organisation_id=memberships[0].organisation_id))
    return render_template(
        "organisations/choose.html",
        memberships=memberships,
        endpoint=endpoint,
        heading=heading,
        lead=lead,
    )
