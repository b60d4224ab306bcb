"""Kudos in the daily DM: receivers see who thanked them and for what; givers' circles grow.

A kudos is news for its receivers on their next digest (the "For you" section), and it puts the
receiver in the giver's circle, so the giver hears of their birthdays and promotions too. Its
reason reads as in the channel post (`bot.kudos.reasons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
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

KUDOS = "kudos_received"
# Kudos older than this are not news any more (a long weekend and a day off fit).
LOOKBACK = timedelta(days=5)


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
    """How each kudos reads in its receiver's digest (None: the kudos is gone)."""
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
    out: dict[int, kinds.Line | None] = {}
    for n in items:
        entry = by_id.get(n.ref_id or 0)
        if entry is None:
            out[n.id] = None
            continue
        item, giver = entry
        reason = reasons.shown(item.reason, mentioned, pinged=[giver, *pinged.get(item.id, [])], limit=590)
        why = f"“{reason}”" if item.quoted else f"for {reason}"
        where = f"Posted in <#{item.posted_channel}>." if item.posted_channel else None
        out[n.id] = kinds.Line(f":tada: <@{giver}> gave you kudos {why}", where, giver)
    return out


def gave_kudos_to(team_id: str, subjects: Any) -> Select[Any]:
    """Circle part: a giver has the people they thanked in their circle."""
    pair: list[Any] = [Kudos.giver_id.label("member_id"), KudosReceiver.member_id.label("other_id")]
    return (
        select(*pair)
        .join(KudosReceiver, KudosReceiver.kudos_id == Kudos.id)
        .where(KudosReceiver.team_id == team_id, KudosReceiver.member_id.in_(subjects))
    )


KUDOS_RECEIVED = Kind(KUDOS, kinds.FOR_YOU, describe)
