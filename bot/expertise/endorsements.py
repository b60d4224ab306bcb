"""Colleagues vouching for each other's skills, and the endorsee's say over what shows.

An endorsement of a well-known skill (the curated table) or of one on the endorsee's profile
(declared, or endorsed with their OK) counts at once, unless the endorsee took that skill off
their profile (`skills.remove`). Any other is *held*: stored, seen by the endorsee alone (their
`/skills` and their next digest, with Accept and Hide) until they accept it. The endorsee may
hide any endorsement of themselves (Hide, `/skills remove`): it then counts nowhere, and its
author cannot add it again. Its author learns none of this: they hear that they endorsed, or
that they had already (`Endorsed`). Only shown endorsements count anywhere
(`bot.models.expertise.SHOWN`); every change of status refreshes the evidence, which bumps the
evidence version that every process's cached `/whoknows` standings are checked against.

The endorsed person hears of it in their next daily digest (`bot.nudges.sources.endorsements`),
which claims each endorsement once through its `notified_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, update
from sqlalchemy.orm import Session, aliased

from bot.directory.members import resolve
from bot.expertise.commands import named_in
from bot.expertise.evidence import Sources, lock, refresh, score_at
from bot.expertise.names import Parsed, catalog, parse_skills
from bot.expertise.skills import MAX_PER_COMMAND, member_for, wanted
from bot.expertise.vocabulary import ensure_skills, vocabulary
from bot.models import Member, UTCDateTime
from bot.models.expertise import DECLARED, HELD, HIDDEN, SHOWN, DeclinedSkill, Endorsement, MemberSkill, Skill
from bot.platform.refusals import Refusal
from bot.platform.storage import insert_many_ignore
from bot.relationships import cadences

MAX_PEOPLE = 10

Labels = dict[str, list[str]]  # Slack id → skill labels


@dataclass
class Endorsed:
    """What `/endorse` did, person by person (Slack ids) and skill by skill (labels): only what
    its author may know, so nothing of whether an endorsement shows, waits or was hidden."""

    skills: list[str] = field(default_factory=list)  # what was understood, canonical labels
    stored: Labels = field(default_factory=dict)  # new endorsements
    already: Labels = field(default_factory=dict)  # endorsed before
    refused: list[tuple[str, str]] = field(default_factory=list)  # (Slack id, why not)
    rejected: list[str] = field(default_factory=list)  # pieces that are not skill names
    unfound: str = ""  # free text that names no skill Rapport knows ("for being nice")
    endorsees: list[str] = field(default_factory=list)  # Slack ids, as asked


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
    free: bool = False,
) -> Endorsed:
    """Store one endorsement per endorser, person and skill; refuse oneself, bots and the departed.

    Well-known skills and skills on the endorsee's profile (declared, or endorsed with their OK)
    count at once; others are held for the endorsee, and so are skills they took off. `free` text
    (`for his great python work`) endorses only the skills in the vocabulary it names."""
    vocab = vocabulary(session, team_id)
    if free:
        parsed = Parsed(named=named_in(text, vocab)[:MAX_PER_COMMAND])
        if not parsed.named:
            return Endorsed(unfound=text, endorsees=list(endorsees))
    else:
        parsed = parse_skills(text, vocab, limit=MAX_PER_COMMAND)
    result = Endorsed(
        skills=[n.label for n in parsed.named], rejected=parsed.rejected, endorsees=list(endorsees)
    )
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
    known = catalog().skills
    ids = ensure_skills(session, team_id, ((n.key, n.label) for n in parsed.named if n.key in known), now)
    # Named only here, a skill stays out of the vocabulary until the endorsee accepts it.
    unknown = ((n.key, n.label) for n in parsed.named if n.key not in known)
    ids.update(ensure_skills(session, team_id, unknown, now, listed=False))
    # Before reading what the endorsees took off: a `/skills remove` running now finishes first.
    lock(session, team_id)
    target_ids, skill_ids = [m.id for m in targets], sorted(set(ids.values()))
    earlier = session.execute(
        select(Endorsement.endorsee_id, Endorsement.skill_id).where(
            Endorsement.team_id == team_id,
            Endorsement.endorser_id == endorser.id,
            Endorsement.endorsee_id.in_(target_ids),
            Endorsement.skill_id.in_(skill_ids),
        )
    )
    before = {(endorsee_id, skill_id) for endorsee_id, skill_id in earlier}  # shown, held or hidden
    # On the endorsee's profile already: declared, or endorsed with their OK.
    profiled = _pairs(session, MemberSkill, team_id, target_ids, skill_ids, MemberSkill.source == DECLARED)
    profiled |= _shown(session, team_id, target_ids, skill_ids)
    declined = _pairs(session, DeclinedSkill, team_id, target_ids, skill_ids)
    rows = []
    for member in targets:
        for n in parsed.named:
            pair = (member.id, ids[n.key])
            if pair in before:
                result.already.setdefault(member.user_id, []).append(n.label)
                continue
            counts = pair in profiled or (n.key in known and pair not in declined)
            rows.append(_row(team_id, endorser.id, member.id, ids[n.key], SHOWN if counts else HELD, now))
            result.stored.setdefault(member.user_id, []).append(n.label)
    insert_many_ignore(session, Endorsement, rows, ["endorser_id", "endorsee_id", "skill_id"])
    counting = [(r["endorsee_id"], r["skill_id"]) for r in rows if r["status"] == SHOWN]
    refresh(session, team_id, counting, sources=evidence)
    # Vouching for someone is being in touch with them: keep-in-touch cadences start over.
    contacted = [m.id for m in targets if m.user_id in result.stored]
    cadences.touch_many(session, team_id, endorser.id, contacted, now)
    return result


def _row(
    team_id: str, endorser_id: int, endorsee_id: int, skill_id: int, status: str, now: datetime
) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "endorser_id": endorser_id,
        "endorsee_id": endorsee_id,
        "skill_id": skill_id,
        "created_at": now,
        "score": score_at(1.0, now),
        "status": status,
    }


def _pairs(
    session: Session,
    model: type[MemberSkill] | type[DeclinedSkill],
    team_id: str,
    members: list[int],
    skills: list[int],
    *where: ColumnElement[bool],
) -> set[tuple[int, int]]:
    """(member id, skill id) pairs of `model`'s rows among these members and skills."""
    rows = session.execute(
        select(model.member_id, model.skill_id).where(
            model.team_id == team_id, model.member_id.in_(members), model.skill_id.in_(skills), *where
        )
    )
    return {(member_id, skill_id) for member_id, skill_id in rows}


def _shown(session: Session, team_id: str, members: list[int], skills: list[int]) -> set[tuple[int, int]]:
    """(endorsee id, skill id) pairs with a shown endorsement among these members and skills."""
    rows = session.execute(
        select(Endorsement.endorsee_id, Endorsement.skill_id).where(
            Endorsement.team_id == team_id,
            Endorsement.endorsee_id.in_(members),
            Endorsement.skill_id.in_(skills),
            Endorsement.status == SHOWN,
        )
    )
    return {(member_id, skill_id) for member_id, skill_id in rows}


# --------------------------------------------------------------------------------------------
# The endorsee's say: Accept or Hide one endorsement (the digest's buttons)
# --------------------------------------------------------------------------------------------

GONE = Refusal("That endorsement isn't yours, or it is gone.")


@dataclass(frozen=True)
class Decided:
    """What became of one endorsement of the person who clicked Accept or Hide."""

    endorsement_id: int
    status: str  # SHOWN (accepted) or HIDDEN, whichever click (or command) decided first
    label: str  # the skill
    endorser: str  # Slack id of whoever endorsed


def decide(
    session: Session,
    team_id: str,
    user_id: str,
    endorsement_id: int,
    accept: bool,
    now: datetime,
    *,
    evidence: Sources,
) -> Decided | Refusal:
    """Accept (show) or hide one endorsement of `user_id` still waiting for them; only the
    endorsee may. The first decision stands: a later click (another replica's, a stale
    message's) changes nothing and is told what was decided."""
    endorsee, endorser = aliased(Member), aliased(Member)
    found = session.execute(
        select(Endorsement.endorsee_id, Endorsement.skill_id, Skill.label, endorser.user_id)
        .join(endorsee, endorsee.id == Endorsement.endorsee_id)
        .join(endorser, endorser.id == Endorsement.endorser_id)
        .join(Skill, Skill.id == Endorsement.skill_id)
        .where(
            Endorsement.team_id == team_id,
            Endorsement.id == endorsement_id,
            endorsee.team_id == team_id,
            endorsee.user_id == user_id,
        )
    ).first()
    if found is None:
        return GONE
    endorsee_id, skill_id, label, endorser_user = found
    lock(session, team_id)  # (before the endorsement's row: as `skills.remove` takes them)
    mine = (Endorsement.team_id == team_id, Endorsement.id == endorsement_id)
    status = SHOWN if accept else HIDDEN
    seen = func.coalesce(Endorsement.notified_at, literal(now, UTCDateTime))  # (no digest tells it again)
    decided = session.execute(
        update(Endorsement)
        .where(*mine, Endorsement.status == HELD)  # compare and set: one click decides
        .values(status=status, notified_at=seen)
        .returning(Endorsement.id)
        .execution_options(synchronize_session=False)
    ).first()
    if decided is None:  # decided already: say how
        current = session.scalar(select(Endorsement.status).where(*mine))
        return GONE if current is None else Decided(endorsement_id, current, label, endorser_user)
    if accept:
        wanted(session, team_id, endorsee_id, skill_id)
    refresh(session, team_id, [(endorsee_id, skill_id)], sources=evidence)
    return Decided(endorsement_id, status, label, endorser_user)
