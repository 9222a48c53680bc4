"""Alembic environment: runs against the engine of the app that invoked it (see
portal/core/migrations.py), or one built from DATABASE_URL when run as `alembic ...`."""

from alembic import context

from portal.config import load_config
from portal.core.db import make_engine, round_trips_within
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
    # A migration may rewrite a large table, so its statements are not limited in time; waits
    # for locks still are, so a migration behind live traffic fails rather than queueing every
    # request behind it.
    with context.begin_transaction(), round_trips_within(None):
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        context.run_migrations()


run_migrations_online()
