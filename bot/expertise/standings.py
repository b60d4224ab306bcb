"""The shared part of a `/whoknows` answer: the strongest people for some skills, and why.

It is the same for every asker, so each process keeps recent standings in memory, valid while
the workspace's vocabulary and evidence versions are what they were (any process bumps the
evidence version when it changes evidence, or a member's title or activity: `evidence`). The
asker's part (leaving them out, whom they know) is added per request by `ranking`.

Standings take one statement off the `skill_score` index; the people shown are explained once,
with one statement for every evidence source at once; cached standings cost nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, union_all
from sqlalchemy.orm import Session, aliased

from bot.expertise.evidence import Evidence, EvidenceSource, Sources, Words
from bot.expertise.names import Skill
from bot.models import Member
from bot.models.expertise import SkillScore
from bot.platform.caches import PerDatabase
from bot.platform.db import reads_only

Versions = tuple[int, int]  # the workspace's (vocabulary, evidence) versions
Reasons = tuple[str, ...]  # one phrase per kind of evidence, the strongest first


@dataclass(frozen=True)
class Standing:
    """One person's place for some skills."""

    member_id: int
    user_id: str
    title: str
    score: float


class Standings:
    """The strongest people for some skills, best first, and (once asked) why, in words."""

    def __init__(
        self,
        sources: Sources,
        skills: Sequence[Skill],
        versions: Versions,
        depth: int,
        people: Sequence[Standing],
    ):
        self.sources = sources
        self.skills = tuple(skills)
        self.versions = versions
        self.depth = depth  # how many were asked for
        self.people = tuple(people)  # fewer than `depth` when fewer have evidence
        self._lock = threading.Lock()
        self._reasons: dict[int, Reasons] = {}
        self._names = {p.member_id: p.user_id for p in self.people}  # member id → Slack id

    def cover(self, depth: int) -> bool:
        return depth <= self.depth or len(self.people) < self.depth

    def explain(self, session: Session, team_id: str, member_ids: Sequence[int]) -> dict[int, Reasons]:
        """Why each of these people is here: one statement for those not explained before."""
        with self._lock:
            known = {m: self._reasons[m] for m in member_ids if m in self._reasons}
        missing = [m for m in member_ids if m not in known]
        if missing:
            reasons, names = _explain(session, self.sources, team_id, self.skills, missing)
            known.update(reasons)
            if reads_only(session):  # (as for the standings themselves: see `standings`)
                with self._lock:
                    self._reasons.update(reasons)
                    self._names.update(names)
        return known

    def names(self) -> dict[int, str]:
        """Slack ids of the people ranked, and of everyone their explanations name so far."""
        with self._lock:
            return dict(self._names)


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


@lru_cache(maxsize=8)
def shown_by(sources: tuple[EvidenceSource, ...]) -> Select[Any]:
    """Every source's evidence of the people shown, with the Slack id of whoever vouched."""
    parts = union_all(*(source.shown() for source in sources)).subquery()
    voucher = aliased(Member)
    return select(parts, voucher.user_id.label("by_user_id")).outerjoin(voucher, voucher.id == parts.c.by)


_cache: PerDatabase[Standings] = PerDatabase(size=500)  # skill sets asked about, per database


def standings(
    session: Session,
    team_id: str,
    skills: Sequence[Skill],
    depth: int,
    versions: Versions,
    *,
    sources: Sources,
) -> Standings:
    """The `depth` strongest active people for `skills`, from the cache when it is current."""
    key = (team_id, tuple(s.id for s in skills), sources)
    cached = _cache.get(session, key)
    if cached is not None and cached.versions == versions and cached.cover(depth):
        return cached
    fresh = compute(session, sources, team_id, skills, depth, versions)
    if reads_only(session):  # a write may roll back, and its version come back with other data
        _cache.put(session, key, fresh)
    return fresh


def compute(
    session: Session, sources: Sources, team_id: str, skills: Sequence[Skill], depth: int, versions: Versions
) -> Standings:
    conn = session.connection()
    params = {"team_id": team_id, "limit": depth}
    if len(skills) == 1:
        top = conn.execute(TOP_ONE, {**params, "skill_id": skills[0].id})
    else:
        top = conn.execute(TOP_SEVERAL, {**params, "skill_ids": [s.id for s in skills]})
    people = [Standing(member_id, user_id, title, score) for member_id, score, user_id, title in top]
    return Standings(sources, skills, versions, depth, people)


def _explain(
    session: Session, sources: Sources, team_id: str, skills: Sequence[Skill], member_ids: Sequence[int]
) -> tuple[dict[int, Reasons], dict[int, str]]:
    """These people's reasons, and the Slack ids of whoever vouched for them."""
    params = {"team_id": team_id, "skill_ids": [s.id for s in skills], "member_ids": list(member_ids)}
    found: dict[int, list[Evidence]] = {m: [] for m in member_ids}
    names: dict[int, str] = {}
    for source, member_id, skill_id, score, at, by, note, by_user_id in session.connection().execute(
        shown_by(sources), params
    ):
        found[member_id].append(Evidence(member_id, skill_id, source, score, at, by, note))
        if by is not None and by_user_id is not None:
            names[by] = by_user_id
    words = Words(people=names, skills={s.id: s.label for s in skills}, several=len(skills) > 1)
    wording = {source.name: source for source in sources}
    return {m: _reasons(items, words, wording) for m, items in found.items()}, names


def _reasons(found: list[Evidence], words: Words, wording: dict[str, EvidenceSource]) -> Reasons:
    """One phrase per source, the strongest source first."""
    by_source: dict[str, list[Evidence]] = {}
    for item in sorted(found, key=lambda e: -e.score):
        by_source.setdefault(item.source, []).append(item)
    return tuple(wording[n].explain(items, words) for n, items in by_source.items() if n in wording)
