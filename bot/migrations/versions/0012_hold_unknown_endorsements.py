"""expertise: endorsements 0008 marked shown that its rule would have held are held

0008 marked every endorsement made before it `shown`, so one of a skill the curated table does
not know, on someone who never declared it (`/endorse @bob tax fraud`), stayed public, and made
colleagues' later endorsements of it count at once ("already on the profile"). This holds every
shown endorsement of a skill outside the curated table whose endorsee has not declared it, for
the endorsee to accept or hide (`bot.expertise.endorsements`). Nothing stored tells one 0008
marked shown from one accepted since: those are asked about again.

Then, as the code keeps them: a skill that only held or hidden endorsements name (no shown
endorsement, declaration, title or kudos; curated skills are always listed) leaves the
vocabulary; the scores of these (endorsee, skill) pairs are summed again from the evidence
that still counts; and the workspaces' versions are bumped, so every process's cached
vocabulary and `/whoknows` standings notice.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from typing import TypeVar

import sqlalchemy as sa
from alembic import op

from bot.expertise.names import catalog

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables as they are at this revision (not the models: later revisions may change them).
endorsement = sa.table(
    "endorsement",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.String()),
    sa.column("endorsee_id", sa.Integer()),
    sa.column("skill_id", sa.Integer()),
    sa.column("score", sa.Float()),
    sa.column("status", sa.String()),
)
skill = sa.table(
    "skill",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.String()),
    sa.column("key", sa.String()),
    sa.column("listed", sa.Boolean()),
)
member_skill = sa.table(
    "member_skill",
    sa.column("team_id", sa.String()),
    sa.column("member_id", sa.Integer()),
    sa.column("skill_id", sa.Integer()),
    sa.column("source", sa.String()),
    sa.column("score", sa.Float()),
)
kudos_skill = sa.table(
    "kudos_skill",
    sa.column("team_id", sa.String()),
    sa.column("member_id", sa.Integer()),
    sa.column("skill_id", sa.Integer()),
    sa.column("score", sa.Float()),
)
skill_score = sa.table(
    "skill_score",
    sa.column("team_id", sa.String()),
    sa.column("member_id", sa.Integer()),
    sa.column("skill_id", sa.Integer()),
    sa.column("score", sa.Float()),
)
skill_vocabulary = sa.table(
    "skill_vocabulary",
    sa.column("team_id", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("evidence_version", sa.Integer()),
)

# What still counts for a held pair, weighted as `bot.bootstrap.EVIDENCE` weighs it at this
# revision (its endorsements count no more, and it has no declaration): a title, a kudos.
MEMBER_SKILL_WEIGHTS = {"declared": 1.0, "title": 0.6}
KUDOS_WEIGHT = 0.8
CHUNK = 400  # ids or pairs per statement
T = TypeVar("T")


def upgrade() -> None:
    conn = op.get_bind()
    declared = (
        sa.select(member_skill.c.member_id)
        .where(
            member_skill.c.team_id == endorsement.c.team_id,
            member_skill.c.member_id == endorsement.c.endorsee_id,
            member_skill.c.skill_id == endorsement.c.skill_id,
            member_skill.c.source == "declared",
        )
        .exists()
    )
    uncurated = sa.select(skill.c.id).where(skill.c.key.not_in(sorted(catalog().skills)))
    to_hold = (endorsement.c.status == "shown", endorsement.c.skill_id.in_(uncurated), ~declared)
    pairs = conn.execute(
        sa.select(endorsement.c.team_id, endorsement.c.endorsee_id, endorsement.c.skill_id)
        .where(*to_hold)
        .distinct()
    ).all()
    conn.execute(endorsement.update().where(*to_hold).values(status="held"))
    by_team: dict[str, list[tuple[int, int]]] = {}
    for team_id, member_id, skill_id in sorted(pairs):
        by_team.setdefault(team_id, []).append((member_id, skill_id))
    for team_id, held in by_team.items():
        for chunk in _chunks(held):
            _rescore(conn, team_id, chunk)
        for ids in _chunks(sorted({skill_id for _, skill_id in held})):
            _unlist(conn, team_id, ids)
        versions = skill_vocabulary.c
        conn.execute(
            skill_vocabulary.update()
            .where(versions.team_id == team_id)
            .values(version=versions.version + 1, evidence_version=versions.evidence_version + 1)
        )  # (the row exists: listing a skill and storing a score both bumped it)


def _rescore(conn: sa.Connection, team_id: str, pairs: Sequence[tuple[int, int]]) -> None:
    """`skill_score` of these pairs summed again from what counts, as `evidence.refresh` does."""
    weight = sa.case(
        *((member_skill.c.source == source, w) for source, w in MEMBER_SKILL_WEIGHTS.items()), else_=0.0
    )
    parts = sa.union_all(
        sa.select(
            member_skill.c.member_id, member_skill.c.skill_id, (member_skill.c.score * weight).label("score")
        ).where(
            member_skill.c.team_id == team_id,
            member_skill.c.source.in_(list(MEMBER_SKILL_WEIGHTS)),
            sa.tuple_(member_skill.c.member_id, member_skill.c.skill_id).in_(pairs),
        ),
        sa.select(kudos_skill.c.member_id, kudos_skill.c.skill_id, kudos_skill.c.score * KUDOS_WEIGHT).where(
            kudos_skill.c.team_id == team_id,
            sa.tuple_(kudos_skill.c.member_id, kudos_skill.c.skill_id).in_(pairs),
        ),
    ).subquery()
    totals = sa.select(
        sa.literal(team_id, sa.String), parts.c.member_id, parts.c.skill_id, sa.func.sum(parts.c.score)
    ).group_by(parts.c.member_id, parts.c.skill_id)
    conn.execute(
        skill_score.delete().where(
            skill_score.c.team_id == team_id,
            sa.tuple_(skill_score.c.member_id, skill_score.c.skill_id).in_(pairs),
        )
    )
    conn.execute(skill_score.insert().from_select(["team_id", "member_id", "skill_id", "score"], totals))


def _unlist(conn: sa.Connection, team_id: str, skill_ids: Sequence[int]) -> None:
    """Take out of the vocabulary the skills among these that nothing shown names any more."""
    shown = sa.select(endorsement.c.id).where(
        endorsement.c.skill_id == skill.c.id, endorsement.c.status == "shown"
    )
    profiles = sa.select(member_skill.c.member_id).where(member_skill.c.skill_id == skill.c.id)
    thanks = sa.select(kudos_skill.c.member_id).where(kudos_skill.c.skill_id == skill.c.id)
    conn.execute(
        skill.update()
        .where(
            skill.c.team_id == team_id,
            skill.c.id.in_(skill_ids),
            ~shown.exists(),
            ~profiles.exists(),
            ~thanks.exists(),
        )
        .values(listed=False)
    )


def _chunks(items: Sequence[T]) -> list[Sequence[T]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def downgrade() -> None:
    # Nothing to undo: held endorsements and unlisted skills are what 0011's schema holds too,
    # and making them public again is exactly what this revision is for.
    pass
