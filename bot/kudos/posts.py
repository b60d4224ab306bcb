"""Kudos on their way to the celebrations channel: accepted in the request, posted right after it.

The request stores the kudos and, when the channel is already known, plans its post in the
outbox under the kudos' own key; right after `ack()` the post is sent. A retried request finds
the same kudos and the same outbox row, so nothing is posted twice; a failed send is retried
by the scheduled sender. The message is built at send time from the database, so a receiver
who opted out in between is left out, and someone the reason mentions who opted out in between
is neither pinged nor named: they read "someone" (`bot.kudos.reasons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.celebrations import channel as celebration_channel
from bot.celebrations.consent import celebrated
from bot.delivery import outbox
from bot.delivery.outbox import Claimed
from bot.delivery.sender import OutboxKind, Sender
from bot.expertise.evidence import Sources
from bot.kudos import giving, reasons
from bot.kudos.render import KudosPost, kudos_post
from bot.models import Member, Workspace
from bot.models.celebrations import Kudos
from bot.models.outbox import Outbox
from bot.platform.blocks import Payload
from bot.platform.config import Settings
from bot.platform.refusals import Refusal
from bot.platform.runtime import Runtime

KIND = "kudos_post"
# Kudos whose post could not be planned (no channel yet) are posted when it appears, if this fresh.
STILL_NEWS = outbox.POST_LIFETIME
# Characters of a reason a post shows: the rest of the post (giver, up to 20 receivers, the
# template) fits beside it in a section's 3000.
REASON_SHOWN = 2400


@dataclass
class Accepted:
    given: giving.Given
    channel: celebration_channel.Resolution | None  # None: not resolved yet (the post will)

    @property
    def planned_in(self) -> str | None:
        """The channel its post is planned for in the outbox (None: no channel known yet)."""
        return self.channel.channel_id if self.channel is not None else None


def accept(
    session: Session,
    settings: Settings,
    team_id: str,
    user_id: str,
    text: str,
    now: datetime,
    *,
    request_id: str | None,
) -> Accepted | Refusal:
    """The request's part (no Slack call): check and store the kudos, and plan its post."""
    given = giving.give(session, team_id, user_id, text, now, request_id=request_id)
    if isinstance(given, Refusal):
        return given
    want = celebration_channel.wanted(session.get(Workspace, team_id), settings)
    channel = celebration_channel.cached(session, team_id, want)
    accepted = Accepted(given, channel)
    if accepted.planned_in:
        plan(session, given.kudos, accepted.planned_in, now)
    return accepted


def plan(session: Session, item: Kudos, channel_id: str, now: datetime) -> bool:
    """Put the kudos' post in the outbox (once: its key is the kudos' own)."""
    return outbox.enqueue(
        session,
        item.team_id,
        key=item.request_key,
        kind=KIND,
        channel=channel_id,
        payload={"kudos_id": item.id},
        now=now,
    )


@dataclass
class Announced:
    posted: bool
    problem: str | None = None  # what to tell the giver when it could not be posted


def announce_request(
    rt: Runtime, sender: Sender, team_id: str, user_id: str, text: str, *, request_id: str | None
) -> Announced:
    """After `ack()`: post the kudos this request stored (or repeated); nothing if it was refused."""
    with rt.db.read() as session:
        item = giving.given_by(session, team_id, user_id, text, rt.clock(), request_id=request_id)
    return announce(rt, sender, team_id, item.id) if item is not None else Announced(False)


def announce(
    rt: Runtime, sender: Sender, team_id: str, kudos_id: int, *, planned_in: str | None = None
) -> Announced:
    """Post a kudos now: plan it if the request could not (no channel known yet), then send it.

    `planned_in` is the channel the request planned the post for, when it could.
    """
    now = rt.clock()
    with rt.db.read() as session:
        item = session.get(Kudos, kudos_id)
        if item is None or item.team_id != team_id:
            return Announced(False)
        key = item.request_key
        if planned_in is None:
            row = outbox.find(session, team_id, key)
            planned_in = row.channel if row is not None else None
    if planned_in is None:
        problem = _plan_with_channel(rt, team_id, kudos_id, now)
        if problem:
            return Announced(False, problem)
    report = sender.send_now(team_id, key, channel=planned_in)
    if report.sent:
        return Announced(True)  # where it went is noted on the kudos by the next sweep
    with rt.db.write() as session:
        row = outbox.find(session, team_id, key)
        if row is not None and row.status == outbox.FAILED and row.last_error in celebration_channel.GONE:
            # The channel went away or the bot was removed: look it up again, then tell the giver.
            celebration_channel.forget(session, team_id)
            return Announced(False, _gone(row.channel))
    return Announced(False)  # already sent, or a transient failure the scheduled sender retries


def _plan_with_channel(rt: Runtime, team_id: str, kudos_id: int, now: datetime) -> str | None:
    client = rt.clients.client(team_id)
    if client is None:
        return None
    found = celebration_channel.find(rt.db, client, rt.settings, team_id, now)
    if not found.ok or found.channel_id is None:
        return f"{found.problem} Your kudos is saved and will be posted once I can post there (today)."
    with rt.db.write() as session:
        item = session.get(Kudos, kudos_id)
        if item is not None:
            plan(session, item, found.channel_id, now)
    return None


def _gone(channel_id: str) -> str:
    return (
        f"I couldn't post your kudos in <#{channel_id}>: I'm not in that channel any more. "
        f"If it is private, {celebration_channel.INVITE}. {celebration_channel.CHOOSE}"
    )


def sweep(rt: Runtime, team_id: str, now: datetime, *, evidence: Sources) -> int:
    """The celebrations job's part for kudos: settle recent ones (evidence, keep-in-touch), note
    where their posts went, and plan the posts of those that have none yet (no channel then)."""
    with rt.db.write() as session:
        for item in giving.unsettled(session, team_id, now - STILL_NEWS):
            giving.settle(session, item, evidence=evidence)
    recent = [Kudos.team_id == team_id, Kudos.created_at > now - STILL_NEWS]
    with rt.db.read() as session:
        waiting = session.scalars(
            select(Kudos.id)
            .outerjoin(Outbox, Outbox.dedupe_key == Kudos.request_key)
            .where(*recent, Outbox.id.is_(None))
        ).all()
        # Posts sent since the last sweep: note where they went.
        sent = session.scalars(
            select(Outbox)
            .join(Kudos, Kudos.request_key == Outbox.dedupe_key)
            .where(*recent, Kudos.posted_ts.is_(None), Outbox.status == outbox.SENT)
        ).all()
    if sent:
        with rt.db.write() as session:
            _record(session, team_id, sent)
    if not waiting:
        return 0
    client = rt.clients.client(team_id)
    if client is None:
        return 0
    found = celebration_channel.find(rt.db, client, rt.settings, team_id, now)
    if found.channel_id is None:
        return 0
    planned = 0
    with rt.db.write() as session:
        for item in session.scalars(select(Kudos).where(Kudos.id.in_(waiting))):
            planned += plan(session, item, found.channel_id, now)
    return planned


def _record(session: Session, team_id: str, rows: Sequence[Outbox]) -> None:
    """Copy where each post went onto its kudos."""
    for row in rows:
        session.execute(
            update(Kudos)
            .where(Kudos.team_id == team_id, Kudos.request_key == row.dedupe_key)
            .values(posted_channel=row.sent_channel or row.channel, posted_ts=row.sent_ts)
            .execution_options(synchronize_session=False)
        )


def render(
    session: Session, team_id: str, claimed: list[Claimed], now: datetime
) -> dict[int, Payload | None]:
    """The kudos posts as they read at send time: receivers who left or opted out are left out,
    and the people their reasons mention are pinged and named only as `reasons` allows now."""
    ids = {int((c.payload or {}).get("kudos_id") or 0): c.id for c in claimed}
    found = {
        k.id: k for k in session.scalars(select(Kudos).where(Kudos.team_id == team_id, Kudos.id.in_(ids)))
    }
    mentioned = reasons.people(session, team_id, (k.reason for k in found.values()), public=True)
    out: dict[int, Payload | None] = {}
    for kudos_id, message_id in ids.items():
        item = found.get(kudos_id)
        if item is None:
            out[message_id] = None
            continue
        giver = session.get(Member, item.giver_id)
        receivers = [m.user_id for m in giving.receivers_of(session, item) if celebrated(m)]
        if giver is None or not receivers:
            out[message_id] = None
            continue
        why = reasons.shown(item.reason, mentioned, pinged=[giver.user_id, *receivers], limit=REASON_SHOWN)
        out[message_id] = kudos_post(KudosPost(item.id, giver.user_id, receivers, why, item.quoted))
    return out


OUTBOX = OutboxKind(render)
