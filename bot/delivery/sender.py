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
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.core import Core
from bot.delivery import outbox
from bot.delivery.outbox import Claimed
from bot.nudges import digest
from bot.platform.clock import Clock
from bot.platform.db import Database
from bot.platform.slack import make_client

log = logging.getLogger(__name__)

# Workspace-wide messages a second. Slack asks for at most one message a second per channel
# and tolerates short bursts beyond that across channels; a digest run is many channels.
DEFAULT_RATE = 10.0
PER_CHANNEL_RATE = 1.0
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

Payload = dict[str, Any]
# Builds the message of claimed rows of one kind at send time (from the database as it is then);
# None for a row means "do not send it" (it is marked skipped). Kinds without a renderer send
# their stored payload. The celebrations post can register one here.
Renderer = Callable[[Session, str, list[Claimed], datetime], dict[int, Payload | None]]
RENDERERS: dict[str, Renderer] = {digest.DIGEST: digest.render}


class Pacer:
    """One workspace's sending pace: a steady `rate` overall and `per_channel` in each channel.

    Thread-safe; each send reserves the next free slot and sleeps until it, unless that is more
    than `max_wait` away: then nothing is reserved and the caller reschedules the row instead.
    """

    def __init__(
        self,
        rate: float,
        per_channel: float = PER_CHANNEL_RATE,
        *,
        max_wait: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.channel_interval = 1.0 / per_channel
        self.max_wait = max_wait
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._free_at = 0.0
        self._channels: dict[str, float] = {}

    def delay(self, channel: str) -> float:
        """Seconds until this channel may be posted to (0: now), reserving nothing."""
        with self._lock:
            now = self._clock()
            return max(0.0, self._free_at - now, self._channels.get(channel, 0.0) - now)

    def wait(self, channel: str) -> float:
        """Sleep until this channel may be posted to; returns 0, or the (longer) wait declined."""
        with self._lock:
            now = self._clock()
            at = max(now, self._free_at, self._channels.get(channel, 0.0))
            if at - now > self.max_wait:
                return at - now
            self._free_at = at + self.interval
            self._channels[channel] = at + self.channel_interval
            if len(self._channels) > 10_000:
                self._channels = {c: t for c, t in self._channels.items() if t > now}
        if at > now:
            self._sleep(at - now)
        return 0.0


_pacers: dict[tuple[str, str], Pacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(api_url: str, team_id: str, rate: float = DEFAULT_RATE) -> Pacer:
    """The process-wide pacer of a workspace (one per Slack API and team)."""
    with _pacers_lock:
        pacer = _pacers.get((api_url, team_id))
        if pacer is None or abs(pacer.interval - 1.0 / rate) > 1e-9:
            pacer = _pacers[(api_url, team_id)] = Pacer(rate)
        return pacer


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
        pacer: Callable[[str], Pacer],
        workers: int = 4,
        batch: int = 200,
        lease: timedelta = outbox.DEFAULT_LEASE,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.client_for = client_for
        self.pacer = pacer
        self.workers = workers
        self.batch = batch
        self.lease = lease
        self.worker_id = worker_id or default_worker_id()
        self._lock = threading.Lock()
        self._held_until: dict[str, datetime] = {}  # after a 429, in the injected clock's time

    @classmethod
    def for_core(cls, core: Core, *, rate: float = DEFAULT_RATE, **kwargs: Any) -> Sender:
        api_url = core.settings.api_url

        def client_for(team_id: str) -> WebClient | None:
            token = core.tokens.bot_token(team_id)
            return make_client(token, api_url, wait_on_rate_limit=False) if token else None

        return cls(core.db, client_for, pacer=lambda team: pacer_for(api_url, team, rate), **kwargs)

    def run(self, team_id: str, clock: Clock) -> Report:
        """Send everything due in the workspace as of the clock, batch after batch."""
        report = Report()
        client = self.client_for(team_id)
        if client is None:
            return report
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="rapport-send") as pool:
            while True:
                claimed, payloads = self._claim(team_id, clock(), report)
                if not claimed:
                    return report
                for future in [
                    pool.submit(self._send, client, team_id, c, payloads, clock, report) for c in claimed
                ]:
                    future.result()

    def send_now(self, team_id: str, key: str, clock: Clock, *, channel: str | None = None) -> Report:
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
        claimed, payloads = self._claim(team_id, clock(), report, key=key)
        for c in claimed:
            self._send(client, team_id, c, payloads, clock, report)
        return report

    def _claim(
        self, team_id: str, now: datetime, report: Report, *, key: str | None = None
    ) -> tuple[list[Claimed], dict[int, Payload | None]]:
        with self.db.write() as s:
            if key is None:
                report.expired += outbox.expire_stale(s, team_id, now)
                report.moved += digest.assemble(s, team_id, now)
            claimed = outbox.claim(
                s, team_id, now, worker=self.worker_id, limit=self.batch, lease=self.lease, key=key
            )
            digest.attach(s, team_id, claimed, now)
            payloads: dict[int, Payload | None] = {c.id: c.payload for c in claimed}
            by_kind: dict[str, list[Claimed]] = {}
            for c in claimed:
                by_kind.setdefault(c.kind, []).append(c)
            for kind, rows in by_kind.items():
                renderer = RENDERERS.get(kind)
                if renderer is not None:
                    payloads.update(renderer(s, team_id, rows, now))
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
        clock: Clock,
        report: Report,
    ) -> None:
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
        elif status >= 500 or error in TRANSIENT:
            self._retry(c, error, now, report)
        else:
            with self.db.write() as s:
                outbox.finish(s, c.id, outbox.FAILED, now, error=error)
            report.add("failed")

    def _retry(self, c: Claimed, error: str, now: datetime, report: Report) -> None:
        with self.db.write() as s:
            if c.attempts >= outbox.MAX_ATTEMPTS:
                outbox.finish(s, c.id, outbox.FAILED, now, error=error)
                report.add("failed")
                return
            delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (c.attempts - 1))
            outbox.retry_later(s, c.id, now, delay=delay, error=error)
        report.add("retried")


def _retry_after(e: SlackApiError) -> int:
    headers = e.response.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after") or "1"
    try:
        return max(1, int(float(value)))
    except ValueError:
        return 1


def post_now(core: Core, team_id: str, *, key: str, kind: str, channel: str, payload: Payload) -> Report:
    """Plan an immediate post keyed by what it announces, then send it now.

    A repeat of the same request (Slack retried it) finds the key taken and sends nothing new;
    if this send fails, the scheduled sender retries the row. In a Bolt listener, call
    `outbox.enqueue` in the ack path and `send_now` in a lazy listener instead.
    """
    now = core.clock()
    with core.db.write() as s:
        outbox.enqueue(s, team_id, key=key, kind=kind, channel=channel, payload=payload, now=now)
    return send_now(core, team_id, key)


def send_now(core: Core, team_id: str, key: str, *, channel: str | None = None) -> Report:
    return Sender.for_core(core, workers=1).send_now(team_id, key, core.clock, channel=channel)


def deliver(core: Core, team_id: str, **kwargs: Any) -> Report:
    """Send everything due in the workspace as of the core's clock."""
    return Sender.for_core(core, **kwargs).run(team_id, core.clock)
