"""Sending the outbox to Slack: paced under a workspace-wide ceiling, retried without sleeping.

The send path uses a client without slack_sdk's RateLimitErrorRetryHandler (which sleeps in
the calling thread): a 429 puts the row back with `deliver_after = now + Retry-After` and holds
the workspace's pacer for as long; a 5xx or a dropped connection backs off exponentially; an
error that will not go away (the channel is gone, the blocks are invalid) fails the row with a
log line, as does running out of attempts.
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
from bot.delivery.pacer import DEFAULT_RATE, Pacer, pacer_for
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
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, {self.skipped} skipped, "
            f"{self.moved} moved to a later day, {self.expired} expired, {self.deferred} deferred"
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
        self._lock = threading.Lock()
        self._held_until: dict[str, datetime] = {}  # after a 429, in the injected clock's time

    def run(self, team_id: str) -> Report:
        """Send everything due in the workspace as of the clock, batch after batch."""
        report = Report()
        client = self.client_for(team_id)
        if client is None:
            return report
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="rapport-send") as pool:
            while True:
                claimed, payloads = self._claim(team_id, self.clock(), report)
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
        self, team_id: str, now: datetime, report: Report, *, key: str | None = None
    ) -> tuple[list[Claimed], dict[int, Payload | None]]:
        with self.db.write() as s:
            if key is None:
                report.expired += outbox.expire_stale(s, team_id, now)
                for prepared in self.kinds.values():
                    if prepared.prepare is not None:
                        report.moved += prepared.prepare(s, team_id, now)
            claimed = outbox.claim(
                s, team_id, now, worker=self.worker_id, limit=self.batch, lease=self.lease, key=key
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
        clock = self.clock
        payload = payloads[c.id] or {}
        held = self._held_until.get(team_id)
        now = clock()
        if held is not None and held > now:  # Slack said to wait: do not even ask
            self._give_back(c, now, held - now, "held after a 429", report)
            return
        declined = self.pacer(team_id).wait(c.channel)
        if declined:
            self._give_back(c, now, timedelta(seconds=declined), "paced", report)
            return
        try:
            response = client.chat_postMessage(
                channel=c.channel,
                text=payload.get("text") or "",
                blocks=payload.get("blocks"),
                unfurl_links=False,
            )
        except SlackApiError as e:
            self._failed(team_id, c, e, clock(), report)
            return
        except (OSError, TimeoutError) as e:  # connection trouble: like a 5xx
            self._retry(c, f"connection: {e}", clock(), report)
            return
        with self.db.write() as s:
            outbox.mark_sent(
                s,
                c.id,
                channel=str(response.get("channel") or c.channel),
                ts=str(response["ts"]),
                now=clock(),
            )
        report.add("sent")
        self.db.metrics.deliveries.labels(c.kind, "sent").inc()

    def _give_back(self, c: Claimed, now: datetime, delay: timedelta, why: str, report: Report) -> None:
        """Return a claimed row untried (its attempt not counted) for after `delay`."""
        with self.db.write() as s:
            outbox.retry_later(s, c.id, now, delay=delay, error=why, counts=False)
        report.add("retried")

    def _failed(self, team_id: str, c: Claimed, e: SlackApiError, now: datetime, report: Report) -> None:
        status = e.response.status_code
        error = str(e.response.get("error") or f"http_{status}")
        if status == 429 or error == "ratelimited":
            wait = timedelta(seconds=_retry_after(e))
            # The rest of this run's rows for the workspace wait as long, without asking Slack.
            with self._lock:
                self._held_until[team_id] = max(self._held_until.get(team_id, now), now + wait)
            with self.db.write() as s:
                outbox.retry_later(s, c.id, now, delay=wait, error=error, counts=False)
            report.add("retried")
            self.db.metrics.rate_limited.labels(c.kind).inc()
            self.db.metrics.deliveries.labels(c.kind, "retried").inc()
        elif status >= 500 or error in TRANSIENT:
            self._retry(c, error, now, report)
        else:
            with self.db.write() as s:
                outbox.finish(s, c.id, outbox.FAILED, now, error=error)
            report.add("failed")
            self.db.metrics.deliveries.labels(c.kind, "failed").inc()

    def _retry(self, c: Claimed, error: str, now: datetime, report: Report) -> None:
        with self.db.write() as s:
            if c.attempts >= outbox.MAX_ATTEMPTS:
                outbox.finish(s, c.id, outbox.FAILED, now, error=error)
                report.add("failed")
                self.db.metrics.deliveries.labels(c.kind, "failed").inc()
                return
            delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (c.attempts - 1))
            outbox.retry_later(s, c.id, now, delay=delay, error=error)
        report.add("retried")
        self.db.metrics.deliveries.labels(c.kind, "retried").inc()


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
    """A sender for the workspaces `clients` serves, each paced by its process-wide pacer.

    Its clients do not wait out a 429 themselves: the sender reschedules the row instead.
    """
    clock = clients.clock
    return Sender(
        db,
        lambda team_id: clients.client(team_id, wait_on_rate_limit=False),
        kinds=kinds,
        clock=clock,
        pacer=lambda team_id: pacer_for(clients.api_url, team_id, clock, rate),
        **kwargs,
    )
