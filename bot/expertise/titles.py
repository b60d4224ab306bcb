"""Skills a Slack title names ("Senior Site Reliability Engineer" → Site reliability engineering).

The directory tells `index_titles` whenever it stores members (wired by `bot.bootstrap`), so
title evidence is an indexed lookup at query time like every other kind. Only curated names
count: a title is short, and team-made skill names would make it depend on what was declared
first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.expertise.evidence import Sources, replace_held
from bot.expertise.names import MAX_TOPIC_WORDS, catalog, normalise
from bot.expertise.vocabulary import ensure_skills
from bot.models.expertise import TITLE, MemberSkill

CHUNK = 500


def title_skills(title: str, *, stems: bool = True) -> list[str]:
    """Canonical keys of the curated skills a title names, longest names first, left to right
    (`stems`: as `Catalog.canonical` reads them)."""
    table = catalog()
    words = normalise(title).split()[:MAX_TOPIC_WORDS]
    found: list[str] = []
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + 4), start, -1):
            key = table.canonical(" ".join(words[start:end]), stems=stems)
            if key:
                if key not in found:
                    found.append(key)
                start = end
                break
        else:
            start += 1
    return found


def index_titles(
    session: Session, team_id: str, members: Iterable[tuple[int, str]], now: datetime, *, evidence: Sources
) -> None:
    """Make `member_skill` title rows match the given `(member id, title)` pairs.

    With `evidence` bound (`bot.bootstrap`), this is the directory's `MembersStored` listener.
    """
    wanted = {member_id: title_skills(title) for member_id, title in members}
    if not wanted:
        return
    table = catalog()
    keys = {key for keys in wanted.values() for key in keys}
    ids = ensure_skills(session, team_id, ((k, table.label(k) or k) for k in keys), now)
    member_ids = list(wanted)
    for start in range(0, len(member_ids), CHUNK):
        _sync_chunk(
            session, team_id, {m: wanted[m] for m in member_ids[start : start + CHUNK]}, ids, now, evidence
        )


def _sync_chunk(
    session: Session,
    team_id: str,
    wanted: dict[int, list[str]],
    ids: dict[str, int],
    now: datetime,
    evidence: Sources,
) -> None:
    want = {(member_id, ids[key]) for member_id, keys in wanted.items() for key in keys}
    found = session.execute(
        select(MemberSkill.member_id, MemberSkill.skill_id).where(
            MemberSkill.team_id == team_id,
            MemberSkill.source == TITLE,
            MemberSkill.member_id.in_(list(wanted)),
        )
    )
    have = {(member_id, skill_id) for member_id, skill_id in found}
    replace_held(session, team_id, TITLE, have, want, now, sources=evidence)
