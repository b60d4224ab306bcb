"""expertise: skill relations each workspace learns by itself (held together, named together)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.models.base import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "learned_relation",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("support", sa.Integer(), nullable=False),
        sa.Column("learned_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
            name=op.f("fk_learned_relation_team_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_learned_relation_skill_id_skill"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_id"], ["skill.id"], name=op.f("fk_learned_relation_other_id_skill"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "skill_id", "other_id", "kind", name=op.f("pk_learned_relation")),
    )


def downgrade() -> None:
    op.drop_table("learned_relation")
