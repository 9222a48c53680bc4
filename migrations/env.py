"""Alembic environment: runs against the engine of the app that invoked it (see
portal/core/migrations.py), or one built from DATABASE_URL when run as `alembic ...`."""

from alembic import context

from portal.config import load_config
from portal.core.db import make_engine
from portal.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(load_config()["DATABASE_URL"])
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
