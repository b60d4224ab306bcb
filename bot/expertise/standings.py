"""The shared part of a `/whoknows` answer: the strongest people for some skills, and why.

It is the same for every asker, so each process keeps recent standings in memory, valid while
the workspace's vocabulary and evidence versions are what they were (any process bumps the
evidence version when it changes evidence, or a member's title or activity: `evidence`). The
asker's part (leaving them out, whom they know) is added per request by `ranking`.

Computing standings takes one query off the `skill_score` index, one per evidence source and
one for the names; a cached standing costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.caches import PerDatabase
from bot.expertise import evidence
from bot.expertise.evidence import Evidence, Words
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
    select(SkillScore.member_id, SkillScore.score)
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
    _TOP.with_only_columns(SkillScore.member_id, _TOTAL)
    # An expanding IN: the planner probes the index per skill; a JSON array would scan.
    .where(SkillScore.skill_id.in_(bindparam("skill_ids", expanding=True)))
    .group_by(SkillScore.member_id)
    .order_by(_TOTAL.desc(), SkillScore.member_id.desc())
    .limit(bindparam("limit"))
)
NAMED = select(Member.id, Member.user_id, Member.title).where(
    Member.team_id == bindparam("team_id"), in_ids(Member.id, "member_ids")
)

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
        rows = conn.execute(TOP_ONE, {**params, "skill_id": skills[0].id})
    else:
        rows = conn.execute(TOP_SEVERAL, {**params, "skill_ids": [s.id for s in skills]})
    scores: dict[int, float] = dict(rows.all())  # (not dict(rows): a Result has keys())
    found = _evidence(session, team_id, skills, list(scores))
    named = set(scores) | {e.by for items in found.values() for e in items if e.by is not None}
    directory = {
        member_id: (user_id, title)
        for member_id, user_id, title in conn.execute(NAMED, {"team_id": team_id, "member_ids": list(named)})
    }
    words = Words(
        people={m: user_id for m, (user_id, _) in directory.items()},
        skills={s.id: s.label for s in skills},
        several=len(skills) > 1,
    )
    people = tuple(
        Standing(member_id, *directory[member_id], score, _reasons(found.get(member_id, []), words))
        for member_id, score in scores.items()
    )
    return Standings(versions, depth, people, words.people)


def _evidence(
    session: Session, team_id: str, skills: Sequence[Skill], member_ids: list[int]
) -> dict[int, list[Evidence]]:
    """Each person's evidence, strongest first: a query per source."""
    found: dict[int, list[Evidence]] = {}
    if not member_ids:
        return found
    skill_ids = [s.id for s in skills]
    for source in evidence.SOURCES:
        for item in source.gather(session, team_id, skill_ids, member_ids):
            found.setdefault(item.member_id, []).append(item)
    for items in found.values():
        items.sort(key=lambda e: -e.score)
    return found


def _reasons(found: list[Evidence], words: Words) -> tuple[str, ...]:
    """One phrase per source, the strongest source first."""
    by_source: dict[str, list[Evidence]] = {}
    for item in found:
        by_source.setdefault(item.source, []).append(item)
    wording = {source.name: source for source in evidence.SOURCES}
    return tuple(wording[n].explain(items, words) for n, items in by_source.items() if n in wording)
