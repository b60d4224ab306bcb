"""`/whoknows <topic>` on a 10,000-member seeded workspace (2,000 skills, 60,000 declared skills,
30,000 endorsements): understood from the cached vocabulary, answered inside ack() from the
cached standings of the topics people ask about most (`whoknows-cold` measures the first ask)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bench.scenario import Scenario
from bot.bootstrap import EVIDENCE, SEEDERS
from bot.platform.db import Database
from bot.seeding.members import seed
from tests.support.fakeslack import FakeSlack

MEMBERS = 10_000
SEED = 1
TEAM = "T0BENCHXP"

# What people ask: popular and rare skills, aliases, case and punctuation, typos, titles,
# several skills at once, a sentence, and topics nobody has (the suggestions path).
TOPICS = (
    "kubernetes",
    "k8s",
    "Python",
    "golang",
    "react.js",
    "machine learning",
    "ml",
    "postgres",
    "C++",
    "c#",
    ".NET",
    "figma",
    "user research",
    "salesforce",
    "recruiting",
    "sre",
    "data science",
    "kuberntes",
    "terrafrom",
    "kubernetes and terraform",
    "who knows docker well",
    "partnerships",
    "payments api",
    "underwater basket weaving",
    "rust",
)


def prepare(db: Database, slack: FakeSlack) -> str:
    seed(db, TEAM, MEMBERS, seed=SEED, now=datetime.now(UTC), seeders=SEEDERS, evidence=EVIDENCE)
    return TEAM


def asker(rng: random.Random) -> str:
    """A seeded member (`rapport seed` names them U<seed><index>), so the asker is looked up and left out."""
    return f"U{SEED % 100:02d}{rng.randrange(MEMBERS):07d}"


SCENARIO = Scenario(
    name="whoknows",
    command="/whoknows",
    texts=lambda rng: rng.choice(TOPICS),
    users=asker,
    prepare=prepare,
    max_ratio_default=1.0,
    max_ratio_pbr=4.0,
)
