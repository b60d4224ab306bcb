"""Held, shown and hidden endorsements on SQLite and PostgreSQL: what counts, for whom, in which
workspace, and every replica's cached `/whoknows` noticing each decision at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.bootstrap import open_database
from bot.directory.members import find_member
from bot.expertise import endorsements, ranking, skills
from bot.expertise.vocabulary import vocabulary
from bot.models.expertise import Endorsement, Skill
from bot.platform.db import Database
from bot.platform.refusals import Refusal
from tests.support.databases import statements
from tests.support.factories import T0, add_members, slack_user
from tests.support.wiring import EVIDENCE, KNOWN

T1, T2 = "T0000001", "T0000002"
ANN, BOB, CAROL, DAN = "U0ANN", "U0BOB", "U0CAROL", "U0DAN"
SHOWN, HELD, HIDDEN = "shown", "held", "hidden"  # an endorsement's status, as stored


def team(db: Database, team_id: str = T1) -> None:
    add_members(db, team_id, *(slack_user(u) for u in (ANN, BOB, CAROL, DAN)))


def who(db: Database, topic: str, team_id: str = T1) -> list[tuple[str, list[str]]]:
    """Carol's /whoknows: each person named, and why."""
    with db.read() as s:
        answer = ranking.who_knows(s, team_id, CAROL, topic, T0, page=50, evidence=EVIDENCE, known=KNOWN)
    return [(p.user_id, p.reasons) for p in answer.people]


def endorse(db: Database, endorser: str, text: str, team_id: str = T1) -> endorsements.Endorsed:
    with db.write() as s:
        return endorsements.endorse(s, team_id, endorser, [BOB], text, T0, evidence=EVIDENCE)


def the_endorsement(db: Database, endorser: str, key: str, team_id: str = T1) -> tuple[int, str]:
    """Id and status of `endorser`'s endorsement of Bob for the skill with this key."""
    with db.read() as s:
        row = s.execute(
            select(Endorsement.id, Endorsement.status)
            .join(Skill, Skill.id == Endorsement.skill_id)
            .where(Endorsement.team_id == team_id, Skill.key == key)
            .where(Endorsement.endorser_id == _member_id(s, team_id, endorser))
        ).one()
    return row[0], row[1]


def _member_id(s: Session, team_id: str, user_id: str) -> int:
    member = find_member(s, team_id, user_id)
    assert member is not None
    return member.id


def decide(
    db: Database, endorsement_id: int, accept: bool, user: str = BOB, team_id: str = T1
) -> endorsements.Decided | Refusal:
    with db.write() as s:
        return endorsements.decide(s, team_id, user, endorsement_id, accept, T0, evidence=EVIDENCE)


def test_every_decision_reaches_another_replica_s_cached_answer_at_once(any_db: Database) -> None:
    team(any_db)
    endorse(any_db, ANN, "kubernetes")
    other = open_database(any_db.url.render_as_string(hide_password=False))  # another worker's engine
    try:
        assert who(other, "kubernetes") == [(BOB, [f"endorsed by 1 (<@{ANN}>)"])]
        with statements(other) as seen:  # cached: versions, then nothing but the asker's part
            who(other, "kubernetes")
        assert len([sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]) <= 2, seen

        with any_db.write() as s:
            skills.remove(s, T1, BOB, "kubernetes", T0, evidence=EVIDENCE)
        assert the_endorsement(any_db, ANN, "kubernetes")[1] == HIDDEN
        assert who(other, "kubernetes") == []

        with any_db.write() as s:
            accepted = skills.accept(s, T1, BOB, "k8s", T0, evidence=EVIDENCE)
        assert accepted.endorsers == {"Kubernetes": [ANN]}
        assert who(other, "kubernetes") == [(BOB, [f"endorsed by 1 (<@{ANN}>)"])]

        with any_db.write() as s:
            removed = skills.remove(s, T1, BOB, "kubernetes", T0, evidence=EVIDENCE)
        assert [n.label for n in removed.done] == ["Kubernetes"]
        assert who(other, "kubernetes") == []

        # Taken off: a newcomer's endorsement of it waits, though the skill is a well-known one.
        assert endorse(any_db, DAN, "kubernetes").stored == {BOB: ["Kubernetes"]}
        assert who(other, "kubernetes") == []
        dan_s, status = the_endorsement(any_db, DAN, "kubernetes")
        assert status == HELD
        assert decide(any_db, dan_s, accept=True) == endorsements.Decided(dan_s, SHOWN, "Kubernetes", DAN)
        assert who(other, "kubernetes") == [(BOB, [f"endorsed by 1 (<@{DAN}>)"])]
        assert the_endorsement(any_db, ANN, "kubernetes")[1] == HIDDEN  # Dan's OK is not Ann's
    finally:
        other.dispose()


def test_counts_name_only_what_the_endorsee_accepted(any_db: Database) -> None:
    team(any_db)
    endorse(any_db, ANN, "tax law")
    endorse(any_db, DAN, "tax law")
    assert the_endorsement(any_db, ANN, "tax law")[1] == the_endorsement(any_db, DAN, "tax law")[1] == HELD
    with any_db.read() as s:
        theirs = skills.profile(s, T1, BOB, viewer=CAROL)
        mine = skills.profile(s, T1, BOB, viewer=BOB)
        ann_sees = skills.profile(s, T1, BOB, viewer=ANN)
    assert theirs is not None
    assert mine is not None
    assert ann_sees is not None
    assert (theirs.skills, theirs.waiting) == ([], [])
    assert (ann_sees.skills, ann_sees.waiting) == ([], [])
    assert [(w.label, w.endorsers) for w in mine.waiting] == [("tax law", [ANN, DAN])]

    decide(any_db, the_endorsement(any_db, ANN, "tax law")[0], accept=True)
    assert who(any_db, "tax law") == [(BOB, [f"endorsed by 1 (<@{ANN}>)"])]  # not 2
    with any_db.read() as s:
        theirs = skills.profile(s, T1, BOB, viewer=CAROL)
        mine = skills.profile(s, T1, BOB, viewer=BOB)
    assert theirs is not None
    assert mine is not None
    assert [(h.label, h.endorsers) for h in theirs.skills] == [("tax law", [ANN])]
    assert theirs.waiting == []
    assert [(w.label, w.endorsers) for w in mine.waiting] == [("tax law", [DAN])]
    # On his profile now: Carol's endorsement of it counts at once.
    with any_db.write() as s:
        endorsements.endorse(s, T1, CAROL, [BOB], "tax law", T0, evidence=EVIDENCE)
    assert the_endorsement(any_db, CAROL, "tax law")[1] == SHOWN
    assert who(any_db, "tax law") == [(BOB, [f"endorsed by 2 (<@{CAROL}>, <@{ANN}>)"])]


def test_a_skill_only_held_endorsements_name_is_not_in_the_vocabulary(any_db: Database) -> None:
    team(any_db)
    endorse(any_db, ANN, "Tax Fraud")
    with any_db.read() as s:
        assert "tax fraud" not in vocabulary(s, T1).by_key
    with any_db.read() as s:
        typo = ranking.who_knows(s, T1, CAROL, "tax frud", T0, evidence=EVIDENCE, known=KNOWN)
    assert typo.understood.names == []  # never "corrected" to what Ann typed
    # Someone declaring it lists it, in their own words.
    with any_db.write() as s:
        skills.add(s, T1, CAROL, "tax fraud", T0, evidence=EVIDENCE)
    with any_db.read() as s:
        assert vocabulary(s, T1).by_key["tax fraud"].label == "tax fraud"
    assert who(any_db, "tax fraud") == []  # Carol asks: only she has it
    with any_db.read() as s:
        profile = skills.profile(s, T1, BOB, viewer=DAN)
    assert profile is not None
    assert profile.skills == []  # still only Bob's to accept


def test_decisions_belong_to_the_endorsee_in_their_own_workspace(any_db: Database) -> None:
    team(any_db, T1)
    team(any_db, T2)  # the same Slack ids, another workspace (Enterprise Grid shares ids)
    endorse(any_db, ANN, "tax law", T1)
    endorse(any_db, ANN, "tax law", T2)
    in_t1, _ = the_endorsement(any_db, ANN, "tax law", T1)
    assert isinstance(decide(any_db, in_t1, accept=True, user=CAROL), Refusal)  # not hers
    assert isinstance(decide(any_db, in_t1, accept=True, team_id=T2), Refusal)  # not from T2
    assert isinstance(decide(any_db, 10**9, accept=True), Refusal)
    assert the_endorsement(any_db, ANN, "tax law", T1)[1] == HELD
    decide(any_db, in_t1, accept=True)
    assert [u for u, _ in who(any_db, "tax law", T1)] == [BOB]
    assert who(any_db, "tax law", T2) == []
    assert the_endorsement(any_db, ANN, "tax law", T2)[1] == HELD
    with any_db.write() as s:
        skills.remove(s, T2, BOB, "tax law", T0, evidence=EVIDENCE)
    assert the_endorsement(any_db, ANN, "tax law", T2)[1] == HIDDEN
    assert the_endorsement(any_db, ANN, "tax law", T1)[1] == SHOWN
    assert [u for u, _ in who(any_db, "tax law", T1)] == [BOB]


def test_a_hidden_endorsement_cannot_be_added_again_by_its_author(any_db: Database) -> None:
    team(any_db)
    endorse(any_db, ANN, "kubernetes, tax fraud")
    with any_db.write() as s:
        skills.remove(s, T1, BOB, "kubernetes, tax fraud", T0, evidence=EVIDENCE)
    again = endorse(any_db, ANN, "k8s, tax fraud")
    assert again.already == {BOB: ["Kubernetes", "tax fraud"]}
    assert not again.stored
    with any_db.read() as s:
        rows = s.scalars(select(Endorsement.status).where(Endorsement.team_id == T1)).all()
    assert sorted(rows) == [HIDDEN, HIDDEN]
    # Bob may say so himself; Ann's stays hidden, a newcomer's counts at once.
    with any_db.write() as s:
        skills.add(s, T1, BOB, "kubernetes", T0 + timedelta(days=1), evidence=EVIDENCE)
    assert endorse(any_db, DAN, "kubernetes").stored == {BOB: ["Kubernetes"]}
    assert the_endorsement(any_db, DAN, "kubernetes")[1] == SHOWN
    assert endorse(any_db, ANN, "kubernetes").already == {BOB: ["Kubernetes"]}
    assert who(any_db, "kubernetes") == [(BOB, [f"endorsed by 1 (<@{DAN}>)", "declared"])]
