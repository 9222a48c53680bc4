"""The provider portal for a council's Flexible Learning Support Framework."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import PROJECT_ROOT, load_config
from portal.core.requests import UploadRequest


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests use it)."""
    from portal.core.extensions import MEMORY_STORAGE_URI

    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/assets",
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(load_config())
    app.config.update(config or {})
    app.config.update(
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["SESSION_LIFETIME_HOURS"]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        # Send the session cookie only when it changed (portal/accounts/sessions.py writes the
        # last-seen time once a minute, not on every request): re-signing and re-sending an
        # unchanged cookie costs every response for nothing.
        SESSION_REFRESH_EACH_REQUEST=False,
        # Tie the CSRF token to the session, not a clock: a long questionnaire page must not
        # fail because someone took an hour over it.
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=app.config.get("REDIS_URL") or MEMORY_STORAGE_URI,
        RATELIMIT_KEY_PREFIX=app.config.get("RATELIMIT_KEY_PREFIX", "portal"),
        # A moving window: in fixed windows an attacker gets twice the allowance across the turn
        # of a minute, and a limit reached just before the turn is forgotten just after it.
        RATELIMIT_STRATEGY="moving-window",
    )

    app.request_class = UploadRequest
    if app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the proxies saw them: without this, everyone
        # behind the TLS proxy shares one rate-limit allowance, the proxy's.
        hops = app.config["TRUSTED_PROXIES"]
        # Wrapping the WSGI callable is Flask's documented way to add middleware; mypy sees
        # wsgi_app as a method and refuses the assignment.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    _init_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    _connect_domains(app)
    return app


def _connect_domains(app: Flask) -> None:
    """What one domain learns from another it must not import (the other already imports it)."""
    from portal.admissions import public_list
    from portal.applications import services as applications
    from portal.competitions.services import awarding, placement_requests
    from portal.contracts.models import DEFAULT_TEAMS
    from portal.contracts.services import common as contracts
    from portal.contracts.services import making, reading
    from portal.referrals.services import path as referrals
    from portal.staff_checks import services as staff_checks

    staff_checks.read_people_named_from(applications.people_named)
    awarding.on_award_confirmed(making.make_from_award)
    public_list.count_current_contracts_with(reading.current_contracts_by_lot)
    # A referral moves along its path as placement requests and contracts are made for it.
    placement_requests.on_placement_request(
        placement_requests.MADE, referrals.placement_request_made
    )
    placement_requests.on_placement_request(
        placement_requests.CANCELLED, referrals.placement_request_cancelled
    )
    contracts.on_contract(contracts.SENT, referrals.contract_sent)
    contracts.on_contract(contracts.ACTIVATED, referrals.contract_activated)
    contracts.on_contract(contracts.WITHDRAWN, referrals.contract_withdrawn)
    # The commissioning teams setting starts at the contracts domain's list.
    app.config.setdefault("COMMISSIONING_TEAMS", dict(DEFAULT_TEAMS))


def _init_templates(app: Flask) -> None:
    from portal.core import templating

    # Where compiled templates are kept between apps and runs, when the settings name one (the
    # tests: they build an app per worker and more for settings, each compiling the macros every
    # page imports, about a third of a second an app). Before the environment is made, so the
    # macros compiled while the app is built are kept too. None in production: each worker
    # compiles what it renders once.
    cache = app.config.get("TEMPLATE_BYTECODE_CACHE")
    if cache is not None:
        app.jinja_options = {**app.jinja_options, "bytecode_cache": cache}
    app.jinja_loader = ChoiceLoader(
        [
            DictLoader(templating.GOVUK_MACROS_IN_PYTHON),
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    templating.init_app(app)


def _init_extensions(app: Flask) -> None:
    from portal.accounts import sessions
    from portal.core import assets, errors, security
    from portal.core.extensions import (
        csrf,
        db,
        limiter,
        login_manager,
        object_store,
        wtforms_helpers,
    )

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    sessions.init_app(app, login_manager)
    object_store.init_app(app)
    wtforms_helpers.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    _init_permissions(app)


def _init_permissions(app: Flask) -> None:
    """Core's permission decorators load organisations through the organisations domain."""
    from portal.core import permissions
    from portal.organisations import services as organisations

    permissions.init_app(
        app,
        permissions.OrganisationAccess(
            for_member=organisations.get_organisation_for,
            for_staff=organisations.find_organisation,
        ),
    )


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.views import bp as accounts
    from portal.admin.views import bp as admin
    from portal.admissions.views import bp as admissions
    from portal.applications.views import bp as applications
    from portal.audit_log.views import bp as audit
    from portal.capacity.views import bp as capacity
    from portal.competitions.views import bp as competitions
    from portal.contracts.views import bp as contracts
    from portal.contracts.views.catalogue import bp as outcome_catalogue
    from portal.core.urls import IdConverter, RuleBuiltWhenUsed, SlugConverter
    from portal.documents.views import bp as documents
    from portal.kpi_returns.views import bp as kpi_returns
    from portal.lots.views import bp as lots
    from portal.organisations.views import bp as organisations
    from portal.outbox.views import bp as outbox
    from portal.pages.views import bp as pages
    from portal.quality.views import bp as quality
    from portal.referrals.views import bp as referrals
    from portal.reviews.views import bp as reviews
    from portal.settings.views import bp as settings
    from portal.staff_checks.views import bp as staff_checks

    # Before any route is added, so that every <int:...> in a URL is an id the database can hold.
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["slug"] = SlugConverter
    app.url_rule_class = RuleBuiltWhenUsed
    for blueprint in (
        pages,
        accounts,
        organisations,
        applications,
        documents,
        staff_checks,
        reviews,
        admissions,
        competitions,
        contracts,
        outcome_catalogue,
        quality,
        capacity,
        referrals,
        admin,
        audit,
        lots,
        settings,
        outbox,
        kpi_returns,
    ):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from portal.capacity.cli import capacity_cli
    from portal.contracts.cli import contracts_cli
    from portal.core.cli import db_cli
    from portal.demo.cli import demo_cli
    from portal.dev.cli import dev_cli
    from portal.documents.cli import documents_cli
    from portal.kpi_returns.cli import kpi_cli
    from portal.outbox.cli import outbox_cli
    from portal.quality.cli import quality_cli
    from portal.questionnaires.cli import questionnaires_cli

    for group in (
        db_cli,
        outbox_cli,
        demo_cli,
        dev_cli,
        questionnaires_cli,
        documents_cli,
        kpi_cli,
        contracts_cli,
        quality_cli,
        capacity_cli,
    ):
        app.cli.add_command(group)
