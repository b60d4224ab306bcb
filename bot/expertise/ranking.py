"""`/whoknows`: the colleagues who know a topic, best first, and why.

One statement reads the workspace's versions and the asker's member id; the topic is understood
against the cached vocabulary; the strongest people and their evidence in words come from the
cached standings (`standings`), the same for every asker; the asker's part is a cheap re-rank of
the top few (one call to the `KnownPeople` it is given: the relationship log's, from the
composition root). An answer whose standings are cached costs two statements.

A question is read by `names.understand`: its filler dropped (`names.question`), split into
parts ("react and typescript"), each part widened through the skill graph to the team's skills
under it and related to it (from the in-memory catalog). People are ranked by tier, then by
evidence (`standings.Standing.tier`): the parts they match by name, then the parts they match at
all (a skill under a part counts at a discount); a related skill only adds a little for someone
a part already matched. Each widened match says why ("knows *Kubernetes* — container
orchestration"), and a several-part answer says what each person covers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.expertise import unanswered
from bot.expertise.evidence import Sources
from bot.expertise.names import (
    UNDER,
    Related,
    Skill,
    Understood,
    Vocabulary,
    catalog,
    normalise,
    question,
    understand,
)
from bot.expertise.names import Part as NamedPart
from bot.expertise.standings import Part, Standings, standings
from bot.expertise.vocabulary import EVIDENCE_VERSION, VERSION, vocabulary, with_evidence
from bot.models import Member
from bot.platform.db import Database
from bot.platform.mrkdwn import escape
from bot.platform.storage import in_ids, rows
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
    tier: tuple[int, int] = (1, 1)  # (parts matched directly, parts matched at all): first


def _order(candidate: Candidate) -> tuple[int, int, float]:
    return (-candidate.tier[0], -candidate.tier[1], -candidate.score)


@dataclass
class Person:
    """One colleague in the answer, ready to show."""

    user_id: str
    title: str
    reasons: list[str]
    known: bool = False  # the asker already knows them
    introducer: str | None = None  # Slack id of a mutual contact who could introduce them
    covers: list[str] = field(default_factory=list)  # the parts of the question they match
    related: list[str] = field(default_factory=list)  # "knows *Kubernetes* — container orchestration"


@dataclass
class Answer:
    topic: str  # as asked
    understood: Understood
    people: list[Person] = field(default_factory=list)
    offset: int = 0  # how many came before this page
    more: bool = False  # someone comes after this page
    suggestions: list[str] = field(default_factory=list)  # skills that exist, when nobody was found
    only_asker: bool = False  # nobody was found but the asker themself
    unanswered: str = ""  # the topic to count as one nobody could answer ("" when answered)
    parts: int = 1  # the parts of the question someone here may match ("react and typescript": 2)


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
    return sorted(top, key=_order) + ranked[RERANK_DEPTH:]


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
    (state,) = rows(session, _STATE, {"team_id": team_id, "user_id": asker})
    vocabulary_version, evidence_version, asker_id = state
    vocab = vocabulary(session, team_id, vocabulary_version)
    understood = understand(topic, vocab)
    answer = Answer(topic, understood, offset=max(0, offset))
    ranked: list[Candidate] = []
    shared: Standings | None = None
    parts = _parts(understood)
    answer.parts = max(1, len(parts))
    if parts:
        # One more than the page, to know whether more follow; one more, for the asker left out.
        depth = max(RERANK_DEPTH, answer.offset + page) + 2
        versions = (vocabulary_version or 0, evidence_version or 0)
        asked = _skills(understood)
        shared = standings(
            session, team_id, asked, depth, versions, sources=evidence, parts=parts, graph=catalog().version
        )
        ranked = [Candidate(p.member_id, p.score, tier=p.tier) for p in shared.people if p.user_id != asker]
    if shared is None or not ranked:
        answer.only_asker = shared is not None and any(p.user_id == asker for p in shared.people)
        answer.suggestions = _suggestions(session, team_id, topic, vocab, understood)
        if asker_id is not None and not answer.only_asker and answer.offset == 0:
            answer.unanswered = unanswered.topic_of(topic, understood.names)
        return answer
    ranked = rerank_for(session, team_id, asker_id, ranked, known)
    shown = ranked[answer.offset : answer.offset + page]
    answer.more = len(ranked) > answer.offset + page
    answer.people = _people(session, team_id, shown, shared, understood)
    return answer


def _parts(understood: Understood) -> tuple[Part, ...]:
    """The question's parts as the standings take them; () when nothing asked is held here."""
    parts = tuple(
        (
            tuple(s.id for s in p.skills),
            tuple(r.skill.id for r in p.related if r.kind == UNDER),
            tuple(r.skill.id for r in p.related if r.kind != UNDER),
        )
        for p in _asked(understood)
    )
    if not parts and understood.skills:  # (built by hand, without parts)
        parts = ((tuple(s.id for s in understood.skills), (), ()),)
    return parts


def _asked(understood: Understood) -> list[NamedPart]:
    """The parts of the question someone may match: by name, or by a skill under it."""
    return [p for p in understood.parts if p.skills or any(r.kind == UNDER for r in p.related)]


def _skills(understood: Understood) -> list[Skill]:
    found = list(understood.skills)
    for part in understood.parts:
        found += [r.skill for r in part.related if r.skill not in found]
    return found


def _relation(related: Related) -> str:
    """Why a related skill counts: "knows *Kubernetes* — container orchestration", "also knows
    *Kubernetes* — often together with Atlas here" (learned by the workspace)."""
    words = related.of.split()
    concept = related.of
    if len(words) > 1 and related.of[1:] == related.of[1:].lower():  # a concept, not a name
        concept = related.of[0].lower() + related.of[1:]
    if related.kind == UNDER:
        return f"knows *{escape(related.skill.label)}* — {escape(concept)}"
    if related.how:  # linked by the workspace itself (`learned`): "often together with Atlas here"
        from bot.models.expertise import NAMED_TOGETHER

        together = "often named with" if related.how == NAMED_TOGETHER else "often together with"
        return f"also knows *{escape(related.skill.label)}* — {together} {escape(related.of)} here"
    return f"also knows *{escape(related.skill.label)}* — related to {escape(concept)}"


def _people(
    session: Session, team_id: str, shown: list[Candidate], shared: Standings, understood: Understood
) -> list[Person]:
    """The shown candidates as the standings describe them, with the asker's part added."""
    by_id = {p.member_id: p for p in shared.people}
    asked = _asked(understood)
    relations = {r.skill.id: r for p in asked for r in p.related}
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
        person = Person(standing.user_id, standing.title, why, candidate.known, introducer)
        person.related = [_relation(relations[i]) for i in (*standing.via, *standing.also) if i in relations]
        if len(asked) > 1:
            person.covers = [asked[i].name for i in standing.covers if i < len(asked)]
        people.append(person)
    return people


def ask(
    db: Database,
    team_id: str,
    asker: str,
    topic: str,
    now: datetime,
    *,
    evidence: Sources,
    known: KnownPeople,
    offset: int = 0,
    later: Callable[[Callable[[], None]], Any] | None = None,
) -> Answer:
    """`who_knows` in a read, and a question nobody could answer counted (topic only) with
    `count_unanswered`, now or (`later`) by whoever is given it once the answer has left."""
    with db.read() as session:
        answer = who_knows(session, team_id, asker, topic, now, evidence=evidence, known=known, offset=offset)
    if answer.unanswered:
        count = functools.partial(count_unanswered, db, team_id, answer.unanswered, now)
        if later is None:
            count()
        else:
            later(count)
    return answer


def count_unanswered(db: Database, team_id: str, topic: str, now: datetime) -> None:
    with db.write() as session:
        unanswered.record(session, team_id, topic, now)


def _suggestions(
    session: Session, team_id: str, topic: str, vocab: Vocabulary, understood: Understood
) -> list[str]:
    """Skills people do have that are near what was asked: in the skill graph (related, under the
    same broader skill), then by name."""
    asked = {s.id for s in understood.skills}
    table = catalog()
    graph = [vocab.by_key.get(k) for p in understood.parts for k in table.nearby(p.key)]
    by_name = vocab.nearest(normalise(question(topic) or topic), limit=6)
    near = [s for s in dict.fromkeys([*graph, *by_name]) if s is not None and s.id not in asked][:12]
    have = with_evidence(session, team_id, [s.id for s in near])
    return [s.label for s in near if s.id in have][:3]
