"""A workspace's skill vocabulary in the database, and each process's cached copy of it.

Skills are stored once per workspace under their canonical key. Adding one bumps the workspace's
vocabulary version, so a cached `Vocabulary` is checked with one primary-key read per request
and reloaded only when some process (any worker, any replica) changed it. The same row holds the
evidence version, which `/whoknows`'s cached standings are checked against (`standings`).

A skill named only by endorsements waiting for their endorsee's OK is stored but not *listed*:
the vocabulary leaves it out, so nobody else can find it, be "corrected" to it or be told that
nobody has it; the first declaration or accepted endorsement lists it.

The vocabulary also carries the relations the workspace learned by itself (`learned`: skills
held together, or named together in kudos and endorsements), loaded with its skills: learning
bumps the version when they change, so they are never older than the cached copy says.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.expertise.names import Skill, Vocabulary
from bot.models import Member
from bot.models.expertise import LearnedRelation, SkillScore, SkillVocabulary
from bot.models.expertise import Skill as SkillRow
from bot.platform.caches import PerDatabase
from bot.platform.storage import in_ids, insert_ignore, insert_many_ignore

_TEAM = SkillVocabulary.team_id == bindparam("team_id")
VERSION = select(SkillVocabulary.version).where(_TEAM)
EVIDENCE_VERSION = select(SkillVocabulary.evidence_version).where(_TEAM)

# A skill's learned neighbours: held together before named together, the strongest first.
_LEARNED = (
    select(LearnedRelation.skill_id, LearnedRelation.other_id, LearnedRelation.kind)
    .where(LearnedRelation.team_id == bindparam("team_id"))
    .order_by(
        LearnedRelation.skill_id,
        LearnedRelation.kind,
        LearnedRelation.support.desc(),
        LearnedRelation.other_id,
    )
)

_cache: PerDatabase[Vocabulary] = PerDatabase(size=1000)  # workspaces per database


def vocabulary(session: Session, team_id: str, version: int | None = None) -> Vocabulary:
    """The workspace's vocabulary; call it before writing skills in the same transaction.

    `version` is the vocabulary version when the caller has just read it (see `VERSION`).
    """
    if version is None:
        version = session.connection().execute(VERSION, {"team_id": team_id}).scalar()
    version = version or 0
    cached = _cache.get(session, team_id)
    if cached is not None and cached.version == version:
        return cached
    rows = session.execute(
        select(SkillRow.id, SkillRow.key, SkillRow.label).where(SkillRow.team_id == team_id, SkillRow.listed)
    )
    skills = [Skill(*row) for row in rows]
    learned = [
        (skill_id, other_id, kind)
        for skill_id, other_id, kind in session.execute(_LEARNED, {"team_id": team_id})
    ]
    vocab = Vocabulary(skills, version, learned=learned)
    _cache.put(session, team_id, vocab)
    return vocab


def bump_version(session: Session, team_id: str) -> None:
    """Tell every process that the workspace's skills changed."""
    _bump(session, team_id, SkillVocabulary.version)


def bump_evidence_version(session: Session, team_id: str) -> None:
    """Tell every process that the workspace's evidence (or who may be shown) changed."""
    _bump(session, team_id, SkillVocabulary.evidence_version)


def _bump(session: Session, team_id: str, column: InstrumentedAttribute[int]) -> None:
    bumped = session.execute(
        update(SkillVocabulary).where(SkillVocabulary.team_id == team_id).values({column: column + 1})
    )
    if not bumped.rowcount and not insert_ignore(  # type: ignore[attr-defined]
        session, SkillVocabulary, {"team_id": team_id, column.key: 1}, ["team_id"]
    ):
        _bump(session, team_id, column)  # another writer created the row first


def ensure_skills(
    session: Session, team_id: str, names: Iterable[tuple[str, str]], now: datetime, *, listed: bool = True
) -> dict[str, int]:
    """Skill ids for `(key, label)` pairs, creating the skills the workspace does not have yet.

    `listed=False` (for held endorsements) creates new skills unlisted and leaves existing ones
    as they are; otherwise unlisted ones are listed, under the label given now."""
    labels = dict(names)
    if not labels:
        return {}
    found = skill_rows(session, team_id, labels)
    missing = [key for key in labels if key not in found]
    if missing:
        rows = [
            {"team_id": team_id, "key": k, "label": labels[k], "created_at": now, "listed": listed}
            for k in missing
        ]
        if insert_many_ignore(session, SkillRow, rows, ["team_id", "key"]) and listed:
            bump_version(session, team_id)
        found.update(skill_rows(session, team_id, missing))
    if listed:
        unlisted = {found[k][0]: labels[k] for k in labels if not found[k][1]}
        if unlisted:
            list_skills(session, team_id, unlisted)
    return {key: skill_id for key, (skill_id, _) in found.items()}


def list_skills(session: Session, team_id: str, labels: Mapping[int, str | None]) -> None:
    """Put these unlisted skills (id → the label to show, or None to keep theirs) in the vocabulary."""
    changed = 0
    for skill_id, label in labels.items():
        values: dict[str, object] = {"listed": True} if label is None else {"listed": True, "label": label}
        changed += session.execute(
            update(SkillRow)
            .where(SkillRow.team_id == team_id, SkillRow.id == skill_id, ~SkillRow.listed)
            .values(values)
        ).rowcount  # type: ignore[attr-defined]
    if changed:
        bump_version(session, team_id)


def skill_rows(session: Session, team_id: str, keys: Collection[str]) -> dict[str, tuple[int, bool]]:
    """The workspace's skills with these keys, listed or not: key → (id, listed)."""
    found: dict[str, tuple[int, bool]] = {}
    keys = list(keys)
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(SkillRow.key, SkillRow.id, SkillRow.listed).where(
                SkillRow.team_id == team_id, SkillRow.key.in_(keys[start : start + 500])
            )
        )
        for key, skill_id, is_listed in rows:  # (a Result has keys(): dict.update would misread it)
            found[key] = (skill_id, bool(is_listed))
    return found


# Built once: "nobody knows that" answers run it on their way out.
_WITH_EVIDENCE = select(SkillRow.id).where(
    SkillRow.team_id == bindparam("team_id"),
    in_ids(SkillRow.id, "skill_ids"),
    select(SkillScore.id)
    .join(Member, Member.id == SkillScore.member_id)
    .where(SkillScore.team_id == bindparam("team_id"), SkillScore.skill_id == SkillRow.id, Member.active)
    .exists(),
)


def with_evidence(session: Session, team_id: str, skill_ids: Collection[int]) -> set[int]:
    """Which of `skill_ids` at least one active person has evidence for."""
    if not skill_ids:
        return set()
    rows = session.connection().execute(_WITH_EVIDENCE, {"team_id": team_id, "skill_ids": list(skill_ids)})
    return set(rows.scalars())
