"""The outbox's core: plan messages once, claim them with a lease, record what became of them.

Exactly once rests on three things: a unique `dedupe_key` (planning twice inserts nothing), a
claim that only one sender can win (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
writer: `db.write()` begins IMMEDIATE and the claim is one `UPDATE … RETURNING`), and a lease
that lets another sender take over a row whose sender died. The window that remains is a
sender dying after Slack accepted a message and before `mark_sent` committed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.models.outbox import Nudge, Outbox
from bot.platform.storage import insert_ignore, insert_many_ignore

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, EXPIRED, SKIPPED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "expired",
    "skipped",
)
MAX_ATTEMPTS = 5
DEFAULT_LEASE = timedelta(minutes=5)
# An immediate post that cannot go out within a day is stale news.
POST_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class Claimed:
    """A message a sender holds the lease on."""

    id: int
    team_id: str
    kind: str
    dedupe_key: str
    channel: str
    recipient_id: int | None
    payload: dict[str, Any] | None
    local_date: date | None
    attempts: int


_CLAIMED_COLUMNS = (
    Outbox.id,
    Outbox.team_id,
    Outbox.kind,
    Outbox.dedupe_key,
    Outbox.channel,
    Outbox.recipient_id,
    Outbox.payload,
    Outbox.local_date,
    Outbox.attempts,
)


def enqueue(
    session: Session,
    team_id: str,
    *,
    key: str,
    kind: str,
    channel: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
    recipient_id: int | None = None,
    local_date: date | None = None,
    deliver_after: datetime | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """Plan one message; False when a message with this key already exists (sent or not)."""
    values = _row(
        team_id, key, kind, channel, now, payload, recipient_id, local_date, deliver_after, expires_at
    )
    return insert_ignore(session, Outbox, values, ["dedupe_key"])


def enqueue_many(session: Session, rows: Sequence[dict[str, Any]], now: datetime) -> int:
    """Plan many messages at once (keys as in `enqueue`); returns how many were new."""
    full = [
        _row(
            r["team_id"],
            r["key"],
            r["kind"],
            r["channel"],
            now,
            r.get("payload"),
            r.get("recipient_id"),
            r.get("local_date"),
            r.get("deliver_after"),
            r.get("expires_at"),
        )
        for r in rows
    ]
    return insert_many_ignore(session, Outbox, full, ["dedupe_key"])


def _row(
    team_id: str,
    key: str,
    kind: str,
    channel: str,
    now: datetime,
    payload: dict[str, Any] | None,
    recipient_id: int | None,
    local_date: date | None,
    deliver_after: datetime | None,
    expires_at: datetime | None,
) -> dict[str, Any]:
    start = deliver_after or now
    return {
        "dedupe_key": key,
        "team_id": team_id,
        "kind": kind,
        "channel": channel,
        "recipient_id": recipient_id,
        "payload": payload,
        "local_date": local_date,
        "deliver_after": start,
        "expires_at": expires_at or start + POST_LIFETIME,
        "status": PENDING,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


def find(session: Session, team_id: str, key: str) -> Outbox | None:
    return session.scalar(select(Outbox).where(Outbox.team_id == team_id, Outbox.dedupe_key == key))


def claim(
    session: Session,
    team_id: str,
    now: datetime,
    *,
    worker: str,
    limit: int = 100,
    lease: timedelta = DEFAULT_LEASE,
    key: str | None = None,
) -> list[Claimed]:
    """Take up to `limit` due messages (or the one with `key`) for this worker until `now + lease`.

    Due means pending and past `deliver_after`, or claimed by a sender whose lease ran out.
    Rows that already used `MAX_ATTEMPTS` are left to `expire_stale`, which fails them.
    """
    due = (
        select(Outbox.id)
        .where(
            Outbox.team_id == team_id,
            or_(
                and_(Outbox.status == PENDING, Outbox.deliver_after <= now),
                and_(Outbox.status == SENDING, Outbox.lease_until <= now),
            ),
            Outbox.expires_at > now,
            Outbox.attempts < MAX_ATTEMPTS,
        )
        .order_by(Outbox.deliver_after, Outbox.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's writer already holds the lock
    )
    if key is not None:
        due = due.where(Outbox.dedupe_key == key)
    stmt = (
        update(Outbox)
        .where(Outbox.id.in_(due.scalar_subquery()))
        .values(
            status=SENDING,
            claimed_by=worker[:80],
            lease_until=now + lease,
            attempts=Outbox.attempts + 1,
            updated_at=now,
        )
        .returning(*_CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    rows = session.execute(stmt).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


def mark_sent(session: Session, message_id: int, *, channel: str, ts: str, now: datetime) -> bool:
    """Record Slack's message ts; False when the row was already recorded as sent."""
    result = session.execute(
        update(Outbox)
        .where(Outbox.id == message_id, Outbox.status != SENT)
        .values(
            status=SENT,
            sent_channel=channel,
            sent_ts=ts,
            sent_at=now,
            lease_until=None,
            last_error=None,
            updated_at=now,
        )
        .returning(Outbox.id)
        .execution_options(synchronize_session=False)
    ).first()
    if result is None:
        return False
    session.execute(
        update(Nudge)
        .where(Nudge.message_id == message_id, Nudge.status == PENDING)
        .values(status=SENT, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return True


def retry_later(
    session: Session, message_id: int, now: datetime, *, delay: timedelta, error: str, counts: bool = True
) -> None:
    """Put a claimed message back for another try after `delay`.

    `counts=False` (Slack said "slow down") gives the attempt back: being rate limited is not
    the message's fault and must not use up its tries.
    """
    values: dict[str, Any] = {
        "status": PENDING,
        "deliver_after": now + delay,
        "lease_until": None,
        "claimed_by": None,
        "last_error": error[:500],
        "updated_at": now,
    }
    if not counts:
        values["attempts"] = Outbox.attempts - 1
    session.execute(
        update(Outbox)
        .where(Outbox.id == message_id, Outbox.status == SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def finish(
    session: Session, message_id: int, status: str, now: datetime, *, error: str | None = None
) -> None:
    """End a message without sending it: failed (with a log line), skipped or expired."""
    row = session.execute(
        update(Outbox)
        .where(Outbox.id == message_id, Outbox.status.in_((PENDING, SENDING)))
        .values(status=status, lease_until=None, last_error=error[:500] if error else None, updated_at=now)
        .returning(Outbox.team_id, Outbox.dedupe_key, Outbox.attempts)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return
    if status == FAILED:
        log.warning("outbox: gave up on %s (%s) after %d attempt(s): %s", row[1], row[0], row[2], error)
    session.execute(
        update(Nudge)
        .where(Nudge.message_id == message_id, Nudge.status == PENDING)
        .values(status=status, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def expire_stale(session: Session, team_id: str, now: datetime) -> int:
    """End what can no longer go out: past its expiry, or out of attempts with no live lease."""
    idle = or_(Outbox.status == PENDING, and_(Outbox.status == SENDING, Outbox.lease_until <= now))
    ended = 0
    for status, condition in (
        (EXPIRED, Outbox.expires_at <= now),
        (FAILED, Outbox.attempts >= MAX_ATTEMPTS),
    ):
        rows = session.execute(
            update(Outbox)
            .where(Outbox.team_id == team_id, idle, condition)
            .values(status=status, lease_until=None, updated_at=now)
            .returning(Outbox.id, Outbox.dedupe_key, Outbox.last_error)
            .execution_options(synchronize_session=False)
        ).all()
        if not rows:
            continue
        ended += len(rows)
        for _, key, error in rows if status == FAILED else ():
            log.warning("outbox: gave up on %s (%s) after %d attempts: %s", key, team_id, MAX_ATTEMPTS, error)
        session.execute(
            update(Nudge)
            .where(Nudge.message_id.in_([r[0] for r in rows]), Nudge.status == PENDING)
            .values(status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    # Nudges never put in a digest go stale with their day.
    result = session.execute(
        update(Nudge)
        .where(
            Nudge.team_id == team_id,
            Nudge.status == PENDING,
            Nudge.message_id.is_(None),
            Nudge.expires_at <= now,
        )
        .values(status=EXPIRED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return ended + int(result.rowcount or 0)  # type: ignore[attr-defined]
