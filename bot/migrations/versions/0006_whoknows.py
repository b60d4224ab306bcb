"""whoknows: an evidence version for cached standings; covering indexes for the asker's ties

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTICIPANT_AUTHOR = ["author_id", "member_id", "occurred_at"]


def upgrade() -> None:
    op.add_column(
        "skill_vocabulary",
        sa.Column("evidence_version", sa.Integer(), server_default="0", nullable=False),
    )
    with op.batch_alter_table("interaction_participant") as batch:
        batch.drop_index("ix_interaction_participant_author_member")
        batch.create_index("ix_interaction_participant_author_member", [*PARTICIPANT_AUTHOR, "team_id"])
    with op.batch_alter_table("endorsement") as batch:
        batch.drop_index("ix_endorsement_endorsee")
        batch.create_index("ix_endorsement_endorsee", ["endorsee_id", "endorser_id", "team_id"])


def downgrade() -> None:
    with op.batch_alter_table("endorsement") as batch:
        batch.drop_index("ix_endorsement_endorsee")
        batch.create_index("ix_endorsement_endorsee", ["endorsee_id"])
    with op.batch_alter_table("interaction_participant") as batch:
        batch.drop_index("ix_interaction_participant_author_member")
        batch.create_index("ix_interaction_participant_author_member", PARTICIPANT_AUTHOR)
    with op.batch_alter_table("skill_vocabulary") as batch:
        batch.drop_column("evidence_version")
