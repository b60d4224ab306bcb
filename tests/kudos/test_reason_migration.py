"""Migration 0010 on SQLite and PostgreSQL: a reason stored escaped twice (before the fix) reads
as Slack sent it, and going back gives the old form."""

from __future__ import annotations

from sqlalchemy import select

from bot.kudos import giving
from bot.models.celebrations import Kudos
from bot.platform.db import Database
from bot.platform.migrate import current, upgrade
from tests.support.databases import downgrade
from tests.support.factories import T0, add_members, slack_user


def reasons(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Kudos.reason)))


def test_old_reasons_are_escaped_once_after_the_upgrade(any_db: Database) -> None:
    add_members(any_db, "T1", slack_user("UANN"), slack_user("UBOB"))
    with any_db.write() as s:  # as Slack sends it: "R&D" and "<3" arrive escaped once
        given = giving.give(s, "T1", "UANN", "<@UBOB> for the R&amp;D &lt;3 notes", T0)
    assert isinstance(given, giving.Given)
    assert reasons(any_db) == ["the R&amp;D &lt;3 notes"]
    head = current(any_db)
    try:
        downgrade(any_db, "0009")
        assert reasons(any_db) == ["the R&amp;amp;D &amp;lt;3 notes"]  # what 0009's code stored
    finally:
        upgrade(any_db)
    assert current(any_db) == head
    assert reasons(any_db) == ["the R&amp;D &lt;3 notes"]
