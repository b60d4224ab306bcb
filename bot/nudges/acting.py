"""Done, Snooze and Log it on any item: a follow-up or cadence ("f:12", "c:3"), wherever it is
shown, or a digest's own item ("n:45"); and the digests that show it, redrawn.

Only an item's own author (or recipient) may act on it. A click on a news line (several kudos
from one person) acts on every item of its group; clicking again changes nothing. A snoozed
digest item comes back once: it is planned again for the recipient's first working morning on or
after the chosen day, under a key of its own, so snoozing twice to the same day plans it once.
A follow-up or cadence comes back when it is due again, like any due item; the digests that
showed it say how it ended.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.outbox import SENT
from bot.models import Member
from bot.models.outbox import Nudge, Outbox
from bot.models.relationships import Cadence, FollowUp
from bot.nudges.digest import message_views
from bot.nudges.kinds import Kinds
from bot.nudges.planning import plan_one
from bot.nudges.render import ACKNOWLEDGED, NUDGE
from bot.nudges.sources.relationships import BY_REF
from bot.nudges.statuses import DONE, SNOOZED
from bot.platform.blocks import Payload
from bot.platform.clock import local_date
from bot.platform.refusals import Refusal
from bot.relationships import agenda
from bot.relationships.dates import future_date_problem
from bot.relationships.due import FOLLOW_UP, parse_ref

NOT_YOURS = Refusal("That nudge is not yours, or it is gone.")


@dataclass(frozen=True)
class Redraw:
    """A sent digest as its items now read, for `chat.update`."""

    channel: str | None
    ts: str | None
    message: Payload | None


@dataclass(frozen=True)
class Acted:
    """What a click on an item did (a few words, or why not), and the digests to redraw."""

    note: str = ""
    refused: Refusal | None = None
    redrawn: list[Redraw] = field(default_factory=list)
    home: bool = False  # the item is one the Home tab lists (a follow-up or a cadence)

    def redraws(self, ts: str | None) -> bool:
        """Whether the message with this ts is among the redrawn digests."""
        return ts is not None and any(r.ts == ts and r.message for r in self.redrawn)


def _nudge_id(ref: str) -> int | None:
    kind, _, number = ref.partition(":")
    return int(number) if kind == NUDGE and number.isdigit() else None


def _mine(session: Session, team_id: str, user_id: str, nudge_id: int) -> tuple[Nudge, Member] | None:
    row = session.execute(
        select(Nudge, Member)
        .join(Member, Member.id == Nudge.recipient_id)
        .where(Nudge.team_id == team_id, Nudge.id == nudge_id, Member.user_id == user_id)
    ).first()
    return None if row is None else (row[0], row[1])


def redraw(
    session: Session, kinds: Kinds, team_id: str, message_ids: Collection[int], now: datetime
) -> list[Redraw]:
    """The sent digests among `message_ids` as their nudges now read."""
    if not message_ids:
        return []
    messages = list(
        session.scalars(
            select(Outbox)
            .where(Outbox.team_id == team_id, Outbox.id.in_(list(message_ids)), Outbox.status == SENT)
            .order_by(Outbox.id)
        )
    )
    views = message_views(session, kinds, team_id, [m.id for m in messages], now)
    return [Redraw(m.sent_channel, m.sent_ts, views.get(m.id)) for m in messages]


def _group(session: Session, kinds: Kinds, item: Nudge) -> list[Nudge]:
    """The items a click on `item` acts on: itself, or its whole news group (`kinds.together`)."""
    if not kinds.news(item.kind) or item.message_id is None:
        return [item]
    same_subject = (
        Nudge.subject_id.is_(None) if item.subject_id is None else Nudge.subject_id == item.subject_id
    )
    return list(
        session.scalars(
            select(Nudge)
            .where(
                Nudge.team_id == item.team_id,
                Nudge.message_id == item.message_id,
                Nudge.recipient_id == item.recipient_id,
                Nudge.kind == item.kind,
                Nudge.status == item.status,
                same_subject,
            )
            .order_by(Nudge.id)
        )
    )


def _settled(
    session: Session, kinds: Kinds, items: list[Nudge], status: str, note: str, now: datetime
) -> Acted:
    for item in items:
        if item.status != status:  # a replayed click changes nothing
            item.status, item.updated_at = status, now
    session.flush()
    message_ids = {item.message_id for item in items if item.message_id}
    return Acted(note, redrawn=redraw(session, kinds, items[0].team_id, message_ids, now))


def done(session: Session, kinds: Kinds, team_id: str, user_id: str, ref: str, now: datetime) -> Acted:
    """Done on an item: a digest item is settled; a follow-up is closed, a cadence starts over."""
    nudge_id = _nudge_id(ref)
    if nudge_id is not None:
        found = _mine(session, team_id, user_id, nudge_id)
        if found is None:
            return Acted(refused=NOT_YOURS)
        note = ACKNOWLEDGED if kinds.news(found[0].kind) else "Done ✓"
        return _settled(session, kinds, _group(session, kinds, found[0]), DONE, note, now)
    outcome = agenda.done(session, team_id, user_id, ref, now)
    if outcome.refused:
        return Acted(refused=outcome.refused, home=True)
    return Acted(outcome.note, redrawn=settle(session, kinds, team_id, user_id, ref, now), home=True)


def snooze(
    session: Session,
    kinds: Kinds,
    team_id: str,
    user_id: str,
    ref: str,
    now: datetime,
    *,
    span: str | None = None,
    until: date | None = None,
) -> Acted:
    """Snooze an item by `span` ("1d", "1w") or to a picked local date."""
    nudge_id = _nudge_id(ref)
    if nudge_id is None:
        outcome = agenda.snooze(session, team_id, user_id, ref, now, span=span, until=until)
        if outcome.refused:
            return Acted(refused=outcome.refused, home=True)
        return Acted(outcome.note, redrawn=settle(session, kinds, team_id, user_id, ref, now), home=True)
    found = _mine(session, team_id, user_id, nudge_id)
    if found is None:
        return Acted(refused=NOT_YOURS)
    item, member = found
    day = agenda.snooze_until(now, member.tz, span=span, until=until)
    if day is None:
        return Acted(refused=Refusal("Choose how long to snooze."))
    today = local_date(now, member.tz)
    if day <= today:
        return Acted(refused=Refusal("Pick a day after today to snooze to."))
    too_far = future_date_problem(day, today, what="A snooze")
    if too_far:
        return Acted(refused=Refusal(too_far))
    group = _group(session, kinds, item)
    for each in group:
        plan_one(
            session,
            team_id,
            member,
            each.kind,
            f"{each.dedupe_key.split(':', 2)[2]}:snoozed:{day.isoformat()}",
            now,
            on_or_after=day,
            subject_id=each.subject_id,
            ref_id=each.ref_id,
            occasion=each.occasion,
            payload=each.payload,
        )
    return _settled(session, kinds, group, SNOOZED, agenda.snoozed(day), now)


@dataclass(frozen=True)
class LogIt:
    """What "Log it" opens the log form with: whom the item is about, and the item it closes."""

    person: Member | None
    closes: str | None = None


def log_it(session: Session, team_id: str, user_id: str, ref: str) -> LogIt:
    nudge_id = _nudge_id(ref)
    if nudge_id is None:
        return LogIt(agenda.person_of(session, team_id, user_id, ref), closes=ref)
    found = _mine(session, team_id, user_id, nudge_id)
    subject = found[0].subject_id if found else None
    return LogIt(session.get(Member, subject) if subject is not None else None)


def settle(
    session: Session, kinds: Kinds, team_id: str, user_id: str, ref: str, now: datetime
) -> list[Redraw]:
    """After a due item changed (done, snoozed, logged with "Log it"): the sent digests that show
    it as due say how it ended instead. Returns those digests, redrawn."""
    parsed = parse_ref(ref)
    if parsed is None:
        return []
    letter, ref_id = parsed
    shown = list(
        session.scalars(
            select(Nudge)
            .join(Member, Member.id == Nudge.recipient_id)
            .where(
                Nudge.team_id == team_id,
                Nudge.ref_id == ref_id,
                Nudge.kind == BY_REF[letter],
                Nudge.status == SENT,
                Member.user_id == user_id,
            )
        )
    )
    if not shown:
        return []
    row: FollowUp | Cadence | None = (
        session.scalar(select(FollowUp).where(FollowUp.id == ref_id, FollowUp.team_id == team_id))
        if letter == FOLLOW_UP
        else session.scalar(select(Cadence).where(Cadence.id == ref_id, Cadence.team_id == team_id))
    )
    changed = set()
    for n in shown:
        status = _ended(row, n)
        if status is not None:
            n.status, n.updated_at = status, now
            changed.add(n.message_id)
    session.flush()
    return redraw(session, kinds, team_id, [m for m in changed if m is not None], now)


def _ended(row: FollowUp | Cadence | None, n: Nudge) -> str | None:
    """How the item a nudge showed ended: done, snoozed, or None while it is still due that day."""
    if isinstance(row, FollowUp):
        if row.done_at is not None:
            return DONE
        return SNOOZED if row.remind_on > n.local_date else None
    if isinstance(row, Cadence):
        if row.stopped:
            return DONE
        if row.next_due_on <= n.local_date:
            return None
        # In touch since the nudge was planned (Done, or a logged talk), else put off.
        return DONE if row.last_contact_at is not None and row.last_contact_at >= n.created_at else SNOOZED
    return DONE  # gone (the talk it came from was undone)
