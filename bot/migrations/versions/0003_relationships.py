"""relationships: interactions, participants, follow-ups, cadences

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("done_at IS NULL")
ACTIVE = sa.text("NOT stopped")
ACTIVE_SQLITE = sa.text("stopped = 0")  # as SQLAlchemy writes "not stopped" for SQLite


def upgrade() -> None:
    op.create_table(
        "interaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("topics", sa.String(length=500), nullable=False),
        sa.Column("give_take", sa.SmallInteger(), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["member.id"], name=op.f("fk_interaction_author_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interaction")),
    )
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.create_index("ix_interaction_author_occurred", ["author_id", "occurred_at"], unique=False)

    op.create_table(
        "interaction_participant",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["member.id"],
            name=op.f("fk_interaction_participant_author_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_interaction_participant_interaction_id_interaction"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_interaction_participant_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interaction_id", "member_id", name=op.f("pk_interaction_participant")),
    )
    with op.batch_alter_table("interaction_participant", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interaction_participant_author_member",
            ["author_id", "member_id", "occurred_at"],
            unique=False,
        )
        batch_op.create_index("ix_interaction_participant_member", ["member_id"], unique=False)

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("about_id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("done_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["about_id"], ["member.id"], name=op.f("fk_follow_up_about_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["member.id"], name=op.f("fk_follow_up_author_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_follow_up_interaction_id_interaction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(
            "ix_follow_up_author_open",
            ["author_id", "due_on"],
            unique=False,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
        batch_op.create_index(
            "ix_follow_up_team_due_open",
            ["team_id", "due_on"],
            unique=False,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
        batch_op.create_index("ix_follow_up_about", ["about_id"], unique=False)
        batch_op.create_index("ix_follow_up_interaction", ["interaction_id"], unique=False)

    op.create_table(
        "cadence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("last_contact_at", bot.models.base.UTCDateTime(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=False),
        sa.Column("stopped", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["member.id"], name=op.f("fk_cadence_author_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["member.id"], name=op.f("fk_cadence_contact_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadence")),
        sa.UniqueConstraint("author_id", "contact_id", name=op.f("uq_cadence_author_id_contact_id")),
    )
    with op.batch_alter_table("cadence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cadence_author_due",
            ["author_id", "next_due_on"],
            unique=False,
            sqlite_where=ACTIVE_SQLITE,
            postgresql_where=ACTIVE,
        )
        batch_op.create_index(
            "ix_cadence_team_due",
            ["team_id", "next_due_on"],
            unique=False,
            sqlite_where=ACTIVE_SQLITE,
            postgresql_where=ACTIVE,
        )
        batch_op.create_index("ix_cadence_contact", ["contact_id"], unique=False)


def downgrade() -> None:
    op.drop_table("cadence")
    op.drop_table("follow_up")
    op.drop_table("interaction_participant")
    op.drop_table("interaction")
