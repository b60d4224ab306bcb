"""Kudos in the daily DM: the receiver reads who thanked them; the giver hears of the receiver's days."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.core import Core
from bot.kudos import posts as kudos_posts
from bot.models import Member
from bot.platform.db import Database
from jobs import JOBS
from tests.support.clock import FakeClock
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import dms, make_core, people

MONDAY_3PM = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)  # after the working day
TUESDAY_9AM = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WEDNESDAY_9AM = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def give(core: Core, giver: str, text: str) -> None:
    with core.db.write() as s:
        kudos_posts.accept(s, core.settings, "T0001", giver, text, core.clock(), request_id=None)


def digest_text(slack: FakeSlack, user: str) -> str:
    return " ".join(json.dumps(m["blocks"]) for m in dms(slack, user))


def test_the_receiver_reads_their_kudos_in_the_next_digest(db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(MONDAY_3PM)
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UBOB"}, {"id": "UCAT"}, now=MONDAY_3PM)
    give(core, "UANN", "<@UBOB> <@UCAT> for the launch & the <b>docs</b>")
    JOBS["nudges"](core, clock())  # Monday's digests are long gone: planned for Tuesday
    assert dms(slack, "UBOB") == []
    clock.set(TUESDAY_9AM)
    JOBS["nudges"](core, clock())
    for receiver in ("UBOB", "UCAT"):
        text = digest_text(slack, receiver)
        assert "<@UANN> gave you kudos for the launch &amp; the &lt;b&gt;docs&lt;/b&gt;" in text
    assert dms(slack, "UANN") == []
    JOBS["nudges"](core, clock())
    assert len(dms(slack, "UBOB")) == 1  # once


def test_a_giver_hears_of_the_birthday_of_someone_they_thanked(db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(MONDAY_3PM)
    core = make_core(slack, db, clock)
    found = people(db, slack, {"id": "UANN"}, {"id": "UBOB"}, {"id": "UCAT"}, now=MONDAY_3PM)
    with db.write() as s:
        for uid in ("UBOB", "UCAT"):
            m = s.get(Member, found[uid].id)
            assert m is not None
            m.birthday_month, m.birthday_day = 11, 26  # Thursday
    give(core, "UANN", "<@UBOB> for the review")
    clock.set(WEDNESDAY_9AM)
    JOBS["nudges"](core, clock())
    text = digest_text(slack, "UANN")
    assert "<@UBOB>" in text
    assert "birthday" in text
    assert "<@UCAT>" not in text  # not in Ann's circle
