"""Alembic, driven from Python: `rapport db upgrade`, `/readyz` and the test fixtures use this."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.platform.db import Database

MIGRATIONS = Path(__file__).parent.parent / "migrations"
# Any fixed number both replicas agree on: it names "Rapport's migrations" to pg_advisory_lock.
ADVISORY_LOCK = 0x52415050  # "RAPP"
UPGRADE_HINT = "run `rapport db upgrade` (or start one replica with `rapport run --migrate`)"


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision` (idempotent)."""
    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def upgrade_locked(db: Database) -> None:
    """`upgrade`, one replica at a time on PostgreSQL: the others wait on the advisory lock, then
    find nothing left to do."""
    if db.is_sqlite:
        upgrade(db)
        return
    with db.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK})
        conn.commit()
        try:
            upgrade(db)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK})
            conn.commit()


def current(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))  # reads every migration file: once per process


def head() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


_VERSION = text("SELECT version_num FROM alembic_version")


def pending(db: Database) -> list[str]:
    """The migrations the database still lacks, oldest first: one SELECT of alembic_version."""
    try:
        with db.engine.connect() as conn:
            revision = conn.execute(_VERSION).scalar()
    except DBAPIError:
        if db.ping():  # it answers, so the table is missing: a database never migrated
            return pending_after(None)
        raise
    return pending_after(revision)


def pending_after(revision: str | None) -> list[str]:
    missing = [s.revision for s in _script().iterate_revisions("head", revision)]
    return list(reversed(missing))
