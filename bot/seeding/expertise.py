"""Synthetic skills for `rapport seed`: per 10,000 members, 2,000 distinct skills, 60,000 declared
skills and 30,000 endorsements, deterministic from the seed. Popularity follows a long tail, as in
real workspaces: a few skills (Python, SQL…) are everywhere, most belong to a handful of people."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select

from bot.expertise.evidence import refresh, score_at
from bot.expertise.names import catalog, normalise
from bot.expertise.titles import index_titles
from bot.expertise.vocabulary import bump_version, ensure_skills
from bot.models import Member
from bot.models.expertise import DECLARED, Endorsement, MemberSkill
from bot.models.expertise import Skill as SkillRow
from bot.seeding.members import Seeded

SKILLS_PER_MEMBER = 0.2
DECLARED_PER_MEMBER = 6
ENDORSEMENTS_PER_MEMBER = 3
BATCH = 5000

# Team-made skill names beyond the curated ones: "Payments API", "Ledger migration"…
_AREA_WORDS = (
    "payments billing checkout ledger invoicing search ranking ads catalog inventory shipping "
    "fulfilment pricing identity onboarding fraud risk notifications messaging analytics reporting "
    "partner mobile desktop warehouse routing scheduling forecasting loyalty subscriptions refunds "
    "tax compliance audit support chat voice maps media upload storage"
)
_THING_WORDS = (
    "api service pipeline platform migration tooling dashboard sdk infrastructure models "
    "integration experiments architecture automation monitoring playbooks runbooks schema "
    "contracts roadmap launch backlog reviews benchmarks caching sharding queueing retries webhooks "
    "permissions exports imports reconciliation alerts metrics sla incidents onboarding docs "
    "training accessibility localisation design research strategy pricing"
)


def seed_expertise(seeded: Seeded) -> str:
    """Skills, declared skills and endorsements for the seeded members; one line of totals."""
    db, team_id, rng, now = seeded.db, seeded.team_id, seeded.rng, seeded.now
    members = seeded.member_ids
    with db.write() as s:
        s.execute(delete(SkillRow).where(SkillRow.team_id == team_id))
        titles = s.execute(select(Member.id, Member.title).where(Member.team_id == team_id)).all()
        index_titles(s, team_id, list(titles), now, evidence=seeded.evidence)
        have = set(s.scalars(select(SkillRow.key).where(SkillRow.team_id == team_id)))
        wanted = max(20, round(len(members) * SKILLS_PER_MEMBER))
        ensure_skills(s, team_id, _skill_names(rng, have)[: max(0, wanted - len(have))], now)
        found = s.execute(select(SkillRow.id, SkillRow.key).where(SkillRow.team_id == team_id).order_by("id"))
        curated = catalog().skills
        by_fame = sorted(found, key=lambda row: (row.key not in curated, rng.random()))
    skill_ids = [row.id for row in by_fame]  # well-known skills first: they are the popular ones
    # Zipf-like popularity: the i-th skill is picked in proportion to 1 / (i + 1) ** 0.8.
    cumulative = list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(len(skill_ids))))

    def when() -> Any:
        return now - timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))

    declared: dict[int, list[int]] = {}
    per_member = min(DECLARED_PER_MEMBER, len(skill_ids))
    for member_id in members:
        chosen: dict[int, None] = {}
        while len(chosen) < per_member:
            chosen[rng.choices(skill_ids, cum_weights=cumulative)[0]] = None
        declared[member_id] = list(chosen)
    declared_rows = []
    for member_id, skills in declared.items():
        for skill_id in skills:
            at = when()
            declared_rows.append(
                {
                    "team_id": team_id,
                    "member_id": member_id,
                    "skill_id": skill_id,
                    "source": DECLARED,
                    "weight": 1.0,
                    "updated_at": at,
                    "score": score_at(1.0, at),
                }
            )
    endorsed: set[tuple[int, int, int]] = set()
    target = ENDORSEMENTS_PER_MEMBER * len(members) if len(members) > 1 else 0
    for _ in range(target * 20):
        if len(endorsed) >= target:
            break
        endorsee, endorser = rng.choice(members), rng.choice(members)
        if endorsee != endorser:
            endorsed.add((endorser, endorsee, rng.choice(declared[endorsee])))
    endorsement_rows = []
    for endorser, endorsee, skill_id in sorted(endorsed):
        at = when()
        endorsement_rows.append(
            {
                "team_id": team_id,
                "endorser_id": endorser,
                "endorsee_id": endorsee,
                "skill_id": skill_id,
                "created_at": at,
                "score": score_at(1.0, at),
                "notified_at": at,  # seeded history: nobody is waiting to be told
            }
        )
    with db.write() as s:
        for model, rows in ((MemberSkill, declared_rows), (Endorsement, endorsement_rows)):
            for start in range(0, len(rows), BATCH):
                s.execute(insert(model), rows[start : start + BATCH])
        refresh(s, team_id, sources=seeded.evidence)
        bump_version(s, team_id)
        skills = s.scalar(select(func.count()).select_from(SkillRow).where(SkillRow.team_id == team_id))
    return f"{skills} skills, {len(declared_rows)} declared skills, {len(endorsement_rows)} endorsements"


def team_made_names() -> list[str]:
    """Every team-made skill name the seeder may use ("Payments api"…), in a fixed order."""
    return [f"{area.capitalize()} {thing}" for area in _AREA_WORDS.split() for thing in _THING_WORDS.split()]


def _skill_names(rng: Any, have: set[str]) -> list[tuple[str, str]]:
    """Skill (key, label) pairs the team does not `have`: the curated ones first, then team-made."""
    table = catalog()
    curated = sorted(table.skills.values(), key=lambda c: c.key)
    rng.shuffle(curated)
    names = [(c.key, c.label) for c in curated if c.key not in have]
    made = team_made_names()
    rng.shuffle(made)
    names += [(normalise(label), label) for label in made if table.canonical(normalise(label)) is None]
    return names
