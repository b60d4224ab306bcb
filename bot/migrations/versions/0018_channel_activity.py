"""expertise: what public channels show about who knows what (no message text), and consent to it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _member(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["member_id"], ["member.id"], name=op.f(f"fk_{table}_member_id_member"), ondelete="CASCADE"
    )


def _skill(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["skill_id"], ["skill.id"], name=op.f(f"fk_{table}_skill_id_skill"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "channel_watch",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("channel_id", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("oldest", sa.DateTime(), nullable=False),
        sa.Column("cursor", sa.String(length=255), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
            name=op.f("fk_channel_watch_team_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "channel_id", name=op.f("pk_channel_watch")),
    )
    op.create_table(
        "channel_signal",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("channel_id", sa.String(length=20), nullable=False),
        sa.Column("ts", sa.String(length=20), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("thread_ts", sa.String(length=20), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("thanked", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _member("channel_signal"),
        _skill("channel_signal"),
        sa.PrimaryKeyConstraint("team_id", "channel_id", "ts", "skill_id", name=op.f("pk_channel_signal")),
    )
    op.create_index(
        "ix_channel_signal_member", "channel_signal", ["team_id", "member_id", "skill_id", "channel_id"]
    )
    op.create_index("ix_channel_signal_thread", "channel_signal", ["team_id", "channel_id", "thread_ts"])
    op.create_table(
        "channel_activity",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("thanked", sa.Integer(), nullable=False),
        sa.Column("shared", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("best", sa.String(length=80), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        _member("channel_activity"),
        _skill("channel_activity"),
        sa.PrimaryKeyConstraint(
            "team_id", "member_id", "skill_id", "channel_id", name=op.f("pk_channel_activity")
        ),
    )
    op.create_index("ix_channel_activity_skill", "channel_activity", ["team_id", "skill_id"])
    op.create_table(
        "channel_pending",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=20), nullable=False),
        _member("channel_pending"),
        _skill("channel_pending"),
        sa.PrimaryKeyConstraint(
            "team_id", "member_id", "skill_id", "channel_id", name=op.f("pk_channel_pending")
        ),
    )
    op.create_table(
        "channel_skill_hidden",
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        _member("channel_skill_hidden"),
        _skill("channel_skill_hidden"),
        sa.PrimaryKeyConstraint("team_id", "member_id", "skill_id", name=op.f("pk_channel_skill_hidden")),
    )
    # Consent: each person may turn it off for themselves, an admin for the workspace.
    for table in ("member", "workspace"):
        op.add_column(
            table, sa.Column("learn_from_channels", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), never a batch copy: dropping the old copy of
    # `member` would cascade to every row that refers to a member (see 0008).
    for table in ("workspace", "member"):
        op.drop_column(table, "learn_from_channels")
    op.drop_table("channel_skill_hidden")
    op.drop_table("channel_pending")
    op.drop_index("ix_channel_activity_skill", table_name="channel_activity")
    op.drop_table("channel_activity")
    op.drop_index("ix_channel_signal_thread", table_name="channel_signal")
    op.drop_index("ix_channel_signal_member", table_name="channel_signal")
    op.drop_table("channel_signal")
    op.drop_table("channel_watch")
