"""Bench: learning expertise from public channels (issue 14), on the 10,000-member workspace.

`python -m bench.ingest [--keep DIR] [--events N] [--senders S] [--requests R] [--warmup W]
[--rate E] [--backfill M] [--postgres] [--profile] [--check]`

1. Events/s: Rapport (`build_app`, behind `RapportWSGI` and `serving`, as `python -m bench`
   serves it) is in one public channel; `--events` signed `message` events from seeded members
   (questions, thread answers, thanks, statements, a few edits and deletions, naming skills of
   the curated vocabulary) are posted by `--senders` threads at once, as Slack delivers them.
   Prints how fast they were acked (every HTTP 200 back) and applied (the lazy listeners done:
   `AfterAnswer.idle()`, and one `processed_event` row per event). `--postgres` measures the
   same on a schema of its own in PostgreSQL (seeded with the `whoknows` scenario's `prepare`).
2. `/whoknows` under load: timed first with no events (`whoknows-quiet`, for comparison), then
   while background threads stream events at the applied rate measured above (at most 500/s,
   the target; `--rate`), against the two bare Bolt apps exactly as `python -m bench` does
   (`bench.runner.ask`, targets round-robin); ceilings 0.5 (vs bare-default) and 2.0 (vs
   bare-pbr) on the p95 ratios under load.
3. Backfill: a channel of `--backfill` messages (thread replies included) over the last 90
   days, read through `conversations.history`/`.replies` with the fake Slack's Tier 3 limit on
   both (50/min per method per workspace, as Slack's). Waiting out a 429 costs no wall time:
   the client and the fake share a clock whose `sleep` adds to a counter, and whose time is the
   wall time elapsed plus what was slept. The minimum is what the limit allows the busier
   method (50 calls at once, then 50 a minute); the backfill must take at most 1.10x that.

Only the SQLite path of 1 is cached by `--keep` (the `whoknows` scenario's prepared file, shared
with `python -m bench --keep`); `--postgres` seeds its schema on every run and drops it after.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import itertools
import json
import math
import pstats
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

from bench.bare import DEFAULT, PBR, bare_app
from bench.report import RAPPORT, TARGETS, Report, Timings, problems, render
from bench.runner import SIGNING_SECRET, Target, prepared_database, rounds
from bench.scenario import Scenario
from bench.scenarios import whoknows
from bot.bootstrap import EVIDENCE, SEEDERS, open_database
from bot.core import Core
from bot.expertise import backfill, channels
from bot.models import ProcessedEvent
from bot.models.activity import ChannelSignal
from bot.platform.config import Settings
from bot.platform.db import Database
from bot.platform.migrate import upgrade
from bot.platform.slack import make_client
from bot.seeding.members import seed
from bot.slackapp.app import build_app
from bot.slackapp.server import AfterAnswer, RapportWSGI, serving
from tests.support.fakeslack import TIERS, FakeSlack
from tests.support.slackreq import SlackClient, event_callback, message_event

TEAM = whoknows.TEAM
CHANNEL = "C0BENCHING"
TARGET_RATE = 500.0  # message events/s per process (issue 14)
MAX_RATIO_DEFAULT = 0.5  # /whoknows p95 under load / bare-default p95
MAX_RATIO_PBR = 2.0  # … / bare-pbr p95
BACKFILL_CEILING = 1.10  # backfill time / the time the rate limits allow
HISTORY_PER_MINUTE = TIERS[3]  # conversations.history and .replies, per method per workspace
HISTORY_METHODS = ("conversations.history", "conversations.replies")
APPLY_TIMEOUT = 600.0  # seconds to wait for the lazy listeners before giving up
SEED = 14

Log = Callable[[str], None]
Posted = tuple[str, str, str, str | None]  # ts, user, text, thread_ts

# -- what people write --------------------------------------------------------------------------

SKILLS = (
    "Kubernetes",
    "Terraform",
    "Python",
    "PostgreSQL",
    "React",
    "Docker",
    "golang",
    "Rust",
    "AWS",
    "GraphQL",
    "Kafka",
    "Redis",
    "Figma",
    "Salesforce",
    "machine learning",
    "TypeScript",
    "Java",
    "Swift",
    "SQL",
    "Airflow",
    "Snowflake",
    "dbt",
    "Grafana",
    "Prometheus",
    "Ansible",
    "helm",
    "k8s",
    "user research",
    "data science",
)
QUESTIONS = (
    "hey team, how do I get {a} to talk to {b} in staging?",
    "anyone know why our {a} deploy keeps timing out?",
    "quick question: is there a way to pin the {a} version?",
    "I'm stuck on a {a} error after the upgrade, any ideas?",
    "what's the best way to test {a} changes locally?",
)
ANSWERS = (
    "you need to set the {a} timeout higher, we hit the same thing last month",
    "try `{a} --dry-run` first, it shows what {b} will change",
    "we moved that to {a} last quarter, the runbook is at <https://wiki.example.com/{a}|the wiki>",
    "the {a} provider caches credentials, restart the job and it picks up the new ones",
    "I'd check the {b} logs first, it is usually a permissions problem on the {a} side",
)
VAGUE_ANSWERS = (
    "you have to restart the worker after changing the config, then it works",
    "it is the cache: clear it and run the job again with the new settings",
)
THANKS = ("thanks, that worked!", "ty, that did the trick 🙏", "perfect, thank you")
STATEMENTS = (
    "we shipped the new {a} pipeline today, {b} next week",
    "reminder: the {a} migration window is Thursday",
    "wrote up how we run {a} with {b}: <https://wiki.example.com/{b}>",
    "lunch and learn on {a} at noon",
)


def _member(rng: random.Random, members: int) -> str:
    """A seeded member (`rapport seed` names them U<seed><index>, as `whoknows.asker` does)."""
    return f"U{whoknows.SEED % 100:02d}{rng.randrange(members):07d}"


def _fill(rng: random.Random, template: str) -> str:
    a, b = rng.sample(SKILLS, 2)
    return template.format(a=a, b=b)


@dataclass
class Thread:
    ts: str
    asker: str
    answers: list[tuple[str, str]] = field(default_factory=list)  # (ts, user)


class Conversation:
    """A channel's stream of messages, as (ts, user, text, thread_ts) and what events it makes.

    Deterministic from its seed; thread-safe (streaming threads share one)."""

    def __init__(self, members: int, start: datetime, *, seed: int = SEED, step: float = 0.001) -> None:
        self.rng = random.Random(seed)
        self.members = members
        self._ts = itertools.count(int(start.timestamp() * 1_000_000), max(1, int(step * 1_000_000)))
        self._threads: list[Thread] = []
        self._askers: dict[str, str] = {}  # thread ts -> who started it
        self._posted: list[Posted] = []
        self._lock = threading.Lock()

    def next_ts(self) -> str:
        n = next(self._ts)
        return f"{n // 1_000_000}.{n % 1_000_000:06d}"

    def message(self) -> Posted:
        """The next message: (ts, user, text, thread_ts)."""
        with self._lock:
            rng, ts = self.rng, self.next_ts()
            roll = rng.random()
            open_threads = self._threads[-50:]
            found: Posted
            if roll < 0.25 or not open_threads:
                user = _member(rng, self.members)
                self._threads.append(Thread(ts, user))
                self._askers[ts] = user
                found = (ts, user, _fill(rng, rng.choice(QUESTIONS)), None)
            elif roll < 0.65:
                thread = rng.choice(open_threads)
                user = _member(rng, self.members)
                words = rng.choice(VAGUE_ANSWERS) if rng.random() < 0.2 else _fill(rng, rng.choice(ANSWERS))
                thread.answers.append((ts, user))
                found = (ts, user, words, thread.ts)
            elif roll < 0.8:
                thread = rng.choice(open_threads)
                found = (ts, thread.asker, rng.choice(THANKS), thread.ts)
            else:
                found = (ts, _member(rng, self.members), _fill(rng, rng.choice(STATEMENTS)), None)
            self._posted.append(found)
            return found

    def event(self) -> dict[str, Any]:
        """The next `message` event: a new message mostly, an edit (3 %) or a deletion (2 %)."""
        with self._lock:
            roll = self.rng.random()
            earlier = self.rng.choice(self._posted[-200:]) if self._posted else None
        if earlier is not None and roll < 0.03:
            return self._edit(earlier)
        if earlier is not None and roll < 0.05:
            return self._delete(earlier)
        ts, user, words, thread_ts = self.message()
        event = message_event(user, words, channel=CHANNEL, ts=ts, thread_ts=thread_ts, team_id=TEAM)
        if thread_ts:
            event["parent_user_id"] = self._askers[thread_ts]  # as Slack sends a reply
        return event

    def _edit(self, earlier: Posted) -> dict[str, Any]:
        ts, user, words, thread_ts = earlier
        with self._lock:
            now, edited = self.next_ts(), _fill(self.rng, self.rng.choice(STATEMENTS))
        new = message_event(user, edited, channel=CHANNEL, ts=ts, thread_ts=thread_ts, team_id=TEAM)
        new["edited"] = {"user": user, "ts": now}
        if thread_ts:
            new["parent_user_id"] = self._askers[thread_ts]
        old = message_event(user, words, channel=CHANNEL, ts=ts, thread_ts=thread_ts, team_id=TEAM)
        for m in (new, old):
            del m["channel"], m["channel_type"], m["event_ts"]
        return {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "message": new,
            "previous_message": old,
            "channel": CHANNEL,
            "channel_type": "channel",
            "ts": now,
            "event_ts": now,
        }

    def _delete(self, earlier: Posted) -> dict[str, Any]:
        ts, user, words, thread_ts = earlier
        with self._lock:
            now = self.next_ts()
        old = message_event(user, words, channel=CHANNEL, ts=ts, thread_ts=thread_ts, team_id=TEAM)
        del old["channel"], old["channel_type"], old["event_ts"]
        return {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "deleted_ts": ts,
            "previous_message": old,
            "channel": CHANNEL,
            "channel_type": "channel",
            "ts": now,
            "event_ts": now,
        }


def signed_bodies(conversation: Conversation, n: int) -> list[bytes]:
    """`n` event_callback bodies (built before timing: only signing and sending are timed)."""
    return [event_callback(conversation.event(), team_id=TEAM)[0] for _ in range(n)]


# -- the workspace --------------------------------------------------------------------------------


def _seed_members(db: Database, slack: FakeSlack, *, members: int) -> str:
    seed(db, TEAM, members, seed=whoknows.SEED, now=datetime.now(UTC), seeders=SEEDERS, evidence=EVIDENCE)
    return TEAM


def scenario_for(members: int) -> Scenario:
    """The `whoknows` scenario (its prepared database is shared with `python -m bench --keep`),
    or the same workspace at another size (the smoke test's)."""
    if members == whoknows.MEMBERS:
        return whoknows.SCENARIO
    return Scenario(
        name=f"ingest-{members}",
        command="/whoknows",
        texts=whoknows.SCENARIO.texts,
        users=functools.partial(_member, members=members),
        prepare=functools.partial(_seed_members, members=members),
    )


def under_load(members: int, *, quiet: bool = False) -> Scenario:
    """How /whoknows is asked while events stream in, and its ceilings (`quiet`: the same with
    no events, for comparison; no ceilings)."""
    base = scenario_for(members)
    if quiet:
        return Scenario(
            name="whoknows-quiet",
            command="/whoknows",
            texts=whoknows.SCENARIO.texts,
            users=functools.partial(_member, members=members),
            prepare=base.prepare,
        )
    return Scenario(
        name="whoknows-while-ingesting",
        command="/whoknows",
        texts=whoknows.SCENARIO.texts,
        users=functools.partial(_member, members=members),
        prepare=base.prepare,
        max_ratio_default=MAX_RATIO_DEFAULT,
        max_ratio_pbr=MAX_RATIO_PBR,
    )


@contextmanager
def postgres_database(members: int, log: Log) -> Iterator[Database]:
    """A schema of its own in PostgreSQL's `test` database (as `tests.support.databases.
    PostgresSchema` makes them), migrated and seeded; dropped afterwards."""
    from tests.support.databases import POSTGRES_URL

    name = f"rapport_bench_{random.randrange(16**10):010x}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    db = open_database(f"{POSTGRES_URL}{sep}options=-csearch_path%3D{name}")
    try:
        started = time.perf_counter()
        upgrade(db)
        scenario_for(members).prepare(db, FakeSlack(team_id=TEAM))
        db.optimize()
        log(
            f"postgresql: schema {name} migrated and seeded with {members:,} members in "
            f"{time.perf_counter() - started:.1f} s"
        )
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def watch_channel(db: Database, now: datetime) -> None:
    """Rapport was invited to the channel (what `member_joined_channel` for the bot does)."""
    with db.write() as session:
        channels.joined(session, TEAM, CHANNEL, now)


def _count(db: Database, model: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(model.team_id == TEAM)) or 0)


# -- 1. events per second -------------------------------------------------------------------------


@dataclass
class Throughput:
    database: str
    events: int
    senders: int
    acked_s: float
    applied_s: float
    applied: int  # processed_event rows: events the lazy listeners got through
    signals: int  # channel_signal rows afterwards
    cpu_s: float = math.nan  # this process's CPU time meanwhile (every thread: senders too)
    failures: list[str] = field(default_factory=list)
    drained: bool = True  # the lazy listeners finished within APPLY_TIMEOUT

    @property
    def acked_rate(self) -> float:
        return self.events / self.acked_s if self.acked_s > 0 else math.nan

    @property
    def applied_rate(self) -> float:
        return self.applied / self.applied_s if self.applied_s > 0 else math.nan


@contextmanager
def rapport_served(db: Database, slack: FakeSlack) -> Iterator[tuple[SlackClient, AfterAnswer, ExitStack]]:
    """Rapport on `db`, served as `python -m bench` serves it; its client, lazy executor and stack."""
    settings = Settings(
        bot_token=slack.bot_token,
        signing_secret=SIGNING_SECRET,
        api_url=slack.base_url,
        database_url=db.url.render_as_string(hide_password=False),
    )
    app = build_app(Core(settings=settings, db=db))
    executor = app.listener_runner.listener_executor
    assert isinstance(executor, AfterAnswer)
    with ExitStack() as stack:
        # Last in, first out: lazy listeners finish after the servers stop, before `db` goes.
        stack.callback(executor.shutdown, wait=True)
        http = SlackClient(
            stack.enter_context(serving(RapportWSGI(app, SIGNING_SECRET, db.ping))), SIGNING_SECRET
        )
        stack.callback(http.close)
        yield http, executor, stack


def send_all(http: SlackClient, bodies: Sequence[bytes], senders: int) -> tuple[float, list[str]]:
    """Post every body from `senders` threads at once; seconds until the last ack, and failures."""
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(senders + 1)

    def send(share: Sequence[bytes]) -> None:
        start.wait()
        try:
            for body in share:
                try:
                    response = http.post(body, "application/json")
                except OSError as e:
                    with lock:
                        failures.append(f"{type(e).__name__}: {e}")
                    continue
                if response.status != 200:
                    with lock:
                        failures.append(f"HTTP {response.status}: {response.text[:200]}")
        finally:
            http.close()

    threads = [threading.Thread(target=send, args=(bodies[i::senders],)) for i in range(senders)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - began, failures


def measure_throughput(
    db: Database, slack: FakeSlack, label: str, members: int, events: int, senders: int
) -> Throughput:
    now = datetime.now(UTC)
    watch_channel(db, now)
    conversation = Conversation(members, now - timedelta(hours=1))
    bodies = signed_bodies(conversation, events)
    before = _count(db, ProcessedEvent)
    with rapport_served(db, slack) as (http, executor, _):
        http.post(*event_callback(conversation.event(), team_id=TEAM))  # warm-up: one event first
        executor.idle(APPLY_TIMEOUT)
        before += 1
        began, cpu = time.perf_counter(), time.process_time()
        acked, failures = send_all(http, bodies, senders)
        drained = executor.idle(APPLY_TIMEOUT)
        applied_s, cpu_s = time.perf_counter() - began, time.process_time() - cpu
    return Throughput(
        database=label,
        events=events,
        senders=senders,
        acked_s=acked,
        applied_s=applied_s,
        cpu_s=cpu_s,
        applied=_count(db, ProcessedEvent) - before,
        signals=_count(db, ChannelSignal),
        failures=failures,
        drained=drained,
    )


def render_throughput(t: Throughput) -> str:
    lines = [
        f"events on {t.database}: {t.events:,} message events from {t.senders} senders at once",
        f"  acked    {t.acked_s:7.2f} s   {t.acked_rate:8.1f} events/s",
        f"  applied  {t.applied_s:7.2f} s   {t.applied_rate:8.1f} events/s   "
        f"(target {TARGET_RATE:.0f}/s: {'ok' if t.applied_rate >= TARGET_RATE else 'UNDER'})",
        f"  cpu      {t.cpu_s:7.2f} s   {t.events / t.cpu_s:8.1f} events per CPU-second (every thread)",
        f"  {t.applied:,} events applied, {t.signals:,} channel signals stored, {len(t.failures)} failed",
    ]
    if t.failures:
        lines.append(f"  first failure: {t.failures[0]}")
    if not t.drained:
        lines.append(f"  the lazy listeners were still busy after {APPLY_TIMEOUT:.0f} s")
    return "\n".join(lines)


def throughput_problems(t: Throughput) -> list[str]:
    found = []
    if t.failures:
        found.append(f"events on {t.database}: {len(t.failures)} not acked, first: {t.failures[0]}")
    if t.applied != t.events:
        found.append(f"events on {t.database}: {t.applied:,} of {t.events:,} applied")
    if not t.applied_rate >= TARGET_RATE:
        found.append(
            f"events on {t.database}: {t.applied_rate:.0f} events/s applied, under {TARGET_RATE:.0f}/s"
        )
    return found


# -- 2. /whoknows while events stream in ---------------------------------------------------------


@dataclass
class Streamed:
    rate: float  # asked for
    sent: int = 0
    seconds: float = 0.0
    failures: int = 0
    drain_s: float = 0.0  # after the stream stopped, until every event was applied

    @property
    def achieved(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else math.nan


class Stream:
    """Threads posting events at `rate` in all (each paced to its share, on a fixed schedule)."""

    def __init__(self, http: SlackClient, conversation: Conversation, rate: float, threads: int = 8) -> None:
        self.http, self.conversation, self.threads = http, conversation, threads
        self.result = Streamed(rate)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def __enter__(self) -> Stream:
        self._began = time.perf_counter()
        for w in self._workers:
            w.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for w in self._workers:
            w.join()
        self.result.seconds = time.perf_counter() - self._began

    def _run(self, index: int) -> None:
        interval = self.threads / self.result.rate
        due = self._began + index * interval / self.threads
        try:
            while not self._stop.is_set():
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                due += interval
                body, content_type = event_callback(self.conversation.event(), team_id=TEAM)
                try:
                    ok = self.http.post(body, content_type).status == 200
                except OSError:
                    ok = False
                with self._lock:
                    self.result.sent += 1
                    self.result.failures += not ok
        finally:
            self.http.close()


def stream_rate(applied: float) -> float:
    """Events/s to stream while /whoknows is timed: what one process was measured to apply,
    at most the target (faster than it applies, the lazy listeners' queue would only grow)."""
    return min(applied, TARGET_RATE) if math.isfinite(applied) and applied > 0 else TARGET_RATE


def measure_under_load(
    db: Database, slack: FakeSlack, members: int, rate: float, requests: int, warmup: int
) -> tuple[Report, Streamed | None]:
    """`/whoknows` timed like `python -m bench` does, while events stream in at `rate` (0: none)."""
    scenario = under_load(members, quiet=not rate)
    timings = {name: Timings(name) for name in TARGETS}
    conversation = Conversation(members, datetime.now(UTC) - timedelta(minutes=30), seed=SEED + 1)
    with rapport_served(db, slack) as (http, executor, stack):

        def bare(pbr: bool) -> SlackClient:
            app = bare_app(
                scenario.command,
                process_before_response=pbr,
                signing_secret=SIGNING_SECRET,
                token=slack.bot_token,
                api_url=slack.base_url,
            )
            client = SlackClient(
                stack.enter_context(serving(RapportWSGI(app, SIGNING_SECRET))), SIGNING_SECRET
            )
            stack.callback(client.close)
            return client

        targets = [
            Target(DEFAULT, bare(False), ack_is_answer=True),
            Target(PBR, bare(True), ack_is_answer=True),
            Target(RAPPORT, http, ack_is_answer=False),
        ]
        rng = random.Random(whoknows.SEED)
        stream = Stream(http, conversation, rate) if rate else None
        with stream or nullcontext():
            example = rounds(targets, slack, scenario, TEAM, rng, warmup, requests, timings)
        stopped = time.perf_counter()
        executor.idle(APPLY_TIMEOUT)
        if stream is not None:
            stream.result.drain_s = time.perf_counter() - stopped
    report = Report(scenario=scenario, requests=requests, warmup=warmup, timings=timings, example=example)
    return report, stream.result if stream is not None else None


def render_stream(s: Streamed) -> str:
    return (
        f"  while {s.sent:,} message events streamed in for {s.seconds:.1f} s at {s.achieved:.0f}/s "
        f"(asked {s.rate:.0f}/s), {s.failures} not acked; "
        f"applied all {s.drain_s:.2f} s after the stream stopped"
    )


# -- 3. backfill ----------------------------------------------------------------------------------


class WallPlusSlept:
    """A clock whose time is the wall time elapsed plus what it was asked to sleep, which it
    never does: the fake Slack's rate-limit windows and the client's Retry-After waits read it,
    so waits cost no wall time and computing still takes its real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.slept = 0.0
        self._origin = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        with self._lock:
            return time.monotonic() - self._origin + self.slept

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept += max(0.0, seconds)

    def epoch(self) -> float:
        return self.now.timestamp() + self.monotonic()


class HistorySlack(FakeSlack):
    """The fake Slack with its channel history indexed: finding a message or a thread's replies
    is a lookup, not a scan of every message (50,000 of them here). Answers are the same."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._by_ts: dict[tuple[str, str], dict[str, Any]] = {}
        self._thread_replies: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)

    def add_message(self, channel: str, text: str, **options: Any) -> dict[str, Any]:
        with self._cond:
            msg = super().add_message(channel, text, **options)
            self._by_ts[(channel, msg["ts"])] = msg
            if msg.get("thread_ts") and msg["thread_ts"] != msg["ts"]:
                replies = self._thread_replies[(channel, msg["thread_ts"])]
                replies.append(msg)
                replies.sort(key=lambda m: float(m["ts"]))
            return msg

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._cond:
            return self._by_ts.get((channel, ts))

    def _replies(self, parent: dict[str, Any]) -> list[dict[str, Any]]:
        if parent.get("thread_ts") and parent["thread_ts"] != parent["ts"]:
            return []
        return list(self._thread_replies.get((parent["channel"], parent["ts"]), ()))


def seed_history(slack: FakeSlack, members: int, messages: int, now: datetime) -> int:
    """`messages` messages (about a quarter of them thread replies) over the last 89 days;
    the number of threads."""
    span = timedelta(days=89)
    conversation = Conversation(members, now - span, seed=SEED + 2, step=span.total_seconds() / messages)
    rng = random.Random(SEED + 3)
    threads: set[str] = set()
    for _ in range(messages):
        ts, user, words, thread_ts = conversation.message()
        reactions = None
        if thread_ts and rng.random() < 0.1:
            reactions = [{"name": "white_check_mark", "users": [_member(rng, members)]}]
        slack.add_message(CHANNEL, words, user=user, ts=ts, thread_ts=thread_ts, reactions=reactions)
        if thread_ts:
            threads.add(thread_ts)
    return len(threads)


@dataclass
class Backfilled:
    messages: int  # in the channel, replies included
    threads: int
    calls: dict[str, int]  # answered calls per method
    limited: int  # 429s waited out
    clock_s: float  # on the clock: wall time + waits
    waited_s: float
    wall_s: float
    applied: int  # messages the backfill counted (history pages' messages)
    signals: int

    @property
    def minimum_s(self) -> float:
        """What Slack's limits allow: the busier method's calls, 50 at once and then 50 a minute
        (each method has its own limit, per workspace)."""
        return max(minimum_for(n) for n in self.calls.values())

    @property
    def ratio(self) -> float:
        """Time taken over the minimum (NaN when every call fits in the first minute's 50)."""
        return self.clock_s / self.minimum_s if self.minimum_s > 0 else math.nan


def minimum_for(calls: int) -> float:
    """Seconds `calls` calls of one method take at least: a sliding minute holds 50 of them."""
    return max(0, math.ceil(calls / HISTORY_PER_MINUTE) - 1) * 60.0


def measure_backfill(db: Database, members: int, messages: int) -> Backfilled:
    now = datetime.now(UTC)
    clock = WallPlusSlept(now)
    with HistorySlack(team_id=TEAM, clock=clock.monotonic) as slack:
        slack.add_channel(CHANNEL, "ingest-bench")
        threads = seed_history(slack, members, messages, now)
        for method in HISTORY_METHODS:
            slack.rate_limit(method, None, HISTORY_PER_MINUTE)
        watch_channel(db, now)
        client = make_client(slack.bot_token, slack.base_url, clock=clock)
        began_clock, began_wall = clock.monotonic(), time.perf_counter()
        ran = backfill.run(db, lambda team: client, now, evidence=EVIDENCE, team_id=TEAM, pages=10_000)
        wall = time.perf_counter() - began_wall
        took = clock.monotonic() - began_clock
        calls = {m: sum(c.status == 200 for c in slack.calls_to(m)) for m in HISTORY_METHODS}
        limited = sum(c.status == 429 for m in HISTORY_METHODS for c in slack.calls_to(m))
    return Backfilled(
        messages=messages,
        threads=threads,
        calls=calls,
        limited=limited,
        clock_s=took,
        waited_s=clock.slept,
        wall_s=wall,
        applied=ran.messages,
        signals=_count(db, ChannelSignal),
    )


def render_backfill(b: Backfilled) -> str:
    history, replies = (b.calls[m] for m in HISTORY_METHODS)
    verdict = "ok" if not b.ratio > BACKFILL_CEILING else "OVER"
    if math.isnan(b.ratio):
        verdict = "not measured: no call had to wait"
    return "\n".join(
        [
            f"backfill: {b.messages:,} messages over 90 days ({b.threads:,} threads), "
            f"Tier 3 ({HISTORY_PER_MINUTE}/min per method) on conversations.history and .replies",
            f"  calls: {history:,} history + {replies:,} replies, {b.limited:,} answered 429 and waited out",
            f"  minimum {_duration(b.minimum_s)} (the busier method at {HISTORY_PER_MINUTE}/min; "
            "both together "
            f"{_duration(minimum_for(history + replies))})",
            f"  took    {_duration(b.clock_s)} on the clock ({_duration(b.waited_s)} waited, "
            f"{b.wall_s:.1f} s of wall time), ratio {b.ratio:.3f} "
            f"(ceiling {BACKFILL_CEILING:.2f}): {verdict}",
            f"  {b.applied:,} top-level messages paged, {b.signals:,} channel signals stored",
        ]
    )


def backfill_problems(b: Backfilled) -> list[str]:
    if not b.ratio > BACKFILL_CEILING:
        return []  # (NaN: too few calls to be limited, nothing to compare)
    return [f"backfill: {b.ratio:.3f}x the rate-limited minimum, over its ceiling {BACKFILL_CEILING:.2f}"]


def _duration(seconds: float) -> str:
    return f"{seconds:,.1f} s" if seconds < 120 else f"{seconds / 60:,.1f} min"


# -- profiling the applied path -------------------------------------------------------------------


def profile_applying(db: Database, members: int, events: int, top: int = 15) -> str:
    """cProfile of `channels.apply_event` for `events` events in one thread (what each lazy
    listener does): the top entries by cumulative time from bot/ and sqlalchemy, then from bot/
    alone, and the SQL statements per event."""
    from tests.support.databases import statements

    now = datetime.now(UTC)
    watch_channel(db, now)
    conversation = Conversation(members, now - timedelta(minutes=10), seed=SEED + 4)
    payloads = [json.loads(event_callback(conversation.event(), team_id=TEAM)[0]) for _ in range(events)]
    profiler = cProfile.Profile()
    with statements(db) as seen:
        began = time.perf_counter()
        profiler.enable()
        for body in payloads:
            with db.write() as session:
                channels.apply_event(session, TEAM, body["event_id"], body["event"], now)
        profiler.disable()
        took = time.perf_counter() - began
    lines = [
        f"profile: {events:,} events applied in one thread in {took:.2f} s ({events / took:.0f}/s, "
        f"profiler on), {len(seen) / events:.1f} SQL statements per event"
    ]
    for title, pattern in (("bot/ and sqlalchemy", r"(/bot/|sqlalchemy)"), ("bot/ only", r"/bot/")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(pattern, top)
        table = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next((i for i, line in enumerate(table) if line.lstrip().startswith("ncalls")), 0)
        lines.append(f"  top {top} by cumulative time, {title}:")
        lines += [f"  {line.replace(str(Path.cwd()) + '/', '')}" for line in table[start:]]
    return "\n".join(lines)


# -- the whole run --------------------------------------------------------------------------------


@dataclass
class Results:
    throughput: list[Throughput] = field(default_factory=list)
    quiet: Report | None = None  # /whoknows with no events, measured just before
    under_load: Report | None = None
    streamed: Streamed | None = None
    backfill: Backfilled | None = None
    profile: str = ""

    def problems(self) -> list[str]:
        found = [p for t in self.throughput for p in throughput_problems(t)]
        if self.under_load is not None:
            found += problems(self.under_load)
        if self.backfill is not None:
            found += backfill_problems(self.backfill)
        return found


def run(
    *,
    events: int = 5_000,
    senders: int = 8,
    requests: int = 300,
    warmup: int = 20,
    backfill_messages: int = 50_000,
    rate: float | None = None,
    members: int = whoknows.MEMBERS,
    postgres: bool = False,
    profile: bool = False,
    keep: Path | None = None,
    log: Log = print,
) -> Results:
    results = Results()
    scenario = scenario_for(members)
    with FakeSlack(team_id=TEAM) as slack, tempfile.TemporaryDirectory(prefix="rapport-ingest-") as tmp:
        folder = Path(tmp)
        cache = keep or folder / "prepared"  # without --keep: prepared once for every part below

        def fresh(part: str) -> Database:
            (folder / part).mkdir()
            db, _ = prepared_database(scenario, slack, folder / part, cache, log)
            return db

        db = fresh("sqlite")
        try:
            results.throughput.append(measure_throughput(db, slack, "sqlite", members, events, senders))
            log(render_throughput(results.throughput[-1]))
            rate = rate or stream_rate(results.throughput[-1].applied_rate)
            results.quiet, _ = measure_under_load(db, slack, members, 0, requests, warmup)
            log(render(results.quiet))
            results.under_load, results.streamed = measure_under_load(
                db, slack, members, rate, requests, warmup
            )
            log(render(results.under_load))
            if results.streamed is not None:
                log(render_stream(results.streamed))
        finally:
            db.dispose()
        if postgres:
            with postgres_database(members, log) as pg:
                results.throughput.append(
                    measure_throughput(pg, slack, "postgresql", members, events, senders)
                )
                log(render_throughput(results.throughput[-1]))
        if backfill_messages > 0:
            db = fresh("backfill")
            try:
                results.backfill = measure_backfill(db, members, backfill_messages)
                log(render_backfill(results.backfill))
            finally:
                db.dispose()
        if profile:
            db = fresh("profile")
            try:
                results.profile = profile_applying(db, members, min(events, 2_000))
                log(results.profile)
            finally:
                db.dispose()
    return results


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingest",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Learning expertise from public channels on the 10,000-member workspace: message\n"
            f"events/s one process acks and applies (target {TARGET_RATE:.0f}/s), /whoknows p95 ratios\n"
            f"while events stream in (ceilings {MAX_RATIO_DEFAULT} vs {DEFAULT}, {MAX_RATIO_PBR} vs {PBR}),\n"
            f"and a 90-day backfill under Tier 3 rate limits (at most {BACKFILL_CEILING:.2f}x the time\n"
            "they allow)."
        ),
        epilog="See bench/README.md.",
    )
    parser.add_argument(
        "--events", type=int, default=5_000, metavar="N", help="message events to send (default 5000)"
    )
    parser.add_argument(
        "--senders", type=int, default=8, metavar="S", help="threads posting them at once (default 8)"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=300,
        metavar="R",
        help="timed /whoknows per target under load (default 300)",
    )
    parser.add_argument(
        "--warmup", type=int, default=20, metavar="W", help="untimed /whoknows per target first (default 20)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        metavar="E",
        help=f"events/s streamed while /whoknows is timed (default: as applied, at most {TARGET_RATE:.0f})",
    )
    parser.add_argument(
        "--backfill",
        type=int,
        default=50_000,
        metavar="M",
        help="messages in the backfilled channel, replies included (default 50000; 0 skips it)",
    )
    parser.add_argument("--members", type=int, default=whoknows.MEMBERS, metavar="K", help=argparse.SUPPRESS)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="measure events/s on PostgreSQL too (127.0.0.1:5432, database test)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of applying events (top 15, bot/ and sqlalchemy)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target or ceiling is missed")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="cache the prepared SQLite database in DIR (as python -m bench --keep)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.rate is not None and not args.rate > 0:
        parser.error("--rate must be positive")
    if args.events < 1 or args.senders < 1 or args.requests < 1 or args.warmup < 0 or args.backfill < 0:
        parser.error(
            "--events, --senders and --requests must be at least 1, --warmup and --backfill at least 0"
        )
    results = run(
        events=args.events,
        senders=args.senders,
        requests=args.requests,
        warmup=args.warmup,
        backfill_messages=args.backfill,
        rate=args.rate,
        members=args.members,
        postgres=args.postgres,
        profile=args.profile,
        keep=args.keep,
        log=_say,
    )
    failed = results.problems()
    if failed:
        print("\n" + "\n".join(("FAIL " if args.check else "over: ") + p for p in failed), flush=True)
    return 1 if args.check and failed else 0


def _say(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
