"""The daily celebration post: one a day per workspace, at its hour, in its time zone.

Planning gives each occasion of the day (birthdays, work anniversaries, promotions since the
last post) to that day's post, once: `celebration_item.occasion_key` is unique, so no
occasion is announced twice, whatever retries, replicas or time-zone changes do. The post's
text is built when it is sent, from the database as it is then, so someone who opted out or
left after planning is not in it.

Consent: a birthday and a work anniversary only once their owner said yes (a birthday they
shared themselves is that yes; otherwise `consent` asks by DM before the first one), and a
birthday never while they keep it private; a promotion only after its owner said yes to that
very title.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.celebrations import channel as celebration_channel
from bot.celebrations import consent
from bot.celebrations.occasions import (
    ANNIVERSARY,
    BIRTHDAY,
    PROMOTION,
    PersonDates,
    birthday_on,
    celebration_hour,
    month_days,
    occasions_on,
    start_on,
    workspace_tz,
)
from bot.celebrations.render import Celebrated, celebration_post
from bot.delivery import outbox
from bot.delivery.outbox import Claimed
from bot.delivery.sender import OutboxKind
from bot.directory.workdays import Workday
from bot.models import Member, Workspace
from bot.models.celebrations import CelebrationItem
from bot.models.outbox import Outbox
from bot.platform.blocks import Payload
from bot.platform.runtime import Runtime
from bot.platform.storage import insert_many_ignore

log = logging.getLogger(__name__)

KIND = "celebration_post"
# Planned this long before the hour, so the post goes out on time from a job that ticks.
PLAN_AHEAD = timedelta(minutes=30)


def post_key(team_id: str, day: date) -> str:
    return f"celebration:{team_id}:{day.isoformat()}"


@dataclass(frozen=True)
class Slot:
    """Today's post of a workspace: its key, the workspace date and when it may go out."""

    key: str
    day: date
    deliver_after: datetime
    expires_at: datetime


def slot(session: Session, team_id: str, now: datetime) -> Slot | None:
    """The post to plan now, if the workspace's today is a weekday and its hour is near or past."""
    workspace = session.get(Workspace, team_id)
    tz = workspace_tz(session, team_id)
    clock = Workday(tz=tz)
    day = clock.local_date(now)
    if day.weekday() > 4:
        return None
    deliver_after = clock.at_hour(day, celebration_hour(workspace))
    expires_at = clock.at_hour(day, 24)  # the end of the workspace's day
    if now < deliver_after - PLAN_AHEAD or now >= expires_at:
        return None
    return Slot(post_key(team_id, day), day, deliver_after, expires_at)


def attach(session: Session, team_id: str, key: str, day: date, now: datetime) -> int:
    """Give the occasions celebrated on `day`, and promotions not yet announced, to post `key`.

    A promotion given to an earlier post that ended unsent (expired or failed: it came after
    that post's last try, or the post never got out) moves to this one."""
    _carry_promotions(session, team_id, key, day, now)
    found = _occasion_rows(session, team_id, day) + _promotion_rows(session, team_id, day, now)
    # One executemany needs the same columns in every row.
    rows = [
        {
            "years": None,
            "title": None,
            "title_change_id": None,
            **row,
            "team_id": team_id,
            "post_key": key,
            "created_at": now,
        }
        for row in found
    ]
    return insert_many_ignore(session, CelebrationItem, rows, ["occasion_key"])


def _carry_promotions(session: Session, team_id: str, key: str, day: date, now: datetime) -> None:
    ended = select(Outbox.dedupe_key).where(
        Outbox.team_id == team_id,
        Outbox.kind == KIND,
        Outbox.status.in_((outbox.EXPIRED, outbox.FAILED)),
        Outbox.dedupe_key != key,
    )
    session.execute(
        update(CelebrationItem)
        .where(
            CelebrationItem.team_id == team_id,
            CelebrationItem.kind == PROMOTION,
            CelebrationItem.post_key.in_(ended),
            CelebrationItem.created_at > now - consent.PROMOTION_LOOKBACK,
        )
        .values(post_key=key, occasion=day)
        .execution_options(synchronize_session=False)
    )


def _occasion_rows(session: Session, team_id: str, day: date) -> list[dict[str, Any]]:
    pairs = month_days(day)
    if not pairs:
        return []
    # Never chosen is not consent, for either.
    shown = and_(Member.show_birthday.is_(True), Member.celebrate_birthday.is_(True))
    agreed = Member.celebrate_anniversaries.is_(True)
    found = session.execute(
        select(Member.id, Member.birthday_month, Member.birthday_day, Member.start_date, shown, agreed)
        .where(*consent.public(team_id), or_(and_(birthday_on(pairs), shown), and_(start_on(pairs), agreed)))
        .order_by(Member.id)
    ).all()
    dates = [
        PersonDates(
            member_id,
            (month, dom) if month and dom and birthday_shown else None,
            start if anniversary_agreed else None,
        )
        for member_id, month, dom, start, birthday_shown, anniversary_agreed in found
    ]
    return [
        {"occasion_key": o.key, "kind": o.kind, "member_id": o.member_id, "occasion": o.day, "years": o.years}
        for o in occasions_on(day, dates)
    ]


def _promotion_rows(session: Session, team_id: str, day: date, now: datetime) -> list[dict[str, Any]]:
    """The promotions their owners said yes to lately (each title asked about once), still their title."""
    promotions_on = session.scalar(select(Workspace.promotion_posts).where(Workspace.team_id == team_id))
    if promotions_on is False:
        return []
    agreed = session.execute(
        consent.agreed_promotions(team_id, now - consent.PROMOTION_LOOKBACK).where(*consent.public(team_id))
    ).all()
    return [
        {
            "occasion_key": f"{PROMOTION}:{member_id}:{change_id}",
            "kind": PROMOTION,
            "member_id": member_id,
            "occasion": day,
            "title": title,
            "title_change_id": change_id,
        }
        for _, member_id, title, change_id in agreed
    ]


def items(session: Session, team_id: str, key: str) -> list[Celebrated]:
    """What post `key` announces, as of now: consent is checked again at send time."""
    promotions_on = session.scalar(select(Workspace.promotion_posts).where(Workspace.team_id == team_id))
    rows = session.execute(
        select(
            CelebrationItem,
            Member.user_id,
            Member.show_birthday,
            Member.celebrate_birthday,
            Member.celebrate_anniversaries,
            Member.title,
        )
        .join(Member, Member.id == CelebrationItem.member_id)
        .where(*consent.public(team_id), CelebrationItem.team_id == team_id, CelebrationItem.post_key == key)
        .order_by(CelebrationItem.id)
    ).all()
    promoted = consent.yes_to(session, team_id, {i.member_id for i, *_ in rows if i.kind == PROMOTION})
    out = []
    for item, user_id, show_birthday, birthday_agreed, anniversaries, title in rows:
        if item.kind == BIRTHDAY and not (show_birthday and birthday_agreed is True):
            continue
        if item.kind == ANNIVERSARY and anniversaries is not True:
            continue
        if item.kind == PROMOTION and (
            promotions_on is False
            or (item.member_id, item.title_change_id) not in promoted
            or item.title != title
        ):
            continue
        out.append(Celebrated(item.kind, user_id, item.occasion, item.years, item.title))
    return out


def render(session: Session, team_id: str, key: str, day: date, now: datetime) -> Payload | None:
    """The post as it should read now (late occasions of the day included); None: nobody left."""
    attach(session, team_id, key, day, now)
    return celebration_post(day, items(session, team_id, key))


def plan_post(rt: Runtime, team_id: str, now: datetime) -> str:
    """Plan today's post when it is near its hour and someone is to be celebrated; idempotent."""
    with rt.db.read() as session:
        today = slot(session, team_id, now)
        if today is None:
            return "no post due"
        if outbox.find(session, team_id, today.key) is not None:
            return "planned"
    client = rt.clients.client(team_id)
    if client is None:
        return "not installed"
    channel = celebration_channel.find(rt.db, client, rt.settings, team_id, now)
    if channel.channel_id is None:
        # Nothing is given to a post that cannot go out, so the next run (or day) still has it.
        log.warning("celebrations in %s: %s", team_id, channel.problem)
        return "no channel"
    with rt.db.write() as session:
        attach(session, team_id, today.key, today.day, now)
        if not items(session, team_id, today.key):
            return "nobody to celebrate"
        outbox.enqueue(
            session,
            team_id,
            key=today.key,
            kind=KIND,
            channel=channel.channel_id,
            now=now,
            local_date=today.day,
            deliver_after=today.deliver_after,
            expires_at=today.expires_at,
        )
    return f"planned for {today.deliver_after:%Y-%m-%d %H:%M} UTC"


def _render_posts(
    session: Session, team_id: str, claimed: list[Claimed], now: datetime
) -> dict[int, Payload | None]:
    """The outbox's renderer for daily posts: built at send time, from consent as it is then."""
    return {
        c.id: render(session, team_id, c.dedupe_key, c.local_date, now) if c.local_date else None
        for c in claimed
    }


OUTBOX = OutboxKind(_render_posts)
