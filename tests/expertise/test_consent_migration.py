"""Migrations 0008 and 0012 on SQLite and PostgreSQL: endorsements made before 0008 count as
they did (shown) unless 0012 holds them (a skill the curated table lacks, on someone who never
declared it), and going back forgets only what never counted."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bot.expertise import endorsements, evidence, skills
from bot.expertise.vocabulary import vocabulary
from bot.kudos import giving
from bot.models.expertise import SkillScore
from bot.platform.db import Database
from bot.platform.migrate import current, upgrade
from tests.expertise.test_consent_store import ANN, BOB, CAROL, DAN, T1, T2, team, the_endorsement, who
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


def test_0012_holds_what_0008_showed_of_skills_nobody_accepted(any_db: Database) -> None:
    team(any_db, T1)
    team(any_db, T2)
    # Made with today's code (the only code there is), then taken back to before 0012 and made
    # to look as 0008's upgrade left such endorsements: all shown, all listed.
    with any_db.write() as s:
        skills.add(s, T1, BOB, "acme billing", T0, evidence=EVIDENCE)
        endorsements.endorse(
            s, T1, ANN, [BOB], "k8s, tax fraud, sleeping at work, acme billing", T0, evidence=EVIDENCE
        )
        endorsements.endorse(s, T1, CAROL, [BOB, DAN], "tax fraud", T0, evidence=EVIDENCE)
        endorsements.endorse(s, T2, ANN, [BOB], "tax fraud", T0, evidence=EVIDENCE)
    with any_db.write() as s:  # (listed, as before 0012 every endorsed skill was)
        s.execute(text("UPDATE skill SET listed = :yes"), {"yes": True})
        s.execute(text("UPDATE skill_vocabulary SET version = version + 1"))
    with any_db.write() as s:  # since: a kudos names Dan's tax fraud, so it stays in the vocabulary
        given = giving.give(s, T1, ANN, f"<@{DAN}> for untangling the tax fraud case", T0)
        assert isinstance(given, giving.Given)
        giving.settle(s, given.kudos, evidence=EVIDENCE)
    assert [u for u, _ in who(any_db, "tax fraud")] == [DAN]  # (and cached so, before 0012)
    downgrade(any_db, "0011")
    try:
        with any_db.engine.begin() as conn:
            conn.execute(text("UPDATE endorsement SET status = 'shown'"))
            conn.execute(text("UPDATE skill SET listed = :yes"), {"yes": True})
            conn.execute(text("UPDATE skill_vocabulary SET version = version + 1"))
    finally:
        upgrade(any_db)

    # Carol sees none of it, and /whoknows no longer counts it (cached standings noticed).
    with any_db.read() as s:
        bobs = skills.profile(s, T1, BOB, viewer=CAROL)
    assert bobs is not None
    assert [(h.label, h.endorsers) for h in bobs.skills] == [("acme billing", [ANN]), ("Kubernetes", [ANN])]
    assert who(any_db, "tax fraud") == [(DAN, ["kudos from <@U0ANN> for “untangling the tax fraud case”"])]
    assert who(any_db, "sleeping at work") == []
    assert who(any_db, "tax fraud", T2) == []
    with any_db.read() as s:
        assert "sleeping at work" not in vocabulary(s, T1).by_key  # named by nothing shown
        assert "tax fraud" in vocabulary(s, T1).by_key  # the kudos
    # The scores are what the evidence says: as if summed again from scratch.
    migrated = _scores(any_db)
    with any_db.write() as s:
        evidence.refresh(s, T1, sources=EVIDENCE)
        evidence.refresh(s, T2, sources=EVIDENCE)
    assert migrated == pytest.approx(_scores(any_db))

    # Bob sees them waiting; a newcomer's endorsement waits too; Bob may accept.
    with any_db.read() as s:
        mine = skills.profile(s, T1, BOB, viewer=BOB)
    assert mine is not None
    assert [(w.label, w.endorsers) for w in mine.waiting] == [
        ("sleeping at work", [ANN]),
        ("tax fraud", [ANN, CAROL]),
    ]
    with any_db.write() as s:
        endorsements.endorse(s, T1, DAN, [BOB], "tax fraud", T0, evidence=EVIDENCE)
    assert the_endorsement(any_db, DAN, "tax fraud")[1] == "held"
    with any_db.write() as s:
        accepted = skills.accept(s, T1, BOB, "tax fraud", T0, evidence=EVIDENCE)
    assert accepted.endorsers == {"tax fraud": [ANN, CAROL, DAN]}
    assert [u for u, _ in who(any_db, "tax fraud")] == [BOB, DAN]


def _scores(db: Database) -> dict[tuple[str, int, int], float]:
    with db.read() as s:
        rows = s.execute(
            select(SkillScore.team_id, SkillScore.member_id, SkillScore.skill_id, SkillScore.score)
        )
        return {(team_id, member_id, skill_id): score for team_id, member_id, skill_id, score in rows}
