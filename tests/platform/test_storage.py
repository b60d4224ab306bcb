"""`storage.rows`: one statement on the driver, the same rows as SQLAlchemy gives, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, literal, select, union_all

from bot.directory import members
from bot.models import Member
from bot.platform.db import Database
from bot.platform.storage import in_ids, rows

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

# Shaped like the answer path's: named and repeated parameters, a literal, an id list.
NAMED = union_all(
    select(literal("by id").label("how"), Member.user_id).where(
        Member.team_id == bindparam("team_id"), in_ids(Member.id, "ids")
    ),
    select(literal("by name").label("how"), Member.user_id).where(
        Member.team_id == bindparam("team_id"), Member.name == bindparam("name")
    ),
)


def _people(db: Database) -> dict[str, int]:
    with db.write() as session:
        for team, user, name in (("T1", "U1", "ana"), ("T1", "U2", "bo"), ("T2", "U3", "ana")):
            members.ensure_member(session, team, user, NOW, name=name)
        session.flush()
        return {m.user_id: m.id for m in session.scalars(select(Member))}


def test_the_same_rows_as_a_session_reads(any_db: Database) -> None:
    ids = _people(any_db)
    values = {"team_id": "T1", "ids": [ids["U2"], ids["U3"]], "name": "ana"}
    with any_db.read() as session:
        quick = rows(session, NAMED, values)
        assert not session.in_transaction()  # it began nothing
    with any_db.read() as session:
        slow = [tuple(r) for r in session.execute(NAMED, values)]
    assert sorted(quick) == sorted(slow) == [("by id", "U2"), ("by name", "U1")]  # never T2's U3


def test_inside_a_transaction_it_reads_what_the_transaction_sees(any_db: Database) -> None:
    _people(any_db)
    with any_db.write() as session:
        members.ensure_member(session, "T1", "U9", NOW, name="cy")
        session.flush()  # not committed: only this transaction sees cy
        found = rows(session, NAMED, {"team_id": "T1", "ids": [], "name": "cy"})
        assert found == [("by name", "U9")]
        session.rollback()
    with any_db.read() as session:
        assert rows(session, NAMED, {"team_id": "T1", "ids": [], "name": "cy"}) == []


def test_each_database_gets_its_own_compiled_statement(db: Database, any_db: Database) -> None:
    """One statement run on SQLite, then on the other database, then on SQLite again reads each right."""
    _people(db)
    _people(any_db)
    for database in (db, any_db, db):
        with database.read() as session:
            assert rows(session, NAMED, {"team_id": "T2", "ids": [], "name": "ana"}) == [("by name", "U3")]
