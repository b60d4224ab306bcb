"""celebration consent: a person's first public post asked for by DM, the answer kept

Work anniversaries become opt-in (`member.celebrate_anniversaries`, None = never chosen, asked
by DM); each promotion is asked about (`celebration_consent`); the directory keeps whether a
member is a workspace admin (`member.is_admin`, filled in by the next sync).

Existing people: whoever already opted out of public celebrations keeps that choice (their
anniversaries are not celebrated and they are not asked); nobody else ever chose for
anniversaries (the old box came ticked), so they are treated as not consented and asked once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("member", sa.Column("celebrate_anniversaries", sa.Boolean(), nullable=True))
    op.add_column("member", sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False))
    member = sa.table(
        "member",
        sa.column("celebrate_publicly", sa.Boolean()),
        sa.column("celebrate_anniversaries", sa.Boolean()),
    )
    # Who said no keeps their no; everyone else stays NULL: never chosen, not consent.
    op.execute(
        member.update()
        .where(member.c.celebrate_publicly == sa.false())
        .values(celebrate_anniversaries=sa.false())
    )
    op.create_table(
        "celebration_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("occasion_key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.Date(), nullable=False),
        sa.Column("post_day", sa.Date(), nullable=True),
        sa.Column("years", sa.SmallInteger(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("old_title", sa.String(length=255), nullable=True),
        sa.Column("title_change_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.String(length=8), nullable=True),
        sa.Column("asked_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("answered_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_celebration_consent_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_celebration_consent")),
        sa.UniqueConstraint("occasion_key", name=op.f("uq_celebration_consent_occasion_key")),
    )
    op.create_index(
        "ix_celebration_consent_team_member",
        "celebration_consent",
        ["team_id", "member_id", "kind"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_celebration_consent_team_member", table_name="celebration_consent")
    op.drop_table("celebration_consent")
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy of `member`: with foreign keys
    # on, dropping the copied table would cascade into every table that refers to members.
    op.drop_column("member", "is_admin")
    op.drop_column("member", "celebrate_anniversaries")
