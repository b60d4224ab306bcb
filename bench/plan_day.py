"""Bench: plan a day of nudges for a big workspace, and deliver thousands of DMs at the ceiling.

`python -m bench.plan_day [--members 50000] [--small 5000] [--dms 5000] [--rate 200] [--keep DIR]`

1. Planning: a workspace made by `rapport seed`'s own seeders (`bench.workspace`: per member 10
   logged interactions, 0.2 follow-ups per interaction, one cadence; skills, endorsements;
   birthdays, start dates; a few promotions), for two team sizes. Prints the time and the
   number of SQL statements (a `before_cursor_execute` listener) of planning everyone's next
   morning, first (everything new) and again a few minutes later (everything planned already):
   the count must not grow with members, and a plan must take at most 5 s. Seeding 50,000
   members takes minutes: `--keep DIR` keeps the seeded databases between runs (as `python -m
   bench --keep` does).
2. Delivery: `--dms` digests due at once, sent to the fake Slack limited to 1 msg/s per
   channel and `--rate` msgs/s workspace-wide (`rate_limit(per_team_per_minute=rate*60)`),
   with the sender paced at the same `--rate`. The minimum time is dms/rate; the run must take
   at most 1.2× that, with every DM sent once and none refused.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from bench.runner import prepared_database
from bench.workspace import NOW, TEAM, workspace
from bot.bootstrap import EVIDENCE, SEEDERS, build_registry, open_database
from bot.celebrations import consent
from bot.delivery.pacer import Pacer
from bot.delivery.sender import Sender
from bot.models import Member, TitleChange
from bot.models.celebrations import CelebrationConsent
from bot.models.outbox import Nudge
from bot.models.relationships import Cadence, FollowUp, Interaction
from bot.platform.clock import fixed_clock
from bot.platform.db import Database
from bot.platform.migrate import upgrade
from bot.platform.storage import insert_many_ignore
from bot.seeding.members import seed
from tests.support.databases import statements
from tests.support.fakeslack import FakeSlack

PLAN_BUDGET = 5.0  # seconds
REGISTRY = build_registry()


def plan_once(db: Database, at: Any) -> tuple[float, int, int]:
    """Seconds, SQL statements and new nudges of one planning run as of `at`."""
    with statements(db) as seen:
        start = time.perf_counter()
        with db.write() as s:
            planned = REGISTRY.planner.plan(s, TEAM, at)
        return time.perf_counter() - start, len(seen), planned


def _sizes(db: Database) -> str:
    with db.read() as s:
        counts = [
            s.scalar(select(func.count()).select_from(model).where(model.team_id == TEAM))
            for model in (Member, Interaction, FollowUp, Cadence)
        ]
    return "{:,} members, {:,} interactions, {:,} follow-ups, {:,} cadences".format(*counts)


def bench_planning(folder: Path, sizes: list[int], keep: Path | None) -> bool:
    ok = True
    counts: set[int] = set()
    for members in sizes:
        db, _ = prepared_database(workspace(members), FakeSlack(), folder, keep, print)
        print(f"plan a day: {_sizes(db)}")
        for label, at in (("first", NOW), ("again", NOW + timedelta(minutes=2))):
            seconds, count, planned = plan_once(db, at)
            counts.add(count)
            print(f"  {label:<5} {seconds:6.2f} s, {count} SQL statements, {planned:,} nudges planned")
            ok &= seconds <= PLAN_BUDGET
        with db.read() as s:
            kinds = s.execute(
                select(Nudge.kind, func.count()).group_by(Nudge.kind).order_by(Nudge.kind)
            ).all()
        print("  planned: " + ", ".join(f"{n:,} {kind}" for kind, n in kinds))
        db.dispose()
    same = len(counts) == 1
    print(
        f"SQL statements per plan at {' and '.join(f'{m:,}' for m in sizes)} members: "
        f"{'the same' if same else 'DIFFERENT'} ({', '.join(map(str, sorted(counts)))})"
    )
    return ok and same


def bench_delivery(folder: Path, dms: int, rate: float) -> bool:
    slack = FakeSlack().start()
    db = open_database(f"sqlite:///{folder / 'deliver.db'}")
    upgrade(db)
    team = slack.team_id  # the fake Slack's workspace
    seed(db, team, dms, seed=5, now=NOW, seeders=SEEDERS, evidence=EVIDENCE)
    day = date(2026, 11, 26)
    with db.write() as s:
        s.execute(update(Member).values(deleted=False))
        members = list(s.scalars(select(Member).where(Member.team_id == team)))
        for m in members:
            slack.add_user(m.user_id, team_id=slack.team_id)
        promoted = members[:2]
        for m in promoted:
            m.title = "Staff Engineer"
        rows = [
            {
                "dedupe_key": f"{team}:{m.id}:promotion:{i}",
                "team_id": team,
                "recipient_id": m.id,
                "kind": "promotion",
                # Everyone hears of promoted[0]'s new title, and promoted[0] of promoted[1]'s.
                "subject_id": promoted[1 if i == 0 else 0].id,
                "ref_id": 2 if i == 0 else 1,
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
                    "id": n + 1,
                    "team_id": team,
                    "member_id": m.id,
                    "old_title": "Engineer",
                    "new_title": "Staff Engineer",
                    "changed_at": NOW,
                }
                for n, m in enumerate(promoted)
            ],
        )
        # Colleagues hear of a promotion only with its owner's yes (`bot.celebrations.consent`).
        consent.ask(s, team, NOW, channel_ok=False)
        asked = s.execute(
            select(CelebrationConsent.id, Member.user_id).join(
                Member, Member.id == CelebrationConsent.member_id
            )
        ).all()
        for consent_id, user_id in asked:
            consent.answer(s, team, user_id, str(consent_id), True, NOW)
    count = len(members)
    slack.rate_limit("chat.postMessage", per_channel_per_second=1.0, per_team_per_minute=rate * 60)
    clock = fixed_clock(NOW + timedelta(minutes=1))  # paces in real time
    pacer = Pacer(db, team, rate, clock=clock)
    from slack_sdk import WebClient

    from bot.platform.slack import make_client

    def client_for(team: str) -> WebClient:
        return make_client(slack.bot_token, slack.base_url, wait_on_rate_limit=False)

    sender = Sender(
        db, client_for, kinds=REGISTRY.outbox, clock=clock, pacer=lambda team: pacer, workers=8, batch=500
    )
    start = time.perf_counter()
    report = sender.run(team)
    seconds = time.perf_counter() - start
    posted = Counter(c.params["channel"] for c in slack.calls_to("chat.postMessage") if c.ok)
    refused = sum(1 for c in slack.calls_to("chat.postMessage") if c.status == 429)
    minimum = (count - 1) / rate
    ratio = seconds / minimum
    print(
        f"deliver {count} DMs at {rate:g}/s (fake Slack: 1/s per channel, {rate * 60:g}/min per workspace): "
        f"{seconds:.2f} s, minimum {minimum:.2f} s, ratio {ratio:.2f} (ceiling 1.20); "
        f"{report.sent} sent, {len(posted)} distinct DMs, max per person {max(posted.values(), default=0)}, "
        f"{refused} refused (429)"
    )
    slack.stop()
    db.dispose()
    return ratio <= 1.2 and report.sent == count == len(posted) and max(posted.values(), default=0) == 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.plan_day",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--dms", type=int, default=5_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the seeded workspaces in DIR and reuse them"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        folder = Path(tmp)
        ok = bench_planning(folder, [args.small, args.members], args.keep)
        ok &= bench_delivery(folder, args.dms, args.rate)
    print("ok" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
