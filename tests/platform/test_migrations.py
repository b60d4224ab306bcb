"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.models import Base
from bot.platform.db import Database
from bot.platform.migrate import current, upgrade


def test_the_migrated_schema_matches_the_models(any_db: Database) -> None:
    with any_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent_and_reaches_head(any_db: Database) -> None:
    upgrade(any_db)
    head = current(any_db)
    upgrade(any_db)
    assert current(any_db) == head is not None
