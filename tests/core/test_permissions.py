"""Who may reach what, for every route in the app.

The route audit checks the shape of each route: a permission decorator on its view, a kebab-case
path, typed ids. The permission matrix states, for every route and method, what each kind of
visitor gets when they ask for organisation A's pages: it is the access rules written down.
A route missing from the matrix fails the test, so a new page cannot go live without saying
who may see it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts import tokens
from portal.accounts.models import ADMIN, REVIEWER
from portal.applications.models import Application, ApplicationSection
from portal.capacity import services as capacity
from portal.contracts.models import Contract, Delivery, FinanceExport, Statement
from portal.core.db import db
from portal.core.extensions import object_store
from portal.core.time import today, utcnow
from portal.documents.models import Document, DocumentVersion, StoredFile
from portal.kpi_returns import months
from portal.kpi_returns.definitions import ensure_starting_kpis
from portal.kpi_returns.models import KpiEscalation, KpiQuery
from portal.lots.models import Lot
from portal.organisations.models import MEMBER, Membership, OrganisationInvitation
from portal.quality.models import Meeting
from portal.questionnaires import services as questionnaires
from portal.staff_checks.models import StaffCheck
from tests.competitions import helpers as competitions
from tests.conftest import signed_in
from tests.contracts import contract_pages
from tests.contracts import outcome_helpers as outcomes
from tests.kpi_returns.helpers import record_return
from tests.quality import helpers as quality
from tests.support import factories, snapshots
from tests.support.queries import counting_queries

# Routes whose view needs no permission decorator, and why.
NO_DECORATOR_NEEDED = {
    "static": "Flask's own route for the built CSS, JavaScript and images",
}

# An argument in a path: <name> or <converter:name> (or <converter(options):name>).
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
KEBAB_CASE_WORDS = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _rules(app):
    """Our routes: Flask's static route is the framework's, with a path of its own making."""
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in NO_DECORATOR_NEEDED]


def _without_decorator(app) -> list[str]:
    return [
        rule.endpoint
        for rule in _rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "access")
    ]


def _not_kebab_case(app) -> list[str]:
    wrong = []
    for rule in _rules(app):
        parts = ARGUMENT.sub("x", rule.rule).strip("/").split("/")
        if not all(KEBAB_CASE_WORDS.fullmatch(part) for part in parts if part):
            wrong.append(f"{rule.endpoint} ({rule.rule})")
    return wrong


def _untyped_ids(app) -> list[str]:
    wrong = []
    for rule in _rules(app):
        for argument in ARGUMENT.finditer(rule.rule):
            converter, name = argument["converter"] or "string", argument["name"]
            is_id = name == "id" or name.endswith("_id")
            if (is_id and converter != "int") or (converter == "string" and name != "token"):
                wrong.append(f"{rule.endpoint} ({rule.rule}): {argument[0]}")
    return wrong


def test_every_view_carries_a_permission_decorator(app):
    assert not _without_decorator(app), (
        "These views have no decorator from portal/core/permissions.py: "
        f"{sorted(_without_decorator(app))}"
    )


def test_every_path_is_kebab_case(app):
    assert not _not_kebab_case(app), (
        f"Paths must be lower-case words joined by hyphens: {_not_kebab_case(app)}"
    )


def test_every_id_in_a_path_is_typed(app):
    """Ids are <int:...>, so /organisations/abc is a plain 404 before any view runs; an untyped
    string is for the random token in an emailed link and nothing else."""
    assert not _untyped_ids(app), (
        f"Use <int:...> for ids and <token> only for emailed links: {_untyped_ids(app)}"
    )


def test_the_audit_finds_a_badly_made_route():
    """The three checks above pass on our app; here they are shown to catch what they are for."""
    bad = Flask(__name__)

    @bad.route("/Staff_Members/<member_id>/<name>")
    def undecorated(member_id, name):
        return ""

    assert _without_decorator(bad) == ["undecorated"]
    assert _not_kebab_case(bad) == ["undecorated (/Staff_Members/<member_id>/<name>)"]
    assert _untyped_ids(bad) == [
        "undecorated (/Staff_Members/<member_id>/<name>): <member_id>",
        "undecorated (/Staff_Members/<member_id>/<name>): <name>",
    ]


# The permission matrix -----------------------------------------------------------------------

# Who asks. Organisation A is the one whose ids fill the URLs; its owner is provider_a and
# member_a belongs to it without owning it. provider_b owns organisation B. The staff have
# passed two-factor, except staff_before_two_factor: an admin who has signed in with a password
# and not yet given a code.
ROLES = (
    "anonymous",
    "provider_a",
    "member_a",
    "provider_b",
    "reviewer",
    "commissioner",
    "admin",
    "staff_before_two_factor",
)

# The order the requests are made in: those a rule lets through go last, so what their POST
# changes (a member leaving, an invitation cancelled) cannot change what the others get.
REQUEST_ORDER = (
    "anonymous",
    "provider_b",
    "reviewer",
    "commissioner",
    "staff_before_two_factor",
    "admin",
    "member_a",
    "provider_a",
)

# What each asker gets: a status code, or for a redirect the path it sends them to (with the
# URL's values filled in, the query string ignored).
SIGN_IN = "/sign-in"
TWO_FACTOR = "/two-factor"
HOME = "/home"
STAFF = "/admin/staff"
LOTS = "/admin/lots"
OUTCOME_CATALOGUE = "/admin/outcomes"
ORGANISATION_A = "/organisations/{organisation_id}"
APPLICATION_A = "/applications/{application_id}"
DOCUMENTS_A = "/documents/organisations/{organisation_id}"
DOCUMENTS_B = "/documents/organisations/{organisation_b_id}"
ATTENTION = "/documents/attention"
DOWNLOAD = "{download_path}"
REGISTER_A = "/staff-checks/organisations/{organisation_id}"
REGISTER_B = "/staff-checks/organisations/{organisation_b_id}"
COPY_DOWNLOAD = "{copy_download_path}"
RETURNS_A = "/kpi-returns/organisations/{organisation_id}"
RETURNS_B = "/kpi-returns/organisations/{organisation_b_id}"
DASHBOARD = "/kpi-returns/dashboard"
PROVIDER_A = "/reviews/providers/{organisation_id}"
COMPETITION = "/competitions/{competition_id}"
QUOTE = "/competitions/{competition_id}/quote"
QUOTE_DOWNLOAD = "{quote_download_path}"
COMPETITION_FILE = "{competition_file_path}"
DELIVERY_A = (
    "/contracts/organisations/{organisation_id}/contracts/{contract_id}/delivery/{year}/{month}"
)
STATEMENT_A = "/contracts/organisations/{organisation_id}/statements/{statement_id}"
CAPACITY_A = "/capacity/organisations/{organisation_id}"
CAPACITY_B = "/capacity/organisations/{organisation_b_id}"
CAPACITY_SEARCH = "/capacity/search"

# fmt: off
MATRIX: dict[tuple[str, str], dict[str, int | str]] = {
    # Public pages: the same for everyone.
    ("pages.start", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("pages.accessibility", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("pages.privacy", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("pages.cookies", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("pages.healthz", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.register", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.register", "POST"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.check_email", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.resend_verification", "POST"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.signed_out", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.forgotten_password", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.forgotten_password", "POST"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.password_reset_done", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    # Signing in and out. Anyone already signed in is sent on from the sign-in page; the POST
    # with nothing in it shows the form's errors to anyone.
    ("accounts.sign_in", "GET"): {
        "anonymous": 200, "provider_a": HOME, "member_a": HOME, "provider_b": HOME,
        "reviewer": HOME, "commissioner": HOME, "admin": HOME, "staff_before_two_factor": HOME,
    },
    ("accounts.sign_in", "POST"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("accounts.sign_out", "POST"): {
        "anonymous": "/signed-out", "provider_a": "/signed-out", "member_a": "/signed-out",
        "provider_b": "/signed-out", "reviewer": "/signed-out", "commissioner": "/signed-out",
        "admin": "/signed-out", "staff_before_two_factor": "/signed-out",
    },
    # Emailed links: a made-up token is a link problem page, whoever follows it.
    ("accounts.verify_email", "GET"): {
        "anonymous": 400, "provider_a": 400, "member_a": 400, "provider_b": 400,
        "reviewer": 400, "commissioner": 400, "admin": 400, "staff_before_two_factor": 400,
    },
    ("accounts.reset_password", "GET"): {
        "anonymous": 400, "provider_a": 400, "member_a": 400, "provider_b": 400,
        "reviewer": 400, "commissioner": 400, "admin": 400, "staff_before_two_factor": 400,
    },
    ("accounts.reset_password", "POST"): {
        "anonymous": 400, "provider_a": 400, "member_a": 400, "provider_b": 400,
        "reviewer": 400, "commissioner": 400, "admin": 400, "staff_before_two_factor": 400,
    },
    ("accounts.accept_staff_invitation", "GET"): {
        "anonymous": 400, "provider_a": 400, "member_a": 400, "provider_b": 400,
        "reviewer": 400, "commissioner": 400, "admin": 400, "staff_before_two_factor": 400,
    },
    ("accounts.accept_staff_invitation", "POST"): {
        "anonymous": 400, "provider_a": 400, "member_a": 400, "provider_b": 400,
        "reviewer": 400, "commissioner": 400, "admin": 400, "staff_before_two_factor": 400,
    },
    ("organisations.accept_invitation", "GET"): {
        "anonymous": 400, "provider_a": 400, "member_a": 400, "provider_b": 400,
        "reviewer": 400, "commissioner": 400, "admin": 400, "staff_before_two_factor": 400,
    },
    ("organisations.accept_invitation", "POST"): {
        "anonymous": 400, "provider_a": 400, "member_a": 400, "provider_b": 400,
        "reviewer": 400, "commissioner": 400, "admin": 400, "staff_before_two_factor": 400,
    },
    # Anyone signed in; staff once they have passed two-factor.
    ("pages.home", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("accounts.account", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("accounts.change_password", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("accounts.change_password", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # Recovery codes are shown once, straight after setting up two-factor; otherwise the page
    # sends you to your account.
    ("accounts.recovery_codes", "GET"): {
        "anonymous": SIGN_IN, "provider_a": "/account", "member_a": "/account",
        "provider_b": "/account", "reviewer": "/account", "commissioner": "/account",
        "admin": "/account", "staff_before_two_factor": TWO_FACTOR,
    },
    # The two-factor pages are for staff between their password and their code; everyone else
    # signed in is sent on.
    ("accounts.two_factor", "GET"): {
        "anonymous": SIGN_IN, "provider_a": HOME, "member_a": HOME, "provider_b": HOME,
        "reviewer": HOME, "commissioner": HOME, "admin": HOME, "staff_before_two_factor": 200,
    },
    ("accounts.two_factor", "POST"): {
        "anonymous": SIGN_IN, "provider_a": HOME, "member_a": HOME, "provider_b": HOME,
        "reviewer": HOME, "commissioner": HOME, "admin": HOME, "staff_before_two_factor": 200,
    },
    # Setting up two-factor is for staff who have not yet: everyone here either has or is not
    # staff, so it sends them to the two-factor page (which sends on those who have passed).
    ("accounts.two_factor_setup", "GET"): {
        "anonymous": SIGN_IN, "provider_a": TWO_FACTOR, "member_a": TWO_FACTOR,
        "provider_b": TWO_FACTOR, "reviewer": TWO_FACTOR, "commissioner": TWO_FACTOR,
        "admin": TWO_FACTOR, "staff_before_two_factor": TWO_FACTOR,
    },
    ("accounts.two_factor_setup", "POST"): {
        "anonymous": SIGN_IN, "provider_a": TWO_FACTOR, "member_a": TWO_FACTOR,
        "provider_b": TWO_FACTOR, "reviewer": TWO_FACTOR, "commissioner": TWO_FACTOR,
        "admin": TWO_FACTOR, "staff_before_two_factor": TWO_FACTOR,
    },
    # Provider pages: council staff have no business here.
    ("organisations.create", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.create", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    # Organisation A's pages: its members; another organisation's provider gets 404 so ids
    # cannot be probed; the owner's pages are 403 to a member who is not an owner.
    ("organisations.show", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.leave", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    # The member leaves; the owner is the only owner, so is told they cannot.
    ("organisations.leave", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": HOME, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.edit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 403, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.edit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 403, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.invite", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 403, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.invite", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 403, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.cancel_invitation", "POST"): {
        "anonymous": SIGN_IN, "provider_a": ORGANISATION_A, "member_a": 403, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.remove_member", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 403, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.remove_member", "POST"): {
        "anonymous": SIGN_IN, "provider_a": ORGANISATION_A, "member_a": 403, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("organisations.make_owner", "POST"): {
        "anonymous": SIGN_IN, "provider_a": ORGANISATION_A, "member_a": 403, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    # Admin pages: admins who have passed two-factor, nobody else.
    ("admin.staff", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.invite_staff", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.invite_staff", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.change_role", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.change_role", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # The audit log and its exports: admins only.
    ("audit.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("audit.export", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("audit.export_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # Deactivating, reactivating and resetting two-factor: the reviewer's account, by an admin.
    ("admin.deactivate_staff", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.deactivate_staff", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": STAFF, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.reactivate_staff", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.reactivate_staff", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": STAFF, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.reset_two_factor", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.reset_two_factor", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": STAFF, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.list_versions", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.show_version", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.publish", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # Publishing asks for nothing but the button, so the admin's empty form publishes.
    ("admin.publish", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": "/admin/questionnaires",
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Uploading a version: the admin's empty form is told to select a file.
    ("admin.upload", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.upload", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # Lots (the lot is organisation A's, which has an admission to it). The admin's empty forms:
    # a name is missing; a move with no direction, reopening an open lot and deleting one with
    # an admission are each refused with a message on the list; closing closes it.
    ("lots.list_lots", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.add", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.add", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.change", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.change", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.move", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": LOTS, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.close", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.close", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": LOTS, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.reopen", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.reopen", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": LOTS, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.delete", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("lots.delete", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": LOTS, "staff_before_two_factor": TWO_FACTOR,
    },
    # Framework settings: the admin's empty form is refused (it names no settings it was shown).
    ("settings.edit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("settings.edit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # The application journey: every member of organisation A; another organisation's provider
    # gets 404. Organisation A has an application open (a draft with one referee), so starting
    # another leads to it.
    ("applications.start", "GET"): {
        "anonymous": SIGN_IN, "provider_a": APPLICATION_A, "member_a": APPLICATION_A,
        "provider_b": 404, "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.start", "POST"): {
        "anonymous": SIGN_IN, "provider_a": APPLICATION_A, "member_a": APPLICATION_A,
        "provider_b": 404, "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.show", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.question", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.add_item", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.change_item", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.remove_item", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.check_section", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.check_application", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.submit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.withdraw", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    # Nothing has been submitted yet: these lead back to the application.
    ("applications.confirmation", "GET"): {
        "anonymous": SIGN_IN, "provider_a": APPLICATION_A, "member_a": APPLICATION_A,
        "provider_b": 404, "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.submitted_answers", "GET"): {
        "anonymous": SIGN_IN, "provider_a": APPLICATION_A, "member_a": APPLICATION_A,
        "provider_b": 404, "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.download", "GET"): {
        "anonymous": SIGN_IN, "provider_a": APPLICATION_A, "member_a": APPLICATION_A,
        "provider_b": 404, "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # An empty form: the page again, saying what is missing (or that the section has moved on).
    ("applications.question", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.add_item", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.change_item", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.remove_item", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.check_section", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    # Without the version of the application the page was opened on, nothing is submitted.
    ("applications.submit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": APPLICATION_A, "member_a": APPLICATION_A,
        "provider_b": 404, "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The member withdraws the draft; the owner is then told it has been withdrawn already.
    ("applications.withdraw", "POST"): {
        "anonymous": SIGN_IN, "provider_a": APPLICATION_A, "member_a": APPLICATION_A,
        "provider_b": 404, "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("applications.move_to_new_version", "POST"): {
        "anonymous": SIGN_IN, "provider_a": APPLICATION_A, "member_a": APPLICATION_A,
        "provider_b": 404, "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Documents: members of organisation A may change them; council staff may read and download
    # (downloads go to the store's presigned link); another organisation's provider gets 404.
    ("documents.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": DOCUMENTS_A, "member_a": DOCUMENTS_A,
        "provider_b": DOCUMENTS_B,
        "reviewer": ATTENTION, "commissioner": ATTENTION, "admin": ATTENTION,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("documents.attention", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("documents.library", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("documents.show", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("documents.download", "GET"): {
        "anonymous": SIGN_IN, "provider_a": DOWNLOAD, "member_a": DOWNLOAD, "provider_b": 404,
        "reviewer": DOWNLOAD, "commissioner": DOWNLOAD, "admin": DOWNLOAD,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Without ?kind= the upload page asks what kind of document it is, whatever is posted.
    ("documents.upload", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("documents.upload", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # An empty form: the page again, saying what is missing.
    ("documents.replace", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("documents.replace", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("documents.delete", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The member deletes the document (asked first), so for its owner it is gone.
    ("documents.delete", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": DOCUMENTS_A, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The DBS staff register: the same rules as documents.
    ("staff_checks.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": REGISTER_A, "member_a": REGISTER_A,
        "provider_b": REGISTER_B,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.import_template", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.register", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.export", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.export_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The whole certificate number is for council staff, to check the Update Service.
    ("staff_checks.certificate_number", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.download_copy", "GET"): {
        "anonymous": SIGN_IN, "provider_a": COPY_DOWNLOAD, "member_a": COPY_DOWNLOAD,
        "provider_b": 404,
        "reviewer": COPY_DOWNLOAD, "commissioner": COPY_DOWNLOAD, "admin": COPY_DOWNLOAD,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.add", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.add", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.edit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.edit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.upload_copy", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.upload_copy", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.import_register", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.import_register", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("staff_checks.delete", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The member removes the person (asked first), so for the owner they are gone.
    ("staff_checks.delete", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": REGISTER_A, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The reviewers' pages: reviewers and admins; a provider gets 404 as if they did not exist,
    # a commissioner 403. Application A is a draft, which the council never sees: 404 for all
    # (tests/reviews/test_access.py asks for a submitted one).
    ("reviews.queue", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.show", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.start", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.assign", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.comment", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.comment", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.note", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.note", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.return_application", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.return_application", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.approve", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.approve", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.reject", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.reject", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.confirm_approval", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 403, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The public list of providers and how call-offs are made: the same for everyone.
    ("admissions.providers", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    ("admissions.how_call_offs_are_made", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    # The reviewers' list of providers: all council staff read it; providers get 404.
    ("reviews.reviewer_providers", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.export_providers", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.export_providers_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.provider", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # One organisation's history from the audit log: reviewers (and admins) read it; providers
    # are told nothing exists, as on every reviewers' page.
    ("audit.organisation_history", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Changing an admission: reviewers and admins; commissioners 403, providers 404. Organisation
    # A is on the framework for mentoring, so there is nothing to reinstate (back to its page),
    # and an empty form is the page again asking for a reason.
    ("reviews.suspend", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.suspend", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.reinstate", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": PROVIDER_A, "commissioner": 403, "admin": PROVIDER_A,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.reinstate", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": PROVIDER_A, "commissioner": 403, "admin": PROVIDER_A,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.remove", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("reviews.remove", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Competitions: the list and a competition's page, for both sides. Organisation A was
    # invited; B was not (404).
    ("competitions.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.show", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Open data: public, for a published competition.
    ("competitions.release_package", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": 200,
    },
    ("competitions.record_package", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": 200,
    },
    # Drafting: commissioners and admins; the competition is published, so its draft pages
    # are gone (404).
    ("competitions.create", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.create", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.edit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.edit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.add_question", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.add_question", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.publish", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.publish", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.remove_question", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": COMPETITION, "admin": COMPETITION,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.confirm_award", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": COMPETITION, "admin": COMPETITION,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The council's files: attached and removed on a draft only (this one is published).
    ("competitions.attach", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.attach", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.remove_attachment", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": COMPETITION, "admin": COMPETITION,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # ...and read by council staff and the invited organisation (B was not invited).
    ("competitions.attachment", "GET"): {
        "anonymous": SIGN_IN, "provider_a": COMPETITION_FILE, "member_a": COMPETITION_FILE,
        "provider_b": 404,
        "reviewer": COMPETITION_FILE, "commissioner": COMPETITION_FILE, "admin": COMPETITION_FILE,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.evaluators", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.evaluators", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.cancel", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.cancel", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.extend_deadline", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.extend_deadline", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.answer", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.answer", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Who was invited: all council staff read it.
    ("competitions.invitees", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Sealed quotes: before the deadline every page with a quote is 404 to everyone at the
    # council.
    ("competitions.declaration", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.declaration", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.evaluation", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.council_download", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.submit_scores", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.close_moderation", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.score", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.score", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.moderate", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.moderate", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.results", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.award", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.award", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Providers: the invited organisation's members; council staff 403 (no provider pages).
    # An empty form is the page again with its errors.
    ("competitions.ask", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.ask", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.quote", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.upload", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.submit_quote", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.submit_quote", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.withdraw", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.withdraw", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.decline", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.decline", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Saving the quote (nothing in it yet) and removing its file go back to the quote.
    ("competitions.quote", "POST"): {
        "anonymous": SIGN_IN, "provider_a": QUOTE, "member_a": QUOTE, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.remove_file", "POST"): {
        "anonymous": SIGN_IN, "provider_a": QUOTE, "member_a": QUOTE, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("competitions.provider_download", "GET"): {
        "anonymous": SIGN_IN, "provider_a": QUOTE_DOWNLOAD, "member_a": QUOTE_DOWNLOAD,
        "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # An assessment summary exists only once the competition is awarded.
    ("competitions.assessment", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Contracts: the list for both sides; organisation A's active contract, which B cannot
    # see (404). Its open data is public.
    ("contracts.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.show", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.release_package", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": 200,
    },
    # Accepting is the provider's; this one is active already, so the page says so.
    ("contracts.accept", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The commissioners' pages. The contract is active: it has nothing to complete or accept
    # (404), and a variation's page needs the kind of variation in its query (404 without).
    ("contracts.new", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.new", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.complete", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.complete", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.record_acceptance", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.record_acceptance", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.terminate", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.terminate", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.vary", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.vary", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 404, "admin": 404,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # KPI returns. Anyone signed in is sent where their returns are: a provider to their
    # organisation's, staff to the dashboard.
    ("kpi_returns.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": RETURNS_A, "member_a": RETURNS_A,
        "provider_b": RETURNS_B, "reviewer": DASHBOARD, "commissioner": DASHBOARD,
        "admin": DASHBOARD, "staff_before_two_factor": TWO_FACTOR,
    },
    # Organisation A's returns: its members; B's provider 404; council staff have the dashboard.
    # A POST without values shows the form again (the month's return is already submitted).
    ("kpi_returns.overview", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.show_return", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.show_return", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.amend", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.amend", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.csv_template", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.upload", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.upload", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.answer", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.answer", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.performance", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    # The council's performance pages: every member of staff reads them; providers get 404. A
    # POST without values shows the form again with its errors. Checking returns (asking a
    # question, locking a month) is the reviewers' (and admins'); commissioners read and
    # escalate. Opening, working and closing an escalation: reviewers, commissioners, admins.
    ("kpi_returns.dashboard", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.export_returns", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.export_returns_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.provider", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.provider_summary", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.export_provider_summary", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.export_provider_summary_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.lot", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.lot_summary", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.export_lot_summary", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.export_lot_summary_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.staff_return", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.ask", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.ask", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.lock_month", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.lock_month", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.escalate", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.escalate", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.escalation_list", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.escalation", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.record_action", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.record_action", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.close", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("kpi_returns.close", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # KPI definitions: admins only.
    ("admin.kpis", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.kpi", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.new_kpi", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.new_kpi", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.change_kpi", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("admin.change_kpi", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # A contract's outcomes (organisation A's contract; its one outcome has evidence waiting).
    # The page: both sides. Naming and deciding: commissioners (and admins); the empty forms
    # are refused on the page. Evidence: the provider's members; the empty form is refused.
    ("contracts.outcomes", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.name_outcomes", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.name_outcomes", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.give_evidence", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.give_evidence", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.decide_outcome", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.decide_outcome", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # The outcome catalogue: admins only. The empty forms are refused on the page (adding,
    # changing, offering again an outcome still offered) or on the list (a move with no
    # direction); retiring retires it.
    ("outcome_catalogue.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.add", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.add", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.change", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.change", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.retire", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.retire", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": OUTCOME_CATALOGUE,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.reinstate", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.reinstate", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("outcome_catalogue.move", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 403, "member_a": 403, "provider_b": 403,
        "reviewer": 403, "commissioner": 403, "admin": OUTCOME_CATALOGUE,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # The development mail viewer does not exist unless demo mode is on.
    ("outbox.index", "GET"): {
        "anonymous": 404, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 404, "commissioner": 404, "admin": 404, "staff_before_two_factor": 404,
    },
    # Monthly delivery and statements (a contract of organisation A's, its month's delivery
    # submitted, the statement waiting). A POST of the month's delivery, once submitted, goes
    # back to the month's page; the approval, from a page without its version, goes back to the
    # statement. Every member of staff reads statements; commissioners approve, query and export.
    ("contracts.delivery_month", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.delivery_month", "POST"): {
        "anonymous": SIGN_IN, "provider_a": DELIVERY_A, "member_a": DELIVERY_A, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.provider_statements", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.statement", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.approve_statement", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": STATEMENT_A, "admin": STATEMENT_A,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.query_statement", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.query_statement", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.statements_list", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # With nothing approved, an export is refused on the page.
    ("contracts.finance_export_list", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.finance_export_list", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.download_finance_export", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # The spend and value-for-money reports: every member of staff (read_spend).
    ("contracts.report", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.report_providers", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.report_benchmarks", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.export_report", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("contracts.export_report_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    # Quality visits and action plans (organisation A on the framework, with a published visit
    # and its one open action). /quality: both sides, each its own. Planning, recording, adding
    # actions, publishing, accepting and reopening: quality officers (reviewers and admins);
    # the empty forms are refused on the page, the buttons go back to the record. A visit and
    # an action: the council and A's members. Answering an action: A's members.
    ("quality.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.choose_provider", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.plan_visit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.plan_visit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.show_visit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.record_visit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.record_visit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.add_finding_action", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.add_finding_action", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.publish_findings", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": "/quality/visits/{visit_id}", "commissioner": 403,
        "admin": "/quality/visits/{visit_id}", "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.show_action", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.respond_to_action", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.respond_to_action", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.accept_action", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": "/quality/actions/{action_id}", "commissioner": 403,
        "admin": "/quality/actions/{action_id}", "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.reopen_action", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.reopen_action", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    # Referrals: every member of staff reads them and the time to place; commissioners (and
    # admins) record, change and close them. Providers are told there is no such page. An empty
    # POST shows the form's errors. The page about the pathway is public.
    ("referrals.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.show", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.dashboard", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.export_dashboard", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.export_dashboard_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.new", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.new", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.edit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.edit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.close", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.close", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 403, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("referrals.how_it_works", "GET"): {
        "anonymous": 200, "provider_a": 200, "member_a": 200, "provider_b": 200,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": 200,
    },
    # Review meetings and risk: every member of staff reads them, the quality officers
    # (reviewers) schedule, add to the agenda, minute and agree actions; organisation A's
    # meeting is scheduled, so its POSTs (empty) show the form's errors again. Its members read
    # it and comment; B gets 404.
    ("quality.meetings_calendar", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.risk_rule", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.schedule_meeting", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.schedule_meeting", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.add_to_agenda", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.add_to_agenda", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.record_minutes", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.record_minutes", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.agree_action", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.agree_action", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.meeting", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.meeting", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 200, "commissioner": 403, "admin": 200,
        "staff_before_two_factor": TWO_FACTOR,
    },
    ("quality.provider_meetings", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    # Capacity: a provider's own, per lot it is admitted to (organisation A is on mentoring);
    # the council's search. An empty POST of the form shows its errors; the confirmation goes
    # back to the capacity page.
    ("capacity.index", "GET"): {
        "anonymous": SIGN_IN, "provider_a": CAPACITY_A, "member_a": CAPACITY_A,
        "provider_b": CAPACITY_B, "reviewer": CAPACITY_SEARCH, "commissioner": CAPACITY_SEARCH,
        "admin": CAPACITY_SEARCH, "staff_before_two_factor": TWO_FACTOR,
    },
    ("capacity.overview", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("capacity.edit", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("capacity.edit", "POST"): {
        "anonymous": SIGN_IN, "provider_a": 200, "member_a": 200, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("capacity.confirm", "POST"): {
        "anonymous": SIGN_IN, "provider_a": CAPACITY_A, "member_a": CAPACITY_A, "provider_b": 404,
        "reviewer": 403, "commissioner": 403, "admin": 403, "staff_before_two_factor": TWO_FACTOR,
    },
    ("capacity.export_search", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("capacity.export_search_xlsx", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
    ("capacity.search", "GET"): {
        "anonymous": SIGN_IN, "provider_a": 404, "member_a": 404, "provider_b": 404,
        "reviewer": 200, "commissioner": 200, "admin": 200, "staff_before_two_factor": TWO_FACTOR,
    },
}
# fmt: on

DUMMY_TOKEN = "not-a-real-token"
QUESTIONNAIRE = Path(questionnaires.__file__).parent / "content" / "v1.yaml"


def _routes(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) a visitor can ask for; HEAD and OPTIONS come with GET."""
    return {
        (rule.endpoint, method)
        for rule in _rules(app)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_matrix_covers_every_route(app):
    missing = sorted(_routes(app) - MATRIX.keys())
    stale = sorted(MATRIX.keys() - _routes(app))
    assert not missing, (
        f"Add these routes to MATRIX in {__name__}, saying who may reach them: {missing}"
    )
    assert not stale, f"These MATRIX rows name routes that no longer exist: {stale}"


def test_every_matrix_row_names_every_role():
    incomplete = [key for key, row in MATRIX.items() if set(row) != set(ROLES)]
    assert not incomplete, f"These MATRIX rows do not give one answer for each of {ROLES}"


@pytest.fixture
def member_a(app_ctx, organisation):
    user = factories.make_user("member-a@example.org", full_name="Mo Member")
    factories.add_member(organisation, user)
    return user


def _membership(organisation, user) -> Membership:
    return db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    )


def _invitation(organisation, inviter, email: str) -> OrganisationInvitation:
    _token, token_hash = tokens.random_token()
    invitation = OrganisationInvitation(
        organisation_id=organisation.id,
        email=email,
        token_hash=token_hash,
        invited_by_id=inviter.id,
        expires_at=utcnow() + timedelta(days=7),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def _signed_in_with_password_only(app, user):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _evidence(app, organisation, provider) -> dict[str, int | str]:
    """A document and a person on the register of organisation A, each with a file on record
    (the store is not asked for a download link's object, so none is written)."""

    def stored(purpose: str) -> StoredFile:
        return StoredFile(
            organisation_id=organisation.id,
            purpose=purpose,
            object_key=object_store.document_key(organisation.id),
            original_filename="policy.pdf",
            content_type="application/pdf",
            size_bytes=100,
            sha256="0" * 64,
            scan_state="not_scanned",
            uploaded_by_id=provider.id,
        )

    document = Document(organisation_id=organisation.id, kind="other", title="Policy")
    document.versions.append(DocumentVersion(number=1, file=stored("document")))
    check = StaffCheck(
        organisation_id=organisation.id,
        full_name="Jo Tutor",
        job_role="Tutor",
        certificate_copy=stored("dbs_certificate"),
    )
    db.session.add_all([document, check])
    db.session.commit()
    bucket = app.config["S3_BUCKET"]
    return {
        "document_id": document.id,
        "version_id": document.versions[0].id,
        "download_path": f"/{bucket}/{document.versions[0].file.object_key}",
        "staff_check_id": check.id,
        "copy_download_path": f"/{bucket}/{check.certificate_copy.object_key}",
    }


def _kpi_records(organisation, admission, reviewer) -> dict[str, int]:
    """A return of organisation A's, submitted, with a question on it; an escalation; a KPI."""
    ensure_starting_kpis()
    month = months.add_months(months.last_ended(today()), -1)
    kpi_return = record_return(organisation, month)
    kpi_id = kpi_return.versions[0].values[0].kpi_id
    query = KpiQuery(
        kpi_return_id=kpi_return.id, kpi_id=kpi_id, question="Why?", asked_by_id=reviewer.id
    )
    escalation = KpiEscalation(
        organisation_id=organisation.id,
        trigger="missing_return",
        trigger_key="matrix",
        month=month,
        evidence=[],
    )
    db.session.add_all([query, escalation])
    db.session.commit()
    return {
        "year": month.year,
        "month": month.month,
        "return_id": kpi_return.id,
        "query_id": query.id,
        "escalation_id": escalation.id,
        "kpi_id": kpi_id,
        "lot_id": admission.lot_id,
    }


@pytest.fixture
def matrix_world(app, app_ctx, request):
    """The records and the signed-in people every row of the matrix is tried with (and the
    bad-values tests, tests/core/test_bad_values.py), built once per worker and written back for
    each test: see tests/support/snapshots.py."""

    def build():
        return request.getfixturevalue("built_url_values"), request.getfixturevalue(
            "signed_in_clients"
        )

    return snapshots.shared(app, "permission-matrix", build, fixture=request.fixturename)


@pytest.fixture
def url_values(matrix_world) -> dict[str, int | str]:
    return matrix_world[0]


@pytest.fixture
def clients(matrix_world) -> dict[str, FlaskClient]:
    return matrix_world[1]


@pytest.fixture
def built_url_values(
    app, organisation, provider, member_a, reviewer, other_organisation
) -> dict[str, int | str]:
    """What fills each argument of a path: organisation A's records, and the council's."""
    version, _new = questionnaires.load_version(QUESTIONNAIRE)
    application = Application(organisation_id=organisation.id, questionnaire_version_id=version.id)
    db.session.add(application)
    db.session.flush()
    referee = {"referee_name": "Ann Referee", "referee_email": "ann@example.org"}
    db.session.add(
        ApplicationSection(
            application_id=application.id,
            section_id="references",
            answers={"new_organisation_references": "no", "referees": [referee]},
        )
    )
    db.session.commit()
    # On the framework since three months ago, so that it owes KPI returns.
    admission = factories.admit(
        organisation, "mentoring", admitted_at=utcnow() - timedelta(days=100)
    )
    return {
        "questionnaire_version_id": version.id,
        "application_id": application.id,
        "section": "references",
        "page": "referees",
        "question": "referees",
        "group": "referees",
        "item": 1,
        "organisation_id": organisation.id,
        "membership_id": _membership(organisation, member_a).id,
        "invitation_id": _invitation(organisation, provider, "invited@example.org").id,
        "user_id": reviewer.id,
        "token": DUMMY_TOKEN,
        "organisation_b_id": other_organisation.id,
        "admission_id": admission.id,
        "table": "months",
        **_evidence(app, organisation, provider),
        **_kpi_records(organisation, admission, reviewer),
        **competitions.open_competition_rows(organisation, provider, app.config["S3_BUCKET"]),
        **_contract_records(organisation),
        **_quality_records(organisation, reviewer),
        **_referral_records(),
        **_meeting_records(organisation),
        **_capacity_records(organisation, provider),
    }


def _contract_records(organisation) -> dict[str, int]:
    """Organisation A's contract, running since the month before last: published (its
    "contract" release stored), with an outcome waiting for a decision, that month's delivery
    submitted with its statement waiting; an export (of no statements); and an outcome in a
    lot's catalogue."""
    month = months.add_months(months.last_ended(today()), -1)
    rows = outcomes.matrix_rows(organisation, start_on=month, end_on=months.add_months(month, 6))
    contract = contract_pages.publish(db.session.get(Contract, rows["contract_id"]))
    delivery = Delivery(contract_id=contract.id, month=month, status="submitted", units_delivered=1)
    export = FinanceExport(statement_count=0, total_pence=0, content="")
    db.session.add_all([delivery, export])
    db.session.flush()
    statement = Statement(
        number="SB-matrix",
        contract_id=contract.id,
        delivery_id=delivery.id,
        month=month,
        net_pence=4_500,
        vat_pence=0,
        gross_pence=4_500,
    )
    db.session.add(statement)
    db.session.commit()
    return {**rows, "statement_id": statement.id, "export_id": export.id}


def _quality_records(organisation, reviewer) -> dict[str, int]:
    """Organisation A's published visit (A is on the framework by now) and its open action."""
    visit, action = quality.published_visit(organisation, reviewer)
    return {"visit_id": visit.id, "action_id": action.id}


def _referral_records() -> dict[str, int]:
    """A referral waiting for a match (the council's: no organisation's)."""
    from tests.referrals.helpers import add_referral

    return {"referral_id": add_referral("RF-2026-0001", received_on=today()).id}


def _meeting_records(organisation) -> dict[str, int]:
    """Organisation A's review meeting, scheduled for next week."""
    meeting = Meeting(
        organisation_id=organisation.id,
        due_on=today(),
        meets_on=today() + timedelta(days=7),
        risk="low",
        agenda=[{"heading": "Risk rating: low", "lines": ["Nothing on the record scores."]}],
    )
    db.session.add(meeting)
    db.session.commit()
    return {"meeting_id": meeting.id}


def _capacity_records(organisation, provider) -> dict[str, int]:
    """Organisation A's capacity on mentoring, published through the service."""
    details = capacity.CapacityDetails(
        places_now=2,
        places_next_term=3,
        age_from=11,
        age_to=16,
        needs=("semh",),
        districts=("DY1",),
        travel_support=False,
    )
    lot_id = db.session.scalar(select(Lot.id).where(Lot.slug == "mentoring"))
    published = capacity.publish_capacity(provider, organisation, lot_id, details, None)
    db.session.commit()
    return {"capacity_id": published.id}


@pytest.fixture
def signed_in_clients(
    app,
    client,
    provider_client,
    other_provider_client,
    reviewer_client,
    commissioner_client,
    admin_client,
    member_a,
):
    before_two_factor = factories.make_user(
        "admin-before-two-factor@council.example.org", role=ADMIN, two_factor=True
    )
    return {
        "anonymous": client,
        "provider_a": provider_client,
        "member_a": signed_in(app.test_client(), member_a),
        "provider_b": other_provider_client,
        "reviewer": reviewer_client,
        "commissioner": commissioner_client,
        "admin": admin_client,
        "staff_before_two_factor": _signed_in_with_password_only(app, before_two_factor),
    }


def _url(app, endpoint: str, url_values: dict[str, int | str]) -> str:
    (rule,) = app.url_map.iter_rules(endpoint)
    # A rule's defaults (a download's `spreadsheet`) are not in its address.
    arguments = rule.arguments - (rule.defaults or {}).keys()
    unknown = arguments - url_values.keys()
    assert not unknown, f"{endpoint}: add a value for {sorted(unknown)} to url_values"
    with app.test_request_context():
        return app.url_for(endpoint, **{name: url_values[name] for name in arguments})


def _outcome(response) -> int | str:
    """A redirect as the path it sends the visitor to; anything else as its status code."""
    if response.status_code == 302:
        return urlsplit(response.location).path
    return response.status_code


def _expected(answer: int | str, url_values: dict[str, int | str]) -> int | str:
    return answer.format(**url_values) if isinstance(answer, str) else answer


def _check(app, clients, url_values, endpoint: str, method: str) -> list[str]:
    """Ask for the route as each role; say where what they got differs from the matrix."""
    url = _url(app, endpoint, url_values)
    wrong = []
    for role in REQUEST_ORDER:
        got = _outcome(clients[role].open(url, method=method))
        expected = _expected(MATRIX[endpoint, method][role], url_values)
        if got != expected:
            wrong.append(f"{method} {url} ({endpoint}) as {role}: expected {expected}, got {got}")
    return wrong


# The pages that read a user's password hash or two-factor secret: the one that shows the secret
# to set up an authenticator app. Every other page reads people without them, whoever it names.
READS_SECRETS = {"accounts.two_factor_setup"}
_SECRETS = re.compile(r"\busers\.(password_hash|totp_secret)\b")


def test_who_may_read_what(app, clients, url_values):
    """Every GET row at once: reading changes nothing, so one set of people and records will do
    (signing in eight people is most of the cost of a row). And no page reads anyone's password
    hash or two-factor secret but those that need them (READS_SECRETS)."""
    wrong = []
    for endpoint, method in sorted(MATRIX):
        if method == "GET":
            with counting_queries(app) as statements:
                wrong += _check(app, clients, url_values, endpoint, method)
            if endpoint not in READS_SECRETS and any(map(_SECRETS.search, statements)):
                wrong.append(f"GET {endpoint} read a password hash or two-factor secret")
    assert not wrong, "\n".join(wrong)


POSTS = sorted(key for key in MATRIX if key[1] == "POST")


@pytest.mark.parametrize(("endpoint", "method"), POSTS, ids=[endpoint for endpoint, _ in POSTS])
def test_who_may_change_what(app, clients, url_values, endpoint, method):
    """One POST row per test: a POST that is let through changes things (a member leaves, an
    invitation is cancelled, everyone signs out), which must not reach another row."""
    wrong = _check(app, clients, url_values, endpoint, method)
    assert not wrong, "\n".join(wrong)


def test_staff_who_have_not_set_up_two_factor_are_sent_to_set_it_up(app, url_values):
    """A new member of staff has a password but no authenticator app yet: the two-factor page,
    and every page that sends staff to it, sends them to set one up instead."""
    newcomer = factories.make_user("new-reviewer@council.example.org", role=REVIEWER)
    client = _signed_in_with_password_only(app, newcomer)
    assert client.get("/two-factor/setup").status_code == 200
    assert client.get("/two-factor").location == "/two-factor/setup"
    wrong = []
    for endpoint, method in sorted(MATRIX):
        sent_to_two_factor = MATRIX[endpoint, method]["staff_before_two_factor"] == TWO_FACTOR
        if sent_to_two_factor and endpoint != "accounts.two_factor_setup":
            url = _url(app, endpoint, url_values)
            got = _outcome(client.open(url, method=method))
            if got != "/two-factor/setup":
                wrong.append(f"{method} {url} ({endpoint}): got {got}")
    assert not wrong, "\n".join(wrong)


def test_ids_from_another_organisation_are_not_found_under_your_own(
    app, provider_client, organisation, other_organisation, other_provider
):
    """An owner of A who puts B's membership or invitation ids in A's URLs gets 404, as if they
    did not exist, and nothing in B changes."""
    b_member = factories.make_user("member-b@example.org")
    b_membership = factories.add_member(other_organisation, b_member)
    b_invitation = _invitation(other_organisation, other_provider, "invited-to-b@example.org")
    a = f"/organisations/{organisation.id}"
    requests = [
        ("GET", f"{a}/members/{b_membership.id}/remove"),
        ("POST", f"{a}/members/{b_membership.id}/remove"),
        ("POST", f"{a}/members/{b_membership.id}/make-owner"),
        ("POST", f"{a}/invitations/{b_invitation.id}/cancel"),
    ]
    for method, url in requests:
        assert provider_client.open(url, method=method).status_code == 404, f"{method} {url}"
    db.session.expire_all()
    assert _membership(other_organisation, b_member).role == MEMBER
    assert db.session.get(OrganisationInvitation, b_invitation.id).cancelled_at is None
