"""expertise: skills, the vocabulary version, member skills, endorsements and skill scores

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspace.team_id"], name=op.f("fk_skill_team_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill")),
        sa.UniqueConstraint("team_id", "key", name=op.f("uq_skill_team_id_key")),
    )
    op.create_table(
        "skill_vocabulary",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
            name=op.f("fk_skill_vocabulary_team_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_skill_vocabulary")),
    )
    op.create_table(
        "endorsement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("endorsee_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("notified_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["endorsee_id"], ["member.id"], name=op.f("fk_endorsement_endorsee_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["endorser_id"], ["member.id"], name=op.f("fk_endorsement_endorser_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_endorsement_skill_id_skill"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement")),
        sa.UniqueConstraint(
            "endorser_id",
            "endorsee_id",
            "skill_id",
            name=op.f("uq_endorsement_endorser_id_endorsee_id_skill_id"),
        ),
    )
    with op.batch_alter_table("endorsement", schema=None) as batch_op:
        batch_op.create_index("ix_endorsement_endorsee", ["endorsee_id"], unique=False)
        batch_op.create_index(
            "ix_endorsement_lookup", ["team_id", "skill_id", "endorsee_id", "score"], unique=False
        )

    op.create_table(
        "member_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("updated_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_member_skill_member_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_member_skill_skill_id_skill"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_skill")),
        sa.UniqueConstraint(
            "member_id", "skill_id", "source", name=op.f("uq_member_skill_member_id_skill_id_source")
        ),
    )
    with op.batch_alter_table("member_skill", schema=None) as batch_op:
        batch_op.create_index(
            "ix_member_skill_lookup", ["team_id", "skill_id", "source", "member_id", "score"], unique=False
        )
    op.create_table(
        "skill_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_skill_score_member_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_skill_score_skill_id_skill"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_score")),
        sa.UniqueConstraint("member_id", "skill_id", name=op.f("uq_skill_score_member_id_skill_id")),
    )
    with op.batch_alter_table("skill_score", schema=None) as batch_op:
        batch_op.create_index(
            "ix_skill_score_top", ["team_id", "skill_id", "score", "member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("skill_score", schema=None) as batch_op:
        batch_op.drop_index("ix_skill_score_top")

    op.drop_table("skill_score")
    with op.batch_alter_table("member_skill", schema=None) as batch_op:
        batch_op.drop_index("ix_member_skill_lookup")

    op.drop_table("member_skill")
    with op.batch_alter_table("endorsement", schema=None) as batch_op:
        batch_op.drop_index("ix_endorsement_lookup")
        batch_op.drop_index("ix_endorsement_endorsee")

    op.drop_table("endorsement")
    op.drop_table("skill_vocabulary")
    op.drop_table("skill")
