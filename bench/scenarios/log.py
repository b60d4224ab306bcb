"""`/log`: a private interaction recorded and answered inside ack(), on a 10,000-member workspace
with 200,000 logged interactions (`rapport seed`'s relationship seeder)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bench.scenario import Scenario
from bot.bootstrap import EVIDENCE, SEEDERS
from bot.platform.db import Database
from bot.seeding.members import seed
from tests.support.fakeslack import FakeSlack

MEMBERS = 10_000
SEED = 1  # `rapport seed --seed 1`: member i is U01 followed by i in seven digits

NOTES = (
    "coffee about the migration",
    "1:1, she is looking for a mentor",
    "paired on the flaky deploy",
    "lunch — talked about the reorg and hiring",
    "asked for advice on the budget review",
    "",
)
TOPICS = ("#infra", "#hiring", "#roadmap", "#ml", "#gave", "#got", "")
FOLLOW_UPS = (
    "follow up in 2 weeks",
    "follow up on Friday",
    "follow up tomorrow",
    "follow up next week",
    "follow up in 3 days",
    "follow up Jan 5th",
    "follow up end of month",
    "follow up friday 3pm",  # beyond the grammar: dateparser reads it
    "",
    "",
    "",
    "",
)


def user(i: int) -> str:
    return f"U{SEED % 100:02d}{i:07d}"


def prepare(db: Database, slack: FakeSlack) -> str:
    seed(db, slack.team_id, MEMBERS, seed=SEED, now=datetime.now(UTC), seeders=SEEDERS, evidence=EVIDENCE)
    return slack.team_id


def text(rng: random.Random) -> str:
    people = " ".join(f"<@{user(rng.randrange(MEMBERS))}|someone>" for _ in range(rng.choice((1, 1, 2))))
    parts = [people, rng.choice(NOTES), rng.choice(TOPICS), rng.choice(FOLLOW_UPS)]
    return " ".join(p for p in parts if p)


SCENARIO = Scenario(
    name="log",
    command="/log",
    texts=text,
    users=lambda rng: user(rng.randrange(MEMBERS)),
    prepare=prepare,
    max_ratio_default=1.0,
    max_ratio_pbr=4.0,
)
