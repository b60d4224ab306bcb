"""A digest first planned after the delivery hour still goes out that day while the working
day lasts; planning from the evening before already has the morning's rows ready."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from bot.core import Core
from bot.kudos import posts as kudos_posts
from bot.platform.db import Database
from jobs import JOBS
from tests.support.clock import FakeClock
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import dms, make_core, nudge_rows, people

FRIDAY_EVENING = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
MONDAY_8AM = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
MONDAY_9_02 = datetime(2026, 11, 23, 9, 2, tzinfo=UTC)
MONDAY_6_30PM = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
TUESDAY_9AM = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def give(core: Core, giver: str, text: str) -> None:
    with core.db.write() as s:
        kudos_posts.accept(s, core.settings, "T0001", giver, text, core.clock(), request_id=None)


def texts(slack: FakeSlack, user: str) -> list[str]:
    return [json.dumps(m["blocks"]) for m in dms(slack, user)]


def test_a_digest_first_planned_after_the_delivery_hour_goes_out_that_day(
    db: Database, slack: FakeSlack
) -> None:
    clock = FakeClock(MONDAY_8AM)
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UBOB"}, now=clock())
    give(core, "UANN", "<@UBOB> for the launch")
    clock.set(MONDAY_9_02)  # the scheduler was down over 09:00: its first run is now
    JOBS["nudges"](core, clock())
    (sent,) = texts(slack, "UBOB")
    assert "gave you kudos for the launch" in sent
    (item,) = nudge_rows(db)
    assert (item.local_date, item.status) == (date(2026, 11, 23), "sent")


def test_planning_from_the_evening_before_leaves_nothing_to_a_restart_at_nine(
    db: Database, slack: FakeSlack
) -> None:
    clock = FakeClock(FRIDAY_EVENING)
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UBOB"}, now=clock())
    give(core, "UANN", "<@UBOB> for the review")
    JOBS["nudges"](core, clock())  # Friday's working day is over: planned for Monday 09:00
    (item,) = nudge_rows(db)
    assert (item.local_date, item.deliver_after) == (
        date(2026, 11, 23),
        datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    )
    assert dms(slack, "UBOB") == []
    clock.set(MONDAY_9_02)  # restarted across 09:00
    JOBS["nudges"](core, clock())
    assert len(texts(slack, "UBOB")) == 1


def test_after_the_working_day_ends_a_digest_waits_for_the_next_working_morning(
    db: Database, slack: FakeSlack
) -> None:
    clock = FakeClock(MONDAY_6_30PM)
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UBOB"}, now=clock())
    give(core, "UANN", "<@UBOB> for the fix")
    JOBS["nudges"](core, clock())
    assert dms(slack, "UBOB") == []
    (item,) = nudge_rows(db)
    assert item.local_date == date(2026, 11, 24)
    clock.set(TUESDAY_9AM)
    JOBS["nudges"](core, clock())
    assert len(texts(slack, "UBOB")) == 1


def test_a_late_digest_still_follows_its_recipient_s_zone(db: Database, slack: FakeSlack) -> None:
    # 09:02 in New York is 14:02 UTC; the working day there lasts until 23:00 UTC.
    clock = FakeClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UBOB", "tz": "America/New_York"}, now=clock())
    give(core, "UANN", "<@UBOB> for the demo")
    clock.set(datetime(2026, 11, 23, 14, 2, tzinfo=UTC))
    JOBS["nudges"](core, clock())
    assert len(texts(slack, "UBOB")) == 1


def test_kudos_and_endorsements_a_lost_digest_held_ride_in_the_next_one(
    db: Database, slack: FakeSlack
) -> None:
    from bot.expertise import endorsements

    clock = FakeClock(MONDAY_8AM)
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UBOB"}, now=clock())
    give(core, "UANN", "<@UBOB> for the launch")
    with db.write() as s:
        endorsements.endorse(s, "T0001", "UANN", ["UBOB"], "python", clock(), evidence=core.registry.evidence)
    JOBS["nudges"](core, clock())  # planned for Monday 09:00
    assert {n.kind for n in nudge_rows(db)} >= {"kudos_received", "endorsed"}
    clock.set(MONDAY_6_30PM)  # nothing was sent all day: Monday's digest expires
    JOBS["nudges"](core, clock())
    assert dms(slack, "UBOB") == []
    clock.set(TUESDAY_9AM)
    JOBS["nudges"](core, clock())
    (sent,) = texts(slack, "UBOB")
    assert "gave you kudos for the launch" in sent
    assert "endorsed you for" in sent
