"""Run Alembic from inside the app, on the app's own engine."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

from portal.config import PROJECT_ROOT
from portal.core.db import db


def alembic_config() -> AlembicConfig:
    return AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))


def upgrade(revision: str = "head") -> None:
    """Bring the database up to `revision` (the app's DATABASE_URL)."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())
