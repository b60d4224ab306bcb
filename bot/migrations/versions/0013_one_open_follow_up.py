"""relationships: at most one open follow-up per interaction, so a replayed or repeated
"Pick a date" moves the follow-up instead of adding another

Duplicates made before (a date picked twice) keep the newest.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "interaction_id IS NOT NULL AND done_at IS NULL"


def upgrade() -> None:
    op.execute(
        "DELETE FROM follow_up WHERE interaction_id IS NOT NULL AND done_at IS NULL AND id < ("
        " SELECT MAX(newer.id) FROM follow_up AS newer"
        " WHERE newer.interaction_id = follow_up.interaction_id AND newer.done_at IS NULL)"
    )
    op.create_index(
        "uq_follow_up_interaction_open",
        "follow_up",
        ["interaction_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("uq_follow_up_interaction_open", table_name="follow_up")
