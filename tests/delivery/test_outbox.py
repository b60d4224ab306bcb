"""The outbox on SQLite and PostgreSQL: planned once, claimed once, sent once, retried, expired."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core import Core
from bot.delivery import outbox
from bot.delivery.sender import Report
from bot.platform.db import Database
from tests.support.clock import FakeClock
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import TEAM, deliver, dms, make_core, note, nudge_rows, outbox_rows, people

# Monday 23 November 2026, 08:00 in London.
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_8)


def _post(db: Database, key: str, now: datetime, channel: str = "C1") -> bool:
    with db.write() as s:
        return outbox.enqueue(s, TEAM, key=key, kind="test", channel=channel, payload={"text": key}, now=now)


def test_a_key_is_planned_once_and_claimed_by_one_sender(any_db: Database, clock: FakeClock) -> None:
    people(any_db, FakeSlack(), {"id": "U1"}, now=clock())
    assert _post(any_db, "k1", clock())
    assert not _post(any_db, "k1", clock())
    with any_db.write() as s:
        first = outbox.claim(s, TEAM, clock(), worker="a")
    with any_db.write() as s:
        second = outbox.claim(s, TEAM, clock(), worker="b")
    assert [c.dedupe_key for c in first] == ["k1"]
    assert second == []
    with any_db.write() as s:
        assert not outbox.begin_try(s, first[0].id, worker="b", now=clock(), lease=timedelta(minutes=1))
        assert outbox.begin_try(s, first[0].id, worker="a", now=clock(), lease=timedelta(minutes=1))
    with any_db.write() as s:
        assert outbox.mark_sent(s, first[0].id, channel="C1", ts="1.1", now=clock())
        assert not outbox.mark_sent(s, first[0].id, channel="C1", ts="1.2", now=clock())
    (row,) = outbox_rows(any_db)
    assert (row.status, row.sent_ts, row.attempts) == ("sent", "1.1", 1)


def test_an_expired_lease_is_reclaimed(any_db: Database, clock: FakeClock) -> None:
    people(any_db, FakeSlack(), {"id": "U1"}, now=clock())
    _post(any_db, "k1", clock())
    with any_db.write() as s:
        assert outbox.claim(s, TEAM, clock(), worker="a", lease=timedelta(minutes=5))
    with any_db.write() as s:
        assert outbox.claim(s, TEAM, clock() + timedelta(minutes=4), worker="b") == []
    with any_db.write() as s:
        (again,) = outbox.claim(s, TEAM, clock() + timedelta(minutes=6), worker="b")
    assert (again.attempts, again.doubt_since) == (0, None)  # claimed twice, never tried
    assert outbox_rows(any_db)[0].claimed_by == "b"
    with any_db.write() as s:  # the first sender wakes up: it may no longer post the row
        assert not outbox.begin_try(s, again.id, worker="a", now=clock(), lease=timedelta(minutes=1))


def test_claims_by_senders_that_die_before_trying_never_use_up_tries(
    any_db: Database, clock: FakeClock
) -> None:
    """A restart storm: every sender claims a batch and dies before trying most of it."""
    people(any_db, FakeSlack(), {"id": "U1"}, now=clock())
    _post(any_db, "k1", clock())
    for i in range(outbox.MAX_ATTEMPTS * 3):
        with any_db.write() as s:
            assert outbox.claim(s, TEAM, clock() + timedelta(minutes=2 * i), worker=f"w{i}")
    with any_db.write() as s:
        outbox.expire_stale(s, TEAM, clock() + timedelta(hours=1))
        (row,) = outbox.claim(s, TEAM, clock() + timedelta(hours=1), worker="last")
    assert (row.attempts, outbox_rows(any_db)[0].status) == (0, "sending")


def test_a_last_try_in_doubt_is_looked_for_before_the_row_fails(any_db: Database, clock: FakeClock) -> None:
    people(any_db, FakeSlack(), {"id": "U1"}, now=clock())
    _post(any_db, "k1", clock())
    lease = timedelta(minutes=1)
    for i in range(outbox.MAX_ATTEMPTS):  # every try dies while Slack holds the post
        at = clock() + timedelta(minutes=2 * i)
        with any_db.write() as s:
            (c,) = outbox.claim(s, TEAM, at, worker=f"w{i}", lease=lease)
            assert outbox.begin_try(s, c.id, worker=f"w{i}", now=at, lease=lease)
    later = clock() + timedelta(hours=1)
    with any_db.write() as s:
        outbox.expire_stale(s, TEAM, later)
        (c,) = outbox.claim(s, TEAM, later, worker="last")
    assert (c.attempts, c.doubt_since) == (outbox.MAX_ATTEMPTS, clock() + timedelta(minutes=8))


def test_stale_rows_expire_and_exhausted_ones_fail_with_a_log_line(
    any_db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    people(any_db, FakeSlack(), {"id": "U1"}, now=clock())
    with any_db.write() as s:
        outbox.enqueue(
            s,
            TEAM,
            key="old",
            kind="t",
            channel="C1",
            payload={"text": "x"},
            now=clock(),
            expires_at=clock() + timedelta(hours=1),
        )
    _post(any_db, "doomed", clock())
    for i in range(outbox.MAX_ATTEMPTS):  # every try meets a 5xx-like answer: nothing posted
        at = clock() + timedelta(minutes=10 * i)
        with any_db.write() as s:
            (c,) = outbox.claim(s, TEAM, at, worker="a", key="doomed")
            assert outbox.begin_try(s, c.id, worker="a", now=at, lease=timedelta(minutes=1))
            outbox.retry_later(s, c.id, at, delay=timedelta(minutes=1), error="x", clear_doubt=True)
    with caplog.at_level(logging.WARNING), any_db.write() as s:
        outbox.expire_stale(s, TEAM, clock() + timedelta(hours=2))
    statuses = {r.dedupe_key: r.status for r in outbox_rows(any_db)}
    assert statuses == {"old": "expired", "doomed": "failed"}
    assert "gave up on doomed" in caplog.text


def post_now(core: Core, *, key: str, payload: dict[str, str]) -> Report:
    """What an immediate post does: plan it under the key of what it announces, then send it now."""
    with core.db.write() as s:
        outbox.enqueue(s, TEAM, key=key, kind="kudos", channel="C1", payload=payload, now=core.clock())
    return core.sender(workers=1).send_now(TEAM, key)


def test_an_immediate_post_is_sent_once_however_often_it_is_asked(
    any_db: Database, slack: FakeSlack, clock: FakeClock
) -> None:
    core = make_core(slack, any_db, clock)
    people(any_db, slack, {"id": "U1"}, now=clock())
    for _ in range(3):  # the request, then two Slack retries of it
        post_now(core, key="kudos:42", payload={"text": "Well done"})
    assert [m["text"] for m in slack.messages_in("C1")] == ["Well done"]
    (row,) = outbox_rows(any_db)
    assert row.status == "sent"
    assert row.sent_ts == slack.messages_in("C1")[0]["ts"]


def test_a_failed_immediate_post_is_retried_by_the_sender(
    any_db: Database, slack: FakeSlack, clock: FakeClock
) -> None:
    core = make_core(slack, any_db, clock)
    people(any_db, slack, {"id": "U1"}, now=clock())
    slack.fail_next("chat.postMessage", status=503)
    report = post_now(core, key="kudos:7", payload={"text": "Yay"})
    assert report.retried == 1
    assert slack.messages_in("C1") == []
    assert deliver(core).sent == 0  # backing off
    clock.advance(minutes=1)
    assert deliver(core).sent == 1
    assert [m["text"] for m in slack.messages_in("C1")] == ["Yay"]


def test_429_waits_for_retry_after_without_using_up_attempts(
    any_db: Database, slack: FakeSlack, clock: FakeClock
) -> None:
    core = make_core(slack, any_db, clock)
    people(any_db, slack, {"id": "U1"}, now=clock())
    _post(any_db, "k", clock())
    slack.fail_next("chat.postMessage", status=429, retry_after=30, times=3)
    for _ in range(3):
        deliver(core)
        row = outbox_rows(any_db)[0]
        assert row.status == "pending"
        assert row.deliver_after == clock() + timedelta(seconds=30)
        assert deliver(core).sent == 0  # not before Retry-After
        clock.advance(seconds=30)
    assert deliver(core).sent == 1
    row = outbox_rows(any_db)[0]
    assert (row.status, row.attempts) == ("sent", 1)


def test_a_permanent_error_fails_at_once(
    any_db: Database, slack: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    core = make_core(slack, any_db, clock)
    people(any_db, slack, {"id": "U1"}, now=clock())
    _post(any_db, "k", clock(), channel="Cgone")
    slack.archived_channels.add("Cgone")
    with caplog.at_level(logging.WARNING):
        assert deliver(core).failed == 1
    assert outbox_rows(any_db)[0].status == "failed"
    assert "is_archived" in caplog.text


def test_a_day_s_nudges_travel_as_one_dm_and_late_ones_wait_for_the_next_morning(
    any_db: Database, slack: FakeSlack, clock: FakeClock
) -> None:
    core = make_core(slack, any_db, clock)
    ann = people(any_db, slack, {"id": "UANN", "tz": "Europe/London"}, now=clock())["UANN"]
    assert note(any_db, ann, "a", clock())
    assert note(any_db, ann, "b", clock())
    assert not note(any_db, ann, "b", clock())  # planned once
    deliver(core)
    assert dms(slack, "UANN") == []  # 08:00: not yet
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    deliver(core)
    (dm,) = dms(slack, "UANN")
    assert "Note a" in str(dm["blocks"])
    assert "Note b" in str(dm["blocks"])
    # Planned for today after today's digest left: tomorrow morning, not a second DM today.
    clock.advance(hours=1)
    assert note(any_db, ann, "c", clock())
    deliver(core)
    clock.advance(hours=2)
    deliver(core)
    assert len(dms(slack, "UANN")) == 1
    moved = next(n for n in nudge_rows(any_db) if n.dedupe_key.endswith(":c"))
    assert moved.local_date == date(2026, 11, 24)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    deliver(core)
    assert len(dms(slack, "UANN")) == 2
    assert "Note c" in str(dms(slack, "UANN")[1]["blocks"])
    assert {n.status for n in nudge_rows(any_db)} == {"sent"}


def test_a_digest_for_someone_who_left_or_paused_is_not_sent(
    any_db: Database, slack: FakeSlack, clock: FakeClock
) -> None:
    core = make_core(slack, any_db, clock)
    found = people(any_db, slack, {"id": "UA"}, {"id": "UB"}, {"id": "UC"}, now=clock())
    for m in found.values():
        note(any_db, m, "x", clock())
    with any_db.write() as s:
        from bot.models import Member

        a = s.get(Member, found["UA"].id)
        b = s.get(Member, found["UB"].id)
        assert a is not None
        assert b is not None
        a.deleted = True
        b.paused_until = date(2026, 11, 30)
    clock.set(datetime(2026, 11, 23, 9, 5, tzinfo=UTC))
    report = deliver(core)
    assert (report.sent, report.skipped) == (1, 2)
    assert [m["channel"] for m in slack.messages] == ["DUC"]


def test_moot_items_are_dropped_and_an_empty_digest_is_not_sent(
    any_db: Database, slack: FakeSlack, clock: FakeClock
) -> None:
    core = make_core(slack, any_db, clock)
    ann = people(any_db, slack, {"id": "UANN"}, now=clock())["UANN"]
    with any_db.write() as s:
        from bot.models import Member
        from bot.nudges.planning import plan_one

        m = s.get(Member, ann.id)
        assert m is not None
        plan_one(s, TEAM, m, "test-note", "gone", clock(), payload={"moot": True})
    clock.set(datetime(2026, 11, 23, 9, 5, tzinfo=UTC))
    assert deliver(core).skipped == 1
    assert slack.messages == []
    assert [n.status for n in nudge_rows(any_db)] == ["dropped"]
