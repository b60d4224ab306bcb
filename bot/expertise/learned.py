"""Skill relations a workspace learns by itself, so its own jargon links up without a code change.

Two skills become related here when

- the same people hold both (`held`): declared, in their Slack title, or endorsed with their OK
  (a held or hidden endorsement says nothing); only active people count, not the departed or
  bots. "Atlas", an internal platform nobody outside knows, held by the people who hold
  Kubernetes, links the two;
- kudos reasons or endorsements name both at once (`named`): "thanks for moving billing onto
  Atlas and Kubernetes", `/endorse @ana atlas, kubernetes`.

Learning runs off the request path (the `learn-relations` job): one aggregate statement for
each kind over the whole workspace (a self-join grouped by pair), the workspace's rows replaced,
and the vocabulary version bumped only when the set of relations changed, so every process's
cached `Vocabulary` (which carries them) and `/whoknows` standings notice. Only skills in the
vocabulary (listed) are ever related. At ask time a learned neighbour only adds a little for
someone a part of the question already matched (`names.LEARNED`, counted as related:
`standings.RELATED_WEIGHT`), so it never finds anyone by itself nor lifts a stranger to the
question above someone who matches it.

At 10,000 members holding 6 skills each (60,000 holdings, 100 skills) learning takes about 0.3 s
on SQLite and 0.4-0.7 s on PostgreSQL, in seven statements whatever the size.

Rows are stored in both directions (`LearnedRelation`): a skill's neighbours are one read of the
primary key's prefix, and the vocabulary loads them without knowing which way a pair was found.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, distinct, func, or_, select, union, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import BindParameter

from bot.expertise.vocabulary import bump_version
from bot.models import Member
from bot.models.celebrations import KudosSkill
from bot.models.expertise import (
    HELD_TOGETHER,
    NAMED_TOGETHER,
    SHOWN,
    Endorsement,
    LearnedRelation,
    MemberSkill,
    Skill,
    SkillVocabulary,
)
from bot.platform.storage import insert_many_ignore

# Held together. Three people at least: two could be one pair of colleagues' coincidence, and a
# relation must be explainable as "often together here". The pair must be a fair share (30 %) of
# the rarer skill's holders: a team jargon word held by 4 people, 3 of whom hold Kubernetes, is
# about Kubernetes; 3 of Python's 500 holders are not. And the two must go together more often
# than chance would have them (lift: 1.5 × what independent skills would share, among the people
# who hold any skill), so that a skill nearly everyone holds (Python in an engineering team,
# "communication") is not linked to everything.
MIN_HELD = 3
MIN_SHARE_PERCENT = 30
MIN_LIFT_TENTHS = 15  # 1.5, in integer arithmetic (portable, exact)
# Named together: two kudos or endorsements naming both. One is a single sentence (anyone may
# name two things once); two different ones are the workspace saying it again.
MIN_NAMED = 2

_TEAM: BindParameter[str] = bindparam("team_id")


def _listed(column: Any) -> ColumnElement[bool]:
    """Only the vocabulary's skills (a skill only held endorsements name stays unknown)."""
    return column.in_(select(Skill.id).where(Skill.team_id == _TEAM, Skill.listed))


def _active(member_id: Any) -> ColumnElement[bool]:
    return member_id.in_(select(Member.id).where(Member.team_id == _TEAM, Member.active))


# Who holds what, once per (member, skill), of active members and listed skills.
_holding = union(
    select(MemberSkill.member_id, MemberSkill.skill_id).where(
        MemberSkill.team_id == _TEAM, _active(MemberSkill.member_id), _listed(MemberSkill.skill_id)
    ),
    select(Endorsement.endorsee_id, Endorsement.skill_id).where(
        Endorsement.team_id == _TEAM,
        Endorsement.status == SHOWN,
        _active(Endorsement.endorsee_id),
        _listed(Endorsement.skill_id),
    ),
).cte("holding")
_holders = (
    select(_holding.c.skill_id, func.count().label("holders")).group_by(_holding.c.skill_id).cte("holders")
)
_people = select(func.count(distinct(_holding.c.member_id))).scalar_subquery()  # who hold any skill
_a, _b = _holding.alias("a"), _holding.alias("b")
_pairs = (
    select(_a.c.skill_id, _b.c.skill_id.label("other_id"), func.count().label("support"))
    .join(_b, and_(_a.c.member_id == _b.c.member_id, _a.c.skill_id < _b.c.skill_id))
    .group_by(_a.c.skill_id, _b.c.skill_id)
    .having(func.count() >= MIN_HELD)
    .cte("pairs")
)
_na, _nb = _holders.alias("na"), _holders.alias("nb")
# (skill_id < other_id, support): a share of the rarer skill's holders is a share of either's.
HELD = (
    select(_pairs.c.skill_id, _pairs.c.other_id, _pairs.c.support)
    .join(_na, _na.c.skill_id == _pairs.c.skill_id)
    .join(_nb, _nb.c.skill_id == _pairs.c.other_id)
    .where(
        or_(
            _pairs.c.support * 100 >= MIN_SHARE_PERCENT * _na.c.holders,
            _pairs.c.support * 100 >= MIN_SHARE_PERCENT * _nb.c.holders,
        ),
        _pairs.c.support * _people * 10 >= MIN_LIFT_TENTHS * _na.c.holders * _nb.c.holders,
    )
)

# Named together: a kudos names its skills for each receiver (counted once per kudos); an
# endorsement of several skills is one `/endorse`: the same endorser and instant (counted once,
# however many people it endorsed).
_ka, _kb = aliased(KudosSkill), aliased(KudosSkill)
_by_kudos = (
    select(_ka.skill_id, _kb.skill_id.label("other_id"), func.count(distinct(_ka.kudos_id)).label("n"))
    .join(
        _kb, and_(_ka.kudos_id == _kb.kudos_id, _ka.member_id == _kb.member_id, _ka.skill_id < _kb.skill_id)
    )
    .where(_ka.team_id == _TEAM, _active(_ka.member_id))
    .group_by(_ka.skill_id, _kb.skill_id)
)
_ea, _eb = aliased(Endorsement), aliased(Endorsement)
_endorsed_together = (
    select(_ea.skill_id, _eb.skill_id.label("other_id"), _ea.endorser_id, _ea.created_at)
    .distinct()  # one `/endorse @ana @ben atlas, kubernetes` names them together once
    .join(
        _eb,
        and_(
            _ea.endorsee_id == _eb.endorsee_id,
            _ea.endorser_id == _eb.endorser_id,
            _ea.created_at == _eb.created_at,
            _ea.skill_id < _eb.skill_id,
        ),
    )
    .where(
        _ea.team_id == _TEAM,
        _eb.team_id == _TEAM,
        _ea.status == SHOWN,
        _eb.status == SHOWN,
        _active(_ea.endorsee_id),
    )
    .subquery("endorsed_together")
)
_by_endorsements = select(
    _endorsed_together.c.skill_id, _endorsed_together.c.other_id, func.count().label("n")
).group_by(_endorsed_together.c.skill_id, _endorsed_together.c.other_id)
_named = union_all(_by_kudos, _by_endorsements).subquery("named")
NAMED = (
    select(_named.c.skill_id, _named.c.other_id, func.sum(_named.c.n).label("support"))
    .where(_listed(_named.c.skill_id), _listed(_named.c.other_id))
    .group_by(_named.c.skill_id, _named.c.other_id)
    .having(func.sum(_named.c.n) >= MIN_NAMED)
)

_STORED = select(
    LearnedRelation.skill_id, LearnedRelation.other_id, LearnedRelation.kind, LearnedRelation.support
).where(LearnedRelation.team_id == _TEAM)
_LOCK = select(SkillVocabulary.version).where(SkillVocabulary.team_id == _TEAM).with_for_update()

Learned = dict[tuple[int, int, str], int]  # (skill id, other id, kind) → support, both directions


def relations(session: Session, team_id: str) -> Learned:
    """What the workspace's data says now (both directions), without storing it."""
    found: Learned = {}
    params = {"team_id": team_id}
    for kind, statement in ((HELD_TOGETHER, HELD), (NAMED_TOGETHER, NAMED)):
        for skill_id, other_id, support in session.execute(statement, params):
            found[(skill_id, other_id, kind)] = found[(other_id, skill_id, kind)] = int(support)
    return found


def learn(session: Session, team_id: str, now: datetime) -> int:
    """Recompute the workspace's learned relations and store them in place of the old ones;
    returns how many relations (pairs of skills, per kind) it holds now. The vocabulary version
    is bumped only when the set of relations changed (a support that moved is stored quietly)."""
    params = {"team_id": team_id}
    # The workspace's version row, first: two replicas learning at once run one after the other.
    if session.execute(_LOCK, params).first() is None:
        return 0  # no skill was ever stored here
    found = relations(session, team_id)
    before: Learned = {(s, o, k): support for s, o, k, support in session.execute(_STORED, params)}
    if found != before:
        session.execute(delete(LearnedRelation).where(LearnedRelation.team_id == team_id))
        rows = [
            {"team_id": team_id, "skill_id": s, "other_id": o, "kind": k, "support": n, "learned_at": now}
            for (s, o, k), n in sorted(found.items())
        ]
        insert_many_ignore(session, LearnedRelation, rows, ["team_id", "skill_id", "other_id", "kind"])
        if found.keys() != before.keys():
            bump_version(session, team_id)
    return len(found) // 2
