"""Engine, sessions and the SQLite settings that make it a dependable embedded store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.platform.metrics import Metrics


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The stdlib driver's own transaction handling issues a deferred BEGIN lazily and
    # upgrades locks mid-transaction, which fails with SQLITE_BUSY under concurrent writers.
    # Turn it off and let the "begin" listener choose the kind of BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


_READS_ONLY = "rapport.reads_only"


def reads_only(session: Session) -> bool:
    """Whether `session` is a `Database.read()` unit of work (it never writes, so never rolls back
    a write: what it read was committed)."""
    return bool(session.info.get(_READS_ONLY))


class Database:
    """One engine per process, and the two kinds of transaction the core uses (open it with
    `bot.bootstrap.open_database`, which adds the listeners the domains need)."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # Statement parameters carry private notes: keep them out of error messages and logs.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
        self.engine: Engine = create_engine(self.url, **kwargs)
        writer: Engine = self.engine
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
            # Writers take SQLite's write lock when they begin, so two writers queue on
            # busy_timeout instead of failing on a lock upgrade.
            writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._reader = sessionmaker(self.engine, expire_on_commit=False, info={_READS_ONLY: True})
        self._writer = sessionmaker(writer, expire_on_commit=False)
        # One registry per database, so per app (the outbox it counts is this database's).
        self.metrics = Metrics(self.engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that may write; commits on success, rolls back on error."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work; never blocks writers."""
        # Closing (not rolling back) ends the transaction but keeps loaded objects readable.
        with self._reader() as session:
            yield session

    def listen(self, name: str, listener: Callable[..., Any]) -> None:
        """Run `listener` on session event `name` (e.g. "before_flush") of this database's sessions."""
        event.listen(self._reader, name, listener)
        event.listen(self._writer, name, listener)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def optimize(self) -> None:
        """Refresh planner statistics; SQLite picks bad plans on team-prefixed indexes without them."""
        if not self.is_sqlite:
            # Our tables only: a bare ANALYZE reads every schema of the database (other apps',
            # other test workers') and can deadlock with them.
            with self.engine.begin() as conn:
                tables = inspect(conn).get_table_names()
                if tables:
                    conn.execute(text("ANALYZE " + ", ".join(f'"{name}"' for name in tables)))
            return
        with self.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA optimize")

    def dispose(self) -> None:
        self.engine.dispose()
