"""Evidence that someone knows a skill, from pluggable sources, each weighted and decaying with age.

A source answers one indexed query for a few skills of one workspace and says in words what its
evidence shows. The ranker sums strengths per person and knows nothing about any source, so a
new kind of evidence (kudos reasons, say) is one `register(...)` away:

    class KudosSource:
        name = "kudos"
        def gather(self, session, team_id, skill_ids, now): ...   # -> Iterable[Evidence]
        def explain(self, evidence, words): ...                   # -> "kudos from <@U1> for …"

    evidence.register(KudosSource())
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Member
from bot.models.expertise import DECLARED, TITLE, Endorsement, MemberSkill

# Deactivated people and bots are never evidence of anything.
ACTIVE = (Member.deleted.is_(False), Member.is_bot.is_(False))


@dataclass(frozen=True)
class Evidence:
    """One reason to think `member_id` knows `skill_id`."""

    member_id: int
    skill_id: int
    source: str
    strength: float  # weight after time decay
    at: datetime
    by: int | None = None  # the member who vouched, when someone did
    note: str = ""  # what to quote (a title, a kudos reason)


@dataclass(frozen=True)
class Words:
    """What an explanation may name: people's Slack ids and the skills' labels."""

    people: Mapping[int, str]  # member id → Slack user id
    skills: Mapping[int, str]  # skill id → label
    several: bool  # the question named several skills, so say which


class EvidenceSource(Protocol):
    name: str

    def gather(
        self, session: Session, team_id: str, skill_ids: Sequence[int], now: datetime
    ) -> Iterable[Evidence]:
        """Evidence about active members for these skills (one indexed query)."""
        ...

    def explain(self, evidence: Sequence[Evidence], words: Words) -> str:
        """A few words on one person's evidence from this source."""
        ...


def decay(at: datetime, now: datetime, half_life_days: float) -> float:
    """1 for evidence from today, ½ after one half-life; never zero."""
    age = max(0.0, (now - at).total_seconds() / 86400)
    return float(0.5 ** (age / half_life_days))


def _skills_part(evidence: Sequence[Evidence], words: Words) -> str:
    if not words.several:
        return ""
    labels = dict.fromkeys(words.skills.get(e.skill_id, "?") for e in evidence)
    return " " + ", ".join(labels)


class MemberSkillSource:
    """Evidence stored as `member_skill` rows of one kind (declared skills, titles)."""

    def __init__(self, name: str, weight: float, half_life_days: float) -> None:
        self.name = name
        self.weight = weight
        self.half_life_days = half_life_days

    def gather(
        self, session: Session, team_id: str, skill_ids: Sequence[int], now: datetime
    ) -> Iterable[Evidence]:
        rows = session.execute(
            select(
                MemberSkill.member_id,
                MemberSkill.skill_id,
                MemberSkill.weight,
                MemberSkill.updated_at,
                Member.title,
            )
            .join(Member, Member.id == MemberSkill.member_id)
            .where(
                MemberSkill.team_id == team_id,
                MemberSkill.skill_id.in_(skill_ids),
                MemberSkill.source == self.name,
                *ACTIVE,
            )
        )
        for member_id, skill_id, weight, at, title in rows:
            strength = self.weight * weight * decay(at, now, self.half_life_days)
            yield Evidence(member_id, skill_id, self.name, strength, at, note=title)

    def explain(self, evidence: Sequence[Evidence], words: Words) -> str:
        if self.name == TITLE:
            return f"title “{evidence[0].note}”"
        return f"{self.name}{_skills_part(evidence, words)}"


class EndorsementSource:
    """Colleagues vouching: each distinct endorser counts, more than a person's own word."""

    name = "endorsed"
    named = 3  # endorsers named in an explanation

    def __init__(self, weight: float, half_life_days: float) -> None:
        self.weight = weight
        self.half_life_days = half_life_days

    def gather(
        self, session: Session, team_id: str, skill_ids: Sequence[int], now: datetime
    ) -> Iterable[Evidence]:
        rows = session.execute(
            select(
                Endorsement.endorsee_id, Endorsement.skill_id, Endorsement.endorser_id, Endorsement.created_at
            )
            .join(Member, Member.id == Endorsement.endorsee_id)
            .where(Endorsement.team_id == team_id, Endorsement.skill_id.in_(skill_ids), *ACTIVE)
        )
        for member_id, skill_id, endorser_id, at in rows:
            strength = self.weight * decay(at, now, self.half_life_days)
            yield Evidence(member_id, skill_id, self.name, strength, at, by=endorser_id)

    def explain(self, evidence: Sequence[Evidence], words: Words) -> str:
        latest_first = sorted(evidence, key=lambda e: e.at, reverse=True)
        endorsers = list(dict.fromkeys(e.by for e in latest_first if e.by is not None))
        names = [f"<@{words.people[m]}>" for m in endorsers[: self.named] if m in words.people]
        more = len(endorsers) - len(names)
        listed = ", ".join(names) + (f" and {more} more" if more and names else "")
        for_what = f" for{_skills_part(evidence, words)}" if words.several else ""
        return f"endorsed{for_what} by {len(endorsers)}" + (f" ({listed})" if names else "")


DECLARED_SOURCE = MemberSkillSource(DECLARED, weight=1.0, half_life_days=730)
ENDORSED_SOURCE = EndorsementSource(weight=1.5, half_life_days=365)
TITLE_SOURCE = MemberSkillSource(TITLE, weight=0.6, half_life_days=1095)

SOURCES: list[EvidenceSource] = [DECLARED_SOURCE, ENDORSED_SOURCE, TITLE_SOURCE]


def register(source: EvidenceSource) -> None:
    """Add a kind of evidence to every ranking from now on (idempotent by name)."""
    if all(s.name != source.name for s in SOURCES):
        SOURCES.append(source)
