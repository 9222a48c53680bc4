from datetime import UTC, datetime, time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.accounts.models import ADMIN, COMMISSIONER, PROVIDER, REVIEWER, User
from portal.accounts.passwords import hash_password
from portal.admissions import services as admissions
from portal.core.db import db
from portal.core.time import LONDON, utcnow
from portal.kpi_returns import demo as kpi_demo
from portal.kpi_returns import months
from portal.kpi_returns.definitions import ensure_starting_kpis
from portal.lots.models import Lot
from portal.lots.services import ensure_starting_lots
from portal.organisations import services as organisations
from portal.questionnaires import services as questionnaires

# The council's questionnaire, published in demo data so a provider can apply straight away.
DEMO_QUESTIONNAIRE = Path(questionnaires.__file__).parent / "content" / "v1.yaml"

demo_cli = AppGroup("seed", help="Seed data.")

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - demo data only, refused in production
DEMO_ACCOUNTS = (
    ("provider@example.org", "Priya Provider", PROVIDER),
    ("provider2@example.org", "Sam Second-Provider", PROVIDER),
    ("reviewer@example.org", "Rachel Reviewer", REVIEWER),
    ("commissioner@example.org", "Chris Commissioner", COMMISSIONER),
    ("admin@example.org", "Ade Admin", ADMIN),
)
# The second organisation starts on the framework, so the public list of providers has someone
# on it: (owner's email, lots' slugs).
DEMO_ADMISSIONS = (("provider2@example.org", ("mentoring", "semh-mentoring")),)
DEMO_ORGANISATIONS = (
    (
        "provider@example.org",
        {
            "legal_name": "Bright Futures Learning Ltd",
            "trading_name": "Bright Futures",
            "legal_form": "company",
            "company_number": "01234567",
            "charity_number": None,
            "is_sme": True,
            "is_vcse": False,
            "address_line_1": "1 Castle Hill",
            "address_line_2": None,
            "town": "Dudley",
            "postcode": "DY1 4QF",
            "phone": "01384 000001",
            "website": "https://bright-futures.example.org",
            "contact_name": "Priya Provider",
            "contact_email": "provider@example.org",
        },
    ),
    (
        "provider2@example.org",
        {
            "legal_name": "Stourbridge Mentoring Trust",
            "trading_name": None,
            "legal_form": "charity",
            "company_number": None,
            "charity_number": "1123456",
            "is_sme": True,
            "is_vcse": True,
            "address_line_1": "12 High Street",
            "address_line_2": None,
            "town": "Stourbridge",
            "postcode": "DY8 1DE",
            "phone": "01384 000002",
            "website": None,
            "contact_name": "Sam Second-Provider",
            "contact_email": "provider2@example.org",
        },
    ),
)


@demo_cli.command("demo")
def seed_demo() -> None:
    """Create the lots, demo accounts and organisations, and publish the questionnaire (once;
    safe to run again)."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("Demo data can only be seeded with DEMO_MODE on.")
    with db.session.begin():
        ensure_starting_lots()
        ensure_starting_kpis()
        users = {}
        for email, name, role in DEMO_ACCOUNTS:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(
                    email=email,
                    full_name=name,
                    role=role,
                    password_hash=hash_password(DEMO_PASSWORD),
                    email_verified_at=utcnow(),
                )
                db.session.add(user)
                db.session.flush()
            users[email] = user
        for email, details in DEMO_ORGANISATIONS:
            if not organisations.memberships_of(users[email]):
                organisations.create_organisation(users[email], details)
        on = months.current_day()
        # On the framework since a few months back, so it has returns to show.
        since = datetime.combine(kpi_demo.first_demo_month(on), time(12), tzinfo=LONDON)
        for email, slugs in DEMO_ADMISSIONS:
            (membership,) = organisations.memberships_of(users[email])
            for slug in slugs:
                lot = db.session.execute(select(Lot).where(Lot.slug == slug)).scalar_one()
                # No application: demo data stands in for one approved before the demo began.
                admission = admissions.admit(
                    users["reviewer@example.org"], None, membership.organisation_id, lot
                )
                if admission.admitted_at > since:
                    admission.admitted_at = admission.status_changed_at = since.astimezone(UTC)
            db.session.flush()
            # The returns' emails carry links, built from BASE_URL as a command has no request.
            with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
                kpi_demo.seed_returns(users[email], membership.organisation, on)
        if questionnaires.published_version() is None:
            version, _created = questionnaires.load_version(DEMO_QUESTIONNAIRE)
            questionnaires.publish_version(users["admin@example.org"], version.id)
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_ACCOUNTS:
        click.echo(f"  {role:<13} {email}")


@demo_cli.command("lots")
def seed_lots() -> None:
    """Create the framework's starting lots if they are missing (production-safe)."""
    with db.session.begin():
        created = ensure_starting_lots()
        kpis = ensure_starting_kpis()
    click.echo(f"Created {created} lot(s) and {kpis} KPI(s).")
