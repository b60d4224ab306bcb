"""Colleagues vouching for each other's skills.

The endorsed person hears of it in their next daily digest (`bot.nudges.sources.endorsements`), which
claims each endorsement once through its `notified_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.members import resolve
from bot.expertise.evidence import Sources, refresh, score_at
from bot.expertise.names import parse_skills
from bot.expertise.skills import MAX_PER_COMMAND, member_for
from bot.expertise.vocabulary import ensure_skills, vocabulary
from bot.models.expertise import Endorsement
from bot.platform.storage import insert_many_ignore
from bot.relationships import cadences

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
    evidence: Sources,
    name: str = "",
) -> Endorsed:
    """Store one endorsement per endorser, person and skill; refuse oneself, bots and the departed."""
    vocab = vocabulary(session, team_id)
    parsed = parse_skills(text, vocab, limit=MAX_PER_COMMAND)
    result = Endorsed(skills=[n.label for n in parsed.named], rejected=parsed.rejected)
    endorser = member_for(session, team_id, endorser_user, now, name)
    found = resolve(session, team_id, list(endorsees)[:MAX_PEOPLE])
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
    refresh(
        session, team_id, [(m.id, skill_id) for m in targets for skill_id in ids.values()], sources=evidence
    )
    for member in targets:
        for n in parsed.named:
            seen = (member.id, ids[n.key]) in before
            (result.already if seen else result.stored).setdefault(member.user_id, []).append(n.label)
    # Vouching for someone is being in touch with them: keep-in-touch cadences start over.
    contacted = [m.id for m in targets if m.user_id in result.stored]
    cadences.touch_many(session, team_id, endorser.id, contacted, now)
    return result
