"""Sending the outbox to Slack: paced under a workspace-wide ceiling, retried without sleeping.

The send path uses a client without slack_sdk's RateLimitErrorRetryHandler (which sleeps in
the calling thread) and that never re-posts after a dropped connection: a 429 puts the row back
with `deliver_after = now + Retry-After` and holds the workspace's shared pacer for as long, for
every sender; a 5xx or a dropped connection backs off exponentially and leaves the row in
doubt, so its next try first looks for the post in the channel's history (by the metadata it
carries) and records it as sent if Slack had it; an error that will not go away (the channel
is gone, the blocks are invalid) fails the row with a log line, as does running out of tries.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.delivery import outbox
from bot.delivery.outbox import Claimed
from bot.delivery.pacer import DEFAULT_RATE, Pacer
from bot.platform.blocks import Payload
from bot.platform.clock import Clock
from bot.platform.db import Database
from bot.platform.tokens import Clients

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=15)
# Errors worth another try; any other `ok: false` is final.
TRANSIENT = frozenset(
    {
        "ratelimited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "team_added_to_org",
    }
)
# Looking for a post whose answer never came: Slack's Tier 3 for conversations.history, and
# how far back from the doubtful try (clocks differ a little between us and Slack).
HISTORY_PER_MINUTE = 50.0
HISTORY_MARGIN = timedelta(minutes=1)
HISTORY_PAGES = 5

# Builds the message of claimed rows of one kind at send time (from the database as it is then);
# None for a row means "do not send it" (it is marked skipped).
Renderer = Callable[[Session, str, list[Claimed], datetime], dict[int, Payload | None]]
# Before a batch is claimed: make the rows a kind needs (the digest makes its DMs); returns how
# many waiting items it moved to a later day.
Prepare = Callable[[Session, str, datetime], int]


@dataclass(frozen=True)
class OutboxKind:
    """How the outbox rows of one kind are sent; a kind without one sends its stored payload."""

    render: Renderer
    prepare: Prepare | None = None


OutboxKinds = Mapping[str, OutboxKind]


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    moved: int = 0
    expired: int = 0
    deferred: int = 0  # left for the scheduled sender: their channel had no room soon enough
    reconciled: int = 0  # found already posted by a try whose answer never came
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, {self.skipped} skipped, "
            f"{self.moved} moved to a later day, {self.expired} expired, {self.deferred} deferred, "
            f"{self.reconciled} found posted"
        )


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Sender:
    """Claims due outbox rows of a workspace and posts them, `workers` at a time."""

    def __init__(
        self,
        db: Database,
        client_for: Callable[[str], WebClient | None],
        *,
        kinds: OutboxKinds,
        clock: Clock,
        pacer: Callable[[str], Pacer],
        workers: int = 4,
        batch: int = 200,
        lease: timedelta = outbox.DEFAULT_LEASE,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.client_for = client_for
        self.kinds = kinds
        self.clock = clock
        self.pacer = pacer
        self.workers = workers
        self.batch = batch
        self.lease = lease
        self.worker_id = worker_id or default_worker_id()

    def run(self, team_id: str) -> Report:
        """Send everything due in the workspace as of the clock, batch after batch."""
        report = Report()
        client = self.client_for(team_id)
        if client is None:
            return report
        pacer = self.pacer(team_id)
        pacer.prune()
        batch = outbox.batch_for(pacer.rate, self.lease, workers=self.workers, most=self.batch)
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="rapport-send") as pool:
            while True:
                claimed, payloads = self._claim(team_id, self.clock(), report, limit=batch)
                if not claimed:
                    return report
                for future in [
                    pool.submit(self._send, client, team_id, c, payloads, report) for c in claimed
                ]:
                    future.result()

    def send_now(self, team_id: str, key: str, *, channel: str | None = None) -> Report:
        """Send one planned message at once (an immediate post, right after `ack()`).

        When its `channel` is known and the pacer would decline it, it is left as planned for
        the scheduled sender, without claiming it only to give it back.
        """
        report = Report()
        client = self.client_for(team_id)
        if client is None:
            return report
        pacer = self.pacer(team_id)
        if channel is not None and pacer.delay(channel) > pacer.max_wait:
            report.add("deferred")
            return report
        claimed, payloads = self._claim(team_id, self.clock(), report, key=key)
        for c in claimed:
            self._send(client, team_id, c, payloads, report)
        return report

    def _claim(
        self, team_id: str, now: datetime, report: Report, *, key: str | None = None, limit: int = 1
    ) -> tuple[list[Claimed], dict[int, Payload | None]]:
        with self.db.write() as s:
            if key is None:
                report.expired += outbox.expire_stale(s, team_id, now)
                for prepared in self.kinds.values():
                    if prepared.prepare is not None:
                        report.moved += prepared.prepare(s, team_id, now)
            claimed = outbox.claim(
                s, team_id, now, worker=self.worker_id, limit=limit, lease=self.lease, key=key
            )
            payloads: dict[int, Payload | None] = {c.id: c.payload for c in claimed}
            by_kind: dict[str, list[Claimed]] = {}
            for c in claimed:
                by_kind.setdefault(c.kind, []).append(c)
            for name, rows in by_kind.items():
                kind = self.kinds.get(name)
                if kind is not None:
                    payloads.update(kind.render(s, team_id, rows, now))
            for c in claimed:
                if not payloads.get(c.id):
                    outbox.finish(s, c.id, outbox.SKIPPED, now)
                    report.skipped += 1
        return [c for c in claimed if payloads.get(c.id)], payloads

    def _send(
        self,
        client: WebClient,
        team_id: str,
        c: Claimed,
        payloads: dict[int, Payload | None],
        report: Report,
    ) -> None:
        clock, pacer = self.clock, self.pacer(team_id)
        if c.doubt_since is not None:
            if not self._absent(client, pacer, c, report):
                return
            if c.attempts >= outbox.MAX_ATTEMPTS:  # its last try did not get through after all
                with self.db.write() as s:
                    outbox.finish(s, c.id, outbox.FAILED, clock(), error="out of tries")
                report.add("failed")
                return
        declined = pacer.wait(c.channel)
        if declined:
            self._give_back(c, clock(), timedelta(seconds=declined), "paced", report)
            return
        with self.db.write() as s:
            if not outbox.begin_try(s, c.id, worker=self.worker_id, now=clock(), lease=self.lease):
                return  # our lease ran out and another sender holds the row now
        payload = payloads[c.id] or {}
        try:
            response = client.chat_postMessage(
                channel=c.channel,
                text=payload.get("text") or "",
                blocks=payload.get("blocks"),
                unfurl_links=False,
                metadata=outbox.slack_metadata(c.dedupe_key),
            )
        except SlackApiError as e:
            self._failed(pacer, c, e, clock(), report)
            return
        except (OSError, TimeoutError) as e:  # connection trouble: Slack may have posted it
            self._retry(c, f"connection: {e}", clock(), report, tried=True)
            return
        self._sent(c, str(response.get("channel") or c.channel), str(response["ts"]), report)

    def _sent(self, c: Claimed, channel: str, ts: str, report: Report) -> None:
        with self.db.write() as s:
            outbox.mark_sent(s, c.id, channel=channel, ts=ts, now=self.clock())
        report.add("sent")
        self.db.metrics.deliveries.labels(c.kind, "sent").inc()

    def _absent(self, client: WebClient, pacer: Pacer, c: Claimed, report: Report) -> bool:
        """For a row in doubt: True when its post is not in the channel (post it), else False
        (found and recorded as sent, or put back because Slack could not be asked now)."""
        now = self.clock()
        declined = pacer.wait_for("conversations.history", HISTORY_PER_MINUTE)
        if declined:
            self._give_back(c, now, timedelta(seconds=declined), "paced (history)", report)
            return False
        try:
            found = self._find_post(client, c)
        except SlackApiError as e:
            error = str(e.response.get("error") or f"http_{e.response.status_code}")
            if e.response.status_code == 429 or error == "ratelimited":
                wait = _retry_after(e)
                pacer.hold(wait, "conversations.history")
                self._give_back(c, now, timedelta(seconds=wait), "history: ratelimited", report)
                return False
            if e.response.status_code >= 500 or error in TRANSIENT:
                self._give_back(c, now, _backoff(c.attempts), f"history: {error}", report)
                return False
            # No way to look (an install without the history scope): post, and say it may repeat.
            log.warning(
                "outbox: cannot look for %s in its channel (%s); posting it again", c.dedupe_key, error
            )
            return True
        except (OSError, TimeoutError) as e:
            self._give_back(c, now, _backoff(c.attempts), f"history: connection: {e}", report)
            return False
        if found is None:
            return True
        self._sent(c, *found, report)
        report.add("reconciled")
        return False

    def _find_post(self, client: WebClient, c: Claimed) -> tuple[str, str] | None:
        """(channel, ts) of this row's post in its channel since the doubtful try, if there."""
        channel = c.sent_channel or c.channel
        if channel[:1] in ("U", "W"):  # a DM planned to a user: its history is the D… channel's
            channel = str(client.conversations_open(users=channel)["channel"]["id"])
        assert c.doubt_since is not None
        oldest = f"{(c.doubt_since - HISTORY_MARGIN).timestamp():.6f}"
        cursor = None
        for _ in range(HISTORY_PAGES):
            page = client.conversations_history(
                channel=channel, oldest=oldest, limit=100, include_all_metadata=True, cursor=cursor
            )
            for message in page.get("messages") or []:
                if outbox.carries(message, c.dedupe_key):
                    return channel, str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None

    def _give_back(self, c: Claimed, now: datetime, delay: timedelta, why: str, report: Report) -> None:
        """Return a claimed row untried (no try spent) for after `delay`."""
        with self.db.write() as s:
            outbox.retry_later(s, c.id, now, delay=delay, error=why)
        report.add("retried")

    def _failed(self, pacer: Pacer, c: Claimed, e: SlackApiError, now: datetime, report: Report) -> None:
        status = e.response.status_code
        error = str(e.response.get("error") or f"http_{status}")
        if status == 429 or error == "ratelimited":
            wait = _retry_after(e)
            # Every sender's posts to the workspace wait as long, without asking Slack.
            pacer.hold(wait)
            with self.db.write() as s:
                outbox.retry_later(
                    s, c.id, now, delay=timedelta(seconds=wait), error=error, refund=True, clear_doubt=True
                )
            report.add("retried")
            self.db.metrics.rate_limited.labels(c.kind).inc()
            self.db.metrics.deliveries.labels(c.kind, "retried").inc()
        elif status >= 500:  # Slack's own trouble: "some aspect of the operation" may have happened
            self._retry(c, error, now, report, tried=True)
        elif error in TRANSIENT:
            self._retry(c, error, now, report, tried=False)
        else:
            with self.db.write() as s:
                outbox.finish(s, c.id, outbox.FAILED, now, error=error)
            report.add("failed")
            self.db.metrics.deliveries.labels(c.kind, "failed").inc()

    def _retry(self, c: Claimed, error: str, now: datetime, report: Report, *, tried: bool) -> None:
        """After a try that did not go through: back off, or fail after the last try.

        `tried` says Slack may have posted it anyway; the row stays in doubt until looked for."""
        with self.db.write() as s:
            if c.attempts + 1 >= outbox.MAX_ATTEMPTS and not tried:
                outbox.finish(s, c.id, outbox.FAILED, now, error=error)
                report.add("failed")
                self.db.metrics.deliveries.labels(c.kind, "failed").inc()
                return
            outbox.retry_later(
                s, c.id, now, delay=_backoff(c.attempts + 1), error=error, clear_doubt=not tried
            )
        report.add("retried")
        self.db.metrics.deliveries.labels(c.kind, "retried").inc()


def _backoff(attempts: int) -> timedelta:
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))


def _retry_after(e: SlackApiError) -> int:
    headers = e.response.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after") or "1"
    try:
        return max(1, int(float(value)))
    except ValueError:
        return 1


def for_workspaces(
    db: Database, clients: Clients, kinds: OutboxKinds, *, rate: float = DEFAULT_RATE, **kwargs: Any
) -> Sender:
    """A sender for the workspaces `clients` serves, each paced by its shared pacer.

    Its clients do not wait out a 429 themselves: the sender reschedules the row instead.
    """
    clock = clients.clock
    return Sender(
        db,
        lambda team_id: clients.client(team_id, wait_on_rate_limit=False),
        kinds=kinds,
        clock=clock,
        pacer=lambda team_id: Pacer(db, team_id, rate, clock=clock),
        **kwargs,
    )
