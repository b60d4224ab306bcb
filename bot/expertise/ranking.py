"""`/whoknows`: the colleagues who know a topic, best first, and why.

One statement reads the workspace's versions and the asker's member id; the topic is understood
against the cached vocabulary; the strongest people and their evidence in words come from the
cached standings (`standings`), the same for every asker; the asker's part is a cheap re-rank of
the top few (one call to the `KnownPeople` it is given: the relationship log's, from the
composition root). An answer whose standings are cached costs two statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.expertise.evidence import Sources
from bot.expertise.names import Understood, Vocabulary, normalise, understand
from bot.expertise.standings import Standings, standings
from bot.expertise.vocabulary import EVIDENCE_VERSION, VERSION, vocabulary, with_evidence
from bot.models import Member
from bot.platform.storage import in_ids
from bot.relationships.acquaintances import KnownPeople

PAGE = 5
RERANK_DEPTH = 25  # the asker's acquaintances are looked for among this many
KNOWN_BOOST = 1.5  # someone the asker knows ranks as if their evidence were this much stronger


@dataclass
class Candidate:
    member_id: int
    score: float
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
    only_asker: bool = False  # nobody was found but the asker themself


# Built once: every answer starts with the first, and names introducers with the second.
_ASKER = select(Member.id).where(
    Member.team_id == bindparam("team_id"), Member.user_id == bindparam("user_id")
)
_STATE = select(VERSION.scalar_subquery(), EVIDENCE_VERSION.scalar_subquery(), _ASKER.scalar_subquery())
_NAMED = select(Member.id, Member.user_id).where(
    Member.team_id == bindparam("team_id"), in_ids(Member.id, "member_ids")
)


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
    evidence: Sources,
    known: KnownPeople,
    offset: int = 0,
    page: int = PAGE,
) -> Answer:
    """The page of colleagues who know `topic`, for the asker with Slack id `asker`.

    `now` does not change the order: stored scores compare alike on any day (see `evidence`).
    """
    state = session.connection().execute(_STATE, {"team_id": team_id, "user_id": asker}).one()
    vocabulary_version, evidence_version, asker_id = state
    vocab = vocabulary(session, team_id, vocabulary_version)
    understood = understand(topic, vocab)
    answer = Answer(topic, understood, offset=max(0, offset))
    ranked: list[Candidate] = []
    shared: Standings | None = None
    if understood.skills:
        # One more than the page, to know whether more follow; one more, for the asker left out.
        depth = max(RERANK_DEPTH, answer.offset + page) + 2
        versions = (vocabulary_version or 0, evidence_version or 0)
        shared = standings(session, team_id, understood.skills, depth, versions, sources=evidence)
        ranked = [Candidate(p.member_id, p.score) for p in shared.people if p.user_id != asker]
    if shared is None or not ranked:
        answer.only_asker = shared is not None and any(p.user_id == asker for p in shared.people)
        answer.suggestions = _suggestions(session, team_id, topic, vocab, understood)
        return answer
    ranked = rerank_for(session, team_id, asker_id, ranked, known)
    shown = ranked[answer.offset : answer.offset + page]
    answer.more = len(ranked) > answer.offset + page
    answer.people = _people(session, team_id, shown, shared)
    return answer


def _people(session: Session, team_id: str, shown: list[Candidate], shared: Standings) -> list[Person]:
    """The shown candidates as the standings describe them, with the asker's part added."""
    by_id = {p.member_id: p for p in shared.people}
    reasons = shared.explain(session, team_id, [c.member_id for c in shown])
    names = shared.names()
    unnamed = [c.introducer for c in shown if c.introducer is not None and c.introducer not in names]
    if unnamed:
        rows = session.connection().execute(_NAMED, {"team_id": team_id, "member_ids": unnamed})
        names.update((member_id, user_id) for member_id, user_id in rows)
    people = []
    for candidate in shown:
        standing = by_id[candidate.member_id]
        introducer = names.get(candidate.introducer) if candidate.introducer is not None else None
        why = list(reasons[candidate.member_id])
        people.append(Person(standing.user_id, standing.title, why, candidate.known, introducer))
    return people


def _suggestions(
    session: Session, team_id: str, topic: str, vocab: Vocabulary, understood: Understood
) -> list[str]:
    """Skills people do have whose names are close to what was asked."""
    asked = {s.id for s in understood.skills}
    near = [s for s in vocab.nearest(normalise(topic), limit=6) if s.id not in asked]
    have = with_evidence(session, team_id, [s.id for s in near])
    return [s.label for s in near if s.id in have][:3]
