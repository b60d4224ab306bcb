"""A delivery soak (issue 15): sender processes on PostgreSQL against a faulty fake Slack.

`python -m tests.support.soak --recipients 1000 --limit 10 --senders 2 --kills 5`

It makes a fresh PostgreSQL database on 127.0.0.1:5432 (``RAPPORT_TEST_POSTGRES_URL``'s server),
migrates it, and seeds ``--recipients`` members in four time zones, each with a birthday nudge
due now: working days all seven, hours chosen around the real local time so the real clock is
inside every window. The fake Slack runs in this process on real time with a workspace-wide
token bucket (``--limit`` per second, burst as much), Slack's 1/s per channel, Tier 3 for
conversations.history, and faults: random 429s, 500s (answered before and after storing the
message), slow answers and dropped connections. ``--senders`` processes of
``rapport jobs run nudges`` (each plans, sends what is due and exits) are restarted in a loop;
``--kills`` times a random one is SIGKILLed and restarted. When every outbox row is sent, failed,
skipped or expired (or at ``--timeout``), the figures come from what the fake stored and the
outbox table; the exit status is 1 unless 0 lost, 0 duplicated, nothing outside the working
window and no 429 but the injected ones.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from bot.bootstrap import open_database
from bot.models import Member
from bot.models.outbox import Nudge, Outbox
from bot.platform.db import Database
from bot.platform.migrate import upgrade
from bot.platform.storage import insert_many_ignore
from tests.support.databases import POSTGRES_URL
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import TIERS, FakeSlack

TEAM = "T0001"
TOKEN = "xoxb-soak"
ROOT = Path(__file__).resolve().parents[2]
RAPPORT = Path(sys.executable).parent / "rapport"
BIRTHDAY = "birthday"  # bot.nudges.sources.occasions.BIRTHDAY: a kind the real registry renders
DONE = frozenset({"sent", "failed", "skipped", "expired"})
# Zones to pick four from: the ones whose local hour now leaves a window of a few hours.
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
)


@dataclass
class Options:
    recipients: int = 1000
    limit: float = 10.0
    senders: int = 2
    kills: int = 5
    timeout: float = 900.0
    seed: int = 15
    ratelimit_ratio: float = 0.03  # injected 429s (Retry-After 1)
    error_ratio: float = 0.02  # 500 answered without storing the message
    applied_error_ratio: float = 0.02  # 500 answered after storing it
    slow_ratio: float = 0.05
    slow_seconds: float = 2.0
    drop_ratio: float = 0.01  # stored, then the connection closes without an answer
    keep: bool = False  # keep the database (its URL is printed)
    quiet: bool = False


@dataclass
class Figures:
    recipients: int = 0
    delivered: int = 0  # recipients with at least one post
    duplicates: int = 0  # posts beyond the first per recipient
    lost: int = 0  # recipients with no post
    posts: int = 0
    posts_without_metadata: int = 0
    duplicate_keys: int = 0  # metadata payloads seen on more than one post
    recorded_sent_not_posted: int = 0  # outbox rows "sent" whose recipient has no post
    outside_window: int = 0
    injected_429: int = 0
    limit_429: int = 0
    limit_429_by_method: dict[str, int] = field(default_factory=dict)
    max_posts_in_1s: int = 0
    limit: float = 0.0
    rate_overall: float = 0.0  # delivered / (last post - first post)
    rate_90: float = 0.0  # 90 % of the recipients / time to reach them
    seconds: float = 0.0
    timed_out: bool = False
    statuses: dict[str, int] = field(default_factory=dict)
    sender_runs: int = 0
    sender_errors: int = 0  # runs that exited non-zero other than by our SIGKILL
    kills: int = 0
    in_flight_kills: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    error_tail: str = ""

    @property
    def passed(self) -> bool:
        return (
            not self.timed_out
            and self.lost == 0
            and self.duplicates == 0
            and self.outside_window == 0
            and self.limit_429 == 0
        )

    def lines(self) -> list[str]:
        pct = 100 * self.rate_90 / self.limit if self.limit else 0.0
        return [
            f"recipients:              {self.recipients}",
            f"delivered:               {self.delivered}",
            f"duplicates:              {self.duplicates}  "
            f"(keys posted more than once: {self.duplicate_keys})",
            f"lost:                    {self.lost}  (outbox 'sent' but not in Slack: "
            f"{self.recorded_sent_not_posted})",
            f"posts stored by Slack:   {self.posts}  (without metadata: {self.posts_without_metadata})",
            f"outbox statuses:         {dict(sorted(self.statuses.items()))}",
            f"429s met:                {self.injected_429} injected, {self.limit_429} from the limits "
            f"{self.limit_429_by_method or ''}",
            f"delivery rate:           {self.rate_90:.2f}/s to 90 % ({pct:.0f} % of the {self.limit:g}/s "
            f"limit); {self.rate_overall:.2f}/s first to last post",
            f"max posts in any 1 s:    {self.max_posts_in_1s}  "
            f"(limit {self.limit:g}/s, burst {self.limit:g})",
            f"outside working window:  {self.outside_window}",
            f"faults fired:            {self.faults}",
            f"calls:                   {self.calls}",
            f"sender runs:             {self.sender_runs}  ({self.kills} SIGKILLed, "
            f"{self.in_flight_kills} of them while Slack held an answer back, "
            f"{self.sender_errors} exited with an error)",
            f"took:                    {self.seconds:.0f} s{'  (TIMED OUT)' if self.timed_out else ''}",
            f"result:                  {'PASS' if self.passed else 'FAIL'}",
        ]


# --------------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------------


def create_database() -> str:
    """A new, empty database on the test server; returns its URL."""
    name = f"rapport_soak_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pick_zones(now: datetime, count: int = 4) -> list[str]:
    """`count` zones with distinct UTC offsets whose local hour now is between 01 and 20."""
    found: list[str] = []
    offsets: set[Any] = set()
    for zone in ZONES:
        local = now.astimezone(ZoneInfo(zone))
        if 1 <= local.hour <= 20 and local.utcoffset() not in offsets:
            found.append(zone)
            offsets.add(local.utcoffset())
        if len(found) == count:
            return found
    raise RuntimeError(f"fewer than {count} suitable time zones at {now:%H:%M} UTC")


def seed(db: Database, slack: FakeSlack, count: int, now: datetime) -> dict[str, dict[str, Any]]:
    """`count` members (four zones), each with a birthday nudge due now; returns what each
    member's working window is, by Slack user id."""
    zones = pick_zones(now)
    users = []
    for i in range(count):
        uid = f"U{i:06d}"
        tz = zones[i % len(zones)]
        slack.add_user(uid, tz=tz)
        users.append(slack_user(uid, tz=tz))
    found = add_members(db, TEAM, *users, now=now)
    windows: dict[str, dict[str, Any]] = {}
    with db.write() as s:
        for zone in zones:
            hour = now.astimezone(ZoneInfo(zone)).hour
            start, end = hour - 1, min(24, hour + 4)
            s.execute(
                update(Member)
                .where(Member.team_id == TEAM, Member.tz == zone)
                .values(delivery_hour=start, day_end_hour=end, work_days="1234567")
            )
            for u in users:
                if u["tz"] == zone:
                    windows[u["id"]] = {"tz": zone, "start": start, "end": end, "days": "1234567"}
    members = [found[u["id"]] for u in users]
    rows = []
    for i, m in enumerate(members):
        w = windows[m.user_id]
        local = ZoneInfo(w["tz"])
        today = now.astimezone(local).date()
        subject = members[(i + 1) % len(members)]
        day_end = datetime.combine(today, datetime.min.time(), tzinfo=local) + timedelta(hours=w["end"])
        rows.append(
            {
                "dedupe_key": f"{TEAM}:{m.id}:soak-birthday:{subject.id}:{today.isoformat()}",
                "team_id": TEAM,
                "recipient_id": m.id,
                "kind": BIRTHDAY,
                "subject_id": subject.id,
                "occasion": today + timedelta(days=1),
                "last_day": today + timedelta(days=1),
                "local_date": today,
                "deliver_after": now - timedelta(minutes=1),
                "expires_at": day_end.astimezone(UTC),
                "status": "pending",
                "created_at": now,
                "updated_at": now,
            }
        )
    with db.write() as s:
        insert_many_ignore(s, Nudge, rows, ["dedupe_key"])
    return windows


# --------------------------------------------------------------------------------------------
# The fake Slack
# --------------------------------------------------------------------------------------------


def start_slack(opts: Options) -> FakeSlack:
    slack = FakeSlack(bot_token=TOKEN, team_id=TEAM, real_ts=True)
    slack.start()
    post = "chat.postMessage"
    slack.workspace_limit(post, opts.limit)
    slack.rate_limit(post, per_channel_per_second=1.0)
    slack.rate_limit("conversations.history", None, TIERS[3])
    slack.ratelimit_ratio(post, opts.ratelimit_ratio, seed=opts.seed)
    slack.fail_ratio(post, 500, opts.error_ratio, seed=opts.seed + 1)
    slack.fail_ratio_after_applying(post, 500, opts.applied_error_ratio, seed=opts.seed + 2)
    slack.slow_ratio(post, opts.slow_seconds, opts.slow_ratio, seed=opts.seed + 3)
    slack.drop_ratio(post, opts.drop_ratio, seed=opts.seed + 4)
    return slack


# --------------------------------------------------------------------------------------------
# The senders
# --------------------------------------------------------------------------------------------


class Senders:
    """`count` slots, each running `rapport jobs run nudges` again and again."""

    def __init__(self, count: int, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * count
        self.next_start = [0.0] * count
        self.killed: set[int] = set()  # pids we SIGKILLed
        self.runs = self.errors = self.kills = 0
        self.in_flight_kills = 0  # kills while Slack held a slow answer to someone
        self.error_logs: list[Path] = []

    def _start(self, slot: int) -> None:
        self.runs += 1
        log = self.logs / f"sender-{slot}-{self.runs:04d}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [str(RAPPORT), "jobs", "run", "nudges"],
                env=self.env,
                cwd=self.logs,  # no .env of the project's
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        proc.log = log  # type: ignore[attr-defined]
        self.procs[slot] = proc

    def tick(self, now: float, idle: float = 1.0) -> None:
        """Reap what finished and (after `idle` seconds) start it again."""
        for slot, proc in enumerate(self.procs):
            if proc is not None and proc.poll() is not None:
                if proc.returncode != 0 and proc.pid not in self.killed:
                    self.errors += 1
                    self.error_logs.append(proc.log)  # type: ignore[attr-defined]
                self.procs[slot] = None
                self.next_start[slot] = now + (0.0 if proc.pid in self.killed else idle)
            if self.procs[slot] is None and now >= self.next_start[slot]:
                self._start(slot)

    def kill_one(self, rng: random.Random, slack: FakeSlack | None = None, wait: float = 5.0) -> bool:
        """SIGKILL a random live sender; with `slack`, first wait (up to `wait` s) until Slack
        holds an answer back (a slow one), so the kill is likely to find a post in flight."""
        deadline = time.monotonic() + wait
        while slack is not None and slack.held_answers == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        if slack is not None and slack.held_answers:
            self.in_flight_kills += 1
        live = [p for p in self.procs if p is not None and p.poll() is None]
        if not live:
            return False
        proc = rng.choice(live)
        self.killed.add(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        self.kills += 1
        return True

    def stop(self) -> None:
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            if proc is not None:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()


def outbox_statuses(db: Database) -> Counter[str]:
    with db.read() as s:
        rows = s.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
        return Counter({str(status): int(n) for status, n in rows})


def pending_nudges(db: Database) -> int:
    with db.read() as s:
        return int(
            s.scalar(
                select(func.count()).where(
                    Nudge.status == "pending", Nudge.message_id.is_(None), Nudge.team_id == TEAM
                )
            )
            or 0
        )


# --------------------------------------------------------------------------------------------
# The figures
# --------------------------------------------------------------------------------------------


def in_window(ts: float, window: dict[str, Any]) -> bool:
    local = datetime.fromtimestamp(ts, ZoneInfo(window["tz"]))
    if str(local.isoweekday()) not in window["days"]:
        return False
    return window["start"] <= local.hour < window["end"]


def max_in_window(times: list[float], width: float = 1.0) -> int:
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while times[lo] <= t - width:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def figures(
    slack: FakeSlack, db: Database, windows: dict[str, dict[str, Any]], opts: Options, senders: Senders
) -> Figures:
    f = Figures(recipients=len(windows), limit=opts.limit)
    team = slack.team(TEAM)
    posts = [m for m in slack.messages if m.get("bot_id") == team.bot_id and m["channel"].startswith("D")]
    f.posts = len(posts)
    per_recipient = Counter(m["channel"][1:] for m in posts)
    f.delivered = sum(1 for uid in windows if per_recipient[uid] > 0)
    f.lost = len(windows) - f.delivered
    f.duplicates = sum(n - 1 for uid, n in per_recipient.items() if n > 1)
    keys: Counter[str] = Counter()
    for m in posts:
        meta = m.get("metadata")
        if isinstance(meta, dict) and meta.get("event_payload"):
            keys[repr(sorted(meta["event_payload"].items()))] += 1
        else:
            f.posts_without_metadata += 1
    f.duplicate_keys = sum(1 for n in keys.values() if n > 1)
    f.outside_window = sum(
        1
        for m in posts
        if m["channel"][1:] in windows and not in_window(float(m["ts"]), windows[m["channel"][1:]])
    )
    times = sorted(float(m["ts"]) for m in posts)
    f.max_posts_in_1s = max_in_window(times)
    if len(times) > 1:
        f.rate_overall = f.delivered / max(1e-6, times[-1] - times[0])
    firsts = sorted(min(float(m["ts"]) for m in posts if m["channel"][1:] == uid) for uid in per_recipient)
    n90 = int(0.9 * len(windows))
    if n90 > 1 and len(firsts) >= n90:
        f.rate_90 = (n90 - 1) / max(1e-6, firsts[n90 - 1] - firsts[0])
    f.injected_429 = slack.ratelimited["injected"]
    f.limit_429 = slack.ratelimited["limit"]
    f.limit_429_by_method = {
        m: n for (m, cause), n in slack.ratelimited_by_method.items() if cause == "limit"
    }
    f.statuses = dict(outbox_statuses(db))
    with db.read() as s:
        sent_to = set(
            s.scalars(select(Outbox.channel).where(Outbox.team_id == TEAM, Outbox.status == "sent"))
        )
    f.recorded_sent_not_posted = sum(1 for ch in sent_to if per_recipient[ch.lstrip("D")] == 0)
    f.faults = dict(slack.applied_faults)
    f.calls = dict(Counter(c.method for c in slack.calls))
    f.sender_runs, f.sender_errors, f.kills = senders.runs, senders.errors, senders.kills
    f.in_flight_kills = senders.in_flight_kills
    if senders.error_logs:
        f.error_tail = senders.error_logs[-1].read_text(errors="replace")[-2000:]
    return f


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def run(opts: Options) -> Figures:
    say = (lambda *a: None) if opts.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    started = time.monotonic()
    rng = random.Random(opts.seed)
    url = create_database()
    slack = start_slack(opts)
    db = open_database(url)
    logs = Path(tempfile.mkdtemp(prefix="rapport-soak-"))
    senders: Senders | None = None
    try:
        upgrade(db)
        now = datetime.now(UTC)
        windows = seed(db, slack, opts.recipients, now)
        say(f"soak: {opts.recipients} recipients in {sorted({w['tz'] for w in windows.values()})}; db {url}")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": slack.base_url,
            "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
            "PYTHONPATH": str(ROOT),
        }
        senders = Senders(opts.senders, env, logs)
        # The kills fall while most of the sending goes on (the limit's pace, to 80 %).
        expected = opts.recipients / opts.limit
        kill_at = sorted(rng.uniform(2.0, max(3.0, 0.8 * expected)) for _ in range(opts.kills))
        timed_out = True
        last_report = 0.0
        while time.monotonic() - started < opts.timeout:
            elapsed = time.monotonic() - started
            senders.tick(time.monotonic())
            while kill_at and elapsed >= kill_at[0]:
                kill_at.pop(0)
                if senders.kill_one(rng, slack):
                    say(f"soak: {elapsed:.0f} s: SIGKILLed a sender")
            statuses = outbox_statuses(db)
            total = sum(statuses.values())
            if total >= opts.recipients and not kill_at and set(statuses) <= DONE and not pending_nudges(db):
                timed_out = False
                break
            if elapsed - last_report >= 15:
                last_report = elapsed
                say(f"soak: {elapsed:.0f} s: outbox {dict(statuses)}; {len(slack.messages)} posts")
            time.sleep(0.5)
        senders.stop()
        result = figures(slack, db, windows, opts, senders)
        result.timed_out = timed_out
        result.seconds = time.monotonic() - started
        return result
    finally:
        if senders is not None:
            senders.stop()
        slack.stop()
        db.dispose()
        if opts.keep:
            say(f"soak: kept {url}; sender logs in {logs}")
        else:
            drop_database(url)
            shutil.rmtree(logs, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.soak", description=__doc__.splitlines()[0])
    defaults = Options()
    parser.add_argument("--recipients", type=int, default=defaults.recipients)
    parser.add_argument("--limit", type=float, default=defaults.limit, help="workspace posts per second")
    parser.add_argument("--senders", type=int, default=defaults.senders)
    parser.add_argument("--kills", type=int, default=defaults.kills)
    parser.add_argument("--timeout", type=float, default=defaults.timeout, help="seconds")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--keep", action="store_true", help="keep the database and sender logs")
    args = parser.parse_args(argv)
    result = run(
        Options(
            recipients=args.recipients,
            limit=args.limit,
            senders=args.senders,
            kills=args.kills,
            timeout=args.timeout,
            seed=args.seed,
            keep=args.keep,
        )
    )
    print("\n".join(result.lines()))
    if result.error_tail:
        print("\nlast failed sender run ended with:\n" + result.error_tail)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
