"""`/whoknows`: the colleagues who know a topic, best first, and why.

The topic is understood against the workspace's cached vocabulary (no query); the strongest
people come off the `skill_score` index (summed evidence, see `evidence`); the asker's part is a
cheap re-rank of the top few (one hook call); and only the page shown is explained, with one
query per evidence source and one directory query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.expertise import acquaintances, evidence
from bot.expertise.acquaintances import KnownPeople
from bot.expertise.evidence import Evidence, EvidenceSource, Words
from bot.expertise.names import Understood, normalise, understand
from bot.expertise.vocabulary import held, vocabulary
from bot.models import Member
from bot.models.expertise import SkillScore
from bot.storage import in_ids

PAGE = 5
RERANK_DEPTH = 25  # the asker's acquaintances are looked for among this many
KNOWN_BOOST = 1.5  # someone the asker knows ranks as if their evidence were this much stronger


@dataclass
class Candidate:
    member_id: int
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    known: bool = False
    introducer: int | None = None


@dataclass
class Person:
    """One colleague in the answer, ready to show."""

    user_id: str
    title: str
    reasons: list[str]
    known: bool = False  # the asker already knows them
    introducer: str | None = None  # Slack id of a mutual contact who could introduce them


@dataclass
class Answer:
    topic: str  # as asked
    understood: Understood
    people: list[Person] = field(default_factory=list)
    offset: int = 0  # how many came before this page
    more: bool = False  # someone comes after this page
    suggestions: list[str] = field(default_factory=list)  # skills that exist, when nobody was found


# Built once and run as Core statements: /whoknows runs them on every request, and building a
# statement (or the ORM's bookkeeping) costs as much as running it on an index.
_TOP = (
    select(SkillScore.member_id, SkillScore.score)
    .join(Member, Member.id == SkillScore.member_id)
    .where(SkillScore.team_id == bindparam("team_id"), Member.user_id != bindparam("asker"), Member.active)
)
# One skill: read in index order and stop at the limit, as cheap for 3,000 holders as for 3.
_TOP_ONE = (
    _TOP.where(SkillScore.skill_id == bindparam("skill_id"))
    .order_by(SkillScore.score.desc(), SkillScore.member_id.desc())
    .limit(bindparam("limit"))
)
_TOTAL = func.sum(SkillScore.score)
_TOP_SEVERAL = (
    _TOP.with_only_columns(SkillScore.member_id, _TOTAL)
    # An expanding IN: the planner probes the index per skill; a JSON array would scan.
    .where(SkillScore.skill_id.in_(bindparam("skill_ids", expanding=True)))
    .group_by(SkillScore.member_id)
    .order_by(_TOTAL.desc(), SkillScore.member_id.desc())
    .limit(bindparam("limit"))
)
_ASKER = select(Member.id).where(
    Member.team_id == bindparam("team_id"), Member.user_id == bindparam("user_id")
)
_NAMED = select(Member.id, Member.user_id, Member.title).where(
    Member.team_id == bindparam("team_id"), in_ids(Member.id, "member_ids")
)


def rank(
    session: Session, team_id: str, skill_ids: Sequence[int], *, limit: int, asker: str = ""
) -> list[Candidate]:
    """The `limit` active people (the asker aside) with the strongest evidence for these skills."""
    params = {"team_id": team_id, "asker": asker, "limit": limit}
    if len(skill_ids) == 1:
        rows = session.connection().execute(_TOP_ONE, {**params, "skill_id": skill_ids[0]})
    else:
        rows = session.connection().execute(_TOP_SEVERAL, {**params, "skill_ids": list(skill_ids)})
    return [Candidate(member_id, score) for member_id, score in rows]


def rerank_for(
    session: Session, team_id: str, asker_id: int | None, ranked: list[Candidate], known: KnownPeople
) -> list[Candidate]:
    """Lift the people the asker knows among the top candidates, and note who could introduce."""
    top = ranked[:RERANK_DEPTH]
    if asker_id is None or not top:
        return ranked
    found = known(session, team_id, asker_id, [c.member_id for c in top])
    for candidate in top:
        candidate.known = candidate.member_id in found.known
        if candidate.known:
            candidate.score *= KNOWN_BOOST
        else:
            candidate.introducer = found.introducers.get(candidate.member_id)
    return sorted(top, key=lambda c: -c.score) + ranked[RERANK_DEPTH:]


def who_knows(
    session: Session,
    team_id: str,
    asker: str,
    topic: str,
    now: datetime,
    *,
    offset: int = 0,
    page: int = PAGE,
    sources: Sequence[EvidenceSource] | None = None,
    known: KnownPeople | None = None,
) -> Answer:
    """The page of colleagues who know `topic`, for the asker with Slack id `asker`.

    `now` does not change the order: stored scores compare alike on any day (see `evidence`).
    """
    understood = understand(topic, vocabulary(session, team_id))
    answer = Answer(topic, understood, offset=max(0, offset))
    skill_ids = [s.id for s in understood.skills]
    ranked: list[Candidate] = []
    if skill_ids:
        limit = max(RERANK_DEPTH, answer.offset + page) + 1  # one more, to know if there are more
        ranked = rank(session, team_id, skill_ids, limit=limit, asker=asker)
    if not ranked:
        answer.suggestions = _suggestions(session, team_id, topic, understood)
        return answer
    known = known or acquaintances.current()
    if known is not acquaintances.nobody:
        asker_id = session.connection().execute(_ASKER, {"team_id": team_id, "user_id": asker}).scalar()
        ranked = rerank_for(session, team_id, asker_id, ranked, known)
    shown = ranked[answer.offset : answer.offset + page]
    answer.more = len(ranked) > answer.offset + page
    sources = evidence.SOURCES if sources is None else sources
    answer.people = explain(session, team_id, shown, understood, sources)
    return answer


def explain(
    session: Session,
    team_id: str,
    shown: list[Candidate],
    understood: Understood,
    sources: Sequence[EvidenceSource],
) -> list[Person]:
    """The shown people with their reasons: a query per source, one for the people named."""
    if not shown:
        return []
    skill_ids = [s.id for s in understood.skills]
    by_member = {c.member_id: c for c in shown}
    for source in sources:
        for item in source.gather(session, team_id, skill_ids, list(by_member)):
            by_member[item.member_id].evidence.append(item)
    named = set(by_member) | {c.introducer for c in shown if c.introducer}
    named |= {e.by for c in shown for e in c.evidence if e.by is not None}
    rows = session.connection().execute(_NAMED, {"team_id": team_id, "member_ids": list(named)})
    directory = {member_id: (user_id, title) for member_id, user_id, title in rows}
    words = Words(
        people={m: user_id for m, (user_id, _) in directory.items()},
        skills={s.id: s.label for s in understood.skills},
        several=len(understood.skills) > 1,
    )
    wording = {s.name: s for s in sources}
    people = []
    for candidate in shown:
        user_id, title = directory[candidate.member_id]
        by_source: dict[str, list[Evidence]] = {}
        for item in sorted(candidate.evidence, key=lambda e: -e.score):
            by_source.setdefault(item.source, []).append(item)
        reasons = [wording[n].explain(items, words) for n, items in by_source.items() if n in wording]
        introducer = words.people.get(candidate.introducer) if candidate.introducer else None
        people.append(Person(user_id, title, reasons, candidate.known, introducer))
    return people


def _suggestions(session: Session, team_id: str, topic: str, understood: Understood) -> list[str]:
    """Skills people do have whose names are close to what was asked."""
    asked = {s.id for s in understood.skills}
    near = [s for s in vocabulary(session, team_id).nearest(normalise(topic), limit=6) if s.id not in asked]
    have = held(session, team_id, [s.id for s in near])
    return [s.label for s in near if s.id in have][:3]
