"""delivery: an outbox row's doubt (a try whose answer never came) and the shared send budget

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("doubt_since", sa.DateTime(), nullable=True))
    op.create_table(
        "send_slot",
        sa.Column("team_id", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("free_at", sa.Float(), nullable=False, server_default="0"),
        sa.Column("held_until", sa.Float(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("send_slot")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("doubt_since")
