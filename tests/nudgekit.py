"""Helpers for outbox and nudge tests: a core on any database, people, a test-only nudge kind."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Select, Table, delete, insert, select

from bot.core import Core
from bot.delivery import sender as delivery
from bot.models import Member
from bot.models.outbox import Nudge, Outbox
from bot.nudges import circle, kinds
from bot.nudges.planning import plan_one
from bot.platform.db import Database
from tests.clock import FakeClock
from tests.conftest import make_settings
from tests.factories import add_members, slack_user
from tests.fakeslack import FakeSlack

TEAM = "T0001"
NOTE = "test-note"


def _describe_notes(
    session: Any, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    return {
        n.id: None
        if (n.payload or {}).get("moot")
        else kinds.Line(f"Note {(n.payload or {}).get('text', n.id)}")
        for n in items
    }


kinds.register(kinds.Kind(NOTE, kinds.FOR_YOU, _describe_notes, (kinds.DONE, kinds.SNOOZE)))


def make_core(slack: FakeSlack, db: Database, clock: FakeClock) -> Core:
    return Core(settings=make_settings(slack, db), db=db, clock=clock)


def people(db: Database, slack: FakeSlack, *specs: dict[str, Any], now: datetime) -> dict[str, Member]:
    """Members in the database and users in the fake Slack (so DMs to them work)."""
    users = []
    for spec in specs:
        spec = dict(spec)
        uid = spec.pop("id")
        tz = spec.pop("tz", "Europe/London")
        slack.add_user(uid, tz=tz, title=spec.get("title", ""), deleted=spec.get("deleted", False))
        users.append(slack_user(uid, tz=tz, **spec))
    return add_members(db, TEAM, *users, now=now)


def note(db: Database, member: Member, occurrence: str, now: datetime, **kwargs: Any) -> bool:
    with db.write() as s:
        m = s.get(Member, member.id)
        assert m is not None
        return plan_one(s, TEAM, m, NOTE, occurrence, now, payload={"text": occurrence}, **kwargs)


def deliver(core: Core, **kwargs: Any) -> delivery.Report:
    kwargs.setdefault("rate", 1000.0)
    return delivery.deliver(core, TEAM, **kwargs)


def outbox_rows(db: Database) -> list[Outbox]:
    with db.read() as s:
        return list(s.scalars(select(Outbox).order_by(Outbox.id)))


def nudge_rows(db: Database) -> list[Nudge]:
    with db.read() as s:
        return list(s.scalars(select(Nudge).order_by(Nudge.id)))


def dms(slack: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    return slack.messages_in("D" + user_id)


_CIRCLE = Table(
    "test_circle",
    MetaData(),
    Column("member_id", Integer, nullable=False),
    Column("other_id", Integer, nullable=False),
)


@contextmanager
def static_circle(db: Database, pairs: Sequence[tuple[int, int]]) -> Iterator[None]:
    """A circle of fixed (member_id, other_id) pairs in a test-only table, beside the features'
    own parts (interactions, endorsements, cadences; kudos to come)."""
    with db.engine.begin() as conn:
        _CIRCLE.create(conn, checkfirst=True)
        conn.execute(delete(_CIRCLE))
        if pairs:
            conn.execute(insert(_CIRCLE), [{"member_id": a, "other_id": b} for a, b in pairs])

    def part(team_id: str, subjects: Any) -> Select[Any]:
        return select(_CIRCLE.c.member_id, _CIRCLE.c.other_id).where(_CIRCLE.c.other_id.in_(subjects))

    circle.PARTS.append(part)
    try:
        yield
    finally:
        circle.PARTS.remove(part)
        with db.engine.begin() as conn:  # the schema stays what the migrations make
            _CIRCLE.drop(conn, checkfirst=True)


def local(day: date) -> str:
    return day.isoformat()
