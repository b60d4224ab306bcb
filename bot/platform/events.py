"""Slack's Events API retries: remember each `event_id` so a retry changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.models import ProcessedEvent
from bot.platform.storage import insert_ignore

KEEP_FOR = timedelta(days=2)  # Slack retries within minutes; keep a wide margin


def first_delivery(session: Session, team_id: str, event_id: str | None, now: datetime) -> bool:
    """Record `event_id` in this transaction; False when it was already applied.

    Call it in the same transaction as the event's effect, so a failure leaves the
    event unrecorded and Slack's retry applies it after all.
    """
    if not event_id:
        return True
    return insert_ignore(
        session, ProcessedEvent, {"event_id": event_id, "team_id": team_id, "received_at": now}, ["event_id"]
    )


def forget_old(session: Session, now: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < now - KEEP_FOR))
    return int(getattr(result, "rowcount", 0) or 0)
