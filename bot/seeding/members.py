"""A deterministic synthetic workspace for benchmarks, demos and manual tries (`rapport seed`):
its members, then the domain seeders it is given (`bot.bootstrap` lists them)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select

from bot.directory.members import ensure_workspace
from bot.expertise.evidence import Sources
from bot.models import Member
from bot.platform.db import Database

FIRST = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Barbara",
    "Ken",
    "Margaret",
    "Dennis",
    "Radia",
    "Guido",
    "Frances",
    "Edsger",
    "Katherine",
    "John",
    "Hedy",
    "Tim",
    "Annie",
    "Vint",
    "Shafi",
    "Leslie",
    "Donald",
    "Sophie",
    "Yukihiro",
    "Anders",
    "Jean",
    "Mary",
    "Niklaus",
    "Lynn",
    "Bjarne",
    "Fei",
]
LAST = [
    "Okafor",
    "Nakamura",
    "Silva",
    "Novak",
    "Haddad",
    "Kowalski",
    "Andersen",
    "Dubois",
    "Rossi",
    "Moreau",
    "Schmidt",
    "Tanaka",
    "Park",
    "Singh",
    "Müller",
    "García",
    "Ivanova",
    "Lindqvist",
    "O'Brien",
    "Costa",
    "Mendes",
    "Zhang",
    "Kaur",
    "Adeyemi",
    "Fischer",
    "Hughes",
]
ROLES = (
    "Software Engineer",
    "Data Scientist",
    "Product Manager",
    "Product Designer",
    "Site Reliability Engineer",
    "Account Executive",
    "Recruiter",
    "Data Engineer",
    "Security Engineer",
    "Engineering Manager",
    "Marketing Manager",
    "Customer Success Manager",
)
LEVELS = ("Junior ", "", "", "Senior ", "Senior ", "Staff ", "Principal ")
ZONES = (
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


@dataclass
class Seeded:
    """What the member seeder made, handed to the domain seeders."""

    db: Database
    team_id: str
    member_ids: list[int]  # database ids, in creation order
    rng: random.Random
    now: datetime
    evidence: Sources  # what `/whoknows` sums, for seeders that add evidence


# A domain's seeder: adds its data for the seeded members; returns one line saying what.
Seeder = Callable[[Seeded], str]


def seed(
    db: Database,
    team_id: str,
    members: int,
    *,
    seed: int,
    now: datetime,
    seeders: Sequence[Seeder],
    evidence: Sources,
) -> list[str]:
    """Replace `team_id`'s members with `members` synthetic people, then run `seeders` in order
    (evidence summed from `evidence`); returns one line per seeder."""
    rng = random.Random(seed)
    with db.write() as s:
        ensure_workspace(s, team_id, now, name="Seeded workspace")
        s.execute(delete(Member).where(Member.team_id == team_id))
    rows = []
    for i in range(members):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        rows.append(
            {
                "team_id": team_id,
                "user_id": f"U{seed % 100:02d}{i:07d}",
                "name": f"{first}.{last}{i}".lower(),
                "real_name": f"{first} {last}",
                "display_name": "",
                "title": rng.choice(LEVELS) + rng.choice(ROLES),
                "email": f"{first}.{last}{i}@example.com".lower(),
                "tz": rng.choice(ZONES),
                "deleted": rng.random() < 0.02,
                "is_bot": False,
                "synced_at": now,
                "birthday_month": (month := rng.randint(1, 12)),
                "birthday_day": rng.randint(1, 28 if month == 2 else 30),
                "start_date": now.date().replace(year=now.year - rng.randint(0, 12), day=rng.randint(1, 28)),
            }
        )
    with db.write() as s:
        for start in range(0, len(rows), 5000):
            s.execute(insert(Member), rows[start : start + 5000])
        ids = list(s.scalars(select(Member.id).where(Member.team_id == team_id).order_by(Member.id)))
    lines = [f"{members} members in {team_id}"]
    seeded = Seeded(db=db, team_id=team_id, member_ids=ids, rng=rng, now=now, evidence=evidence)
    for seeder in seeders:
        lines.append(seeder(seeded))
    db.optimize()
    return lines
