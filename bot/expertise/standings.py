"""The shared part of a `/whoknows` answer: the strongest people for some skills, and why.

It is the same for every asker, so each process keeps recent standings in memory, valid while
the workspace's vocabulary and evidence versions are what they were (any process bumps the
evidence version when it changes evidence, or a member's title or activity: `evidence`). The
asker's part (leaving them out, whom they know) is added per request by `ranking`.

Computing standings takes two statements: the strongest people off the `skill_score` index,
then their evidence from every source at once; cached standings cost nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, union_all
from sqlalchemy.orm import Session, aliased

from bot.caches import PerDatabase
from bot.expertise import evidence
from bot.expertise.evidence import Evidence, EvidenceSource, Words
from bot.expertise.names import Skill
from bot.models import Member
from bot.models.expertise import SkillScore
from bot.storage import in_ids

Versions = tuple[int, int]  # the workspace's (vocabulary, evidence) versions


@dataclass(frozen=True)
class Standing:
    """One person's place for some skills, with the evidence in words."""

    member_id: int
    user_id: str
    title: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Standings:
    versions: Versions
    depth: int  # how many were asked for
    people: tuple[Standing, ...]  # best first; fewer than `depth` when fewer have evidence
    names: Mapping[int, str]  # member id → Slack id of everyone these name

    def cover(self, depth: int) -> bool:
        return depth <= self.depth or len(self.people) < self.depth


# Built once and run as Core statements: building a statement (or the ORM's bookkeeping)
# costs as much as running it on an index.
_TOP = (
    select(SkillScore.member_id, SkillScore.score, Member.user_id, Member.title)
    .join(Member, Member.id == SkillScore.member_id)
    .where(SkillScore.team_id == bindparam("team_id"), Member.active)
)
# One skill: read in index order and stop at the limit, as cheap for 3,000 holders as for 3.
TOP_ONE = (
    _TOP.where(SkillScore.skill_id == bindparam("skill_id"))
    .order_by(SkillScore.score.desc(), SkillScore.member_id.desc())
    .limit(bindparam("limit"))
)
_TOTAL = func.sum(SkillScore.score)
TOP_SEVERAL = (
    _TOP.with_only_columns(SkillScore.member_id, _TOTAL, Member.user_id, Member.title)
    # An expanding IN: the planner probes the index per skill; a JSON array would scan.
    .where(SkillScore.skill_id.in_(bindparam("skill_ids", expanding=True)))
    .group_by(SkillScore.member_id, Member.id)  # (Member's columns depend on its id)
    .order_by(_TOTAL.desc(), SkillScore.member_id.desc())
    .limit(bindparam("limit"))
)
NAMED = select(Member.id, Member.user_id, Member.title).where(
    Member.team_id == bindparam("team_id"), in_ids(Member.id, "member_ids")
)


@lru_cache(maxsize=8)
def shown_by(sources: tuple[EvidenceSource, ...]) -> Select[Any]:
    """Every source's evidence of the people shown, with the Slack id of whoever vouched."""
    parts = union_all(*(source.shown() for source in sources)).subquery()
    voucher = aliased(Member)
    return select(parts, voucher.user_id.label("by_user_id")).outerjoin(voucher, voucher.id == parts.c.by)


_cache: PerDatabase[Standings] = PerDatabase(size=500)  # skill sets asked about, per database


def standings(
    session: Session, team_id: str, skills: Sequence[Skill], depth: int, versions: Versions
) -> Standings:
    """The `depth` strongest active people for `skills`, from the cache when it is current."""
    key = (team_id, tuple(s.id for s in skills), tuple(source.name for source in evidence.SOURCES))
    cached = _cache.get(session, key)
    if cached is not None and cached.versions == versions and cached.cover(depth):
        return cached
    fresh = compute(session, team_id, skills, depth, versions)
    _cache.put(session, key, fresh)
    return fresh


def compute(
    session: Session, team_id: str, skills: Sequence[Skill], depth: int, versions: Versions
) -> Standings:
    conn = session.connection()
    params = {"team_id": team_id, "limit": depth}
    if len(skills) == 1:
        top = conn.execute(TOP_ONE, {**params, "skill_id": skills[0].id}).all()
    else:
        top = conn.execute(TOP_SEVERAL, {**params, "skill_ids": [s.id for s in skills]}).all()
    people = {member_id: user_id for member_id, _, user_id, _ in top}
    found: dict[int, list[Evidence]] = {}
    if top:
        rows = conn.execute(
            shown_by(tuple(evidence.SOURCES)),
            {"team_id": team_id, "skill_ids": [s.id for s in skills], "member_ids": list(people)},
        )
        for source, member_id, skill_id, score, at, by, note, by_user_id in rows:
            found.setdefault(member_id, []).append(Evidence(member_id, skill_id, source, score, at, by, note))
            if by is not None and by_user_id is not None:
                people.setdefault(by, by_user_id)
    words = Words(people=people, skills={s.id: s.label for s in skills}, several=len(skills) > 1)
    standing = tuple(
        Standing(member_id, user_id, title, score, _reasons(found.get(member_id, []), words))
        for member_id, score, user_id, title in top
    )
    return Standings(versions, depth, standing, people)


def _reasons(found: list[Evidence], words: Words) -> tuple[str, ...]:
    """One phrase per source, the strongest source first."""
    by_source: dict[str, list[Evidence]] = {}
    for item in sorted(found, key=lambda e: -e.score):
        by_source.setdefault(item.source, []).append(item)
    wording = {source.name: source for source in evidence.SOURCES}
    return tuple(wording[n].explain(items, words) for n, items in by_source.items() if n in wording)
