"""Exactly once in effect: a post whose answer was lost is found, not posted again; one budget
for every sender of a workspace; Slack's Retry-After held for all of them at once."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.delivery import outbox
from bot.delivery.pacer import Pacer
from bot.delivery.sender import Sender
from bot.platform.db import Database
from bot.platform.slack import make_client
from tests.support.clock import FakeClock
from tests.support.fakeslack import FakeSlack
from tests.support.killed_sender import run_killed
from tests.support.nudgekit import NOTE, TEAM, deliver, make_core, outbox_rows

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _plan(db: Database, count: int, channel: str = "C0NEWS", now: datetime = MONDAY_9) -> list[str]:
    keys = [f"{TEAM}:post:{i}" for i in range(count)]
    with db.write() as s:
        for key in keys:
            outbox.enqueue(s, TEAM, key=key, kind=NOTE, channel=channel, payload={"text": key}, now=now)
    return keys


def _on_time(slack: FakeSlack, clock: FakeClock) -> None:
    """Slack's message ts are its clock's: the history since a try is read by time."""
    slack.wall_clock = clock
    slack.real_ts = True


def _posted(slack: FakeSlack) -> Counter[str]:
    return Counter(m["text"] for m in slack.messages)


class LosesTheAnswer(WebClient):
    """Slack accepts the post; the connection drops before its answer arrives."""

    def chat_postMessage(self, **kwargs: Any) -> Any:
        super().chat_postMessage(**kwargs)
        raise ConnectionResetError("Connection reset by peer")


def _sender(db: Database, slack: FakeSlack, clock: FakeClock, client: type[WebClient], **kw: Any) -> Sender:
    core = make_core(slack, db, clock)
    return Sender(
        db,
        lambda team: client(token=slack.bot_token, base_url=slack.base_url),
        kinds=core.registry.outbox,
        clock=clock,
        pacer=lambda team: Pacer(db, team, 1000.0, clock=clock),
        **kw,
    )


def test_every_post_carries_its_key_in_metadata(any_db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(MONDAY_9)
    core = make_core(slack, any_db, clock)
    slack.add_channel("C0NEWS", "news")
    (key,) = _plan(any_db, 1)
    deliver(core)
    (message,) = slack.messages
    assert message["metadata"] == outbox.slack_metadata(key)
    assert message["metadata"]["event_type"] == "rapport_outbox"
    assert key not in str(message["metadata"])  # opaque: the key names members and days


def test_a_post_whose_answer_was_lost_is_found_in_the_channel_not_posted_again(
    any_db: Database, slack: FakeSlack
) -> None:
    clock = FakeClock(MONDAY_9)
    _on_time(slack, clock)
    slack.add_channel("C0NEWS", "news")
    keys = _plan(any_db, 3)
    report = _sender(any_db, slack, clock, LosesTheAnswer).run(TEAM)
    assert (report.sent, report.retried) == (0, 3)
    assert _posted(slack) == Counter(keys)  # Slack has them all, we don't know it yet
    assert {r.status for r in outbox_rows(any_db)} == {"pending"}

    core = make_core(slack, any_db, clock)
    found = 0
    for _ in range(3):  # history reads are Tier 3 (50 a minute): the third may wait its turn
        clock.advance(minutes=1)
        found += deliver(core).reconciled
    assert found == 3
    assert _posted(slack) == Counter(keys)  # still once each
    assert slack.calls_to("chat.postMessage")[3:] == []
    rows = outbox_rows(any_db)
    assert {r.sent_ts for r in rows} == {m["ts"] for m in slack.messages}
    assert {(r.status, r.doubt_since) for r in rows} == {("sent", None)}


def test_a_sender_killed_after_slack_accepted_the_post_leaves_no_duplicate(
    db: Database, slack: FakeSlack
) -> None:
    clock = FakeClock(MONDAY_9)
    _on_time(slack, clock)
    core = make_core(slack, db, clock)
    slack.add_channel("C0NEWS", "news")
    (key,) = _plan(db, 1)
    url = db.url.render_as_string(hide_password=False)
    assert run_killed(url, slack.base_url, slack.bot_token, TEAM, clock(), "after") == -9  # SIGKILL
    assert _posted(slack) == Counter([key])
    clock.advance(minutes=2)  # its lease runs out
    assert deliver(core).reconciled == 1
    assert _posted(slack) == Counter([key])
    (row,) = outbox_rows(db)
    assert (row.status, row.sent_ts) == ("sent", slack.messages[0]["ts"])


def test_a_post_in_doubt_that_slack_never_got_is_posted(any_db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(MONDAY_9)
    core = make_core(slack, any_db, clock)
    slack.add_channel("C0NEWS", "news")
    _plan(any_db, 1)
    slack.fail_next("chat.postMessage", status=500)  # Slack's own trouble: maybe posted, here not
    assert deliver(core).retried == 1
    assert outbox_rows(any_db)[0].doubt_since == MONDAY_9
    clock.advance(minutes=1)
    report = deliver(core)
    assert (report.sent, report.reconciled) == (1, 0)
    assert [c.method for c in slack.calls][-2:] == ["conversations.history", "chat.postMessage"]
    assert len(slack.messages) == 1


def test_a_workspace_without_the_history_scope_still_gets_its_post(
    any_db: Database, slack: FakeSlack
) -> None:
    clock = FakeClock(MONDAY_9)
    core = make_core(slack, any_db, clock)
    slack.add_channel("C0NEWS", "news")
    slack.team().scopes.discard("channels:history")
    _plan(any_db, 1)
    slack.fail_next("chat.postMessage", status=500)
    deliver(core)
    clock.advance(minutes=1)
    assert deliver(core).sent == 1
    assert len(slack.messages) == 1


def test_posts_are_never_repeated_by_the_client_after_a_dropped_connection() -> None:
    """slack_sdk's connection retries stay for reads; a post is left to the outbox to look for."""
    seen: Counter[str] = Counter()
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                request = conn.recv(65536).decode("latin-1")
                seen[request.split(" ", 2)[1].rsplit("/", 1)[-1]] += 1
            # closed without an answer: "Connection reset by peer" / RemoteDisconnected

    threading.Thread(target=serve, daemon=True).start()
    client = make_client("xoxb-t", f"http://127.0.0.1:{port}/api/", wait_on_rate_limit=False)
    try:
        for call in (
            lambda: client.chat_postMessage(channel="C1", text="hi"),
            lambda: client.users_info(user="U1"),
        ):
            with pytest.raises(Exception):  # noqa: B017, PT011 - whichever the dropped socket gives
                call()
    finally:
        server.close()
    assert seen["chat.postMessage"] == 1
    assert seen["users.info"] == 3  # a read is asked again (twice)


class Replica(FakeClock):
    """One replica's view of a shared test clock: waiting for a slot moves the shared time to
    that slot (not by the wait again for every thread that waits at once)."""

    def __init__(self, shared: FakeClock) -> None:
        super().__init__(shared.now)
        self.shared = shared
        self._seen = threading.local()

    def __call__(self) -> datetime:
        return self.shared.now

    def epoch(self) -> float:
        self._seen.at = self.shared.epoch()
        return float(self._seen.at)

    def sleep(self, seconds: float) -> None:
        target = getattr(self._seen, "at", self.shared.epoch()) + seconds
        with self.shared._lock:
            self.shared.seconds = max(self.shared.seconds, target - self.shared.now.timestamp())


def test_two_replicas_share_one_workspace_budget(any_db: Database, slack: FakeSlack) -> None:
    """Two senders, each with its own pacer object (as two processes would be), never go over
    the workspace's 10 a second together: the fake Slack answers 429 past it."""
    shared = FakeClock(MONDAY_9)
    slack.clock = shared.monotonic
    slack.rate_limit("chat.postMessage", per_channel_per_second=None, per_team_per_minute=600)
    core = make_core(slack, any_db, shared)
    users = [f"U{i:03d}" for i in range(60)]
    for u in users:
        slack.add_user(u)
    with any_db.write() as s:
        for u in users:
            outbox.enqueue(s, TEAM, key=f"k:{u}", kind=NOTE, channel=u, payload={"text": u}, now=MONDAY_9)
    senders = [
        Sender(
            any_db,
            lambda team: core.clients.client(team, wait_on_rate_limit=False),
            kinds=core.registry.outbox,
            clock=replica,
            pacer=lambda team, replica=replica: Pacer(any_db, team, 10.0, clock=replica),  # type: ignore[misc]
            workers=3,
            batch=10,
            worker_id=f"replica-{i}",
        )
        for i, replica in enumerate([Replica(shared), Replica(shared)])
    ]
    threads = [threading.Thread(target=s.run, args=(TEAM,)) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    together = len(slack.messages)
    assert together > 40  # both ran most of it
    # Together no faster than the workspace's 10 a second (apart, each would go at 10).
    assert shared.seconds >= (together - 1) / 10 * 0.95
    assert [c.status for c in slack.calls_to("chat.postMessage") if c.status != 200] == []
    for _ in range(3):  # what a busy moment gave back goes on a next run
        shared.advance(minutes=1)
        for sender in senders:
            sender.run(TEAM)
    assert Counter(m["text"] for m in slack.messages) == Counter(users)


def test_a_429_holds_every_sender_including_those_already_waiting(any_db: Database) -> None:
    clock = FakeClock(MONDAY_9)
    mine, theirs = Pacer(any_db, TEAM, 1.0, clock=clock), Pacer(any_db, TEAM, 1.0, clock=clock)
    assert mine.wait("C1") == 0.0  # the slot now; the next is a second away

    class HeldWhileWaiting(FakeClock):
        def sleep(self, seconds: float) -> None:
            clock.sleep(seconds)
            theirs.hold(30)  # another process meets a 429 while we wait for our slot

    waiting = Pacer(any_db, TEAM, 1.0, clock=HeldWhileWaiting(clock.now))
    waiting.clock.epoch = clock.epoch  # type: ignore[method-assign]
    assert waiting.wait("C2") == pytest.approx(30, abs=0.01)  # woke up, saw the hold: gave it back
    assert theirs.wait("C3") == pytest.approx(30, abs=0.01)  # and nobody else asks Slack either
    assert theirs.delay("C3") == pytest.approx(30, abs=0.01)
    clock.sleep(30)
    assert theirs.wait("C3") == 0.0


def test_the_sender_holds_other_senders_after_a_429(any_db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(MONDAY_9)
    core = make_core(slack, any_db, clock)
    slack.add_channel("C0NEWS", "news")
    _plan(any_db, 1)
    slack.fail_next("chat.postMessage", status=429, retry_after=20)
    assert deliver(core).retried == 1
    other = Pacer(any_db, TEAM, 10.0, clock=clock)
    assert other.delay("C0OTHER") == pytest.approx(20, abs=0.01)
    (row,) = outbox_rows(any_db)
    assert (row.attempts, row.doubt_since, row.deliver_after) == (0, None, MONDAY_9 + timedelta(seconds=20))
