"""directory: the custom profile field holding skills, and the skills each member's profile lists

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables as they are at this revision (not the models: later revisions may change them).
member_skill = sa.table(
    "member_skill",
    sa.column("team_id", sa.String()),
    sa.column("member_id", sa.Integer()),
    sa.column("skill_id", sa.Integer()),
    sa.column("source", sa.String()),
    sa.column("score", sa.Float()),
)
endorsement = sa.table(
    "endorsement",
    sa.column("team_id", sa.String()),
    sa.column("endorsee_id", sa.Integer()),
    sa.column("skill_id", sa.Integer()),
    sa.column("score", sa.Float()),
    sa.column("status", sa.String()),
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
    sa.column("evidence_version", sa.Integer()),
)

PROFILE = "profile"  # `bot.expertise.profile_skills.PROFILE`
# What counts without the profile's evidence, weighed as `bot.bootstrap.EVIDENCE` did at 0016.
MEMBER_SKILL_WEIGHTS = {"declared": 1.0, "title": 0.6}
ENDORSED_WEIGHT = 1.5
KUDOS_WEIGHT = 0.8
CHUNK = 400  # pairs per statement


def upgrade() -> None:
    op.add_column("workspace", sa.Column("skills_field", sa.String(length=80), nullable=True))
    op.add_column("member", sa.Column("profile_skills", sa.Text(), nullable=True))


def downgrade() -> None:
    conn = op.get_bind()
    # The evidence read from profiles goes, and the scores it added are summed again without it.
    found = conn.execute(
        sa.select(member_skill.c.team_id, member_skill.c.member_id, member_skill.c.skill_id).where(
            member_skill.c.source == PROFILE
        )
    ).all()
    conn.execute(member_skill.delete().where(member_skill.c.source == PROFILE))
    by_team: dict[str, list[tuple[int, int]]] = {}
    for team_id, member_id, skill_id in sorted(found):
        by_team.setdefault(team_id, []).append((member_id, skill_id))
    for team_id, pairs in by_team.items():
        for start in range(0, len(pairs), CHUNK):
            _rescore(conn, team_id, pairs[start : start + CHUNK])
        versions = skill_vocabulary.c
        conn.execute(
            skill_vocabulary.update()
            .where(versions.team_id == team_id)
            .values(evidence_version=versions.evidence_version + 1)
        )
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy of `member` (see 0009).
    op.drop_column("member", "profile_skills")
    op.drop_column("workspace", "skills_field")


def _rescore(conn: sa.Connection, team_id: str, pairs: Sequence[tuple[int, int]]) -> None:
    """`skill_score` of these pairs summed again from what still counts, as `evidence.refresh` does."""
    weight = sa.case(
        *((member_skill.c.source == source, w) for source, w in MEMBER_SKILL_WEIGHTS.items()), else_=0.0
    )
    ms, e, k = member_skill.c, endorsement.c, kudos_skill.c
    parts = sa.union_all(
        sa.select(ms.member_id, ms.skill_id, (ms.score * weight).label("score")).where(
            ms.team_id == team_id,
            ms.source.in_(list(MEMBER_SKILL_WEIGHTS)),
            sa.tuple_(ms.member_id, ms.skill_id).in_(pairs),
        ),
        sa.select(e.endorsee_id, e.skill_id, e.score * ENDORSED_WEIGHT).where(
            e.team_id == team_id, e.status == "shown", sa.tuple_(e.endorsee_id, e.skill_id).in_(pairs)
        ),
        sa.select(k.member_id, k.skill_id, k.score * KUDOS_WEIGHT).where(
            k.team_id == team_id, sa.tuple_(k.member_id, k.skill_id).in_(pairs)
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
