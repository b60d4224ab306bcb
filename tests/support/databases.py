"""Test databases: a migrated SQLite template copied per test, and a private PostgreSQL schema."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, event, text

from bot.bootstrap import open_database
from bot.models import Base
from bot.platform.db import Database
from bot.platform.migrate import alembic_config, upgrade

POSTGRES_URL = os.environ.get(
    "RAPPORT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# `.ci/run` sets this so a stopped PostgreSQL fails CI instead of silently skipping its tests.
REQUIRE_POSTGRES = os.environ.get("RAPPORT_REQUIRE_POSTGRES") == "1"


def sqlite_template(folder: Path) -> Path:
    """A migrated SQLite file to copy; migrating once per session keeps tests fast."""
    path = folder / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def sqlite_copy(template: Path, folder: Path) -> Database:
    path = folder / "rapport.db"
    shutil.copyfile(template, path)
    return open_database(f"sqlite:///{path}")


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as e:  # any failure means "not here": say which
        return f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(e).__name__}: {str(e).strip()[:120]})"
    return None


class PostgresSchema:
    """A migrated schema of its own in the `test` database, emptied between tests."""

    def __init__(self) -> None:
        self.name = f"rapport_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        admin.dispose()
        sep = "&" if "?" in POSTGRES_URL else "?"
        self.url = f"{POSTGRES_URL}{sep}options=-csearch_path%3D{self.name}"
        db = Database(self.url)
        upgrade(db)
        db.dispose()

    def fresh(self) -> Database:
        db = open_database(self.url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return db

    def drop(self) -> None:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        admin.dispose()


def skip_or_fail(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"RAPPORT_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements run on `db` while the block runs, in order."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def downgrade(db: Database, revision: str, *, foreign_keys: bool = True) -> None:
    """Alembic's downgrade; `foreign_keys=False` as alembic advises for SQLite batch migrations
    that copy a table others refer to (a later migration's, not 0008's own: see the test)."""
    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection
        assert raw is not None
        if sqlite and not foreign_keys:
            raw.execute("PRAGMA foreign_keys=OFF")  # (outside any transaction, or it does nothing)
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, revision)
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")
