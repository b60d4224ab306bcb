"""`/kudos @colleague for …` on a 10,000-member seeded workspace: the kudos checked and stored and
its post planned inside ack(); the post is sent after it, and its skills become evidence when the
celebrations job settles it."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bench.scenario import Scenario
from bot.bootstrap import EVIDENCE, SEEDERS
from bot.celebrations import channel as celebration_channel
from bot.models import Workspace
from bot.platform.db import Database
from bot.seeding.members import seed
from tests.support.fakeslack import FakeSlack

MEMBERS = 10_000
SEED = 1
CHANNEL = "C0BENCHCELEBRATE"

REASONS = (
    "for moving the billing jobs to Kubernetes",
    "for the Terraform modules",
    "for a thorough Python code review",
    "for running a calm incident review",
    "for mentoring the new hires",
    "thanks for covering my on-call!",
    "for the churn model <!channel>",
)


def user(i: int) -> str:
    return f"U{SEED % 100:02d}{i:07d}"


def prepare(db: Database, slack: FakeSlack) -> str:
    now = datetime.now(UTC)
    seed(db, slack.team_id, MEMBERS, seed=SEED, now=now, seeders=SEEDERS, evidence=EVIDENCE)
    with db.write() as s:  # the channel is set and known, as after the first kudos
        workspace = s.get(Workspace, slack.team_id)
        assert workspace is not None
        workspace.celebrations_channel = CHANNEL
        celebration_channel.remember(s, slack.team_id, CHANNEL, celebration_channel.Resolution(CHANNEL), now)
    return slack.team_id


def text(rng: random.Random) -> str:
    people = " ".join(f"<@{user(rng.randrange(MEMBERS))}|someone>" for _ in range(rng.choice((1, 1, 2))))
    return f"{people} {rng.choice(REASONS)}"


SCENARIO = Scenario(
    name="kudos",
    command="/kudos",
    texts=text,
    users=lambda rng: user(rng.randrange(MEMBERS)),
    prepare=prepare,
    max_ratio_default=1.0,
    max_ratio_pbr=4.0,
)
