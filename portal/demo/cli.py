import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.accounts.models import ADMIN, COMMISSIONER, PROVIDER, REVIEWER, User
from portal.accounts.passwords import hash_password
from portal.contracts.services.catalogue import ensure_starting_outcomes
from portal.core.db import db
from portal.core.time import utcnow
from portal.core.urls import links_from_base_url
from portal.demo import framework
from portal.kpi_returns.definitions import ensure_starting_kpis
from portal.lots.services import ensure_starting_lots
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


@demo_cli.command("demo")
def seed_demo() -> None:
    """Create the lots, the demo accounts and a small framework a year into its life, and
    publish the questionnaire (once; running it again changes nothing)."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("Demo data can only be seeded with DEMO_MODE on.")
    started = time.monotonic()
    with links_from_base_url(), db.session.begin():
        ensure_starting_lots()
        ensure_starting_kpis()
        ensure_starting_outcomes()
        users = {}
        password_hash = None
        for email, name, role in DEMO_ACCOUNTS:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                password_hash = password_hash or hash_password(DEMO_PASSWORD)
                user = User(
                    email=email,
                    full_name=name,
                    role=role,
                    password_hash=password_hash,
                    email_verified_at=utcnow(),
                )
                db.session.add(user)
                db.session.flush()
            users[email] = user
        if questionnaires.published_version() is None:
            version, _created = questionnaires.load_version(DEMO_QUESTIONNAIRE)
            questionnaires.publish_version(users["admin@example.org"], version.id)
        seeded = not framework.is_seeded()
        if seeded:
            framework.seed(users, DEMO_PASSWORD)
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_ACCOUNTS:
        click.echo(f"  {role:<13} {email}")
    if seeded:
        click.echo(f"Demo framework seeded in {time.monotonic() - started:.1f}s.")


@demo_cli.command("lots")
def seed_lots() -> None:
    """Create the framework's starting lots if they are missing (production-safe)."""
    with db.session.begin():
        created = ensure_starting_lots()
        kpis = ensure_starting_kpis()
        outcomes = ensure_starting_outcomes()
    click.echo(f"Created {created} lot(s), {kpis} KPI(s) and {outcomes} outcome(s).")
