"""Expertise storage on SQLite and PostgreSQL: canonical skills, endorsements, titles, the vocabulary
version, workspace isolation, scores, query plans and the seeder."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Select, bindparam, func, select

from bot.bootstrap import SEEDERS, open_database
from bot.directory import members
from bot.expertise import endorsements, evidence, ranking, skills, standings
from bot.expertise import vocabulary as vocabulary_module
from bot.expertise.vocabulary import vocabulary
from bot.models import Base, Member
from bot.models.expertise import Endorsement, MemberSkill, Skill, SkillScore
from bot.models.outbox import Nudge
from bot.platform.db import Database
from bot.platform.storage import in_ids
from bot.relationships import acquaintances as known_people
from bot.relationships import cadences
from bot.seeding.members import seed
from tests.support import wiring
from tests.support.databases import statements
from tests.support.factories import T0, add_members, slack_user
from tests.support.wiring import EVIDENCE, KNOWN, STORED

T1, T2 = "T0000001", "T0000002"
ANA, BEN, CY, GONE, BOT = "U0ANA", "U0BEN", "U0CY", "U0GONE", "U0BOT"


def team(db: Database, team_id: str = T1) -> None:
    add_members(
        db,
        team_id,
        slack_user(ANA, title="Site Reliability Engineer"),
        slack_user(BEN, title="Software Engineer"),
        slack_user(CY),
        slack_user(GONE, deleted=True),
        slack_user(BOT, is_bot=True),
    )


def who(db: Database, topic: str, team_id: str = T1, asker: str = "U0ASKER") -> list[str]:
    with db.read() as s:
        answer = ranking.who_knows(s, team_id, asker, topic, T0, page=50, evidence=EVIDENCE, known=KNOWN)
    return [p.user_id for p in answer.people]


def test_a_skill_is_stored_once_under_its_canonical_name(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        added = skills.add(s, T1, ANA, "K8s", T0, evidence=EVIDENCE)
        skills.add(s, T1, BEN, "kubernetes", T0, evidence=EVIDENCE)
        skills.add(s, T1, CY, "Kubernetes, KUBERNETES", T0, evidence=EVIDENCE)
    assert [(n.typed, n.label) for n in added.done] == [("K8s", "Kubernetes")]
    with any_db.read() as s:
        rows = s.execute(select(Skill.key, Skill.label).where(Skill.team_id == T1, Skill.key == "kubernetes"))
        assert rows.all() == [("kubernetes", "Kubernetes")]
        declared = s.scalar(
            select(func.count()).select_from(MemberSkill).where(MemberSkill.source == "declared")
        )
        assert declared == 3
    assert set(who(any_db, "k8s")) == {ANA, BEN, CY}


def test_declaring_again_changes_nothing_but_freshness_and_remove_takes_it_back(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        skills.add(s, T1, ANA, "terraform, go", T0 - timedelta(days=800), evidence=EVIDENCE)
        skills.add(s, T1, BEN, "terraform", T0 - timedelta(days=10), evidence=EVIDENCE)
    assert who(any_db, "terraform") == [BEN, ANA]  # the fresher declaration ranks first
    with any_db.write() as s:
        again = skills.add(s, T1, ANA, "Terraform", T0, evidence=EVIDENCE)
    assert [n.label for n in again.unchanged] == ["Terraform"]
    assert not again.done
    assert who(any_db, "terraform") == [ANA, BEN]  # declared again today: fresh again
    with any_db.write() as s:
        removed = skills.remove(s, T1, ANA, "terraform, rust", T0, evidence=EVIDENCE)
    assert [n.label for n in removed.done] == ["Terraform"]
    assert [n.label for n in removed.unchanged] == ["Rust"]
    assert removed.declared == ["Go"]
    assert who(any_db, "terraform") == [BEN]


def test_someone_not_yet_synced_can_declare_skills(any_db: Database) -> None:
    with any_db.write() as s:
        skills.add(s, T1, "U0NEW", "python", T0, name="newbie", evidence=EVIDENCE)
    assert who(any_db, "python") == ["U0NEW"]


def test_one_endorsement_per_endorser_person_and_skill(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        first = endorsements.endorse(
            s, T1, ANA, [BEN, ANA, GONE, BOT, "U0NOBODY"], "k8s, go", T0, evidence=EVIDENCE
        )
        again = endorsements.endorse(s, T1, ANA, [BEN], "kubernetes", T0, evidence=EVIDENCE)
        endorsements.endorse(s, T1, CY, [BEN], "kubernetes", T0, evidence=EVIDENCE)
    assert first.stored == {BEN: ["Kubernetes", "Go"]}
    assert sorted(first.refused) == sorted(
        [(ANA, "self"), (GONE, "deactivated"), (BOT, "bot"), ("U0NOBODY", "unknown")]
    )
    assert again.already == {BEN: ["Kubernetes"]}
    assert not again.stored
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Endorsement)) == 3
        profile = skills.profile(s, T1, BEN)
    assert profile is not None
    kubernetes = next(h for h in profile.skills if h.label == "Kubernetes")
    assert kubernetes.endorsers == [ANA, CY]
    assert not kubernetes.declared
    assert who(any_db, "kubernetes") == [BEN]  # endorsed only: still evidence


def test_endorsements_are_claimed_once_into_the_endorsee_s_digest(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        ids = {m.user_id: m.id for m in members.find_members(s, T1, [ANA, BEN, CY]).values()}
        s.get(Member, ids[CY]).paused_until = T0.date() + timedelta(days=3)  # type: ignore[union-attr]
        endorsements.endorse(s, T1, ANA, [BEN, CY], "kubernetes, terraform", T0, evidence=EVIDENCE)
        endorsements.endorse(s, T1, BEN, [ANA], "go", T0, evidence=EVIDENCE)

    def plan(at: datetime) -> list[tuple[int, int | None]]:
        with any_db.write() as s:
            wiring.plan(s, T1, at)
            rows = s.execute(select(Nudge.recipient_id, Nudge.subject_id).where(Nudge.kind == "endorsed"))
            return sorted((r, subject) for r, subject in rows)

    assert plan(T0) == [(ids[ANA], ids[BEN]), (ids[BEN], ids[ANA])]  # one each; CY is paused
    assert plan(T0 + timedelta(minutes=2)) == [(ids[ANA], ids[BEN]), (ids[BEN], ids[ANA])]  # claimed once
    with any_db.read() as s:
        waiting = s.scalars(select(Endorsement.endorsee_id).where(Endorsement.notified_at.is_(None)))
        assert set(waiting) == {ids[CY]}  # kept for after the pause
    assert (ids[CY], ids[ANA]) in plan(T0 + timedelta(days=4))  # paused through Thursday


def test_an_endorsement_counts_as_contact_for_keeping_in_touch(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        ana, ben = (members.find_member(s, T1, u) for u in (ANA, BEN))
        assert ana is not None
        assert ben is not None
        cadence = cadences.keep_in_touch(s, T1, ana, ben, 30, T0 - timedelta(days=40))
        assert cadence.next_due_on < T0.date()
        endorsements.endorse(s, T1, ANA, [BEN], "kubernetes", T0, evidence=EVIDENCE)
        s.refresh(cadence)
        assert (cadence.last_contact_at, cadence.next_due_on) == (T0, T0.date() + timedelta(days=30))


def test_other_processes_notice_new_skills_through_the_version(any_db: Database) -> None:
    team(any_db)
    other = open_database(any_db.url.render_as_string(hide_password=False))  # another worker's engine
    try:
        with other.read() as s:
            before = vocabulary(s, T1)
            assert vocabulary(s, T1) is before  # cached while nothing changed
        with any_db.write() as s:
            skills.add(s, T1, ANA, "Acme billing", T0, evidence=EVIDENCE)
        with other.read() as s:
            after = vocabulary(s, T1)
            assert after.version > before.version
            assert "acme billing" in after.by_key
            answer = ranking.who_knows(s, T1, BEN, "acme billing", T0, evidence=EVIDENCE, known=KNOWN)
        assert [p.user_id for p in answer.people] == [ANA]
    finally:
        other.dispose()


def test_a_warm_answer_is_two_statements_and_any_process_s_change_is_seen_at_once(any_db: Database) -> None:
    """Standings are cached per process; another process's change bumps a version that the next
    answer reads, whatever changed: a declaration, an endorsement, a title, someone leaving."""
    team(any_db)
    with any_db.write() as s:
        skills.add(s, T1, ANA, "kubernetes", T0, evidence=EVIDENCE)
        skills.add(s, T1, BEN, "kubernetes", T0 - timedelta(days=900), evidence=EVIDENCE)
    other = open_database(any_db.url.render_as_string(hide_password=False))  # another worker's engine
    try:
        assert who(other, "kubernetes") == [ANA, BEN]
        with statements(other) as seen:
            assert who(other, "kubernetes") == [ANA, BEN]
        assert len([sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]) <= 2, seen

        with any_db.write() as s:
            endorsements.endorse(s, T1, CY, [BEN], "kubernetes", T0, evidence=EVIDENCE)
            endorsements.endorse(s, T1, ANA, [BEN], "k8s", T0, evidence=EVIDENCE)
        assert who(other, "kubernetes") == [BEN, ANA]
        with other.read() as s:
            ben = ranking.who_knows(
                s, T1, "U0ASKER", "kubernetes", T0, evidence=EVIDENCE, known=KNOWN
            ).people[0]
        assert ben.reasons == ["endorsed by 2 (<@U0CY>, <@U0ANA>)", "declared"]

        with any_db.write() as s:
            members.upsert_members(
                s, T1, [slack_user(BEN, title="Staff Kubernetes Engineer")], T0, stored=STORED
            )
        with other.read() as s:
            ben = ranking.who_knows(
                s, T1, "U0ASKER", "kubernetes", T0, evidence=EVIDENCE, known=KNOWN
            ).people[0]
        assert ben.title == "Staff Kubernetes Engineer"
        assert "title “Staff Kubernetes Engineer”" in ben.reasons

        with any_db.write() as s:
            members.upsert_members(s, T1, [slack_user(BEN, deleted=True)], T0, stored=STORED)
        assert who(other, "kubernetes") == [ANA]

        with any_db.write() as s:
            s.scalars(select(Member).where(Member.user_id == ANA, Member.team_id == T1)).one().is_bot = True
        assert who(other, "kubernetes") == []

        with any_db.write() as s:
            skills.add(s, T1, CY, "kubernetes", T0, evidence=EVIDENCE)
        assert who(other, "kubernetes") == [CY]
    finally:
        other.dispose()


def test_an_answer_read_inside_a_write_that_rolls_back_is_not_kept(any_db: Database) -> None:
    """Rolled back, that write's version number comes back with the next commit, other data and all."""
    team(any_db)
    with any_db.write() as s:
        skills.add(s, T1, ANA, "go", T0, evidence=EVIDENCE)
    assert who(any_db, "go") == [ANA]

    def declare_then_roll_back() -> None:
        with any_db.write() as s:
            skills.add(s, T1, BEN, "go", T0, evidence=EVIDENCE)
            assert {
                p.user_id
                for p in ranking.who_knows(s, T1, "U0ASKER", "go", T0, evidence=EVIDENCE, known=KNOWN).people
            } == {ANA, BEN}
            raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError):
        declare_then_roll_back()
    with any_db.write() as s:
        skills.add(s, T1, CY, "go", T0, evidence=EVIDENCE)
    assert sorted(who(any_db, "go")) == sorted([ANA, CY])


def test_the_asker_s_part_is_never_cached(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        for user in (ANA, BEN, CY):
            skills.add(s, T1, user, "go", T0, evidence=EVIDENCE)
    everyone = who(any_db, "go")
    assert sorted(everyone) == sorted([ANA, BEN, CY])
    for asker in (ANA, BEN, CY):
        assert who(any_db, "go", asker=asker) == [u for u in everyone if u != asker]
    with any_db.read() as s:
        assert ranking.who_knows(s, T1, "U0ASKER", "go", T0, page=2, evidence=EVIDENCE, known=KNOWN).more
        assert not ranking.who_knows(s, T1, ANA, "go", T0, page=2, evidence=EVIDENCE, known=KNOWN).more


def test_titles_are_evidence_and_follow_title_changes(any_db: Database) -> None:
    team(any_db)
    assert who(any_db, "sre") == [ANA]
    assert who(any_db, "site reliability engineering") == [ANA]
    with any_db.write() as s:
        members.upsert_members(s, T1, [slack_user(ANA, title="Security Engineer")], T0, stored=STORED)
    assert who(any_db, "sre") == []
    assert who(any_db, "security") == [ANA]
    with any_db.read() as s:
        answer = ranking.who_knows(s, T1, BEN, "security", T0, evidence=EVIDENCE, known=KNOWN)
    assert answer.people[0].reasons == ["title “Security Engineer”"]


def test_deactivated_people_and_bots_never_appear(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        for user in (GONE, BOT, CY):
            skills.add(s, T1, user, "kubernetes", T0, evidence=EVIDENCE)
        endorsements.endorse(s, T1, ANA, [CY], "kubernetes", T0, evidence=EVIDENCE)
    assert who(any_db, "kubernetes") == [CY]
    with any_db.write() as s:
        members.upsert_members(s, T1, [slack_user(CY, deleted=True)], T0, stored=STORED)
    assert who(any_db, "kubernetes") == []
    with any_db.read() as s:
        answer = ranking.who_knows(s, T1, ANA, "kubernetes", T0, evidence=EVIDENCE, known=KNOWN)
    assert answer.people == []
    assert answer.understood.names == ["Kubernetes"]


def test_the_asker_is_not_among_the_answers(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        skills.add(s, T1, ANA, "go", T0, evidence=EVIDENCE)
        skills.add(s, T1, BEN, "go", T0, evidence=EVIDENCE)
    assert who(any_db, "go", asker=ANA) == [BEN]


def test_a_skill_declared_in_one_workspace_never_shows_in_another(any_db: Database) -> None:
    team(any_db, T1)
    team(any_db, T2)  # the same Slack ids, another workspace (Enterprise Grid shares ids)
    with any_db.write() as s:
        skills.add(s, T1, ANA, "kubernetes, acme billing", T0, evidence=EVIDENCE)
        endorsements.endorse(s, T1, BEN, [ANA], "kubernetes", T0, evidence=EVIDENCE)
    assert who(any_db, "kubernetes", T1) == [ANA]
    assert who(any_db, "kubernetes", T2) == []
    assert who(any_db, "acme billing", T2) == []
    with any_db.read() as s:
        assert "acme billing" not in vocabulary(s, T2).by_key
        mine = skills.profile(s, T2, ANA)
    assert mine is not None
    assert [h.label for h in mine.skills] == ["Site reliability engineering"]


def test_scores_stay_equal_to_a_full_recount(any_db: Database) -> None:
    team(any_db)
    with any_db.write() as s:
        skills.add(s, T1, ANA, "kubernetes, go", T0 - timedelta(days=300), evidence=EVIDENCE)
        skills.add(s, T1, BEN, "kubernetes", T0, evidence=EVIDENCE)
        endorsements.endorse(s, T1, CY, [ANA, BEN], "kubernetes, terraform", T0, evidence=EVIDENCE)
        skills.remove(s, T1, ANA, "go", T0, evidence=EVIDENCE)
        members.upsert_members(s, T1, [slack_user(BEN, title="Staff SRE")], T0, stored=STORED)

    def scores() -> list[tuple[int, int, float]]:
        with any_db.read() as s:
            rows = s.execute(select(SkillScore.member_id, SkillScore.skill_id, SkillScore.score))
            return sorted((m, k, round(v, 6)) for m, k, v in rows)

    incremental = scores()
    with any_db.write() as s:
        evidence.refresh(s, T1, sources=EVIDENCE)
    assert scores() == incremental


class Praise:
    """A made-up kind of evidence (think kudos): strong praise of Ana's skills, from a table of its own
    in real life, here simply her declarations counted ten times."""

    name = "praise"

    def __init__(self, ana: int) -> None:
        self.ana = ana

    def scores(self, team_id: str, members: evidence.Ids, skills: evidence.Ids) -> Select[int, int, float]:
        score = (MemberSkill.score * 10).label("score")
        stmt = select(MemberSkill.member_id, MemberSkill.skill_id, score)
        return stmt.where(MemberSkill.team_id == team_id, MemberSkill.member_id == self.ana)

    def shown(self) -> Select[Any]:
        praise = MemberSkill.score * 10
        columns = evidence.shown_columns(
            self.name, MemberSkill.member_id, MemberSkill.skill_id, praise, MemberSkill.updated_at
        )
        return select(*columns).where(
            MemberSkill.team_id == bindparam("team_id"),
            MemberSkill.member_id == self.ana,
            evidence.shown_skills(MemberSkill.skill_id),
            in_ids(MemberSkill.member_id, "member_ids"),
        )

    def explain(self, items: Sequence[evidence.Evidence], words: evidence.Words) -> str:
        return "praised by the whole team"


def test_a_new_evidence_source_counts_once_listed(any_db: Database) -> None:
    stored = add_members(any_db, T1, slack_user(ANA), slack_user(BEN))
    with any_db.write() as s:
        skills.add(s, T1, ANA, "go", T0 - timedelta(days=1000), evidence=EVIDENCE)
        skills.add(s, T1, BEN, "go", T0, evidence=EVIDENCE)
    assert who(any_db, "go") == [BEN, ANA]
    with_praise = (*EVIDENCE, Praise(stored[ANA].id))
    with any_db.write() as s:
        evidence.refresh(s, T1, sources=with_praise)
    with any_db.read() as s:
        answer = ranking.who_knows(s, T1, "U0ASKER", "go", T0, evidence=with_praise, known=KNOWN)
    assert [p.user_id for p in answer.people] == [ANA, BEN]
    assert answer.people[0].reasons == ["praised by the whole team", "declared"]


def _most_held(db: Database) -> tuple[int, str]:
    with db.read() as s:
        holders = func.count(SkillScore.id)
        top = s.execute(
            select(Skill.id, Skill.label)
            .join(SkillScore, SkillScore.skill_id == Skill.id)
            .group_by(Skill.id, Skill.label)
            .order_by(holders.desc(), Skill.id)
            .limit(1)
        ).one()
    return top[0], top[1]


def _plan(db: Database, stmt: object, params: dict[str, object]) -> str:
    with db.read() as s:
        conn = s.connection()
        compiled = stmt.compile(dialect=conn.dialect)  # type: ignore[attr-defined]
        state = compiled.construct_expanded_state(params)
        convert = compiled._bind_processors  # e.g. id lists bound as one JSON array
        args = tuple(
            convert[name](state.parameters[name]) if name in convert else state.parameters[name]
            for name in state.positiontup
        )
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + state.statement, args)
        return "\n".join(row[3] for row in rows)


def test_the_whoknows_queries_are_index_lookups(db: Database) -> None:
    """On a seeded workspace with planner statistics (as `rapport seed` leaves it)."""
    seed(db, T1, 300, seed=3, now=T0, seeders=SEEDERS, evidence=EVIDENCE)
    skill_id = _most_held(db)[0]
    common = {"team_id": T1, "limit": 27}
    top = _plan(db, standings.TOP_ONE, {**common, "skill_id": skill_id})
    assert "COVERING INDEX ix_skill_score_top" in top
    assert "TEMP B-TREE" not in top
    several = _plan(db, standings.TOP_SEVERAL, {**common, "skill_ids": [skill_id, skill_id + 1]})
    assert "INDEX ix_skill_score_top" in several
    shown = standings.shown_by(EVIDENCE)
    plan = _plan(db, shown, {"team_id": T1, "skill_ids": [skill_id], "member_ids": [1, 2]})
    assert not _table_scans(plan), plan
    assert not _table_scans(_plan(db, ranking._STATE, {"team_id": T1, "user_id": "U0ANA"}))
    ties = _plan(db, known_people._ACQUAINTANCES, {"team_id": T1, "author_id": 1, "candidate_ids": [2, 3]})
    assert not _table_scans(ties), ties
    # The asker's log and the endorsements are read off their indexes, never their rows.
    looked_up = [
        line for line in ties.splitlines() if "interaction_participant" in line or "endorsement" in line
    ]
    assert looked_up, ties
    assert all("COVERING INDEX" in line for line in looked_up), ties
    assert not _table_scans(_plan(db, ranking._NAMED, {"team_id": T1, "member_ids": [1, 2]}))
    with_evidence = _plan(db, vocabulary_module._WITH_EVIDENCE, {"team_id": T1, "skill_ids": [skill_id]})
    assert not _table_scans(with_evidence)


def _table_scans(plan: str) -> list[str]:
    """Plan lines that scan one of Rapport's tables (not a bound id list or a subquery's rows)."""
    return [line for line in plan.splitlines() if line.split()[:1] == ["SCAN"] and line.split()[1] in TABLES]


TABLES = frozenset(Base.metadata.tables)


def test_the_seeder_scales_and_is_deterministic(db: Database) -> None:
    lines = seed(db, T1, 500, seed=5, now=T0, seeders=SEEDERS, evidence=EVIDENCE)
    assert lines[1] == "100 skills, 3000 declared skills, 1500 endorsements"

    def snapshot() -> list[tuple[str, str]]:
        with db.read() as s:
            rows = s.execute(
                select(Skill.label, MemberSkill.source)
                .join(MemberSkill, MemberSkill.skill_id == Skill.id)
                .where(Skill.team_id == T1)
                .order_by(MemberSkill.member_id, Skill.label)
            )
            return [(label, source) for label, source in rows]

    first = snapshot()
    assert seed(db, T1, 500, seed=5, now=T0, seeders=SEEDERS, evidence=EVIDENCE)[1] == lines[1]
    assert snapshot() == first
    with db.read() as s:
        answer = ranking.who_knows(s, T1, "U0ASKER", _most_held(db)[1], T0, evidence=EVIDENCE, known=KNOWN)
    assert len(answer.people) == ranking.PAGE
    assert answer.more


def test_show_more_walks_every_holder_once_past_the_cached_depth(db: Database) -> None:
    seed(db, T1, 300, seed=3, now=T0, seeders=SEEDERS, evidence=EVIDENCE)
    label = _most_held(db)[1]
    with db.read() as s:
        pages, offset, more = [], 0, True
        while more:  # each page past the cached depth computes deeper standings
            answer = ranking.who_knows(
                s, T1, "U0ASKER", label, T0, offset=offset, evidence=EVIDENCE, known=KNOWN
            )
            pages += [p.user_id for p in answer.people]
            offset, more = offset + len(answer.people), answer.more
        everyone = [
            p.user_id
            for p in ranking.who_knows(
                s, T1, "U0ASKER", label, T0, page=500, evidence=EVIDENCE, known=KNOWN
            ).people
        ]
    assert len(everyone) > 2 * ranking.RERANK_DEPTH  # deeper than the first standings
    assert pages == everyone
