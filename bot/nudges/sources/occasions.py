"""Birthdays, work anniversaries and promotions of people in my circle, as nudges to me.

Birthdays and anniversaries come on my working day before the date (so I can write
something); promotions on my next working morning after the title changed. Never about
deactivated people or bots, never about someone who asked not to be nudged about, and a
birthday only when its owner lets it be shown (the year never is).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, extract, select
from sqlalchemy.orm import Session, aliased

from bot.directory import seniority
from bot.directory.members import recent_title_changes
from bot.models import Member, TitleChange
from bot.models.outbox import Nudge
from bot.nudges import kinds
from bot.nudges.kinds import Kind
from bot.nudges.planning import PlanContext, Source, key, nudgeable
from bot.platform import days
from bot.platform.mrkdwn import escape

# Nudge kinds (stored in Nudge.kind); the celebration post has its own, in celebrations.occasions.
BIRTHDAY, ANNIVERSARY, PROMOTION = "birthday", "anniversary", "promotion"
# Title changes older than this are not news (covers a long weekend and a one-day work week).
PROMOTION_LOOKBACK = timedelta(days=8)


def _yearly(ctx: PlanContext, kind: str, s: Any, on_day: Any, allowed: list[Any]) -> Select[Any]:
    """A yearly occasion of people in each recipient's circle, within their coming days."""
    o, r = ctx.occasions.c, ctx.recipients.c
    subjects = select(s.id).join(ctx.occasions, on_day).where(*allowed).correlate(None)
    c = ctx.circle(subjects)
    return (
        select(
            *ctx.item(
                kind, occurrence=key(kind, s.id, o.year), subject_id=s.id, occasion=o.day, last_day=o.day
            )
        )
        .select_from(ctx.recipients)
        .join(c, c.c.member_id == r.member_id)
        .join(s, s.id == c.c.other_id)
        .join(ctx.occasions, and_(o.schedule_id == r.schedule_id, on_day))
        .where(*allowed, s.id != r.member_id)
    )


def birthdays(ctx: PlanContext) -> Select[Any]:
    s, o = aliased(Member), ctx.occasions.c
    on_day = and_(o.month == s.birthday_month, o.dom == s.birthday_day)
    allowed = [*nudgeable(s, ctx.team_id), s.show_birthday.is_(True), s.birthday_month.is_not(None)]
    return _yearly(ctx, BIRTHDAY, s, on_day, allowed)


def anniversaries(ctx: PlanContext) -> Select[Any]:
    s, o = aliased(Member), ctx.occasions.c
    on_day = and_(
        o.month == extract("month", s.start_date),
        o.dom == extract("day", s.start_date),
        o.year > extract("year", s.start_date),
    )
    return _yearly(ctx, ANNIVERSARY, s, on_day, [*nudgeable(s, ctx.team_id), s.start_date.is_not(None)])


def recent_promotions(
    session: Session, team_id: str, now: datetime, ctx: PlanContext
) -> dict[str, Any] | None:
    """The newest promotion of each person whose title moved up lately (the ladder is Python's)."""
    changes = recent_title_changes(session, team_id, now - PROMOTION_LOOKBACK, now)
    latest: dict[int, int] = {}
    for change_id, member_id, old, new in changes:
        if seniority.is_promotion(old, new):
            latest[member_id] = change_id
    return {"promotions": list(latest.values())} if latest else None


def promotions(ctx: PlanContext) -> Select[Any]:
    s, r = aliased(Member), ctx.recipients.c
    promoted: Any = bindparam("promotions", expanding=True)
    c = ctx.circle(select(TitleChange.member_id).where(TitleChange.id.in_(promoted)))
    return (
        select(
            *ctx.item(
                PROMOTION,
                occurrence=key(PROMOTION, TitleChange.id),
                subject_id=s.id,
                ref_id=TitleChange.id,
            )
        )
        .select_from(ctx.recipients)
        .join(c, c.c.member_id == r.member_id)
        .join(s, s.id == c.c.other_id)
        .join(TitleChange, TitleChange.member_id == s.id)
        .where(*nudgeable(s, ctx.team_id), TitleChange.id.in_(promoted), s.id != r.member_id)
    )


PROMOTIONS_SOURCE = Source(promotions, prepare=recent_promotions)


# -- how they read ---------------------------------------------------------------------------


def _about_each(
    session: Session,
    team_id: str,
    items: Sequence[Nudge],
    line: Callable[[Nudge, Member], kinds.Line | None],
) -> dict[int, kinds.Line | None]:
    """Each item's line, or None when its subject left, opted out or no longer qualifies."""
    subjects = kinds.members(session, team_id, (n.subject_id for n in items))
    out: dict[int, kinds.Line | None] = {}
    for n in items:
        m = subjects.get(n.subject_id or 0)
        out[n.id] = line(n, m) if m is not None and kinds.still_about(m) else None
    return out


def _describe_birthdays(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    def line(n: Nudge, m: Member) -> kinds.Line | None:
        if not m.show_birthday or n.occasion is None:
            return None
        return kinds.Line(
            f":birthday: It's <@{m.user_id}>'s birthday {days.on_day(n.occasion, n.local_date)}.",
            "A short message goes a long way.",
            m.user_id,
        )

    return _about_each(session, team_id, items, line)


def _describe_anniversaries(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    def line(n: Nudge, m: Member) -> kinds.Line | None:
        if m.start_date is None or n.occasion is None:
            return None
        years = n.occasion.year - m.start_date.year
        label = f"{years} year{'s' if years != 1 else ''}"
        return kinds.Line(
            f":tada: <@{m.user_id}> celebrates {label} here {days.on_day(n.occasion, n.local_date)}.",
            f"Started {m.start_date:%B} {m.start_date.year}.",
            m.user_id,
        )

    return _about_each(session, team_id, items, line)


def _describe_promotions(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    ids = [n.ref_id for n in items if n.ref_id is not None]
    changes = {
        c.id: c
        for c in session.scalars(
            select(TitleChange).where(TitleChange.team_id == team_id, TitleChange.id.in_(ids))
        )
    }

    def line(n: Nudge, m: Member) -> kinds.Line | None:
        change = changes.get(n.ref_id or 0)
        if change is None:
            return None
        return kinds.Line(
            f":star2: <@{m.user_id}> is now *{escape(change.new_title)}*.",
            f"Previously {escape(change.old_title)}. Congratulate them?",
            m.user_id,
        )

    return _about_each(session, team_id, items, line)


BIRTHDAYS = Kind(BIRTHDAY, kinds.CELEBRATE, _describe_birthdays)
ANNIVERSARIES = Kind(ANNIVERSARY, kinds.CELEBRATE, _describe_anniversaries)
PROMOTIONS = Kind(PROMOTION, kinds.CELEBRATE, _describe_promotions)
