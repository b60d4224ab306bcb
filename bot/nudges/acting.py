"""The digest's buttons: Done and Snooze settle an item and say how its message now reads.

Only the item's own recipient may act on it. A snoozed item comes back once: it is planned
again for the recipient's first working morning on or after the chosen day, under a key of
its own, so snoozing twice to the same day plans it once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.outbox import SENT
from bot.directory.workdays import Workday
from bot.models import Member
from bot.models.outbox import Nudge, Outbox
from bot.nudges.digest import DONE, SNOOZED, message_views
from bot.nudges.planning import plan_one

SNOOZE_DAYS = {"1d": 1, "1w": 7}


@dataclass(frozen=True)
class Acted:
    """What changed, and the digest message to update (`chat.update`)."""

    note: str
    channel: str | None = None
    ts: str | None = None
    message: dict[str, Any] | None = None


def _mine(session: Session, team_id: str, user_id: str, item_id: int) -> tuple[Nudge, Member] | None:
    row = session.execute(
        select(Nudge, Member)
        .join(Member, Member.id == Nudge.recipient_id)
        .where(Nudge.team_id == team_id, Nudge.id == item_id, Member.user_id == user_id)
    ).first()
    return None if row is None else (row[0], row[1])


def redraw(
    session: Session, team_id: str, message_ids: Collection[int], now: datetime, note: str = ""
) -> list[Acted]:
    """The sent digests among `message_ids` as their nudges now read (for `chat.update`)."""
    if not message_ids:
        return []
    messages = list(
        session.scalars(
            select(Outbox)
            .where(Outbox.team_id == team_id, Outbox.id.in_(list(message_ids)), Outbox.status == SENT)
            .order_by(Outbox.id)
        )
    )
    views = message_views(session, team_id, [m.id for m in messages], now)
    return [Acted(note, m.sent_channel, m.sent_ts, views.get(m.id)) for m in messages]


def _updated(session: Session, team_id: str, item: Nudge, note: str, now: datetime) -> Acted:
    redrawn = redraw(session, team_id, [item.message_id] if item.message_id else [], now, note)
    return redrawn[0] if redrawn else Acted(note)


def subject_of(session: Session, team_id: str, user_id: str, item_id: int) -> Member | None:
    """Whom the user's nudge is about ("Log it" opens the log form with them)."""
    found = _mine(session, team_id, user_id, item_id)
    if found is None or found[0].subject_id is None:
        return None
    return session.get(Member, found[0].subject_id)


def done(session: Session, team_id: str, user_id: str, item_id: int, now: datetime) -> Acted:
    found = _mine(session, team_id, user_id, item_id)
    if found is None:
        return Acted("That nudge is not yours, or it is gone.")
    item, _ = found
    item.status, item.updated_at = DONE, now
    session.flush()
    return _updated(session, team_id, item, "Done.", now)


def snooze_until(choice: str, today: date) -> date | None:
    days = SNOOZE_DAYS.get(choice)
    return None if days is None else today + timedelta(days=days)


def snooze(session: Session, team_id: str, user_id: str, item_id: int, until: date, now: datetime) -> Acted:
    found = _mine(session, team_id, user_id, item_id)
    if found is None:
        return Acted("That nudge is not yours, or it is gone.")
    item, member = found
    today = Workday.of(member).local_date(now)
    if until <= today:
        return Acted("Pick a day after today to snooze to.")
    plan_one(
        session,
        team_id,
        member,
        item.kind,
        f"{item.dedupe_key.split(':', 2)[2]}:snoozed:{until.isoformat()}",
        now,
        on_or_after=until,
        subject_id=item.subject_id,
        ref_id=item.ref_id,
        occasion=item.occasion,
        payload=item.payload,
    )
    item.status, item.updated_at = SNOOZED, now
    session.flush()
    return _updated(session, team_id, item, f"Snoozed until {until:%A, %B} {until.day}.", now)
