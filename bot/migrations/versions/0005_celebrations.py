"""celebrations: kudos, celebration items, the celebrations channel, profile-field sync

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "celebration_channel",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("wanted", sa.String(length=80), nullable=False),
        sa.Column("channel_id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("checked_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
            name=op.f("fk_celebration_channel_team_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_celebration_channel")),
    )
    op.create_table(
        "profile_sync",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("after_user_id", sa.String(length=20), nullable=False),
        sa.Column("round_started_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.Column("round_finished_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
            name=op.f("fk_profile_sync_team_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_profile_sync")),
    )
    op.create_table(
        "celebration_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("occasion_key", sa.String(length=255), nullable=False),
        sa.Column("post_key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.Date(), nullable=False),
        sa.Column("years", sa.SmallInteger(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("title_change_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_celebration_item_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_celebration_item")),
        sa.UniqueConstraint("occasion_key", name=op.f("uq_celebration_item_occasion_key")),
    )
    with op.batch_alter_table("celebration_item", schema=None) as batch_op:
        batch_op.create_index("ix_celebration_item_team_post", ["team_id", "post_key"], unique=False)

    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("quoted", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("request_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("posted_channel", sa.String(length=20), nullable=True),
        sa.Column("posted_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["member.id"], name=op.f("fk_kudos_giver_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
        sa.UniqueConstraint("request_key", name=op.f("uq_kudos_request_key")),
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kudos_team_giver_created", ["team_id", "giver_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_kudos_team_created", ["team_id", "created_at"], unique=False)

    op.create_table(
        "kudos_receiver",
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kudos_id"], ["kudos.id"], name=op.f("fk_kudos_receiver_kudos_id_kudos"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_kudos_receiver_member_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("kudos_id", "member_id", name=op.f("pk_kudos_receiver")),
    )
    with op.batch_alter_table("kudos_receiver", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kudos_receiver_team_member_created", ["team_id", "member_id", "created_at"], unique=False
        )
    op.create_table(
        "kudos_skill",
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kudos_id"], ["kudos.id"], name=op.f("fk_kudos_skill_kudos_id_kudos"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_kudos_skill_member_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_kudos_skill_skill_id_skill"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("kudos_id", "member_id", "skill_id", name=op.f("pk_kudos_skill")),
    )
    with op.batch_alter_table("kudos_skill", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kudos_skill_lookup", ["team_id", "skill_id", "member_id", "score"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("kudos_skill", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_skill_lookup")
    op.drop_table("kudos_skill")
    with op.batch_alter_table("kudos_receiver", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_receiver_team_member_created")
    op.drop_table("kudos_receiver")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_team_created")
        batch_op.drop_index("ix_kudos_team_giver_created")
    op.drop_table("kudos")
    with op.batch_alter_table("celebration_item", schema=None) as batch_op:
        batch_op.drop_index("ix_celebration_item_team_post")
    op.drop_table("celebration_item")
    op.drop_table("profile_sync")
    op.drop_table("celebration_channel")
