"""Bench: plan a day of nudges for a big workspace, and deliver thousands of DMs at the ceiling.

`python -m bench.plan_day [--members 50000] [--small 5000] [--dms 5000] [--rate 200]`

1. Planning: members seeded with `rapport seed` (birthdays, start dates, titles), plus a circle
   of `10 × members` "logged with" pairs in a bench table standing in for the relationship
   log's interactions until that lands. Prints the time and the number of SQL statements
   (a `before_cursor_execute` listener) for two team sizes: the count must not grow.
2. Delivery: `--dms` digests due at once, sent to the fake Slack limited to 1 msg/s per
   channel and `--rate` msgs/s workspace-wide (`rate_limit(per_team_per_minute=rate*60)`),
   with the sender paced at the same `--rate`. The minimum time is dms/rate; the run must take
   at most 1.2× that, with every DM sent once and none refused.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, event, insert, select, update

from bot import circle, delivery, nudges
from bot.clock import fixed_clock
from bot.db import Database
from bot.migrate import upgrade
from bot.models import Member, TitleChange
from bot.models.outbox import Nudge
from bot.seed import seed
from bot.storage import insert_many_ignore
from tests.fakeslack import FakeSlack

TEAM = "TBENCH"
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # Thursday early UTC: every zone plans a morning
PAIRS = Table(
    "bench_circle",
    MetaData(),
    Column("member_id", Integer, index=True),
    Column("other_id", Integer, index=True),
)


def _prepare(folder: Path, members: int) -> Database:
    db = Database(f"sqlite:///{folder / f'plan-{members}.db'}")
    upgrade(db)
    seed(db, TEAM, members, seed=3, now=NOW - timedelta(days=30))
    rng = random.Random(members)
    with db.write() as s:
        ids = list(s.scalars(select(Member.id).where(Member.team_id == TEAM)))
        PAIRS.create(s.connection(), checkfirst=True)
        rows = [{"member_id": rng.choice(ids), "other_id": rng.choice(ids)} for _ in range(10 * members)]
        for start in range(0, len(rows), 50_000):
            s.execute(insert(PAIRS), rows[start : start + 50_000])
        changes = [
            {
                "team_id": TEAM,
                "member_id": m,
                "old_title": "Software Engineer",
                "new_title": "Senior Software Engineer",
                "changed_at": NOW - timedelta(hours=rng.randint(1, 100)),
            }
            for m in rng.sample(ids, max(1, members // 500))
        ]
        s.execute(insert(TitleChange), changes)
    db.optimize()
    return db


def _bench_circle(team_id: str, subjects: Any) -> Any:
    return select(PAIRS.c.member_id, PAIRS.c.other_id).where(PAIRS.c.other_id.in_(subjects))


def plan_once(db: Database) -> tuple[float, int, int]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        start = time.perf_counter()
        with db.write() as s:
            planned = nudges.plan(s, TEAM, NOW)
        return time.perf_counter() - start, len(statements), planned
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def bench_planning(folder: Path, sizes: list[int]) -> bool:
    circle.PARTS.append(_bench_circle)
    ok = True
    try:
        for members in sizes:
            db = _prepare(folder, members)
            seconds, count, planned = plan_once(db)
            print(
                f"plan a day: {members:>6} members, {10 * members:>7} circle pairs: "
                f"{seconds:6.2f} s, {count} SQL statements, {planned} nudges planned"
            )
            ok &= seconds <= 5.0
            db.dispose()
    finally:
        circle.PARTS.remove(_bench_circle)
    return ok


def bench_delivery(folder: Path, dms: int, rate: float) -> bool:
    slack = FakeSlack().start()
    db = Database(f"sqlite:///{folder / 'deliver.db'}")
    upgrade(db)
    team = slack.team_id  # the fake Slack's workspace
    seed(db, team, dms, seed=5, now=NOW)
    day = date(2026, 11, 26)
    with db.write() as s:
        s.execute(update(Member).values(deleted=False))
        members = list(s.scalars(select(Member).where(Member.team_id == team)))
        for m in members:
            slack.add_user(m.user_id, team_id=slack.team_id)
        rows = [
            {
                "dedupe_key": f"{team}:{m.id}:promotion:{i}",
                "team_id": team,
                "recipient_id": m.id,
                "kind": "promotion",
                "subject_id": members[(i + 1) % len(members)].id,
                "ref_id": 1,
                "local_date": day,
                "deliver_after": NOW,
                "expires_at": NOW + timedelta(hours=9),
                "status": "pending",
                "created_at": NOW,
                "updated_at": NOW,
            }
            for i, m in enumerate(members)
        ]
        insert_many_ignore(s, Nudge, rows, ["dedupe_key"])
        s.execute(
            insert(TitleChange),
            [
                {
                    "id": 1,
                    "team_id": team,
                    "member_id": members[0].id,
                    "old_title": "Engineer",
                    "new_title": "Staff Engineer",
                    "changed_at": NOW,
                }
            ],
        )
    count = len(members)
    slack.rate_limit("chat.postMessage", per_channel_per_second=1.0, per_team_per_minute=rate * 60)
    pacer = delivery.Pacer(rate)
    from slack_sdk import WebClient

    from bot.slack import make_client

    def client_for(team: str) -> WebClient:
        return make_client(slack.bot_token, slack.base_url, wait_on_rate_limit=False)

    sender = delivery.Sender(db, client_for, pacer=lambda team: pacer, workers=8, batch=500)
    start = time.perf_counter()
    report = sender.run(team, fixed_clock(NOW + timedelta(minutes=1)))
    seconds = time.perf_counter() - start
    posted = Counter(c.params["channel"] for c in slack.calls_to("chat.postMessage") if c.ok)
    refused = sum(1 for c in slack.calls_to("chat.postMessage") if c.status == 429)
    minimum = (count - 1) / rate
    ratio = seconds / minimum
    print(
        f"deliver {count} DMs at {rate:g}/s (fake Slack: 1/s per channel, {rate * 60:g}/min per workspace): "
        f"{seconds:.2f} s, minimum {minimum:.2f} s, ratio {ratio:.2f} (ceiling 1.20); "
        f"{report.sent} sent, {len(posted)} distinct DMs, max per person {max(posted.values())}, "
        f"{refused} refused (429)"
    )
    slack.stop()
    db.dispose()
    return ratio <= 1.2 and report.sent == count == len(posted) and max(posted.values()) == 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plan_day", description=__doc__)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--dms", type=int, default=5_000)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        folder = Path(tmp)
        ok = bench_planning(folder, [args.small, args.members])
        ok &= bench_delivery(folder, args.dms, args.rate)
    print("ok" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
