"""What members say they know: declaring and taking back skills, accepting endorsements, and
someone's skills with evidence.

A member decides what their profile shows: `/skills remove X` takes back their declaration and
hides every endorsement of X for them (held ones too), and colleagues' later endorsements of X
wait for their OK; `/skills accept X` shows the endorsements of X that wait for them (or that
they hid). Endorsements waiting for someone are in their own profile only (`profile`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, literal, select, update
from sqlalchemy.orm import Session

from bot.directory.members import ensure_member, find_member
from bot.expertise import channel_evidence
from bot.expertise.channel_evidence import Inferred
from bot.expertise.evidence import Sources, lock, refresh, score_at
from bot.expertise.names import Named, normalise, parse_skills
from bot.expertise.vocabulary import ensure_skills, list_skills, skill_rows, vocabulary
from bot.models import Member, UTCDateTime
from bot.models.expertise import (
    DECLARED,
    HELD,
    HIDDEN,
    PROFILE,
    SHOWN,
    TITLE,
    DeclinedSkill,
    Endorsement,
    MemberSkill,
)
from bot.models.expertise import Skill as SkillRow
from bot.platform.storage import insert_ignore, insert_many_ignore

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
    """What `/skills add`, `remove` or `accept` did, and the person's declared skills after it."""

    done: list[Named] = field(default_factory=list)  # added, removed, or accepted
    unchanged: list[Named] = field(default_factory=list)  # already declared, or nothing to remove or accept
    rejected: list[str] = field(default_factory=list)  # not skill names
    declared: list[str] = field(default_factory=list)  # labels, after the change
    truncated: bool = False  # more skills than one command takes
    # Label → Slack ids of the colleagues whose endorsements were hidden (remove) or accepted.
    endorsers: dict[str, list[str]] = field(default_factory=dict)


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
    if ids:
        lock(session, team_id)  # (after creating skills, before evidence: `evidence.lock`)
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
    before = _declared_ids(session, team_id, member.id)
    insert_many_ignore(session, MemberSkill, rows, ["member_id", "skill_id", "source"])
    if before & set(ids.values()):  # declaring again says "still true": evidence is fresh again
        session.execute(
            update(MemberSkill)
            .where(
                MemberSkill.team_id == team_id,
                MemberSkill.member_id == member.id,
                MemberSkill.source == DECLARED,
                MemberSkill.skill_id.in_(before & set(ids.values())),
            )
            .values(updated_at=now, score=score_at(1.0, now))
        )
    if ids:  # declaring a skill one took off says it is welcome again
        session.execute(
            delete(DeclinedSkill).where(
                DeclinedSkill.team_id == team_id,
                DeclinedSkill.member_id == member.id,
                DeclinedSkill.skill_id.in_(list(ids.values())),
            )
        )
    refresh(session, team_id, [(member.id, skill_id) for skill_id in ids.values()], sources=evidence)
    result = Changed(rejected=parsed.rejected, truncated=len(parsed.named) > MAX_PER_COMMAND)
    for n in named:
        (result.unchanged if ids[n.key] in before else result.done).append(n)
    result.declared = declared_labels(session, team_id, member.id)
    return result


def remove(
    session: Session, team_id: str, user_id: str, text: str, now: datetime, *, evidence: Sources
) -> Changed:
    """Take skills off one's profile: the declaration goes, and every endorsement of them (shown or
    waiting) is hidden; colleagues' later endorsements of them wait for the person's OK."""
    vocab = vocabulary(session, team_id)
    parsed = parse_skills(text, vocab, limit=MAX_PER_COMMAND)
    result = Changed(rejected=parsed.rejected)
    member = find_member(session, team_id, user_id)
    if member is not None and parsed.named:
        lock(session, team_id)  # an `/endorse` of these skills running now finishes first, or waits
    for n, skill_id in _own(session, team_id, parsed.named):
        if member is None or skill_id is None:
            result.unchanged.append(n)
            continue
        taken_back = session.execute(
            delete(MemberSkill).where(
                MemberSkill.team_id == team_id,
                MemberSkill.member_id == member.id,
                MemberSkill.skill_id == skill_id,
                MemberSkill.source == DECLARED,
            )
        ).rowcount  # type: ignore[attr-defined]
        hidden = _set_status(session, team_id, member.id, skill_id, (SHOWN, HELD), HIDDEN, now)
        # The profile (or HR) may list it, channels may have shown it: off the profile too.
        listed = _listed_by_profile(session, team_id, member.id, skill_id)
        inferred = channel_evidence.hide(
            session, team_id, member.id, skill_id, evidence=evidence, only_if_shown=True
        )
        if not taken_back and not hidden and not listed and not inferred:
            result.unchanged.append(n)
            continue
        declined = {"team_id": team_id, "member_id": member.id, "skill_id": skill_id, "created_at": now}
        insert_ignore(session, DeclinedSkill, declined, ["member_id", "skill_id"])
        refresh(session, team_id, [(member.id, skill_id)], sources=evidence)
        result.done.append(n)
        if hidden:
            result.endorsers[n.label] = hidden
    result.declared = declared_labels(session, team_id, member.id) if member else []
    return result


def _listed_by_profile(session: Session, team_id: str, member_id: int, skill_id: int) -> bool:
    found = session.scalar(
        select(MemberSkill.id).where(
            MemberSkill.team_id == team_id,
            MemberSkill.member_id == member_id,
            MemberSkill.skill_id == skill_id,
            MemberSkill.source == PROFILE,
        )
    )
    return found is not None


def accept(
    session: Session, team_id: str, user_id: str, text: str, now: datetime, *, evidence: Sources
) -> Changed:
    """Show the endorsements of these skills that wait for the person (or that they hid)."""
    vocab = vocabulary(session, team_id)
    parsed = parse_skills(text, vocab, limit=MAX_PER_COMMAND)
    result = Changed(rejected=parsed.rejected)
    member = find_member(session, team_id, user_id)
    if member is not None and parsed.named:
        lock(session, team_id)  # (before the endorsements' rows: `evidence.lock`)
    for n, skill_id in _own(session, team_id, parsed.named):
        if member is None or skill_id is None:
            result.unchanged.append(n)
            continue
        shown = _set_status(session, team_id, member.id, skill_id, (HELD, HIDDEN), SHOWN, now)
        if not shown:
            result.unchanged.append(n)
            continue
        wanted(session, team_id, member.id, skill_id)
        refresh(session, team_id, [(member.id, skill_id)], sources=evidence)
        result.done.append(n)
        result.endorsers[n.label] = shown
    result.declared = declared_labels(session, team_id, member.id) if member else []
    return result


def wanted(session: Session, team_id: str, member_id: int, skill_id: int) -> None:
    """The member wants a skill shown: it is listed, and no longer one they took off."""
    list_skills(session, team_id, {skill_id: None})
    session.execute(
        delete(DeclinedSkill).where(
            DeclinedSkill.team_id == team_id,
            DeclinedSkill.member_id == member_id,
            DeclinedSkill.skill_id == skill_id,
        )
    )


def _own(session: Session, team_id: str, named: Sequence[Named]) -> list[tuple[Named, int | None]]:
    """The skill ids of names someone typed about their own profile, listed or not (a skill named
    only in endorsements waiting for them is not in the vocabulary): as typed first, else as
    corrected."""
    typed = {n.key: normalise(n.typed) for n in named}
    found = skill_rows(session, team_id, {*typed, *typed.values()})
    out: list[tuple[Named, int | None]] = []
    for n in named:
        row = found.get(typed[n.key]) or found.get(n.key)
        out.append((n, row[0] if row else None))
    return out


def _set_status(
    session: Session,
    team_id: str,
    member_id: int,
    skill_id: int,
    statuses: Collection[str],
    status: str,
    now: datetime,
) -> list[str]:
    """Give the member's endorsements of a skill that have one of `statuses` the new `status`;
    returns the Slack ids of their endorsers, earliest first."""
    mine = (
        Endorsement.team_id == team_id,
        Endorsement.endorsee_id == member_id,
        Endorsement.skill_id == skill_id,
        Endorsement.status.in_(list(statuses)),
    )
    endorsers = list(
        session.scalars(
            select(Member.user_id)
            .join(Endorsement, Endorsement.endorser_id == Member.id)
            .where(Member.team_id == team_id, *mine)
            .order_by(Endorsement.created_at, Endorsement.id)
        )
    )
    if endorsers:  # (and they have seen it now: no digest will tell them of it again)
        session.execute(
            update(Endorsement)
            .where(*mine)
            .values(
                status=status, notified_at=func.coalesce(Endorsement.notified_at, literal(now, UTCDateTime))
            )
            .execution_options(synchronize_session=False)
        )
    return endorsers


def _declared_ids(session: Session, team_id: str, member_id: int) -> set[int]:
    return set(
        session.scalars(
            select(MemberSkill.skill_id).where(
                MemberSkill.team_id == team_id,
                MemberSkill.member_id == member_id,
                MemberSkill.source == DECLARED,
            )
        )
    )


def declared_labels(session: Session, team_id: str, member_id: int) -> list[str]:
    rows = session.scalars(
        select(SkillRow.label)
        .join(MemberSkill, MemberSkill.skill_id == SkillRow.id)
        .where(
            MemberSkill.team_id == team_id,
            MemberSkill.member_id == member_id,
            MemberSkill.source == DECLARED,
        )
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
    from_profile: bool = False  # the Slack profile's skills field (or HR's CSV) lists it
    endorsers: list[str] = field(default_factory=list)  # Slack ids, earliest first


@dataclass
class Waiting:
    """An endorsement waiting for the person's OK: the skill and who endorsed them for it."""

    label: str
    endorsers: list[str] = field(default_factory=list)  # Slack ids, earliest first


@dataclass
class Profile:
    member: Member
    skills: list[Held]
    waiting: list[Waiting] = field(default_factory=list)  # only ever in one's own profile
    inferred: list[Inferred] = field(default_factory=list)  # what public channels showed


def profile(session: Session, team_id: str, user_id: str, *, viewer: str = "") -> Profile | None:
    """A member's skills, most vouched-for first, as `viewer` (a Slack id) may see them: shown
    endorsements only, and the ones waiting for the member when they look at their own. None when
    the directory does not know them."""
    member = find_member(session, team_id, user_id)
    if member is None:
        return None
    held_by_id: dict[int, Held] = {}
    rows = session.execute(
        select(SkillRow.id, SkillRow.label, MemberSkill.source)
        .join(MemberSkill, MemberSkill.skill_id == SkillRow.id)
        .where(MemberSkill.team_id == team_id, MemberSkill.member_id == member.id)
    )
    declined = set(
        session.scalars(
            select(DeclinedSkill.skill_id).where(
                DeclinedSkill.team_id == team_id, DeclinedSkill.member_id == member.id
            )
        )
    )
    for skill_id, label, source in rows:
        if source == PROFILE and skill_id in declined:
            continue  # the profile lists it, the person took it off: not shown, not counted
        entry = held_by_id.setdefault(skill_id, Held(label))
        entry.declared |= source == DECLARED
        entry.from_title |= source == TITLE
        entry.from_profile |= source == PROFILE
    mine = viewer == user_id
    endorsements = session.execute(
        select(SkillRow.id, SkillRow.label, Member.user_id, Endorsement.status)
        .join(Endorsement, Endorsement.skill_id == SkillRow.id)
        .join(Member, Member.id == Endorsement.endorser_id)
        .where(
            Endorsement.team_id == team_id,
            Endorsement.endorsee_id == member.id,
            Endorsement.status.in_([SHOWN, HELD] if mine else [SHOWN]),
        )
        .order_by(Endorsement.created_at, Endorsement.id)
    )
    waiting: dict[int, Waiting] = {}
    for skill_id, label, endorser, status in endorsements:
        if status == SHOWN:
            held_by_id.setdefault(skill_id, Held(label)).endorsers.append(endorser)
        elif mine:
            waiting.setdefault(skill_id, Waiting(label)).endorsers.append(endorser)
    skills = sorted(
        held_by_id.values(), key=lambda h: (-len(h.endorsers), not h.declared, h.label.casefold())
    )
    waits = sorted(waiting.values(), key=lambda w: w.label.casefold())
    return Profile(member, skills, waits, channel_evidence.inferred(session, team_id, member.id))


def hide_inferred(
    session: Session, team_id: str, user_id: str, skill_value: str, *, evidence: Sources
) -> bool:
    """The person hides one skill public channels showed about them (a click: the skill's id)."""
    member = find_member(session, team_id, user_id)
    if member is None or not skill_value.isdigit() or len(skill_value) > 18:
        return False
    return channel_evidence.hide(session, team_id, member.id, int(skill_value), evidence=evidence)
