"""The outbox's core: plan messages once, claim them with a lease, record what became of them.

Exactly once in effect rests on four things: a unique `dedupe_key` (planning twice inserts
nothing); a claim that only one sender can win (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite
has one writer: `db.write()` begins IMMEDIATE and the claim is one `UPDATE … RETURNING`);
`begin_try`, a compare-and-set that only the row's claimant passes, right before each post
(so a sender whose lease another took over never posts); and the doubt a try leaves until its
answer is recorded: a row whose try may have reached Slack unanswered (its sender died, the
connection dropped, a 5xx) carries `doubt_since`, and the next sender looks for the message,
by the key it carries in its metadata (`slack_metadata`), before posting it again.
"""

from __future__ import annotations

import hashlib
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
# Long enough for a claimed batch at the workspace's pace (`batch_for`); each try renews it.
DEFAULT_LEASE = timedelta(minutes=1)
METADATA_EVENT = "rapport_outbox"
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
    doubt_since: datetime | None = None
    sent_channel: str | None = None


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
    Outbox.doubt_since,
    Outbox.sent_channel,
)


def slack_metadata(key: str) -> dict[str, Any]:
    """What a post carries so it can be recognised later: an opaque digest of its key."""
    return {"event_type": METADATA_EVENT, "event_payload": {"outbox": _token(key)}}


def carries(message: dict[str, Any], key: str) -> bool:
    """Whether a message Slack returned is the post of the outbox row `key`."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == METADATA_EVENT and payload.get("outbox") == _token(key)


def _token(key: str) -> str:
    # Keys name members and days; a channel's readers see metadata, so they get a digest.
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def batch_for(rate: float, lease: timedelta, *, workers: int, most: int) -> int:
    """How many rows to claim at once: what ten seconds let go out at `rate` (within the lease),
    so the rows a killed sender held wait out only a short lease, and not many of them."""
    return max(workers, min(most, int(rate * min(10.0, lease.total_seconds() / 3))))


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
    Claiming spends no attempt (`begin_try` does); rows that already used `MAX_ATTEMPTS` are
    left to `expire_stale`, which fails them, unless their last try is in doubt.
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
            # Out of tries, unless the last one may have posted: that is looked for first.
            or_(Outbox.attempts < MAX_ATTEMPTS, Outbox.doubt_since.is_not(None)),
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
            updated_at=now,
        )
        .returning(*_CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    rows = session.execute(stmt).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


def begin_try(session: Session, message_id: int, *, worker: str, now: datetime, lease: timedelta) -> bool:
    """Count a try that is about to post, and renew the lease; False when this sender no
    longer holds the row (its lease ran out and another sender claimed it). Until its answer
    is recorded the try leaves the row in doubt."""
    result = session.execute(
        update(Outbox)
        .where(Outbox.id == message_id, Outbox.status == SENDING, Outbox.claimed_by == worker[:80])
        .values(attempts=Outbox.attempts + 1, doubt_since=now, lease_until=now + lease, updated_at=now)
        .returning(Outbox.id)
        .execution_options(synchronize_session=False)
    ).first()
    return result is not None


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
            doubt_since=None,
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
    session: Session,
    message_id: int,
    now: datetime,
    *,
    delay: timedelta,
    error: str,
    refund: bool = False,
    clear_doubt: bool = False,
) -> None:
    """Put a claimed message back for another try after `delay`.

    `refund` (Slack said "slow down") gives the try back: being rate limited is not the
    message's fault and must not use up its tries. `clear_doubt` when Slack's answer says
    nothing was posted; otherwise a row in doubt stays so.
    """
    values: dict[str, Any] = {
        "status": PENDING,
        "deliver_after": now + delay,
        "lease_until": None,
        "claimed_by": None,
        "last_error": error[:500],
        "updated_at": now,
    }
    if refund:
        values["attempts"] = Outbox.attempts - 1
    if clear_doubt:
        values["doubt_since"] = None
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
        (FAILED, and_(Outbox.attempts >= MAX_ATTEMPTS, Outbox.doubt_since.is_(None))),
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
