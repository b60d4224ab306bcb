"""A promotion given to a day's post that then ended unsent goes into the next post."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.celebrations import daily as celebrations
from bot.delivery import outbox
from bot.models.outbox import Outbox
from bot.platform.db import Database
from tests.celebrations.test_daily import FRIDAY, NOW, TEAM, announced, team  # noqa: F401


def test_a_promotion_of_a_post_that_expired_unsent_goes_into_the_next_post(team: Database) -> None:  # noqa: F811
    friday_key = celebrations.post_key(TEAM, FRIDAY)
    late = NOW + timedelta(hours=4)  # after Friday's hour: the promotion joins Friday's post
    assert "UPROMO" in {c.user_id for c in announced(team, FRIDAY, late) if c.kind == "promotion"}
    with team.write() as s:
        outbox.enqueue(
            s, TEAM, key=friday_key, kind=celebrations.KIND, channel="CCELEB", now=NOW,
            local_date=FRIDAY, deliver_after=NOW, expires_at=NOW + timedelta(hours=15),
        )  # fmt: skip
        s.execute(update(Outbox).where(Outbox.dedupe_key == friday_key).values(status=outbox.EXPIRED))
    monday = FRIDAY + timedelta(days=3)
    found = {(c.kind, c.user_id, c.occasion) for c in announced(team, monday, NOW + timedelta(days=3))}
    assert ("promotion", "UPROMO", monday) in found
