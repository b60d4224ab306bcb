"""Migration 0008 on SQLite and PostgreSQL: endorsements made before it count as they did
(shown), and going back forgets only what never counted."""

from __future__ import annotations

from sqlalchemy import text

from bot.expertise import endorsements, skills
from bot.platform.db import Database
from bot.platform.migrate import current, upgrade
from tests.expertise.test_consent_store import ANN, BOB, CAROL, T1, team, who
from tests.support.databases import downgrade
from tests.support.factories import T0
from tests.support.wiring import EVIDENCE


def test_existing_endorsements_are_shown_and_going_back_keeps_only_those(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        endorsements.endorse(s, T1, ANN, [BOB], "kubernetes, tax fraud", T0, evidence=EVIDENCE)  # shown, held
        endorsements.endorse(s, T1, CAROL, [BOB], "go", T0, evidence=EVIDENCE)
        skills.remove(s, T1, BOB, "go", T0, evidence=EVIDENCE)  # hidden
    head = current(any_db)
    try:
        downgrade(any_db, "0008", foreign_keys=False)  # (0009 copies `member` on SQLite)
        downgrade(any_db, "0007")  # 0008's own downgrade, with foreign keys enforced
        with any_db.engine.connect() as conn:
            kept = conn.execute(
                text("SELECT s.key FROM endorsement e JOIN skill s ON s.id = e.skill_id ORDER BY s.key")
            )
            assert [key for (key,) in kept] == ["kubernetes"]  # what never counted is gone
            names = {key for (key,) in conn.execute(text("SELECT key FROM skill"))}
            assert "tax fraud" not in names  # named by nothing left
    finally:
        upgrade(any_db)
    assert current(any_db) == head
    with any_db.engine.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM endorsement")).scalars().all()
    assert statuses == ["shown"]
    assert [u for u, _ in who(any_db, "kubernetes")] == [BOB]
