"""Who may reach what. Every view carries exactly one of these decorators; the route-audit test
(tests/core/test_permissions.py) fails for an endpoint that has none.

What council staff may do is written once, in CAPABILITIES (capability -> roles). The route
decorator `requires(capability)`, the services' checks (`can`, `roles_that_may`) and the
navigation (the Jinja global `can("capability")`) all read it, so a page a role cannot open is
never linked for it (tests/pages/test_navigation.py crawls the links each role is shown).

Records are loaded through helpers that raise 404 for a record that is missing *or* belongs to
someone else, so ids cannot be probed. Core knows no domain: the signed-in user is read through
`is_staff`, `is_provider` and `is_admin`, and the organisation decorators load through the
`OrganisationAccess` the app factory gives `init_app`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.core.roles import ADMIN, COMMISSIONER, REVIEWER, STAFF_ROLES

# The session key set once a staff member has passed two-factor in this session.
TWO_FACTOR_PASSED = "two_factor_passed"

View = Callable[..., ResponseReturnValue]
V = TypeVar("V", bound=View)


@dataclass(frozen=True)
class Capability:
    """The staff roles that may do a thing. `hidden` pages answer a provider with 404, as if
    they did not exist (their ids name other organisations' records); others with 403."""

    roles: tuple[str, ...]
    hidden: bool = False


# Who may do what (DESIGN.md's people). Reviewers, the contracts and quality officers, decide
# applications, change admissions and check KPI returns; commissioners run competitions and
# raise escalations; admins may do anything, as cover, and alone manage staff and content.
CAPABILITIES: dict[str, Capability] = {
    # Every member of staff reads the providers on the framework, their documents and
    # registers, the competitions, the performance dashboard and its escalations.
    "read_providers": Capability(STAFF_ROLES, hidden=True),
    "see_documents_needing_attention": Capability(STAFF_ROLES),
    # Whose work it is to chase a provider's expired, infected or unscanned documents.
    "check_documents": Capability((REVIEWER, ADMIN)),
    "read_competitions": Capability(STAFF_ROLES, hidden=True),
    "sit_on_evaluation_panels": Capability(STAFF_ROLES),
    "read_performance": Capability(STAFF_ROLES, hidden=True),
    "review_applications": Capability((REVIEWER, ADMIN), hidden=True),
    "change_admissions": Capability((REVIEWER, ADMIN), hidden=True),
    "manage_competitions": Capability((COMMISSIONER, ADMIN), hidden=True),
    # They ask providers about a figure and lock a month once it is settled.
    "check_returns": Capability((REVIEWER, ADMIN), hidden=True),
    # Commissioners read the dashboard and raise escalations; reviewers run provider review
    # meetings: so both open, work and close them.
    "escalate": Capability((REVIEWER, COMMISSIONER, ADMIN), hidden=True),
    # Call-off contracts: every member of staff reads them and the spend reports;
    # commissioners make, vary and end them, approve or query statements, decide outcomes and
    # export approved statements to finance.
    "read_contracts": Capability(STAFF_ROLES, hidden=True),
    "manage_contracts": Capability((COMMISSIONER, ADMIN), hidden=True),
    "read_spend": Capability(STAFF_ROLES, hidden=True),
    "export_to_finance": Capability((COMMISSIONER, ADMIN), hidden=True),
    "manage_outcome_catalogue": Capability((ADMIN,)),
    # Quality: every member of staff reads a provider's visits, actions, meetings and risk;
    # reviewers (the quality officers) plan and record visits, publish findings, accept or
    # reopen actions, and schedule, hold and minute review meetings.
    "read_quality": Capability(STAFF_ROLES, hidden=True),
    "assure_quality": Capability((REVIEWER, ADMIN), hidden=True),
    # Capacity: every member of staff searches what providers publish.
    "search_capacity": Capability(STAFF_ROLES, hidden=True),
    # Referrals: commissioners (the council's referrers) record referrals and move them on;
    # every member of staff reads them and the time-to-place figures.
    "read_referrals": Capability(STAFF_ROLES, hidden=True),
    "manage_referrals": Capability((COMMISSIONER, ADMIN), hidden=True),
    "manage_staff": Capability((ADMIN,)),
    "manage_questionnaires": Capability((ADMIN,)),
    "manage_kpis": Capability((ADMIN,)),
    "manage_lots": Capability((ADMIN,)),
    # The framework's own rules (service levels, due days, four-eyes, the call-off method).
    "manage_settings": Capability((ADMIN,)),
    "read_development_mail": Capability((ADMIN,)),
    # Who did what, across the whole portal: the administrators'. A reviewer reads one
    # organisation's history from its record, as part of deciding about it.
    "read_audit_log": Capability((ADMIN,)),
    "read_organisation_history": Capability((REVIEWER, ADMIN), hidden=True),
    # Emails the outbox gave up on: someone must find out why and tell the person another way.
    "see_failed_emails": Capability((ADMIN,)),
    # Who is told: not a page but an email. New applications go to the reviewers (admins pick
    # one up when covering); escalations to those who work them day to day.
    "hear_of_new_applications": Capability((REVIEWER,)),
    "hear_of_escalations": Capability((REVIEWER, COMMISSIONER)),
    # Statements waiting for approval, and outcome evidence to decide.
    "hear_of_contract_work": Capability((COMMISSIONER,)),
    # A provider's risk rating changed, an action went overdue: the quality officers.
    "hear_of_quality_work": Capability((REVIEWER,)),
}


def roles_that_may(capability: str) -> tuple[str, ...]:
    """The roles CAPABILITIES gives `capability` (for a query such as `User.role.in_(...)`)."""
    return CAPABILITIES[capability].roles


def can(user: Any, capability: str) -> bool:
    """Whether `user` (signed in or not) may do `capability`."""
    return bool(user.is_authenticated) and user.role in CAPABILITIES[capability].roles


def current_user_can(capability: str) -> bool:
    """`can` for the signed-in person: the Jinja global `can("capability")`."""
    return can(current_user, capability)


@dataclass(frozen=True)
class OrganisationAccess:
    """How the organisation decorators load an organisation (the organisations domain's
    services, wired in by the app factory)."""

    # (organisation, membership) of the signed-in provider; raises a 404 for a non-member.
    for_member: Callable[[Any, int], tuple[Any, Any]]
    # Any organisation, for council staff; None when there is none with that id.
    for_staff: Callable[[int], Any]


def init_app(app: Flask, organisations: OrganisationAccess) -> None:
    app.extensions["portal.permissions"] = organisations


def _organisations() -> OrganisationAccess:
    access: OrganisationAccess = current_app.extensions["portal.permissions"]
    return access


def _mark(view: View, access: str) -> None:
    view.__dict__["access"] = access  # read by the route-audit test


def public(view: V) -> V:
    """Anyone, signed in or not."""
    _mark(view, "public")
    return view


def two_factor_passed() -> bool:
    if not current_user.is_authenticated or not current_user.is_staff:
        return True
    return bool(session.get(TWO_FACTOR_PASSED))


def _gate() -> ResponseReturnValue | None:
    """Send the visitor where they must go first: sign in, then (staff) two-factor."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    if not two_factor_passed():
        if current_user.totp_enabled_at is None:
            return redirect(url_for("accounts.two_factor_setup"))
        return redirect(url_for("accounts.two_factor"))
    return None


def _guarded(view: View, check: Callable[[], ResponseReturnValue | None], access: str) -> View:
    """`view` behind `check`, which answers in its place by returning a response (a redirect to
    sign in first) or raising (403, 404), and lets it run by returning None; marked `access`
    for the route-audit test. Every decorator here that takes no route argument is one."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        return check() or view(*args, **kwargs)

    _mark(wrapped, access)
    return wrapped


def requires_sign_in(view: View) -> View:
    """Any signed-in user; council staff only once they have passed two-factor."""
    return _guarded(view, _gate, "signed_in")


def _password_step_gate() -> ResponseReturnValue | None:
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    return None


def requires_password_step(view: View) -> View:
    """Signed in with a password, two-factor not yet passed: the two-factor pages only."""
    return _guarded(view, _password_step_gate, "password_step")


def _provider_gate() -> ResponseReturnValue | None:
    """`_gate`, then 403 for council staff: they have no provider pages, whatever the record."""
    gate = _gate()
    if gate:
        return gate
    if not current_user.is_provider:
        abort(403)
    return None


def requires_provider(view: View) -> View:
    """A provider user (council staff have no provider pages)."""
    return _guarded(view, _provider_gate, "provider")


def requires_org_role(*roles: str) -> Callable[[View], View]:
    """A member of the organisation named by `organisation_id` in the route, with one of
    `roles` (any membership when none given). The organisation is passed to the view as
    `organisation`; council staff get 403 (as on every provider page), a provider who is not a
    member 404 (so ids cannot be probed), a member without the role 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, organisation_id: int, **kwargs: Any) -> ResponseReturnValue:
            gate = _provider_gate()
            if gate:
                return gate
            organisation, membership = _organisations().for_member(current_user, organisation_id)
            if roles and membership.role not in roles:
                abort(403)
            g.membership = membership
            return view(*args, organisation=organisation, **kwargs)

        _mark(wrapped, "organisation_member")
        return wrapped

    return decorator


def requires_org_member_or_staff(view: View) -> View:
    """What the council may read of a provider: a member of the organisation named by
    `organisation_id` in the route (`g.membership` set), or council staff past two-factor
    (`g.membership` None). The organisation is passed to the view as `organisation`; a provider
    who is not a member gets 404, and so does anyone for an organisation that does not exist."""

    @wraps(view)
    def wrapped(*args: Any, organisation_id: int, **kwargs: Any) -> ResponseReturnValue:
        gate = _gate()
        if gate:
            return gate
        if can(current_user, "read_providers"):
            organisation, g.membership = _organisations().for_staff(organisation_id), None
            if organisation is None:
                abort(404)
        else:
            organisation, g.membership = _organisations().for_member(current_user, organisation_id)
        return view(*args, organisation=organisation, **kwargs)

    _mark(wrapped, "organisation_member_or_staff")
    return wrapped


def requires(capability: str) -> Callable[[View], View]:
    """Council staff whose role CAPABILITIES gives `capability`, once they have passed
    two-factor. Staff without it get 403; so do providers, or 404 for a hidden capability."""
    rule = CAPABILITIES[capability]

    def check() -> ResponseReturnValue | None:
        gate = _gate()
        if gate:
            return gate
        if rule.hidden and not current_user.is_staff:
            abort(404)
        if current_user.role not in rule.roles:
            abort(403)
        return None

    def decorator(view: View) -> View:
        return _guarded(view, check, "staff")

    return decorator


def requires_development(view: View) -> View:
    """Development tools (the mail viewer): 404 unless demo mode is on, and then for admins
    only. The mail viewer shows every email, password reset links included: a demo site is
    still on a network, and anyone who could read it could take any account."""
    return _guarded(view, _development_gate, "development")


def _development_gate() -> ResponseReturnValue | None:
    if not current_app.config["DEMO_MODE"]:
        abort(404)
    gate = _gate()
    if gate:
        return gate
    if not can(current_user, "read_development_mail"):
        abort(403)
    return None
