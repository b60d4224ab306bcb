"""The public channels Rapport reads, and their messages turned into evidence (never kept as text).

A channel counts once someone invites Rapport to it (`member_joined_channel` for Rapport itself)
and Slack says it is public; a private channel, a DM or a group DM is never read, even when
Rapport is in it. Joining starts a backfill of the last `BACKFILL_DAYS` days (`jobs/expertise`
pages through it, resumably); after that, `message` events keep it current. Every message is
applied through `apply_message`, by event or by backfill alike, so it counts once either way:
`channel_evidence` keys it by channel and `ts`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.directory.members import ensure_member
from bot.expertise import activity, channel_evidence
from bot.expertise.evidence import Sources
from bot.expertise.names import catalog
from bot.expertise.vocabulary import ensure_skills, vocabulary
from bot.models import Workspace
from bot.models.activity import BACKFILLING, LEFT, WATCHING, ChannelWatch
from bot.platform import events
from bot.platform.clock import Clock
from bot.platform.db import Database
from bot.platform.storage import insert_ignore

BACKFILL_DAYS = 90
LEASE = timedelta(minutes=5)  # a backfiller that stops answering loses its channel after this
GATHER = 0.5  # seconds a settler waits for more messages before counting them (at most 2/s)

Message = Mapping[str, Any]


def at_of(ts: str) -> datetime:
    """When a message was posted, from its `ts` ("1733130000.000100")."""
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime(1970, 1, 1, tzinfo=UTC)


# -- channels ------------------------------------------------------------------------------------


def joined(session: Session, team_id: str, channel_id: str, now: datetime) -> bool:
    """Rapport was invited to a public channel: watch it, and backfill it from scratch unless it
    is already watched (an invitation after a removal goes on from where the backfill was)."""
    row = {
        "team_id": team_id,
        "channel_id": channel_id,
        "state": BACKFILLING,
        "joined_at": now,
        "oldest": now - timedelta(days=BACKFILL_DAYS),
        "pages": 0,
        "messages": 0,
    }
    if insert_ignore(session, ChannelWatch, row, ["team_id", "channel_id"]):
        return True
    session.execute(
        update(ChannelWatch)
        .where(
            ChannelWatch.team_id == team_id, ChannelWatch.channel_id == channel_id, ChannelWatch.state == LEFT
        )
        .values(state=BACKFILLING, lease_until=None)
    )
    return False


def left(session: Session, team_id: str, channel_id: str) -> None:
    """Rapport was removed from a channel (or it became private): read nothing more of it."""
    session.execute(
        update(ChannelWatch)
        .where(ChannelWatch.team_id == team_id, ChannelWatch.channel_id == channel_id)
        .values(state=LEFT, lease_until=None)
    )


# Built once (every message event asks it): a watched channel of a workspace that learns.
_READABLE = (
    select(ChannelWatch.state)
    .join(Workspace, Workspace.team_id == ChannelWatch.team_id)
    .where(
        ChannelWatch.team_id == bindparam("team_id"),
        ChannelWatch.channel_id == bindparam("channel_id"),
        ChannelWatch.state.in_([BACKFILLING, WATCHING]),
        Workspace.learn_from_channels,
    )
)


def readable(session: Session, team_id: str, channel_id: str) -> bool:
    """Whether Rapport reads this channel now: watched, in a workspace that lets it learn."""
    found = session.connection().execute(_READABLE, {"team_id": team_id, "channel_id": channel_id}).first()
    return found is not None


def claim_backfill(session: Session, team_id: str | None, now: datetime) -> ChannelWatch | None:
    """A channel whose backfill is not done and nobody is working on, leased to the caller
    (compare-and-set: two replicas never page the same channel at once)."""
    query = (
        select(ChannelWatch)
        .join(Workspace, Workspace.team_id == ChannelWatch.team_id)
        .where(
            ChannelWatch.state == BACKFILLING,
            (ChannelWatch.lease_until.is_(None)) | (ChannelWatch.lease_until < now),
            Workspace.learn_from_channels.is_not(False),  # (switched off: nothing is read)
        )
    )
    if team_id is not None:
        query = query.where(ChannelWatch.team_id == team_id)
    for watch in session.scalars(query.order_by(ChannelWatch.joined_at).limit(5)):
        taken = session.execute(
            update(ChannelWatch)
            .where(
                ChannelWatch.team_id == watch.team_id,
                ChannelWatch.channel_id == watch.channel_id,
                ChannelWatch.state == BACKFILLING,
                (ChannelWatch.lease_until.is_(None)) | (ChannelWatch.lease_until < now),
            )
            .values(lease_until=now + LEASE)
        )
        if getattr(taken, "rowcount", 0):
            session.refresh(watch)
            return watch
    return None


def page_done(
    session: Session, team_id: str, channel_id: str, cursor: str | None, messages: int, now: datetime
) -> None:
    """One page of history applied: save where the next one starts (None: the backfill is done)."""
    values: dict[str, Any] = {
        "cursor": cursor,
        "pages": ChannelWatch.pages + 1,
        "messages": ChannelWatch.messages + messages,
        "lease_until": now + LEASE if cursor else None,
    }
    if cursor is None:
        values.update(state=WATCHING, done_at=now)
    session.execute(
        update(ChannelWatch)
        .where(
            ChannelWatch.team_id == team_id,
            ChannelWatch.channel_id == channel_id,
            ChannelWatch.state == BACKFILLING,
        )
        .values(**values)
    )


def release(session: Session, team_id: str, channel_id: str) -> None:
    """A run stopped between pages (its budget spent): the next run, anywhere, may go on."""
    session.execute(
        update(ChannelWatch)
        .where(ChannelWatch.team_id == team_id, ChannelWatch.channel_id == channel_id)
        .values(lease_until=None)
    )


@dataclass(frozen=True)
class Progress:
    channel_id: str
    state: str
    pages: int
    messages: int
    done_at: datetime | None


def progress(session: Session, team_id: str) -> list[Progress]:
    """Every channel Rapport reads in a workspace and how far its backfill is (for admins)."""
    found = session.scalars(
        select(ChannelWatch).where(ChannelWatch.team_id == team_id).order_by(ChannelWatch.joined_at)
    )
    return [Progress(w.channel_id, w.state, w.pages, w.messages, w.done_at) for w in found]


# -- messages ----------------------------------------------------------------------------------


def apply_event(session: Session, team_id: str, event_id: str | None, event: Message, now: datetime) -> bool:
    """Apply one `message` event once, however often Slack delivers it; False when it changed nothing."""
    change = activity.from_event(event)
    if change is None or not events.first_delivery(session, team_id, event_id, now):
        return False
    if change.message is None:
        return channel_evidence.forget_message(session, team_id, change.channel, change.ts)
    if not readable(session, team_id, change.channel):
        return False
    return apply_message(session, team_id, change.channel, change.message, now)


def apply_message(
    session: Session,
    team_id: str,
    channel_id: str,
    message: Message,
    now: datetime,
    *,
    parent: Message | None = None,
    later: Iterable[Message] = (),
) -> bool:
    """What one message of a watched public channel shows, kept (or replaced, when edited)."""
    by = activity.author(message)
    if by is None or _elsewhere(message, team_id):
        return False
    ts = str(message.get("ts") or "")
    if not ts:
        return False
    vocab = vocabulary(session, team_id)
    found = activity.signal(message, vocab, parent=parent, later=list(later))
    thread_ts = message.get("thread_ts") if isinstance(message.get("thread_ts"), str) else None
    starter = activity.starter_of(message, parent)
    changed = False
    if starter == by and thread_ts and activity.is_reply(message):  # the asker, in their thread
        earlier = channel_evidence.thread_answers(session, team_id, channel_id, thread_ts)
        thanked = activity.thanked_replies(message, earlier, by)
        changed = channel_evidence.thank(session, team_id, channel_id, thanked) > 0
    if found is None:
        # (an edit that now shows nothing takes back what the message showed before)
        return channel_evidence.forget_message(session, team_id, channel_id, ts) or changed
    member = ensure_member(session, team_id, by, now)
    table = catalog()
    keys = {k: table.label(k) or k for k in found.skill_keys}
    ids = [*ensure_skills(session, team_id, keys.items(), now).values(), *found.team_skill_ids]
    seen = channel_evidence.Seen(
        channel_id, ts, member.id, at_of(ts), found.kind, found.weight, tuple(ids), thread_ts or None
    )
    return channel_evidence.record(session, team_id, seen) or changed


def _elsewhere(message: Message, team_id: str) -> bool:
    """A message by someone of another organisation (Slack Connect): not this directory's."""
    team = message.get("user_team") or message.get("team")
    return isinstance(team, str) and bool(team) and team != team_id and not team.startswith("E")


class Settler:
    """Counts what events changed, one thread per workspace at a time, at most every `GATHER`
    seconds: a burst of messages becomes one count (and one new evidence version, so cached
    `/whoknows` answers are not thrown away for every message).

    Whoever applied an event calls `settle`; if another thread is settling that workspace, it
    returns at once: that thread looks again for what is pending after it is done (what this one
    wrote was committed before it asked), so nothing waits for a later event.
    """

    def __init__(self, db: Database, clock: Clock, evidence: Sources) -> None:
        self._db, self._clock, self._evidence = db, clock, evidence
        self._busy: set[str] = set()
        self._lock = threading.Lock()

    def settle(self, team_id: str) -> int:
        counted = 0
        while True:
            with self._db.read() as session:
                if not channel_evidence.pending(session, team_id):
                    return counted
            if not self._claim(team_id):
                return counted  # (the thread settling looks again once it is done)
            try:
                self._clock.sleep(GATHER)
                with self._db.write() as session:
                    counted += channel_evidence.settle_pending(session, team_id, evidence=self._evidence)
            finally:
                with self._lock:
                    self._busy.discard(team_id)

    def _claim(self, team_id: str) -> bool:
        with self._lock:
            if team_id in self._busy:
                return False
            self._busy.add(team_id)
            return True
