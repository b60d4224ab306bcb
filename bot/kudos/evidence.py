"""Kudos reasons as evidence for `/whoknows`: the skills a reason names count for its receivers.

A reason is matched against the curated skill names and aliases (as Slack titles are) and the
workspace's own skill names, longest phrase first (`expertise.commands.skill_keys`: the one
reading of skills in free text, `/endorse @bob for …` uses it too). Each receiver gets one piece
of evidence per skill per kudos, decaying with age like every other kind. `KudosSource` is the
evidence source the composition root (`bot.bootstrap`) lists beside expertise's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, literal, select
from sqlalchemy.orm import Session

from bot.expertise.commands import skill_keys, team_skills_in
from bot.expertise.evidence import (
    Evidence,
    Ids,
    Sources,
    Words,
    refresh,
    score_at,
    scores_of,
    shown_columns,
    shown_skills,
)
from bot.expertise.names import catalog
from bot.expertise.vocabulary import ensure_skills, vocabulary
from bot.kudos import reasons
from bot.models.celebrations import Kudos, KudosSkill
from bot.platform.storage import in_ids, insert_many_ignore

SOURCE = "kudos"
WEIGHT = 0.8  # a colleague's thanks for work on a skill: between a title and a declaration


def team_skill_ids(session: Session, team_id: str, reason: str) -> list[int]:
    """The workspace's own skills (declared with names the curated table lacks) a reason names."""
    return [skill.id for skill in team_skills_in(reason, vocabulary(session, team_id))]


def index(
    session: Session, item: Kudos, receiver_ids: Sequence[int], now: datetime, *, evidence: Sources
) -> list[int]:
    """Record the skills a kudos names as evidence for its receivers; returns the skill ids."""
    table = catalog()
    keys = skill_keys(item.reason)
    ids = list(ensure_skills(session, item.team_id, ((k, table.label(k) or k) for k in keys), now).values())
    ids = list(dict.fromkeys(ids + team_skill_ids(session, item.team_id, item.reason)))
    if not ids or not receiver_ids:
        return []
    score = score_at(1.0, item.created_at)
    rows = [
        {
            "kudos_id": item.id,
            "member_id": member_id,
            "skill_id": skill_id,
            "team_id": item.team_id,
            "score": score,
            "created_at": item.created_at,
        }
        for member_id in receiver_ids
        for skill_id in ids
    ]
    insert_many_ignore(session, KudosSkill, rows, ["kudos_id", "member_id", "skill_id"])
    refresh(session, item.team_id, [(m, s) for m in receiver_ids for s in ids], sources=evidence)
    return ids


class KudosSource:
    """Evidence from kudos reasons (an `evidence.EvidenceSource`)."""

    name = SOURCE
    named = 1  # kudos quoted in an explanation

    def __init__(self, weight: float = WEIGHT) -> None:
        self.weight = weight
        columns = shown_columns(
            self.name,
            KudosSkill.member_id,
            KudosSkill.skill_id,
            KudosSkill.score * literal(weight),
            KudosSkill.created_at,
            by=Kudos.giver_id,
            note=Kudos.reason,
        )
        self._shown = (
            select(*columns)
            .join(Kudos, Kudos.id == KudosSkill.kudos_id)
            .where(
                KudosSkill.team_id == bindparam("team_id"),
                shown_skills(KudosSkill.skill_id),
                in_ids(KudosSkill.member_id, "member_ids"),
            )
        )

    def scores(self, team_id: str, member_ids: Ids, skill_ids: Ids) -> Select[int, int, float]:
        k = KudosSkill
        where = k.team_id == team_id
        return scores_of(k.member_id, k.skill_id, k.score, self.weight, member_ids, skill_ids, where)

    def shown(self) -> Select[Any]:
        return self._shown

    def explain(self, found: Sequence[Evidence], words: Words) -> str:
        latest = max(found, key=lambda e: e.at)
        # Nobody is pinged from /whoknows: everyone the reason mentions reads as "someone".
        reason = reasons.shown(latest.note, {}, limit=80)
        giver = words.people.get(latest.by) if latest.by is not None else None
        by = f" from <@{giver}>" if giver else ""
        kudos_count = len({(e.at, e.by) for e in found})
        more = f" (+{kudos_count - 1} more)" if kudos_count > 1 else ""
        return f"kudos{by} for “{reason}”{more}"
