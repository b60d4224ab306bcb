"""kudos: reasons kept escaped once, as Slack sends them (before, `&` was escaped a second time)

Rows written before 0010 escaped Slack's already escaped text again ("R&amp;D" stored as
"R&amp;amp;D"); every `&amp;` in them stands for one `&` of what Slack sent, so replacing it
gives back Slack's text, which is the form Rapport keeps now.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE kudos SET reason = REPLACE(reason, '&amp;', '&') WHERE reason LIKE '%&amp;%'")


def downgrade() -> None:
    op.execute("UPDATE kudos SET reason = REPLACE(reason, '&', '&amp;') WHERE reason LIKE '%&%'")
