"""Delivery under failure: 429s and 5xx, a sender killed mid-send, two senders racing."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery import outbox
from bot.delivery.pacer import Pacer
from bot.delivery.sender import Report, Sender
from bot.models import Member
from bot.models.outbox import Nudge
from bot.platform.db import Database
from bot.platform.storage import insert_many_ignore
from tests.support.clock import FakeClock
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.killed_sender import run_killed
from tests.support.nudgekit import NOTE, TEAM, deliver, make_core, outbox_rows

# Monday 23 November 2026, 09:00 in London: digests are due.
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _crowd(db: Database, slack: FakeSlack, count: int) -> list[Member]:
    """`count` London members, each with one nudge due today (one DM each)."""
    users = [slack_user(f"U{i:05d}", tz="Europe/London") for i in range(count)]
    for u in users:
        slack.add_user(u["id"], tz="Europe/London")
    found = list(add_members(db, TEAM, *users, now=MONDAY_9).values())
    day = date(2026, 11, 23)
    rows = [
        {
            "dedupe_key": f"{TEAM}:{m.id}:note:{i}",
            "team_id": TEAM,
            "recipient_id": m.id,
            "kind": NOTE,
            "payload": {"text": m.user_id},
            "local_date": day,
            "deliver_after": MONDAY_9,
            "expires_at": MONDAY_9 + timedelta(hours=9),
            "status": "pending",
            "created_at": MONDAY_9,
            "updated_at": MONDAY_9,
        }
        for i, m in enumerate(found)
    ]
    with db.write() as s:
        insert_many_ignore(s, Nudge, rows, ["dedupe_key"])
    return found


def _posted_channels(slack: FakeSlack) -> Counter[str]:
    return Counter(c.params["channel"] for c in slack.calls_to("chat.postMessage") if c.ok)


def test_429s_and_5xx_lose_nothing_and_double_nothing(any_db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(MONDAY_9)
    core = make_core(slack, any_db, clock)
    crowd = _crowd(any_db, slack, 120)
    slack.fail_ratio("chat.postMessage", status=500, ratio=0.1, seed=7)
    slack.fail_next("chat.postMessage", status=429, retry_after=2, times=3)
    for _ in range(40):
        deliver(core)
        clock.advance(minutes=1)
        if all(r.status == "sent" for r in outbox_rows(any_db)) and len(outbox_rows(any_db)) == len(crowd):
            break
    failures = [c for c in slack.calls_to("chat.postMessage") if not c.ok]
    assert len(failures) > 10  # the faults did happen
    assert _posted_channels(slack) == Counter({f"{m.user_id}": 1 for m in crowd})
    assert {r.status for r in outbox_rows(any_db)} == {"sent"}
    assert len(slack.messages) == len(crowd)


def test_a_sender_killed_between_claim_and_send_is_taken_over_after_its_lease(
    db: Database, slack: FakeSlack
) -> None:
    clock = FakeClock(MONDAY_9)
    core = make_core(slack, db, clock)
    ann = _crowd(db, slack, 1)[0]
    url = db.url.render_as_string(hide_password=False)
    assert run_killed(url, slack.base_url, slack.bot_token, TEAM, clock()) == -9  # SIGKILL
    (row,) = outbox_rows(db)
    assert (row.status, row.claimed_by) == ("sending", "doomed")
    assert slack.calls_to("chat.postMessage") == []
    clock.advance(seconds=40)  # the lease (1 min) still holds
    assert deliver(core).sent == 0
    clock.advance(seconds=30)
    # It died posting: the next sender looks in the DM for it first, finds nothing, posts it.
    assert deliver(core).sent == 1
    assert [(c.method, c.ok) for c in slack.calls][-2:] == [
        ("conversations.history", True),
        ("chat.postMessage", True),
    ]
    clock.advance(minutes=10)
    assert deliver(core).sent == 0
    assert [m["channel"] for m in slack.messages] == ["D" + ann.user_id]
    (row,) = outbox_rows(db)
    assert (row.status, row.attempts) == ("sent", 2)


@pytest.mark.slow
@pytest.mark.parametrize("any_db", ["postgres"], indirect=True)
def test_two_senders_race_over_2000_digests_each_sent_once(any_db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(MONDAY_9)
    core = make_core(slack, any_db, clock)
    crowd = _crowd(any_db, slack, 2000)
    pacer = Pacer(any_db, TEAM, 100_000.0, clock=clock)
    senders = [
        Sender(
            any_db,
            lambda team: core.clients.client(team, wait_on_rate_limit=False),
            kinds=core.registry.outbox,
            clock=clock,
            pacer=lambda team: pacer,
            workers=6,
            batch=100,
            worker_id=f"sender-{i}",
        )
        for i in range(2)
    ]
    reports: list[Report] = []
    threads = [threading.Thread(target=lambda s=s: reports.append(s.run(TEAM))) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert min(r.sent for r in reports) > 0  # both took part
    assert sum(r.sent for r in reports) == 2000
    assert _posted_channels(slack) == Counter({m.user_id: 1 for m in crowd})
    with any_db.read() as s:
        assert set(s.scalars(select(Nudge.status))) == {"sent"}
    assert {r.status for r in outbox_rows(any_db)} == {"sent"}
    assert len({r.claimed_by for r in outbox_rows(any_db)}) == 2


class AtOnce(FakeClock):
    """A clock on which waiting takes no time at all: posts that come together stay together."""

    def sleep(self, seconds: float) -> None:
        pass


def test_an_immediate_post_to_a_busy_channel_is_left_for_the_scheduled_sender(
    any_db: Database, slack: FakeSlack
) -> None:
    """Four kudos-like posts at once to one channel (Slack: one a second): three go out paced, the
    fourth would wait too long, so it stays planned and unclaimed until the scheduled sender runs."""
    clock = FakeClock(MONDAY_9)
    core = make_core(slack, any_db, clock)
    channel = slack.add_channel("C0CELEBRATE", "celebrations")["id"]
    keys = [f"{TEAM}:post:{i}" for i in range(4)]
    with any_db.write() as s:
        for i, key in enumerate(keys):
            payload = {"text": f"post {i}"}
            outbox.enqueue(s, TEAM, key=key, kind=NOTE, channel=channel, payload=payload, now=MONDAY_9)
    pacing = AtOnce()  # the four requests come at the same moment
    pacer = Pacer(any_db, TEAM, 100.0, 1.0, clock=pacing)
    sender = Sender(
        any_db,
        core.clients.client,
        kinds=core.registry.outbox,
        clock=clock,
        pacer=lambda team: pacer,
        workers=1,
    )

    reports = [sender.send_now(TEAM, key, channel=channel) for key in keys]

    assert [r.sent for r in reports] == [1, 1, 1, 0]
    assert reports[3].deferred == 1
    last = outbox_rows(any_db)[3]
    # Exactly as planned: never claimed, so never given back ("paced", later) either.
    assert (last.status, last.attempts, last.last_error, last.deliver_after) == ("pending", 0, None, MONDAY_9)
    assert [m["text"] for m in slack.messages_in(channel)] == ["post 0", "post 1", "post 2"]

    pacing.seconds += 10  # the channel has room again by the next scheduled run
    clock.advance(timedelta(minutes=1))
    assert sender.run(TEAM).sent == 1
    assert [m["text"] for m in slack.messages_in(channel)] == ["post 0", "post 1", "post 2", "post 3"]
