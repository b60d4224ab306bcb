"""birthday consent: a birthday Rapport did not get from its owner is asked about before it is posted

`member.celebrate_birthday` (None = never chosen) works like `celebrate_anniversaries`: a
birthday from an admin's CSV or a profile field HR fills is posted only after its owner answers
yes to Rapport's DM; one they shared themselves (`/rapport birthday`, a profile field they edit)
counts as their yes.

Existing people: nothing stored says who gave a birthday (the person, the CSV or a profile
field), so nobody's is taken as shared: everyone keeps "never chosen" and is asked once before
their next birthday (silence is not consent), except whoever already said no — opted out of
public celebrations or kept their birthday private — who keeps that no and is not asked. Profile
fields people edit themselves are read again by the next sync rounds, which count them as shared.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("member", sa.Column("celebrate_birthday", sa.Boolean(), nullable=True))
    member = sa.table(
        "member",
        sa.column("celebrate_publicly", sa.Boolean()),
        sa.column("show_birthday", sa.Boolean()),
        sa.column("celebrate_birthday", sa.Boolean()),
    )
    # Who said no keeps their no; everyone else stays NULL: never chosen, not consent.
    op.execute(
        member.update()
        .where(sa.or_(member.c.celebrate_publicly == sa.false(), member.c.show_birthday == sa.false()))
        .values(celebrate_birthday=sa.false())
    )


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy of `member` (see 0009).
    op.drop_column("member", "celebrate_birthday")
