"""relationships: one open follow-up per interaction and person, so a log with several people
follows up with each of them (and a picked date still moves, never adds)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "interaction_id IS NOT NULL AND done_at IS NULL"


def upgrade() -> None:
    op.drop_index("uq_follow_up_interaction_open", table_name="follow_up")
    op.create_index(
        "uq_follow_up_interaction_about_open",
        "follow_up",
        ["interaction_id", "about_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("uq_follow_up_interaction_about_open", table_name="follow_up")
    # Back to one open follow-up per interaction: the lowest-numbered person's is kept.
    op.execute(
        "DELETE FROM follow_up WHERE interaction_id IS NOT NULL AND done_at IS NULL AND id > ("
        " SELECT MIN(older.id) FROM follow_up AS older"
        " WHERE older.interaction_id = follow_up.interaction_id AND older.done_at IS NULL)"
    )
    op.create_index(
        "uq_follow_up_interaction_open",
        "follow_up",
        ["interaction_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
