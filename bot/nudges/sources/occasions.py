"""Birthdays, work anniversaries and promotions of people in my circle, as nudges to me.

Birthdays and anniversaries come on my working day before the date (so I can write
something); promotions on my next working morning after their owner agreed. Never about
deactivated people or bots, never about someone who asked not to be nudged about, and a
birthday only when its owner lets it be shown (the year never is).

A promotion is mentioned only once its owner said yes to celebrating that title (the question
`bot.celebrations.consent` asks by DM): a title is text anyone who edits profiles may have
typed, and a colleague's DM is as good a place to spread it as a channel. Birthdays and
anniversaries say only who and when, and stay under the owner's "Don't remind colleagues about
me"; a "Not now" to a public post does not change them, so nothing about it shows. They are
private nudges, not posts: a birthday its owner never agreed to celebrate in the channel (one from
HR's CSV, say) is still a reminder, unless they keep it private.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, extract, select
from sqlalchemy.orm import Session, aliased

from bot.celebrations import consent
from bot.celebrations.render import TITLE_LIMIT
from bot.models import Member
from bot.models.celebrations import CelebrationConsent
from bot.models.outbox import Nudge
from bot.nudges import kinds
from bot.nudges.kinds import Kind
from bot.nudges.planning import PlanContext, Source, key, nudgeable
from bot.platform import days
from bot.platform.mrkdwn import inert
from bot.platform.words import plural

# Nudge kinds (stored in Nudge.kind); the celebration post has its own, in celebrations.occasions.
BIRTHDAY, ANNIVERSARY, PROMOTION = "birthday", "anniversary", "promotion"


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
    """The promotions of the last days whose owners agreed to have them celebrated (one read)."""
    agreed = session.scalars(
        consent.agreed_promotions(team_id, now - consent.PROMOTION_LOOKBACK).with_only_columns(
            CelebrationConsent.id
        )
    ).all()
    return {"promotions": list(agreed)} if agreed else None


def promotions(ctx: PlanContext) -> Select[Any]:
    s, r, agreed = aliased(Member), ctx.recipients.c, CelebrationConsent
    promoted: Any = bindparam("promotions", expanding=True)
    c = ctx.circle(select(agreed.member_id).where(agreed.id.in_(promoted)))
    return (
        select(
            *ctx.item(
                PROMOTION,
                occurrence=key(PROMOTION, agreed.title_change_id),
                subject_id=s.id,
                ref_id=agreed.title_change_id,
            )
        )
        .select_from(ctx.recipients)
        .join(c, c.c.member_id == r.member_id)
        .join(s, s.id == c.c.other_id)
        .join(agreed, agreed.member_id == s.id)
        .where(*nudgeable(s, ctx.team_id), agreed.id.in_(promoted), s.id != r.member_id)
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
        label = plural(n.occasion.year - m.start_date.year, "year")
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
    agreed = {
        a.title_change_id: a
        for a in session.scalars(
            select(CelebrationConsent).where(
                CelebrationConsent.team_id == team_id,
                CelebrationConsent.kind == PROMOTION,
                CelebrationConsent.answer == consent.YES,
                CelebrationConsent.title_change_id.in_(ids),
            )
        )
    }

    def line(n: Nudge, m: Member) -> kinds.Line | None:
        said_yes = agreed.get(n.ref_id or 0)
        # Only the title its owner agreed to, and only while it is still theirs.
        if said_yes is None or said_yes.member_id != m.id or said_yes.title != m.title:
            return None
        before = f"Previously {inert(said_yes.old_title, TITLE_LIMIT)}. " if said_yes.old_title else ""
        return kinds.Line(
            f":star2: <@{m.user_id}> is now *{inert(said_yes.title, TITLE_LIMIT)}*.",
            f"{before}Congratulate them?",
            m.user_id,
        )

    return _about_each(session, team_id, items, line)


BIRTHDAYS = Kind(BIRTHDAY, kinds.CELEBRATE, _describe_birthdays)
ANNIVERSARIES = Kind(ANNIVERSARY, kinds.CELEBRATE, _describe_anniversaries)
PROMOTIONS = Kind(PROMOTION, kinds.CELEBRATE, _describe_promotions)
