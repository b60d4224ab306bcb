"""The digest: a person's nudges for one local day travel together as one DM.

The DM is an outbox row keyed by (recipient, local day), so there is never a second one for
that day. Its nudges are attached only in the transaction that claims it; a nudge that turns
up after its day's DM was claimed or sent waits for the recipient's next working day; one
planned late (after the delivery hour) still goes out that day while the working day lasts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from bot.delivery.outbox import EXPIRED, FAILED, PENDING, Claimed, enqueue_many
from bot.delivery.sender import OutboxKind
from bot.directory.workdays import Workday
from bot.models import Member
from bot.models.outbox import Nudge, Outbox
from bot.nudges.kinds import Kinds, Line
from bot.nudges.render import digest_message
from bot.nudges.sources.endorsements import ENDORSED, HELD_ENDORSEMENT
from bot.nudges.sources.kudos import KUDOS
from bot.nudges.statuses import DROPPED
from bot.platform.blocks import Payload

DIGEST = "digest"
# Two blocks a line (an item, or a news group), plus headers, within Slack's 50 blocks; the
# rest waits for tomorrow.
MAX_ITEMS = 20
# News (a kudos, an endorsement) that no digest carried, because its digest expired or failed
# unsent (a whole-day outage), rides in the recipient's next digest while it is this recent.
CARRY_FOR = timedelta(days=7)
CARRIED = (ENDORSED, HELD_ENDORSEMENT, KUDOS)


def digest_key(team_id: str, user_id: str, day: date) -> str:
    return f"{team_id}:{DIGEST}:{user_id}:{day.isoformat()}"


def _due(team_id: str, now: datetime) -> list[Any]:
    return [
        Nudge.team_id == team_id,
        Nudge.status == PENDING,
        Nudge.message_id.is_(None),
        Nudge.deliver_after <= now,
        Nudge.expires_at > now,
    ]


def _digest_of(n: Any) -> Any:
    """The digest DM (any status) of a nudge's recipient and day."""
    return select(Outbox.id).where(
        Outbox.team_id == n.team_id,
        Outbox.recipient_id == n.recipient_id,
        Outbox.local_date == n.local_date,
        Outbox.kind == DIGEST,
    )


def assemble(session: Session, team_id: str, now: datetime, *, carried: Sequence[str] = ()) -> int:
    """Make the digest DMs that due nudges need, and move on nudges whose day's DM has left;
    first bring back the nudges of the `carried` kinds that no digest delivered.

    Returns how many nudges were moved to a later day.
    """
    moved = _carry_over(session, team_id, now, carried) if carried else 0
    groups = session.execute(
        select(
            Nudge.recipient_id,
            Member.user_id,
            Nudge.local_date,
            func.min(Nudge.deliver_after),
            func.max(Nudge.expires_at),
        )
        .join(Member, Member.id == Nudge.recipient_id)
        .where(*_due(team_id, now), ~_digest_of(Nudge).exists())
        .group_by(Nudge.recipient_id, Member.user_id, Nudge.local_date)
    ).all()
    enqueue_many(
        session,
        [
            {
                "team_id": team_id,
                "key": digest_key(team_id, user_id, day),
                "kind": DIGEST,
                "channel": user_id,
                "recipient_id": recipient_id,
                "local_date": day,
                "deliver_after": start,
                "expires_at": end,
            }
            for recipient_id, user_id, day, start, end in groups
        ],
        now,
    )
    return moved + _move_late(session, team_id, now)


def _carry_over(session: Session, team_id: str, now: datetime, carried: Sequence[str]) -> int:
    """Nudges of the `carried` kinds whose digest expired or failed unsent go to their
    recipient's next delivery day (a new digest), pending again; news older than CARRY_FOR,
    or of someone who left, stays as it ended."""
    lost = session.execute(
        select(
            Nudge.id,
            Member.tz,
            Member.delivery_hour,
            Member.day_end_hour,
            Member.work_days,
            Member.paused_until,
        )
        .join(Member, Member.id == Nudge.recipient_id)
        .where(
            Nudge.team_id == team_id,
            Nudge.status.in_((EXPIRED, FAILED)),
            Nudge.kind.in_(list(carried)),
            Nudge.created_at > now - CARRY_FOR,
            Nudge.expires_at <= now,
            Member.active,
        )
    ).all()
    changes = []
    for item_id, tz, start, end, days, paused in lost:
        wd = Workday.from_values(tz, start, end, days)
        day = wd.delivery_day(now, paused_until=paused)
        if day is None:
            continue
        changes.append({**_on_day(item_id, wd, day, now), "status": PENDING, "message_id": None})
    if changes:
        _bulk_update(session, changes)
    return len(changes)


def _move_late(session: Session, team_id: str, now: datetime) -> int:
    late = session.execute(
        select(
            Nudge.id,
            Nudge.local_date,
            Nudge.last_day,
            Member.tz,
            Member.delivery_hour,
            Member.day_end_hour,
            Member.work_days,
            Member.paused_until,
        )
        .join(Member, Member.id == Nudge.recipient_id)
        .join(
            Outbox,
            and_(
                Outbox.team_id == Nudge.team_id,
                Outbox.kind == DIGEST,
                Outbox.recipient_id == Nudge.recipient_id,
                Outbox.local_date == Nudge.local_date,
            ),
        )
        .where(*_due(team_id, now), Outbox.status != PENDING)
    ).all()
    changes = []
    for item_id, day, last_day, tz, start, end, days, paused in late:
        wd = Workday.from_values(tz, start, end, days)
        after = max(day, paused) if paused else day
        new_day = wd.delivery_day(now, paused_until=after)
        if new_day is None or (last_day is not None and new_day > last_day):
            changes.append({"id": item_id, "status": EXPIRED, "updated_at": now})
            continue
        changes.append(_on_day(item_id, wd, new_day, now))
    if changes:
        _bulk_update(session, changes)
    return len(changes)


def _on_day(item_id: int, wd: Workday, day: date, now: datetime) -> dict[str, Any]:
    """A nudge's new day, as its row's values: delivered and expiring in that day's hours."""
    return {
        "id": item_id,
        "local_date": day,
        "deliver_after": wd.delivery_at(day),
        "expires_at": wd.expires_at(day),
        "updated_at": now,
    }


def _bulk_update(session: Session, changes: list[dict[str, Any]]) -> None:
    by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        by_shape[tuple(sorted(change))].append(change)
    for rows in by_shape.values():
        session.execute(update(Nudge), rows)


def attach(session: Session, kinds: Kinds, team_id: str, claimed: Sequence[Claimed], now: datetime) -> None:
    """Put the due nudges of each claimed digest into it (up to MAX_ITEMS lines)."""
    digests = [c for c in claimed if c.kind == DIGEST]
    if not digests:
        return
    ids = [c.id for c in digests]
    rows = session.execute(
        select(Nudge.id, Nudge.kind, Nudge.subject_id, Nudge.message_id, Outbox.id)
        .join(
            Outbox,
            and_(
                Outbox.id.in_(ids),
                Outbox.recipient_id == Nudge.recipient_id,
                Outbox.local_date == Nudge.local_date,
            ),
        )
        .where(
            Nudge.team_id == team_id,
            Nudge.status == PENDING,
            (Nudge.message_id.is_(None) & (Nudge.deliver_after <= now)) | (Nudge.message_id == Outbox.id),
        )
    ).all()
    per_message: dict[int, list[tuple[int, str, int | None, int | None]]] = defaultdict(list)
    for item_id, kind, subject_id, current, message_id in rows:
        per_message[message_id].append((item_id, kind, subject_id, current))
    changes: list[dict[str, Any]] = []
    for message_id, items in per_message.items():
        items.sort(key=lambda i: (i[3] is None, kinds.order(i[1]), i[0]))
        # The cap counts lines: a news group (`kinds.together`: here all pending, in this
        # digest) comes whole, however many items it has.
        lines: set[tuple[Any, ...]] = set()
        for item_id, kind, subject_id, current in items:
            line = (kind, subject_id) if kinds.news(kind) else (item_id,)
            if line not in lines and len(lines) >= MAX_ITEMS:
                continue
            lines.add(line)
            if current is None:
                changes.append({"id": item_id, "message_id": message_id, "updated_at": now})
    if changes:
        _bulk_update(session, changes)


def render(
    session: Session, kinds: Kinds, team_id: str, claimed: Sequence[Claimed], now: datetime
) -> dict[int, Payload | None]:
    """The message for each claimed digest, once its due nudges are in it; None when it should
    not go out at all.

    A recipient who left or paused gets nothing; items whose reason went away are dropped.
    """
    digests = [c for c in claimed if c.kind == DIGEST]
    if not digests:
        return {}
    attach(session, kinds, team_id, digests, now)
    recipients = {
        m.id: m
        for m in session.scalars(
            select(Member).where(Member.team_id == team_id, Member.id.in_([c.recipient_id for c in digests]))
        )
    }
    out: dict[int, Payload | None] = {}
    live = []
    for c in digests:
        m = recipients.get(c.recipient_id or 0)
        paused = (
            m is not None
            and m.paused_until is not None
            and c.local_date is not None
            and m.paused_until >= c.local_date
        )
        if m is None or not m.active or paused:
            out[c.id] = None
        else:
            live.append(c.id)
    views = message_views(session, kinds, team_id, live, now, drop_moot=True)
    for message_id in live:
        out[message_id] = views.get(message_id)
    return out


def message_views(
    session: Session,
    kinds: Kinds,
    team_id: str,
    message_ids: Sequence[int],
    now: datetime,
    *,
    drop_moot: bool = False,
) -> dict[int, Payload]:
    """Text and blocks of digests from their nudges as they are now (for sending and chat.update)."""
    if not message_ids:
        return {}
    items = list(
        session.scalars(
            select(Nudge)
            .where(Nudge.team_id == team_id, Nudge.message_id.in_(list(message_ids)), Nudge.status != DROPPED)
            .order_by(Nudge.id)
        )
    )
    by_kind: dict[str, list[Nudge]] = defaultdict(list)
    for n in items:
        by_kind[n.kind].append(n)
    lines: dict[int, Line | None] = {}
    for name, batch in by_kind.items():
        kind = kinds.get(name)
        lines.update(
            kind.describe(session, team_id, batch, now) if kind else dict.fromkeys(n.id for n in batch)
        )
    moot = [n.id for n in items if lines.get(n.id) is None and n.status == PENDING]
    if moot and drop_moot:
        session.execute(
            update(Nudge)
            .where(Nudge.id.in_(moot))
            .values(status=DROPPED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    per_message: dict[int, list[tuple[Nudge, Line]]] = defaultdict(list)
    for n in items:
        line = lines.get(n.id)
        if line is not None and n.message_id is not None:
            per_message[n.message_id].append((n, line))
    return {mid: digest_message(entries, kinds) for mid, entries in per_message.items() if entries}


def outbox_kind(kinds: Kinds) -> OutboxKind:
    """How the sender sends digests: made from due nudges before each batch, rendered from them."""

    def rendered(
        session: Session, team_id: str, claimed: list[Claimed], now: datetime
    ) -> dict[int, Payload | None]:
        return render(session, kinds, team_id, claimed, now)

    carried = tuple(name for name in CARRIED if kinds.get(name) is not None)

    def prepare(session: Session, team_id: str, now: datetime) -> int:
        return assemble(session, team_id, now, carried=carried)

    return OutboxKind(rendered, prepare=prepare)
