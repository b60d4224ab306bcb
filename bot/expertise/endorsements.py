"""Colleagues vouching for each other's skills, and telling the endorsed person about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from bot import people
from bot.expertise.evidence import refresh, score_at
from bot.expertise.names import parse_skills
from bot.expertise.skills import MAX_PER_COMMAND, member_for
from bot.expertise.vocabulary import ensure_skills, vocabulary
from bot.models import Member
from bot.models.expertise import Endorsement
from bot.models.expertise import Skill as SkillRow
from bot.storage import insert_many_ignore

MAX_PEOPLE = 10


@dataclass
class Endorsed:
    """What `/endorse` did, person by person (Slack ids) and skill by skill (labels)."""

    skills: list[str] = field(default_factory=list)  # what was understood, canonical labels
    stored: dict[str, list[str]] = field(default_factory=dict)  # new endorsements
    already: dict[str, list[str]] = field(default_factory=dict)  # endorsed before
    refused: list[tuple[str, str]] = field(default_factory=list)  # (Slack id, why not)
    rejected: list[str] = field(default_factory=list)  # pieces that are not skill names


def endorse(
    session: Session,
    team_id: str,
    endorser_user: str,
    endorsees: Sequence[str],
    text: str,
    now: datetime,
    *,
    name: str = "",
) -> Endorsed:
    """Store one endorsement per endorser, person and skill; refuse oneself, bots and the departed."""
    vocab = vocabulary(session, team_id)
    parsed = parse_skills(text, vocab, limit=MAX_PER_COMMAND)
    result = Endorsed(skills=[n.label for n in parsed.named], rejected=parsed.rejected)
    endorser = member_for(session, team_id, endorser_user, now, name)
    found = people.resolve(session, team_id, list(endorsees)[:MAX_PEOPLE])
    result.refused += [(user_id, "unknown") for user_id in found.unknown]
    result.refused += [(m.user_id, "bot" if m.is_bot else "deactivated") for m in found.inactive]
    targets = []
    for member in found.active:
        if member.id == endorser.id:
            result.refused.append((member.user_id, "self"))
        else:
            targets.append(member)
    if not targets or not parsed.named:
        return result
    ids = ensure_skills(session, team_id, ((n.key, n.label) for n in parsed.named), now)
    earlier = session.execute(
        select(Endorsement.endorsee_id, Endorsement.skill_id).where(
            Endorsement.endorser_id == endorser.id,
            Endorsement.endorsee_id.in_([m.id for m in targets]),
            Endorsement.skill_id.in_(list(ids.values())),
        )
    )
    before = {(endorsee_id, skill_id) for endorsee_id, skill_id in earlier}
    rows = [
        {
            "team_id": team_id,
            "endorser_id": endorser.id,
            "endorsee_id": member.id,
            "skill_id": ids[n.key],
            "created_at": now,
            "score": score_at(1.0, now),
        }
        for member in targets
        for n in parsed.named
    ]
    insert_many_ignore(session, Endorsement, rows, ["endorser_id", "endorsee_id", "skill_id"])
    refresh(session, team_id, [(m.id, skill_id) for m in targets for skill_id in ids.values()])
    for member in targets:
        for n in parsed.named:
            seen = (member.id, ids[n.key]) in before
            (result.already if seen else result.stored).setdefault(member.user_id, []).append(n.label)
    return result


@dataclass
class Notice:
    """Tell `endorsee` that `endorser` vouched for `skills` (the endorsement rows `ids`)."""

    endorsee: str
    endorser: str
    skills: list[str]
    ids: list[int]


def claim_notices(session: Session, team_id: str, endorser_user: str, now: datetime) -> list[Notice]:
    """Claim the endorser's endorsements nobody was told about yet, one notice per endorsed person.

    Claiming marks them told, so a repeated or concurrent claim finds nothing; `release` undoes it
    when the message could not be sent.
    """
    endorser = people.find_member(session, team_id, endorser_user)
    if endorser is None:
        return []
    claimed = list(
        session.scalars(
            update(Endorsement)
            .where(
                Endorsement.team_id == team_id,
                Endorsement.endorser_id == endorser.id,
                Endorsement.notified_at.is_(None),
            )
            .values(notified_at=now)
            .returning(Endorsement.id)
        )
    )
    if not claimed:
        return []
    endorsee = aliased(Member)
    rows = session.execute(
        select(Endorsement.id, endorsee.user_id, SkillRow.label)
        .join(endorsee, endorsee.id == Endorsement.endorsee_id)
        .join(SkillRow, SkillRow.id == Endorsement.skill_id)
        .where(Endorsement.id.in_(claimed), endorsee.deleted.is_(False), endorsee.is_bot.is_(False))
        .order_by(Endorsement.id)
    )
    notices: dict[str, Notice] = {}
    for endorsement_id, user_id, label in rows:
        notice = notices.setdefault(user_id, Notice(user_id, endorser_user, [], []))
        notice.skills.append(label)
        notice.ids.append(endorsement_id)
    return list(notices.values())


def release(session: Session, notice: Notice) -> None:
    """The notice was not delivered: leave it for a later attempt (or the daily digest)."""
    session.execute(update(Endorsement).where(Endorsement.id.in_(notice.ids)).values(notified_at=None))
