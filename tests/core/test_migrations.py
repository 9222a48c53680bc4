import warnings

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal.core import migrations
from portal.core.db import db, make_engine
from portal.models import Base


def _differences(engine) -> list:
    """What differs between the migrated database and the models. Expression-based indexes
    (the lots' name whatever its case) are left out, with the warnings that say so: SQLAlchemy
    cannot reflect them and Alembic cannot compare them. Their own tests prove they hold
    (tests/lots/test_concurrency.py)."""
    with engine.connect() as connection, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        warnings.filterwarnings("ignore", ".*expression-based index")
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def _run(engine, action, revision: str) -> None:
    config = migrations.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


@pytest.fixture
def scratch_engine(database_url, tmp_path):
    """An empty database beside the suite's: a file for SQLite, a new database for PostgreSQL."""
    if database_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
        yield engine
        engine.dispose()
        return
    url = make_url(database_url)
    name = f"{url.database}_scratch"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_there_is_exactly_one_head():
    assert len(migrations.heads()) == 1


def test_the_migrated_database_matches_the_models(app_ctx):
    assert _differences(db.engine) == []


def test_downgrade_to_base_then_upgrade_again(scratch_engine):
    _run(scratch_engine, command.upgrade, "head")
    _run(scratch_engine, command.downgrade, "base")
    assert set(inspect(scratch_engine).get_table_names()) == {"alembic_version"}
    _run(scratch_engine, command.upgrade, "head")
    assert _differences(scratch_engine) == []
