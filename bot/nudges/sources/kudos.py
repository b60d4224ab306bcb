"""Kudos in the daily DM: receivers see who thanked them and for what; givers' circles grow.

A kudos is news for its receivers on their next digest (the "For you" section; one giver's
kudos read as one line, acknowledged with one button), and it puts the receiver in the giver's
circle, so the giver hears of their birthdays and promotions too. Its reason reads as in the
channel post (`bot.kudos.reasons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from bot.kudos import reasons
from bot.models import Member
from bot.models.celebrations import Kudos, KudosReceiver
from bot.models.outbox import Nudge
from bot.nudges import kinds
from bot.nudges.kinds import Kind
from bot.nudges.planning import PlanContext, key
from bot.platform import days, words
from bot.platform.clock import local_date

KUDOS = "kudos_received"
# Kudos older than this are not news any more (a long weekend and a day off fit).
LOOKBACK = timedelta(days=5)
# One giver's kudos read as one line: a few reasons, then how many more (within a section's 3000).
REASONS, REASON_LIMIT, GROUP_REASON_LIMIT = 3, 590, 200


def received(ctx: PlanContext) -> Select[Any]:
    """One nudge per receiver and kudos, for their next digest."""
    r = ctx.recipients.c
    return (
        select(
            *ctx.item(
                KUDOS,
                occurrence=key(KUDOS, KudosReceiver.kudos_id),
                subject_id=Kudos.giver_id,
                ref_id=KudosReceiver.kudos_id,
            )
        )
        .select_from(ctx.recipients)
        .join(
            KudosReceiver,
            and_(KudosReceiver.team_id == ctx.team_id, KudosReceiver.member_id == r.member_id),
        )
        .join(Kudos, Kudos.id == KudosReceiver.kudos_id)
        .where(KudosReceiver.created_at > ctx.ago(LOOKBACK), KudosReceiver.created_at <= ctx.now)
    )


def describe(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    """How each kudos reads in its receiver's digest: one line for one giver's kudos together
    (`kinds.together`), a few of their reasons and how many more; None: the kudos is gone."""
    ids = {n.ref_id for n in items if n.ref_id is not None}
    found = session.execute(
        select(Kudos, Member.user_id)
        .join(Member, Member.id == Kudos.giver_id)
        .where(Kudos.team_id == team_id, Kudos.id.in_(ids))
    ).all()
    by_id = {k.id: (k, giver) for k, giver in found}
    mentioned = reasons.people(session, team_id, (k.reason for k, _ in found), public=False)  # a DM
    pinged: dict[int, list[str]] = {}  # the people a kudos thanks: pinged by its post anyway
    for kudos_id, user_id in session.execute(
        select(KudosReceiver.kudos_id, Member.user_id)
        .join(Member, Member.id == KudosReceiver.member_id)
        .where(KudosReceiver.team_id == team_id, KudosReceiver.kudos_id.in_(ids))
    ):
        pinged.setdefault(kudos_id, []).append(user_id)
    receivers = kinds.members(session, team_id, (n.recipient_id for n in items))

    def why(item: Kudos, giver: str, limit: int) -> str:
        said = reasons.shown(item.reason, mentioned, pinged=[giver, *pinged.get(item.id, [])], limit=limit)
        return f"“{said}”" if item.quoted else f"for {said}"

    out: dict[int, kinds.Line | None] = {}
    for group in kinds.gathered(items):
        given = [by_id[n.ref_id] for n in group if n.ref_id is not None and n.ref_id in by_id]
        receiver = receivers.get(group[0].recipient_id)
        line = None
        if given and receiver is not None:
            limit = REASON_LIMIT if len(given) == 1 else GROUP_REASON_LIMIT
            said = [why(item, giver, limit) for item, giver in given[:REASONS]]
            line = _line(given, said, local_date(now, receiver.tz), receiver.tz)
        out.update({n.id: line if n.ref_id in by_id else None for n in group})  # a gone one drops
    return out


def _line(given: list[tuple[Kudos, str]], why: list[str], today: date, tz: str) -> kinds.Line:
    """One giver's kudos as one line: "gave you kudos for …", or "gave you 3 kudos this week: …"."""
    giver = given[0][1]
    channels = list(dict.fromkeys(f"<#{k.posted_channel}>" for k, _ in given if k.posted_channel))
    where = f"Posted in {words.listed(channels)}." if channels else None
    if len(given) == 1:
        return kinds.Line(f":tada: <@{giver}> gave you kudos {why[0]}", where, giver)
    first = min(local_date(k.created_at, tz) for k, _ in given)
    monday = today - timedelta(days=today.weekday())
    when = "this week" if first >= monday else f"since {days.day(first, today)}"
    count = words.plural(len(given), "kudos", "kudos")
    said = words.listed(why, more=len(given) - len(why))
    return kinds.Line(f":tada: <@{giver}> gave you {count} {when}: {said}", where, giver)


def gave_kudos_to(team_id: str, subjects: Any) -> Select[Any]:
    """Circle part: a giver has the people they thanked in their circle."""
    pair: list[Any] = [Kudos.giver_id.label("member_id"), KudosReceiver.member_id.label("other_id")]
    return (
        select(*pair)
        .join(KudosReceiver, KudosReceiver.kudos_id == Kudos.id)
        .where(KudosReceiver.team_id == team_id, KudosReceiver.member_id.in_(subjects))
    )


KUDOS_RECEIVED = Kind(KUDOS, kinds.FOR_YOU, describe, news=True)
