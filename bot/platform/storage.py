"""Portable SQL the core needs beyond the ORM basics (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Integer, String, Table, bindparam, select, text, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import CompoundSelect, Select
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType, TypeDecorator, TypeEngine

_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _insert(session: Session, model: Any) -> Any:
    return _insert_for(session.get_bind().dialect.name, model)


def _insert_for(dialect: str, model: Any) -> Any:
    if dialect not in _INSERTS:
        raise NotImplementedError(f"unsupported database {dialect}")
    return _INSERTS[dialect](model)


def insert_ignore(
    session: Session, model: Any, values: dict[str, Any], conflict: Sequence[str], *, where: Any = None
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was inserted. `where`: the predicate of
    a partial unique index that `conflict` names (a module constant, so the statement is cached)."""
    return insert_ignore_returning(session, model, values, conflict, conflict[0], where=where) is not None


def insert_ignore_returning(
    session: Session,
    model: Any,
    values: dict[str, Any],
    conflict: Sequence[str],
    column: str,
    *,
    where: Any = None,
) -> Any:
    """INSERT … ON CONFLICT DO NOTHING RETURNING `column`: its value, or None when nothing went in."""
    dialect = session.get_bind().dialect.name
    stmt = _ignoring(dialect, model.__table__, tuple(conflict), column, where)
    # RETURNING says portably whether the row went in; rowcount does not on every driver.
    row = session.connection().execute(stmt, values).first()
    return None if row is None else row[0]


@lru_cache(maxsize=128)
def _ignoring(dialect: str, table: Table, conflict: tuple[str, ...], column: str, where: Any) -> Any:
    """Built once per table: commands insert on their answer paths, and building costs as much as running."""
    stmt = _insert_for(dialect, table).on_conflict_do_nothing(
        index_elements=list(conflict), index_where=where
    )
    return stmt.returning(table.c[column])


def request_key(kind: str, team_id: str, *parts: str) -> str:
    """A row's key for the request that made it ("log:T1:…"): Slack's trigger id and who sent it,
    hashed, so the same request arriving twice (a replay, a retry) finds the row it made."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]
    return f"{kind}:{team_id}:{digest}"


def insert_many_ignore(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], conflict: Sequence[str]
) -> int:
    """Bulk INSERT … ON CONFLICT DO NOTHING; returns how many rows were new."""
    if not rows:
        return 0
    stmt = _insert(session, model).on_conflict_do_nothing(index_elements=list(conflict))
    # Without preserve_rowcount, executemany may report -1 (unknown) on PostgreSQL.
    result = session.connection().execute(stmt, list(rows), execution_options={"preserve_rowcount": True})
    return int(getattr(result, "rowcount", 0) or 0)


def after_explicit_ids(session: Session, model: Any) -> None:
    """After inserting rows with explicit integer ids, let the next default id follow them.

    SQLite continues from the largest rowid by itself; PostgreSQL's sequence must be moved.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    table = model.__table__.name
    largest = f"(SELECT coalesce(max(id), 1) FROM {table})"
    session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {largest})"))


def insert_from_select_ignore_statement(
    dialect: str, model: Any, columns: Sequence[str], query: Any, conflict: Sequence[str]
) -> Any:
    """INSERT INTO model (columns) SELECT … ON CONFLICT DO NOTHING, for `dialect` (to build once)."""
    # SQLite reads "ON CONFLICT" after a join as the join's constraint unless a WHERE clause ends
    # the SELECT, so wrap the query in one that always has a WHERE.
    inner = query.subquery()
    wrapped = select(*[inner.c[name] for name in columns]).where(true())
    stmt = _INSERTS[dialect](model).from_select(list(columns), wrapped)
    return stmt.on_conflict_do_nothing(index_elements=list(conflict))


def computed_first(query: Any, name: str) -> Any:
    """`query` as a common table expression the database works out once, before the statement
    around it (AS MATERIALIZED): for a small set the planner would otherwise reach from a big one.
    Nested where it is used. SQLite before 3.35 knows no such hint and gets a plain one."""
    cte = query.cte(name, nesting=True).prefix_with("MATERIALIZED", dialect="postgresql")
    if sqlite3.sqlite_version_info >= (3, 35):
        cte = cte.prefix_with("MATERIALIZED", dialect="sqlite")
    return cte


class IdList(TypeDecorator[list[int]]):
    """A list of integer ids bound as ONE parameter: a JSON array on SQLite, an array on PostgreSQL."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(Integer()))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        ids = [int(v) for v in value or ()]
        return ids if dialect.name == "postgresql" else json.dumps(ids)


class _InIds(ColumnElement[bool]):
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy declares it a list)
        ("column", InternalTraversal.dp_clauseelement),
        ("ids", InternalTraversal.dp_clauseelement),
    ]
    # No Boolean type: SQLite would compare the whole IN to 1, which hides it from the planner.
    type = NullType()  # type: ignore[assignment]

    def __init__(self, column: ColumnElement[Any], ids: BindParameter[Any]) -> None:
        self.column = column
        self.ids = ids


@compiles(_InIds)
def _in_ids_sqlite(element: _InIds, compiler: Any, **kw: Any) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} IN (SELECT value FROM json_each({ids}))"


@compiles(_InIds, "postgresql")
def _in_ids_postgresql(element: _InIds, compiler: Any, **kw: Any) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} = ANY(CAST({ids} AS INTEGER[]))"


def in_ids(column: Any, name: str) -> ColumnElement[bool]:
    """`column IN <the ids bound to :name>`, for statements built once and run on answer paths.

    SQLAlchemy's expanding IN re-renders the SQL text on every execution (about 0.1 ms each),
    which adds up on /whoknows; one array parameter keeps the statement compiled once.
    """
    return _InIds(column, bindparam(name, type_=IdList()))


Query = Select[Any] | CompoundSelect


class _Ready:
    """A statement compiled once for one dialect, with what binding its parameters needs."""

    def __init__(self, statement: Query, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.compiled = compiled
        self.sql = str(compiled)
        self.order = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.processors = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type._cached_bind_processor(dialect)) is not None
        }

    def parameters(self, values: dict[str, Any]) -> Any:
        bound = self.compiled.construct_params(values)
        for name, processor in self.processors.items():
            if name in bound:
                bound[name] = processor(bound[name])
        return bound if self.order is None else tuple(bound[name] for name in self.order)


_READY: dict[tuple[int, str], tuple[Query, _Ready]] = {}


def rows(session: Session, statement: Query, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of one read-only statement built once (a module constant) whose columns need no
    conversion (ids, numbers, strings), for answer paths: run on the driver directly, as its own
    snapshot, when `session` has not begun a transaction yet.

    A session's first statement costs a BEGIN, SQLAlchemy's execution bookkeeping and a ROLLBACK,
    about ten times the indexed lookup itself (ARCHITECTURE.md, *Rules*); a session that already
    holds a transaction runs it there, so what it reads stays one snapshot.
    """
    if session.in_transaction():
        return [tuple(row) for row in session.connection().execute(statement, values)]
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = (id(statement), engine.dialect.name)
    found = _READY.get(key)
    if found is None or found[0] is not statement:
        found = _READY[key] = (statement, _Ready(statement, engine.dialect))
    ready = found[1]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(ready.sql, ready.parameters(values))
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()
    finally:
        connection.close()
