"""Skills a member's profile lists ("Ask me about: Kubernetes, Terraform; AWS and Go"): evidence
of its own.

The directory keeps, as typed, the value of the custom profile field a workspace reads skills
from, or of the `skills` column of an admin's CSV (`Member.profile_skills`: HR data either way),
and tells `index_profile_skills` whenever it stores members (wired by `bot.bootstrap`). The list
is read as `/skills add` reads one (`names.parse_skills`: the same canonical names, and a new
skill for a name nobody knows, no more than a command takes), after Slack's markup, emoji and
bullets are left out; the member's `profile` rows are then made to match it, so a skill taken
out of the profile goes at the next sync.

It is never the person's own declaration: their `/skills add` rows are left as they are, and a
skill they took off with `/skills remove` (a `DeclinedSkill`) counts for nothing here, however
their profile lists it, until they add it again. A profile's text is never logged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, literal, select
from sqlalchemy.orm import Session

from bot.expertise.evidence import (
    Evidence,
    Ids,
    Sources,
    Words,
    replace_held,
    scores_of,
    shown_columns,
    shown_skills,
)
from bot.expertise.names import Named, Vocabulary, parse_skills
from bot.expertise.vocabulary import ensure_skills, vocabulary
from bot.models import Member
from bot.models.expertise import PROFILE, DeclinedSkill, MemberSkill
from bot.platform.mrkdwn import inert, unescape, without_markup
from bot.platform.storage import in_ids
from bot.platform.words import listed

WEIGHT = 0.9  # the person's profile (or HR) says so: nearly their own `/skills add`
MAX_SKILLS = 20  # skills read from one profile: as many as one `/skills add` takes
CHUNK = 500  # members per statement

_EMOJI = re.compile(r":[a-z0-9_+'-]+:", re.IGNORECASE)  # Slack's :emoji: codes
_BULLET = re.compile(r"^[ \t\-*•·‣◦▪–—>]+", re.MULTILINE)  # list markers at the start of a line
_SLASHED = re.compile(r"\s+/\s+")  # "Kubernetes / Terraform" (ci/cd and a/b are left to `parse_skills`)


def skills_listed(text: str, vocab: Vocabulary) -> list[Named]:
    """The skills a profile's list names, canonical and unique, as `/skills add` would store them:
    mentions, broadcasts, channels, links, emoji and list markers are not skills."""
    text = "".join(c for c in text if unicodedata.category(c) not in ("So", "Cf", "Co"))
    text = _SLASHED.sub(";", _BULLET.sub("", text)).replace("\r", "").replace("\n", ";")
    text = _EMOJI.sub(" ", without_markup(unescape(text)))  # (typed or escaped, markup is no skill)
    return parse_skills(text, vocab, limit=MAX_SKILLS).named


def index_profile_skills(
    session: Session, team_id: str, members: Iterable[tuple[int, str]], now: datetime, *, evidence: Sources
) -> None:
    """Make the `profile` rows of these members (`(member id, title)` pairs, as the directory
    tells them) match the skills their profiles list now.

    With `evidence` bound (`bot.bootstrap`), this is a `MembersStored` listener of the directory."""
    member_ids = list(dict.fromkeys(member_id for member_id, _ in members))
    vocab: Vocabulary | None = None
    for start in range(0, len(member_ids), CHUNK):
        chunk = member_ids[start : start + CHUNK]
        texts = session.execute(
            select(Member.id, Member.profile_skills).where(
                Member.team_id == team_id, Member.id.in_(chunk), Member.profile_skills.is_not(None)
            )
        ).all()
        found = session.execute(
            select(MemberSkill.member_id, MemberSkill.skill_id).where(
                MemberSkill.team_id == team_id,
                MemberSkill.source == PROFILE,
                MemberSkill.member_id.in_(chunk),
            )
        )
        have = {(member_id, skill_id) for member_id, skill_id in found}
        if not texts and not have:
            continue
        if vocab is None:  # (once: the skills created below are found by their keys)
            vocab = vocabulary(session, team_id)
        wanted = {member_id: skills_listed(text or "", vocab) for member_id, text in texts}
        labels = {n.key: n.label for named in wanted.values() for n in named}
        ids = ensure_skills(session, team_id, labels.items(), now)
        want = {(member_id, ids[n.key]) for member_id, named in wanted.items() for n in named}
        replace_held(session, team_id, PROFILE, have, want, now, sources=evidence)


def _not_declined() -> ColumnElement[bool]:
    """The member did not take the skill off with `/skills remove` (or added it again since)."""
    declined = select(DeclinedSkill.id).where(
        DeclinedSkill.team_id == MemberSkill.team_id,
        DeclinedSkill.member_id == MemberSkill.member_id,
        DeclinedSkill.skill_id == MemberSkill.skill_id,
    )
    return ~declined.exists()


class ProfileSkillSource:
    """Skills a member's profile lists (an `evidence.EvidenceSource`), unless they took them off."""

    name = PROFILE

    def __init__(self, weight: float = WEIGHT) -> None:
        self.weight = weight
        columns = shown_columns(
            self.name,
            MemberSkill.member_id,
            MemberSkill.skill_id,
            MemberSkill.score * literal(weight),
            MemberSkill.updated_at,
        )
        self._shown = select(*columns).where(
            MemberSkill.team_id == bindparam("team_id"),
            MemberSkill.source == PROFILE,
            shown_skills(MemberSkill.skill_id),
            in_ids(MemberSkill.member_id, "member_ids"),
            _not_declined(),
        )

    def scores(self, team_id: str, member_ids: Ids, skill_ids: Ids) -> Select[int, int, float]:
        m = MemberSkill
        where = (m.team_id == team_id, m.source == PROFILE, _not_declined())
        return scores_of(m.member_id, m.skill_id, m.score, self.weight, member_ids, skill_ids, *where)

    def shown(self) -> Select[Any]:
        return self._shown

    def explain(self, evidence: Sequence[Evidence], words: Words) -> str:
        labels = dict.fromkeys(words.skills[e.skill_id] for e in evidence if e.skill_id in words.skills)
        named = [f"*{inert(label, 60)}*" for label in list(labels)[:3]]
        return f"lists {listed(named, more=len(labels) - len(named)) or 'it'} in their Slack profile"
