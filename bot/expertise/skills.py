"""What members say they know: declaring and taking back skills, and someone's skills with evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.directory.members import ensure_member, find_member
from bot.expertise.evidence import Sources, refresh, score_at
from bot.expertise.names import Named, parse_skills
from bot.expertise.vocabulary import ensure_skills, vocabulary
from bot.models import Member
from bot.models.expertise import DECLARED, TITLE, Endorsement, MemberSkill
from bot.models.expertise import Skill as SkillRow
from bot.platform.storage import insert_many_ignore

# --------------------------------------------------------------------------------------------
# The person typing a command
# --------------------------------------------------------------------------------------------


def member_for(session: Session, team_id: str, user_id: str, now: datetime, name: str = "") -> Member:
    """The member typing a command; someone the directory sync has not reached yet is added."""
    return ensure_member(session, team_id, user_id, now, name)


# --------------------------------------------------------------------------------------------
# Declaring skills
# --------------------------------------------------------------------------------------------


@dataclass
class Changed:
    """What `/skills add` or `/skills remove` did, and the person's declared skills after it."""

    done: list[Named] = field(default_factory=list)  # added, or removed
    unchanged: list[Named] = field(default_factory=list)  # already declared, or never declared
    rejected: list[str] = field(default_factory=list)  # not skill names
    declared: list[str] = field(default_factory=list)  # labels, after the change
    truncated: bool = False  # more skills than one command takes


MAX_PER_COMMAND = 20


def add(
    session: Session,
    team_id: str,
    user_id: str,
    text: str,
    now: datetime,
    *,
    evidence: Sources,
    name: str = "",
) -> Changed:
    """Declare the skills listed in `text` (canonically: "k8s" is stored as Kubernetes)."""
    vocab = vocabulary(session, team_id)
    parsed = parse_skills(text, vocab, limit=MAX_PER_COMMAND + 1)
    named = parsed.named[:MAX_PER_COMMAND]
    member = member_for(session, team_id, user_id, now, name)
    ids = ensure_skills(session, team_id, ((n.key, n.label) for n in named), now)
    rows = [
        {
            "team_id": team_id,
            "member_id": member.id,
            "skill_id": ids[n.key],
            "source": DECLARED,
            "weight": 1.0,
            "updated_at": now,
            "score": score_at(1.0, now),
        }
        for n in named
    ]
    before = _declared_ids(session, member.id)
    insert_many_ignore(session, MemberSkill, rows, ["member_id", "skill_id", "source"])
    if before & set(ids.values()):  # declaring again says "still true": evidence is fresh again
        session.execute(
            update(MemberSkill)
            .where(
                MemberSkill.member_id == member.id,
                MemberSkill.source == DECLARED,
                MemberSkill.skill_id.in_(before & set(ids.values())),
            )
            .values(updated_at=now, score=score_at(1.0, now))
        )
    refresh(session, team_id, [(member.id, skill_id) for skill_id in ids.values()], sources=evidence)
    result = Changed(rejected=parsed.rejected, truncated=len(parsed.named) > MAX_PER_COMMAND)
    for n in named:
        (result.unchanged if ids[n.key] in before else result.done).append(n)
    result.declared = declared_labels(session, member.id)
    return result


def remove(
    session: Session, team_id: str, user_id: str, text: str, now: datetime, *, evidence: Sources
) -> Changed:
    """Take back declared skills (endorsements by others stay: they are theirs)."""
    vocab = vocabulary(session, team_id)
    parsed = parse_skills(text, vocab, limit=MAX_PER_COMMAND)
    result = Changed(rejected=parsed.rejected)
    member = find_member(session, team_id, user_id)
    declared = _declared_ids(session, member.id) if member else set()
    for n in parsed.named:
        skill = n.existing
        if member is None or skill is None or skill.id not in declared:
            result.unchanged.append(n)
            continue
        session.execute(
            delete(MemberSkill).where(
                MemberSkill.member_id == member.id,
                MemberSkill.skill_id == skill.id,
                MemberSkill.source == DECLARED,
            )
        )
        refresh(session, team_id, [(member.id, skill.id)], sources=evidence)
        result.done.append(n)
    result.declared = declared_labels(session, member.id) if member else []
    return result


def _declared_ids(session: Session, member_id: int) -> set[int]:
    return set(
        session.scalars(
            select(MemberSkill.skill_id).where(
                MemberSkill.member_id == member_id, MemberSkill.source == DECLARED
            )
        )
    )


def declared_labels(session: Session, member_id: int) -> list[str]:
    rows = session.scalars(
        select(SkillRow.label)
        .join(MemberSkill, MemberSkill.skill_id == SkillRow.id)
        .where(MemberSkill.member_id == member_id, MemberSkill.source == DECLARED)
    )
    return sorted(rows, key=str.casefold)


# --------------------------------------------------------------------------------------------
# Someone's skills, with the evidence for each
# --------------------------------------------------------------------------------------------


@dataclass
class Held:
    label: str
    declared: bool = False
    from_title: bool = False
    endorsers: list[str] = field(default_factory=list)  # Slack ids, earliest first


@dataclass
class Profile:
    member: Member
    skills: list[Held]


def profile(session: Session, team_id: str, user_id: str) -> Profile | None:
    """A member's skills, most vouched-for first; None when the directory does not know them."""
    member = find_member(session, team_id, user_id)
    if member is None:
        return None
    held_by_id: dict[int, Held] = {}
    rows = session.execute(
        select(SkillRow.id, SkillRow.label, MemberSkill.source)
        .join(MemberSkill, MemberSkill.skill_id == SkillRow.id)
        .where(MemberSkill.member_id == member.id)
    )
    for skill_id, label, source in rows:
        entry = held_by_id.setdefault(skill_id, Held(label))
        entry.declared |= source == DECLARED
        entry.from_title |= source == TITLE
    endorsements = session.execute(
        select(SkillRow.id, SkillRow.label, Member.user_id)
        .join(Endorsement, Endorsement.skill_id == SkillRow.id)
        .join(Member, Member.id == Endorsement.endorser_id)
        .where(Endorsement.endorsee_id == member.id)
        .order_by(Endorsement.created_at, Endorsement.id)
    )
    for skill_id, label, endorser in endorsements:
        held_by_id.setdefault(skill_id, Held(label)).endorsers.append(endorser)
    skills = sorted(
        held_by_id.values(), key=lambda h: (-len(h.endorsers), not h.declared, h.label.casefold())
    )
    return Profile(member, skills)
