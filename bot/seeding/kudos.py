"""Kudos for `rapport seed`: one for every ten members over the past month, with skill evidence."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import insert, select

from bot.expertise import evidence
from bot.expertise.commands import skill_keys
from bot.expertise.names import catalog
from bot.expertise.vocabulary import ensure_skills
from bot.kudos import giving
from bot.models.celebrations import Kudos, KudosReceiver, KudosSkill
from bot.seeding.members import Seeded

REASONS = (
    "moving the billing jobs to Kubernetes",
    "the Terraform modules for the new region",
    "a thorough Python code review",
    "untangling the React build",
    "running a calm incident review",
    "mentoring the new hires",
    "the PostgreSQL upgrade without downtime",
    "the customer workshop",
    "fixing the flaky CI/CD pipeline",
    "the churn model",
)
CHUNK = 5000


def seed_kudos(seeded: Seeded) -> str:
    ids, rng, team_id, now = seeded.member_ids, seeded.rng, seeded.team_id, seeded.now
    if len(ids) < 2:
        return "0 kudos"
    given = []
    for n in range(len(ids) // 10):
        giver, *receivers = rng.sample(ids, rng.choice((2, 2, 3)))
        reason = rng.choice(REASONS)
        at = now - timedelta(minutes=rng.randint(1, 30 * 24 * 60))
        given.append((giver, receivers, reason, at, f"seed:{team_id}:{n}"))
    table = catalog()
    with seeded.db.write() as s:
        keys = {r: skill_keys(r) for r in REASONS}
        skill_ids = ensure_skills(
            s, team_id, ((k, table.label(k) or k) for ks in keys.values() for k in ks), now
        )
        rows = [
            {
                "team_id": team_id,
                "giver_id": giver,
                "reason": reason,
                "quoted": False,
                "fingerprint": giving.fingerprint([str(r) for r in receivers], reason),
                "request_key": "kudos:" + hashlib.sha256(key.encode()).hexdigest()[:40],
                "created_at": at,
                "settled": True,
            }
            for giver, receivers, reason, at, key in given
        ]
        for start in range(0, len(rows), CHUNK):
            s.execute(insert(Kudos), rows[start : start + CHUNK])
        by_key = dict(s.execute(select(Kudos.request_key, Kudos.id).where(Kudos.team_id == team_id)).all())
        receiver_rows, skill_rows = [], []
        for row, (_, receivers, reason, at, _) in zip(rows, given, strict=True):
            kudos_id = by_key[str(row["request_key"])]
            for position, member_id in enumerate(receivers):
                receiver_rows.append(
                    {
                        "kudos_id": kudos_id,
                        "member_id": member_id,
                        "team_id": team_id,
                        "position": position,
                        "created_at": at,
                    }
                )
                skill_rows += [
                    {
                        "kudos_id": kudos_id,
                        "member_id": member_id,
                        "skill_id": skill_ids[k],
                        "team_id": team_id,
                        "score": evidence.score_at(1.0, at),
                        "created_at": at,
                    }
                    for k in keys[reason]
                ]
        for model, batch in ((KudosReceiver, receiver_rows), (KudosSkill, skill_rows)):
            for start in range(0, len(batch), CHUNK):
                s.execute(insert(model), batch[start : start + CHUNK])
        evidence.refresh(s, team_id, sources=seeded.evidence)
    return f"{len(rows)} kudos"
