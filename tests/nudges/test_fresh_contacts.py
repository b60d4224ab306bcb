""" "Follow up while it is fresh" is skipped when a keep-in-touch cadence already covers the
person: planned without it, and dropped at send time when the cadence started meanwhile."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.models import Member
from bot.models.outbox import Nudge
from bot.platform.db import Database
from bot.relationships import cadences, interactions
from tests.support import wiring
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import TEAM
from tests.support.nudgekit import people as add_people

MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # London: UTC in winter
TUESDAY_EVENING = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)  # plans Wednesday's digests
WEDNESDAY = date(2026, 11, 25)


def _setup(db: Database) -> dict[str, Member]:
    """Ann's first talks with Bob, Cat and Dan on Monday; she keeps in touch with Bob, and kept in
    touch with Dan until she stopped."""
    found = add_people(db, FakeSlack(), *({"id": u} for u in ("UANN", "UBOB", "UCAT", "UDAN")), now=MONDAY)
    with db.write() as s:
        for who in ("UBOB", "UCAT", "UDAN"):
            assert interactions.log_text(s, TEAM, "UANN", f"<@{who}|x> coffee", MONDAY).saved
        ann = s.get(Member, found["UANN"].id)
        assert ann is not None
        for who in ("UBOB", "UDAN"):
            contact = s.get(Member, found[who].id)
            assert contact is not None
            cadences.keep_in_touch(s, TEAM, ann, contact, 42, MONDAY)
        assert cadences.stop(s, TEAM, ann.id, found["UDAN"].id)
    return found


def _fresh(db: Database) -> list[tuple[str, date]]:
    with db.read() as s:
        rows = s.execute(
            select(Member.user_id, Nudge.local_date)
            .join(Member, Member.id == Nudge.subject_id)
            .where(Nudge.kind == "fresh_contact")
        ).all()
    return sorted((who, day) for who, day in rows)


def test_a_cadence_covers_the_person_so_no_fresh_follow_up(any_db: Database) -> None:
    _setup(any_db)
    with any_db.write() as s:
        wiring.plan(s, TEAM, TUESDAY_EVENING)
    # Bob: the cadence reminds Ann already. Dan: that cadence was stopped, so it covers nothing.
    assert _fresh(any_db) == [("UCAT", WEDNESDAY), ("UDAN", WEDNESDAY)]


def test_a_cadence_started_after_planning_drops_the_item(any_db: Database) -> None:
    found = _setup(any_db)
    with any_db.write() as s:
        wiring.plan(s, TEAM, TUESDAY_EVENING)
        ann, cat = s.get(Member, found["UANN"].id), s.get(Member, found["UCAT"].id)
        assert ann is not None
        assert cat is not None
        cadences.keep_in_touch(s, TEAM, ann, cat, 42, TUESDAY_EVENING)
    fresh = wiring.KINDS.get("fresh_contact")
    assert fresh is not None
    with any_db.read() as s:
        items = list(s.scalars(select(Nudge).where(Nudge.kind == "fresh_contact").order_by(Nudge.id)))
        lines = fresh.describe(s, TEAM, items, TUESDAY_EVENING)
    by_subject = {n.subject_id: lines[n.id] for n in items}
    assert by_subject[found["UCAT"].id] is None  # moot: dropped instead of sent
    dan = by_subject[found["UDAN"].id]
    assert dan is not None
    assert "Follow up with <@UDAN> while it is fresh" in dan.text
