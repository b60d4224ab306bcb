"""The digest's buttons: Done and Snooze settle an item and say how its message now reads.

Only the item's own recipient may act on it. A snoozed item comes back once: it is planned
again for the recipient's first working morning on or after the chosen day, under a key of
its own, so snoozing twice to the same day plans it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Member
from bot.models.outbox import Nudge, Outbox
from bot.nudges import kinds
from bot.nudges.digest import DONE, SNOOZED, message_views
from bot.nudges.planning import plan_one
from bot.outbox import SENT
from bot.workdays import Workday

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


def _updated(session: Session, team_id: str, item: Nudge, note: str, now: datetime) -> Acted:
    message = session.get(Outbox, item.message_id) if item.message_id else None
    if message is None or message.status != SENT:
        return Acted(note)
    view = message_views(session, team_id, [message.id], now).get(message.id)
    return Acted(note, message.sent_channel, message.sent_ts, view)


def done(session: Session, team_id: str, user_id: str, item_id: int, now: datetime) -> Acted:
    found = _mine(session, team_id, user_id, item_id)
    if found is None:
        return Acted("That nudge is not yours, or it is gone.")
    item, _ = found
    kind = kinds.KINDS.get(item.kind)
    if kind is not None and kind.on_done is not None:
        kind.on_done(session, team_id, item, now)
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
    kind = kinds.KINDS.get(item.kind)
    if kind is not None and kind.on_snooze is not None:
        kind.on_snooze(session, team_id, item, until, now)
    else:
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
