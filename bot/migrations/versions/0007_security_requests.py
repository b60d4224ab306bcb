"""security: a request key on each interaction, so a replayed /log or form stores nothing twice

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interaction") as batch:
        batch.add_column(sa.Column("request_key", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(op.f("uq_interaction_request_key"), ["request_key"])


def downgrade() -> None:
    with op.batch_alter_table("interaction") as batch:
        batch.drop_constraint(op.f("uq_interaction_request_key"), type_="unique")
        batch.drop_column("request_key")
