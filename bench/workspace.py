"""A big seeded workspace to plan a day of nudges in (`bench.plan_day`), kept between runs.

`rapport seed`'s own seeders make it (members, skills and endorsements, the relationship log),
with the relationship log shaped like the issue's numbers: per member 10 logged interactions,
a follow-up for 20 % of them and one keep-in-touch cadence; so 50,000 members come with
500,000 interactions, 100,000 follow-ups and 50,000 cadences. A few titles moved up lately.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import insert, select

from bench.scenario import Scenario
from bot.bootstrap import EVIDENCE, SEEDERS
from bot.models import Member, TitleChange
from bot.platform.db import Database
from bot.seeding.members import seed
from bot.seeding.relationships import seed_relationships
from tests.support.fakeslack import FakeSlack

TEAM = "TBENCH"
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # Thursday early UTC: every zone plans a morning
SHAPED = partial(seed_relationships, per_member=10, follow_up_share=0.2, cadences_per_member=1.0)


def prepare(db: Database, slack: FakeSlack, *, members: int) -> str:
    """Seed `members` people and their relationship log as of just before NOW."""
    seeders = [SHAPED if s is seed_relationships else s for s in SEEDERS]
    for line in seed(
        db, TEAM, members, seed=3, now=NOW - timedelta(hours=12), seeders=seeders, evidence=EVIDENCE
    ):
        print(f"  seeded: {line}", flush=True)
    rng = random.Random(members)
    with db.write() as s:
        ids = list(s.scalars(select(Member.id).where(Member.team_id == TEAM)))
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
    return TEAM


def workspace(members: int) -> Scenario:
    """The workspace as a runner scenario, so `bench.runner.prepared_database` caches it (`--keep`)."""
    return Scenario(
        name=f"plan-day-{members}",
        command="/rapport",
        texts=lambda rng: "",
        prepare=partial(prepare, members=members),
    )
