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
from bot.platform.storage import in_ids

Versions = tuple[int, int]  # the workspace's (vocabulary, evidence) versions
Reasons = tuple[str, ...]  # one phrase per kind of evidence, the strongest first
# One part of a question: the ids of the skills that match it directly, of those under it (what
# it is a kind of: Kubernetes for container orchestration), and of those related to it.
Part = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
UNDER_WEIGHT = 0.5  # a narrower skill's evidence counts this much, and only in its own tier
# A related skill never finds anyone by itself (Rust is not C++); for someone a part matched,
# it adds this much of its evidence, within their tier.
RELATED_WEIGHT = 0.25


@dataclass(frozen=True)
class Standing:
    """One person's place for some skills.

    The tier comes first: how many parts of the question they match directly, then how many
    they match at all (directly or through a related skill); within a tier, the score."""

    member_id: int
    user_id: str
    title: str
    score: float
    direct: int = 1  # parts matched by a skill of that name
    covered: int = 1  # parts matched at all (directly, or by a skill under it)
    covers: tuple[int, ...] = (0,)  # which parts (indexes)
    via: tuple[int, ...] = ()  # skills under a part that matched it for them (no direct match)
    also: tuple[int, ...] = ()  # related skills that added to their score
    counted: frozenset[int] | None = None  # skill ids whose evidence counts (None: every one asked)

    @property
    def tier(self) -> tuple[int, int]:
        return (self.direct, self.covered)


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
            counted = {p.member_id: p.counted for p in self.people if p.counted is not None}
            reasons, names = _explain(session, self.sources, team_id, self.skills, missing, counted)
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


EACH = 16  # skills read in one statement


@lru_cache(maxsize=EACH)
def top_each(n: int) -> Any:
    """Each of `n` skills' strongest holders (`TOP_ONE` for each, in index order), in one
    statement: built once per `n`, like the statements built at import."""
    parts = [
        select(
            _TOP.with_only_columns(
                SkillScore.skill_id, SkillScore.member_id, SkillScore.score, Member.user_id, Member.title
            )
            .where(SkillScore.skill_id == bindparam(f"skill_{i}"))
            .order_by(SkillScore.score.desc(), SkillScore.member_id.desc())
            .limit(bindparam("limit"))
            .subquery(f"top_{i}")
        )
        for i in range(n)
    ]
    return union_all(*parts)


# The scores the people found hold of all of a question's skills (off the unique index), so that
# a person's coverage and related evidence do not depend on which skills' top rows they made.
_HELD = select(SkillScore.member_id, SkillScore.skill_id, SkillScore.score).where(
    SkillScore.team_id == bindparam("team_id"),
    in_ids(SkillScore.member_id, "member_ids"),
    in_ids(SkillScore.skill_id, "skill_ids"),
)


@lru_cache(maxsize=8)
def shown_by(sources: tuple[EvidenceSource, ...]) -> Select[Any]:
    """Every source's evidence of the people shown, with the Slack id of whoever vouched."""
    parts = union_all(*(source.shown() for source in sources)).subquery()
    voucher = aliased(Member)
    return select(parts, voucher.user_id.label("by_user_id")).outerjoin(voucher, voucher.id == parts.c.by)


_cache: PerDatabase[Standings] = PerDatabase(size=500)  # questions asked, per database


def standings(
    session: Session,
    team_id: str,
    skills: Sequence[Skill],
    depth: int,
    versions: Versions,
    *,
    sources: Sources,
    parts: Sequence[Part] | None = None,
    graph: int = 0,
) -> Standings:
    """The `depth` strongest active people for `skills`, from the cache when it is current.

    With `parts` (each part of the question and its related skills; `skills` holds them all),
    people are ranked by tier (`Standing.tier`) first. `graph` is the skill graph's version:
    a new graph is a new key, so no answer cached under the old one is reused."""
    parts = tuple(parts) if parts is not None else ((tuple(s.id for s in skills), (), ()),)
    key = (team_id, parts, graph, sources)
    cached = _cache.get(session, key)
    if cached is not None and cached.versions == versions and cached.cover(depth):
        return cached
    fresh = compute(session, sources, team_id, skills, depth, versions, parts)
    if reads_only(session):  # a write may roll back, and its version come back with other data
        _cache.put(session, key, fresh)
    return fresh


def compute(
    session: Session,
    sources: Sources,
    team_id: str,
    skills: Sequence[Skill],
    depth: int,
    versions: Versions,
    parts: Sequence[Part] = (),
) -> Standings:
    conn = session.connection()
    params = {"team_id": team_id, "limit": depth}
    plain = len(parts) <= 1 and not any(under or related for _, under, related in parts)
    if plain and len(skills) == 1:
        top = conn.execute(TOP_ONE, {**params, "skill_id": skills[0].id})
    elif plain:
        top = conn.execute(TOP_SEVERAL, {**params, "skill_ids": [s.id for s in skills]})
    else:
        return Standings(sources, skills, versions, depth, _graded(conn, params, parts, depth))
    people = [Standing(member_id, user_id, title, score) for member_id, score, user_id, title in top]
    return Standings(sources, skills, versions, depth, people)


def _graded(conn: Any, params: dict[str, Any], parts: Sequence[Part], depth: int) -> list[Standing]:
    """Each skill's strongest holders (one indexed statement per skill, in index order), then
    each person's tier and score for the whole question, in memory."""
    ids = list(dict.fromkeys(i for part in parts for kind in part for i in kind))
    # Deeper than the answer: someone just below a skill's top `depth` may rise into the answer
    # by what else of the question they hold, and a deeper page must list them where a shallower
    # one would have.
    params = {**params, "limit": 2 * depth + 10}
    scores: dict[int, dict[int, float]] = {}
    who: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), EACH):
        chunk = ids[start : start + EACH]
        bound = {**params, **{f"skill_{i}": skill_id for i, skill_id in enumerate(chunk)}}
        for skill_id, member_id, score, user_id, title in conn.execute(top_each(len(chunk)), bound):
            scores.setdefault(member_id, {})[skill_id] = score
            who[member_id] = (user_id, title)
    if len(ids) > 1 and scores:  # everything else these people hold of the question, at once
        asked = {"team_id": params["team_id"], "skill_ids": ids, "member_ids": list(scores)}
        for member_id, skill_id, score in conn.execute(_HELD, asked):
            scores[member_id][skill_id] = score
    people = [_standing(member_id, who[member_id], held, parts) for member_id, held in scores.items()]
    found = [p for p in people if p.covered]
    found.sort(key=lambda p: (-p.direct, -p.covered, -p.score, -p.member_id))
    return found[:depth]


def _standing(
    member_id: int, who: tuple[str, str], held: dict[int, float], parts: Sequence[Part]
) -> Standing:
    """One person's tier and score: per part, their direct evidence, else their best skill under
    it at a discount; and their best related skill, at a deeper one, for a part so matched."""
    direct = covered = 0
    total = 0.0
    covers: list[int] = []
    via: list[int] = []
    also: list[int] = []
    for index, (direct_ids, under_ids, related_ids) in enumerate(parts):
        mine = [i for i in direct_ids if i in held]
        below = [i for i in under_ids if i in held]
        if mine:
            direct += 1
            total += sum(held[i] for i in mine)
        elif below:
            best = max(below, key=lambda i: held[i])
            total += UNDER_WEIGHT * held[best]
            via.append(best)
        else:
            continue
        covered += 1
        covers.append(index)
        near = [i for i in related_ids if i in held]
        if near:
            best = max(near, key=lambda i: held[i])
            total += RELATED_WEIGHT * held[best]
            also.append(best)
    matched = [i for part_index in covers for i in parts[part_index][0] if i in held]
    counted = frozenset([*matched, *via, *also])
    user_id, title = who
    return Standing(
        member_id, user_id, title, total, direct, covered, tuple(covers), tuple(via), tuple(also), counted
    )


def _explain(
    session: Session,
    sources: Sources,
    team_id: str,
    skills: Sequence[Skill],
    member_ids: Sequence[int],
    counted: dict[int, frozenset[int]] | None = None,
) -> tuple[dict[int, Reasons], dict[int, str]]:
    """These people's reasons (only of the skills that counted for each), and the Slack ids of
    whoever vouched for them."""
    counted = counted or {}
    params = {"team_id": team_id, "skill_ids": [s.id for s in skills], "member_ids": list(member_ids)}
    found: dict[int, list[Evidence]] = {m: [] for m in member_ids}
    names: dict[int, str] = {}
    for source, member_id, skill_id, score, at, by, note, by_user_id in session.connection().execute(
        shown_by(sources), params
    ):
        if member_id in counted and skill_id not in counted[member_id]:
            continue
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
