"""Helpers for outbox and nudge tests: a core on any database, people, a test-only nudge kind,
and a circle of fixed pairs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Select, Table, delete, insert, select

from bot.bootstrap import CIRCLE, NUDGE_KINDS, Registry, build_registry
from bot.celebrations import consent
from bot.core import Core
from bot.delivery.sender import Report
from bot.models import Member
from bot.models.celebrations import CelebrationConsent
from bot.models.outbox import Nudge, Outbox
from bot.nudges import kinds
from bot.nudges.planning import plan_one
from bot.platform.db import Database
from bot.relationships.ids import Offer
from tests.support.clock import FakeClock
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import make_settings

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


NOTE_KIND = kinds.Kind(NOTE, kinds.FOR_YOU, _describe_notes, (Offer.DONE, Offer.SNOOZE))
# Rapport's own wiring, with the test kind.
REGISTRY = build_registry(nudge_kinds=(*NUDGE_KINDS, NOTE_KIND))


def make_core(slack: FakeSlack, db: Database, clock: FakeClock, *, registry: Registry = REGISTRY) -> Core:
    return Core(settings=make_settings(slack, db), db=db, clock=clock, registry=registry)


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


def deliver(core: Core, **kwargs: Any) -> Report:
    kwargs.setdefault("rate", 1000.0)
    return core.sender(**kwargs).run(TEAM)


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


def _static_part(team_id: str, subjects: Any) -> Select[Any]:
    return select(_CIRCLE.c.member_id, _CIRCLE.c.other_id).where(_CIRCLE.c.other_id.in_(subjects))


@contextmanager
def static_circle(db: Database, pairs: Sequence[tuple[int, int]]) -> Iterator[Registry]:
    """A circle of fixed (member_id, other_id) pairs in a test-only table, beside the features'
    own parts: yields the wiring that plans with it."""
    with db.engine.begin() as conn:
        _CIRCLE.create(conn, checkfirst=True)
        conn.execute(delete(_CIRCLE))
        if pairs:
            conn.execute(insert(_CIRCLE), [{"member_id": a, "other_id": b} for a, b in pairs])
    try:
        yield build_registry(nudge_kinds=(*NUDGE_KINDS, NOTE_KIND), circle_parts=(*CIRCLE, _static_part))
    finally:
        with db.engine.begin() as conn:  # the schema stays what the migrations make
            _CIRCLE.drop(conn, checkfirst=True)


def local(day: date) -> str:
    return day.isoformat()


def say_yes_to_promotions(db: Database, now: datetime) -> None:
    """Whoever is promoted is asked (by the celebrations job) and says yes at once: colleagues hear
    of a promotion only with its owner's yes (`bot.celebrations.consent`). Answered before it is
    sent, the question's DM is never sent."""
    with db.write() as s:
        consent.ask(s, TEAM, now, channel_ok=False)
        for consent_id, user_id in s.execute(
            select(CelebrationConsent.id, Member.user_id)
            .join(Member, Member.id == CelebrationConsent.member_id)
            .where(CelebrationConsent.answer.is_(None))
        ).all():
            consent.answer(s, TEAM, user_id, str(consent_id), True, now)
