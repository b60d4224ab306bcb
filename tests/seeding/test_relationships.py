"""`rapport seed` fills the relationship log: in proportion, deterministically, on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.bootstrap import SEEDERS, open_database
from bot.models import Member
from bot.models.relationships import Cadence, FollowUp, Interaction, InteractionParticipant
from bot.platform.db import Database
from bot.platform.migrate import upgrade
from bot.relationships import interactions
from bot.seeding.members import seed
from tests.support.factories import T0
from tests.support.wiring import EVIDENCE

TEAM = "T0001"


def counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {
            model.__tablename__: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Interaction, InteractionParticipant, FollowUp, Cadence)
        }


def timeline(db: Database) -> list[tuple[str, str, str, str]]:
    with db.read() as s:
        rows = s.execute(
            select(Member.user_id, Interaction.occurred_at, Interaction.note, Interaction.topics)
            .join(Member, Member.id == Interaction.author_id)
            .order_by(Interaction.id)
        )
        return [(u, at.isoformat(), note, topics) for u, at, note, topics in rows]


def test_twenty_interactions_per_member_with_follow_ups_and_cadences(any_db: Database) -> None:
    lines = seed(any_db, TEAM, 50, seed=3, now=T0, seeders=SEEDERS, evidence=EVIDENCE)
    assert any("1000 interactions" in line for line in lines)
    found = counts(any_db)
    assert found["interaction"] == 1000
    assert 1000 < found["interaction_participant"] < 2000
    assert 50 <= found["follow_up"] <= 150
    assert found["cadence"] == 25
    # Seeding again replaces the workspace, it does not pile up.
    seed(any_db, TEAM, 50, seed=3, now=T0, seeders=SEEDERS, evidence=EVIDENCE)
    assert counts(any_db)["interaction"] == 1000
    # Explicit ids left the next id free: logging still works.
    with any_db.write() as s:
        logged = interactions.log_text(s, TEAM, "U030000001", "<@U030000002> after the seed", T0)
    assert logged.saved, logged.refused


def test_the_same_seed_gives_the_same_log(tmp_path: Path) -> None:
    made = []
    for name in ("a", "b"):
        db = open_database(f"sqlite:///{tmp_path / name}.db")
        upgrade(db)
        seed(db, TEAM, 30, seed=5, now=T0, seeders=SEEDERS, evidence=EVIDENCE)
        made.append(timeline(db))
        db.dispose()
    assert made[0] == made[1]
    assert len(made[0]) == 600
