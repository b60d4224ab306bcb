"""endorsements held for the endorsee to accept; hidden and removed endorsements

Every endorsement gets a `status` (existing ones are `shown`: they count as before); the indexes
/whoknows and its introducers read carry it, so they stay covering. A skill named only by held
endorsements is not `listed` in the vocabulary. `declined_skill` remembers the skills a member
took off their profile, so colleagues' later endorsements of them wait for the member's OK.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOOKUP = ["team_id", "skill_id", "endorsee_id", "score"]
ENDORSEE = ["endorsee_id", "endorser_id", "team_id"]


def upgrade() -> None:
    op.add_column("skill", sa.Column("listed", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column(
        "endorsement", sa.Column("status", sa.String(length=8), server_default="shown", nullable=False)
    )
    with op.batch_alter_table("endorsement") as batch:
        batch.drop_index("ix_endorsement_lookup")
        batch.create_index("ix_endorsement_lookup", ["team_id", "skill_id", "status", "endorsee_id", "score"])
        batch.drop_index("ix_endorsement_endorsee")
        batch.create_index("ix_endorsement_endorsee", [*ENDORSEE, "status"])
    op.create_table(
        "declined_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_declined_skill_member_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_declined_skill_skill_id_skill"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declined_skill")),
        sa.UniqueConstraint("member_id", "skill_id", name=op.f("uq_declined_skill_member_id_skill_id")),
    )


def downgrade() -> None:
    op.drop_table("declined_skill")
    # Held and hidden endorsements never counted: going back to a schema where every endorsement
    # counts, they go (rather than appear on profiles their endorsees never accepted).
    op.execute(sa.text("DELETE FROM endorsement WHERE status <> 'shown'"))
    op.execute(sa.text("DELETE FROM skill WHERE NOT listed"))  # named by nothing left
    with op.batch_alter_table("endorsement") as batch:
        batch.drop_index("ix_endorsement_endorsee")
        batch.create_index("ix_endorsement_endorsee", ENDORSEE)
        batch.drop_index("ix_endorsement_lookup")
        batch.create_index("ix_endorsement_lookup", LOOKUP)
        batch.drop_column("status")
    # Not in batch mode: on SQLite that copies `skill`, and dropping the old copy would cascade
    # to every row that refers to a skill. SQLite drops a plain column in place (3.35+).
    op.drop_column("skill", "listed")
