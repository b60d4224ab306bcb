"""`rapport seed`: a synthetic relationship log, 20 interactions per member, with follow-ups and cadences
(the proportions are parameters: benchmarks may ask for others).

People mostly log with colleagues near them in the directory (teams), over the last two years.
Everything comes from the seeder's `rng`, so the same seed gives the same log. Rows go in by
bulk inserts, in chunks.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bot.models import Member
from bot.models.relationships import GAVE, GOT, Cadence, FollowUp, Interaction, InteractionParticipant
from bot.platform.storage import after_explicit_ids
from bot.seeding.members import Seeded

INTERACTIONS_PER_MEMBER = 20
FOLLOW_UP_SHARE = 0.1
CADENCES_PER_MEMBER = 0.5
NEIGHBOURHOOD = 60  # people log mostly with the ones near them in the directory
CHUNK = 5000

TOPICS = ("infra", "hiring", "roadmap", "ml", "design", "security", "onboarding", "budget", "oncall", "k8s")
NOTES = (
    "coffee chat",
    "1:1 about career goals",
    "paired on a tricky bug",
    "design review",
    "lunch, talked about the reorg",
    "asked for advice on the migration",
    "intro call",
    "retro follow-up",
    "walked through the dashboard",
    "planning for next quarter",
)


def _interaction_rows(seeded: Seeded, people: list[int], count: int) -> list[dict[str, Any]]:
    rng, now = seeded.rng, seeded.now
    rows = []
    for _ in range(count):
        author = rng.randrange(len(people))
        occurred = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        topics = rng.sample(TOPICS, rng.choice((0, 0, 1, 1, 2)))
        rows.append(
            {
                "team_id": seeded.team_id,
                "author_id": people[author],
                "occurred_at": occurred,
                "created_at": occurred,
                "note": rng.choice(NOTES),
                "topics": " ".join(topics),
                "give_take": rng.choice((None, None, None, GAVE, GOT)),
                "link": None,
                "_author_index": author,
            }
        )
    return rows


def _participants(seeded: Seeded, people: list[int], author: int) -> list[int]:
    rng = seeded.rng
    chosen: list[int] = []
    for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3))):
        other = people[(author + rng.randint(-NEIGHBOURHOOD, NEIGHBOURHOOD)) % len(people)]
        if other != people[author] and other not in chosen:
            chosen.append(other)
    return chosen or [people[(author + 1) % len(people)]]


def seed_relationships(
    seeded: Seeded,
    *,
    per_member: float = INTERACTIONS_PER_MEMBER,
    follow_up_share: float = FOLLOW_UP_SHARE,
    cadences_per_member: float = CADENCES_PER_MEMBER,
) -> str:
    """Interactions (`per_member` each), their participants, follow-ups (for `follow_up_share` of
    the interactions) and cadences (`cadences_per_member` each) for the seeded members."""
    people = seeded.member_ids
    if len(people) < 2:
        return "relationship log: needs at least two members"
    rng, now, team_id = seeded.rng, seeded.now, seeded.team_id
    with seeded.db.read() as s:
        active = set(s.scalars(select(Member.id).where(Member.team_id == team_id, Member.deleted.is_(False))))
    total = round(per_member * len(people))
    counts = {"participants": 0, "follow_ups": 0}
    last_contact: dict[tuple[int, int], Any] = {}
    for start in range(0, total, CHUNK):
        rows = _interaction_rows(seeded, people, min(CHUNK, total - start))
        authors = [r.pop("_author_index") for r in rows]
        participants: list[dict[str, Any]] = []
        follow_ups: list[dict[str, Any]] = []
        with seeded.db.write() as s:
            first = (s.scalar(select(func.max(Interaction.id))) or 0) + 1
            ids = list(range(first, first + len(rows)))
            for interaction_id, row in zip(ids, rows, strict=True):
                row["id"] = interaction_id
            s.connection().execute(insert(Interaction), rows)
            after_explicit_ids(s, Interaction)
            for interaction_id, row, author in zip(ids, rows, authors, strict=True):
                members = _participants(seeded, people, author)
                participants += [
                    {
                        "interaction_id": interaction_id,
                        "member_id": m,
                        "team_id": team_id,
                        "author_id": row["author_id"],
                        "occurred_at": row["occurred_at"],
                    }
                    for m in members
                ]
                for m in members:
                    key = (row["author_id"], m)
                    last_contact[key] = max(last_contact.get(key, row["occurred_at"]), row["occurred_at"])
                if rng.random() < follow_up_share:
                    due = (row["occurred_at"] + timedelta(days=rng.choice((3, 7, 14, 30)))).date()
                    done = due < now.date() and rng.random() < 0.8
                    follow_ups.append(
                        {
                            "team_id": team_id,
                            "author_id": row["author_id"],
                            "about_id": members[0],
                            "interaction_id": interaction_id,
                            "due_on": due,
                            "snoozed_until": None,
                            "done_at": row["occurred_at"] + timedelta(days=rng.randint(1, 20))
                            if done
                            else None,
                            "created_at": row["occurred_at"],
                        }
                    )
            s.connection().execute(insert(InteractionParticipant), participants)
            if follow_ups:
                s.connection().execute(insert(FollowUp), follow_ups)
        counts["participants"] += len(participants)
        counts["follow_ups"] += len(follow_ups)

    pairs = sorted(k for k in last_contact if k[0] in active and k[1] in active)
    cadences = []
    for author_id, contact_id in rng.sample(pairs, min(len(pairs), int(cadences_per_member * len(people)))):
        every = rng.choice((14, 30, 42, 91))
        last = last_contact[(author_id, contact_id)]
        cadences.append(
            {
                "team_id": team_id,
                "author_id": author_id,
                "contact_id": contact_id,
                "every_days": every,
                "last_contact_at": last,
                "next_due_on": (last + timedelta(days=every)).date(),
                "stopped": rng.random() < 0.05,
                "created_at": last,
            }
        )
    with seeded.db.write() as s:
        for start in range(0, len(cadences), CHUNK):
            s.connection().execute(insert(Cadence), cadences[start : start + CHUNK])
    return (
        f"{total} interactions ({counts['participants']} participants), "
        f"{counts['follow_ups']} follow-ups, {len(cadences)} keep-in-touch cadences"
    )
