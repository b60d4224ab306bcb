"""`/whoknows`: the colleagues who know a topic, best first, and why.

The topic is understood against the workspace's cached vocabulary (no query), each evidence
source answers one indexed query, strengths are summed per person, and only the page shown is
looked up in the directory. The asker's part is a cheap re-rank of the top candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.expertise import acquaintances
from bot.expertise.acquaintances import Acquaintances, KnownPeople
from bot.expertise.evidence import SOURCES, Evidence, EvidenceSource, Words
from bot.expertise.names import Understood, normalise, understand
from bot.expertise.vocabulary import held, vocabulary
from bot.models import Member

PAGE = 5
RERANK_DEPTH = 25  # the asker's acquaintances are looked for among this many
KNOWN_BOOST = 1.25  # someone the asker knows ranks as if their evidence were this much stronger


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
    total: int = 0  # how many people were found in all
    suggestions: list[str] = field(default_factory=list)  # skills that exist, when nobody was found

    @property
    def more(self) -> int:
        """How many people come after this page."""
        return max(0, self.total - self.offset - len(self.people))


def rank(
    session: Session,
    team_id: str,
    skill_ids: Sequence[int],
    now: datetime,
    *,
    sources: Sequence[EvidenceSource] | None = None,
) -> list[Candidate]:
    """Everyone with evidence for any of the skills, strongest first (the shared, per-topic part)."""
    by_member: dict[int, Candidate] = {}
    for source in SOURCES if sources is None else sources:
        for item in source.gather(session, team_id, skill_ids, now):
            candidate = by_member.setdefault(item.member_id, Candidate(item.member_id, 0.0))
            candidate.score += item.strength
            candidate.evidence.append(item)
    return sorted(by_member.values(), key=lambda c: (-c.score, c.member_id))


def rerank_for(
    session: Session, team_id: str, asker_id: int | None, ranked: list[Candidate], known: KnownPeople
) -> list[Candidate]:
    """Lift the people the asker knows among the top candidates, and note who could introduce."""
    top = ranked[:RERANK_DEPTH]
    if asker_id is None or not top:
        return ranked
    found: Acquaintances = known(session, team_id, asker_id, [c.member_id for c in top])
    for candidate in top:
        candidate.known = candidate.member_id in found.known
        if candidate.known:
            candidate.score *= KNOWN_BOOST
        else:
            candidate.introducer = found.introducers.get(candidate.member_id)
    return sorted(top, key=lambda c: (-c.score, c.member_id)) + ranked[RERANK_DEPTH:]


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
    """The page of colleagues who know `topic`, for the asker with Slack id `asker`."""
    vocab = vocabulary(session, team_id)
    understood = understand(topic, vocab)
    answer = Answer(topic, understood, offset=max(0, offset))
    sources = SOURCES if sources is None else sources
    ranked: list[Candidate] = []
    if understood.skills:
        ranked = rank(session, team_id, [s.id for s in understood.skills], now, sources=sources)
    asker_id = session.scalar(select(Member.id).where(Member.team_id == team_id, Member.user_id == asker))
    ranked = [c for c in ranked if c.member_id != asker_id]
    if not ranked:
        answer.suggestions = _suggestions(session, team_id, topic, understood)
        return answer
    ranked = rerank_for(session, team_id, asker_id, ranked, known or acquaintances.current())
    answer.total = len(ranked)
    shown = ranked[answer.offset : answer.offset + page]
    answer.people = _people(session, team_id, shown, understood, sources)
    return answer


def _people(
    session: Session,
    team_id: str,
    shown: list[Candidate],
    understood: Understood,
    sources: Sequence[EvidenceSource],
) -> list[Person]:
    """The page's people with their reasons; one directory query for them and whoever they name."""
    named = {c.member_id for c in shown} | {c.introducer for c in shown if c.introducer}
    named |= {e.by for c in shown for e in c.evidence if e.by is not None}
    rows = session.execute(
        select(Member.id, Member.user_id, Member.title).where(Member.team_id == team_id, Member.id.in_(named))
    )
    directory = {member_id: (user_id, title) for member_id, user_id, title in rows}
    words = Words(
        people={m: user_id for m, (user_id, _) in directory.items()},
        skills={s.id: s.label for s in understood.skills},
        several=len(understood.skills) > 1,
    )
    by_name = {s.name: s for s in sources}
    people = []
    for candidate in shown:
        if candidate.member_id not in directory:
            continue
        user_id, title = directory[candidate.member_id]
        reasons = []
        by_source: dict[str, list[Evidence]] = {}
        for item in candidate.evidence:
            by_source.setdefault(item.source, []).append(item)
        for name, items in sorted(by_source.items(), key=lambda kv: -sum(e.strength for e in kv[1])):
            source = by_name.get(name)
            reasons.append(source.explain(items, words) if source else name)
        introducer = words.people.get(candidate.introducer) if candidate.introducer else None
        people.append(Person(user_id, title, reasons, candidate.known, introducer))
    return people


def _suggestions(session: Session, team_id: str, topic: str, understood: Understood) -> list[str]:
    """Skills people do have whose names are close to what was asked."""
    vocab = vocabulary(session, team_id)
    asked = {s.id for s in understood.skills}
    near = [s for s in vocab.nearest(normalise(topic), limit=6) if s.id not in asked]
    have = held(session, team_id, [s.id for s in near])
    return [s.label for s in near if s.id in have][:3]
