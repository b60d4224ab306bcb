"""Birthdays and work anniversaries on a workspace's calendar, and when its celebration post goes out.

Occasions are celebrated on the workspace date equal to their own date; a Saturday or Sunday
occasion is celebrated on the Friday before (so nobody's day passes unnoticed over a weekend),
and a 29 February birthday on 28 February in other years.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, extract, func, or_, select
from sqlalchemy.orm import Session

from bot.models import Member, Workspace
from bot.platform.clock import valid_tz

BIRTHDAY, ANNIVERSARY, PROMOTION = "birthday", "anniversary", "promotion"
DEFAULT_HOUR = 10
CELEBRATION_HOURS = range(6, 15)  # the hours an admin may choose for the daily post
FRIDAY = 4  # date.weekday()


def observed(day: date) -> date:
    """The day an occasion on `day` is celebrated: weekends move to the Friday before."""
    return day - timedelta(days=day.weekday() - FRIDAY) if day.weekday() > FRIDAY else day


def observed_on(post_date: date) -> list[date]:
    """The calendar dates celebrated on `post_date`: itself, and a Friday's weekend; none on a weekend."""
    return [day for n in range(3) if observed(day := post_date + timedelta(days=n)) == post_date]


def in_year(month: int, day: int, year: int) -> date:
    """`month`/`day` in `year`; 29 February falls on the 28th in years without it."""
    if (month, day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


@dataclass(frozen=True)
class PersonDates:
    """What Rapport knows of one person's dates (the birth year is not needed, nor shown)."""

    member_id: int
    birthday: tuple[int, int] | None = None  # (month, day)
    start_date: date | None = None


@dataclass(frozen=True)
class Occasion:
    kind: str
    member_id: int
    day: date  # the occasion's own date (a Saturday birthday is still on Saturday)
    years: int | None = None  # anniversaries: years at the company

    @property
    def key(self) -> str:
        """Names this occurrence (this person's birthday this year), whichever post carries it."""
        return f"{self.kind}:{self.member_id}:{self.day.isoformat()}"


def occasions_on(post_date: date, people: Iterable[PersonDates]) -> list[Occasion]:
    """Whose birthday or work anniversary is celebrated on `post_date`, in date then input order."""
    everyone = list(people)
    found: list[Occasion] = []
    for day in observed_on(post_date):
        for person in everyone:
            if person.birthday and in_year(*person.birthday, day.year) == day:
                found.append(Occasion(BIRTHDAY, person.member_id, day))
            start = person.start_date
            if start and day.year > start.year and in_year(start.month, start.day, day.year) == day:
                found.append(Occasion(ANNIVERSARY, person.member_id, day, day.year - start.year))
    return found


def month_days(post_date: date) -> set[tuple[int, int]]:
    """The (month, day) pairs whose occasions `post_date` celebrates (for a query's WHERE)."""
    days = observed_on(post_date)
    pairs = {(d.month, d.day) for d in days}
    if any((d.month, d.day) == (2, 28) and not calendar.isleap(d.year) for d in days):
        pairs.add((2, 29))
    return pairs


def birthday_on(pairs: Iterable[tuple[int, int]]) -> ColumnElement[bool]:
    """SQL: the member's birthday falls on one of these (month, day) pairs (from `month_days`)."""
    return or_(*(and_(Member.birthday_month == m, Member.birthday_day == d) for m, d in pairs))


def start_on(pairs: Iterable[tuple[int, int]]) -> ColumnElement[bool]:
    """SQL: the member's start date falls on one of these (month, day) pairs (from `month_days`)."""
    month, day = extract("month", Member.start_date), extract("day", Member.start_date)
    return or_(*(and_(month == m, day == d) for m, d in pairs))


def years_phrase(years: int) -> str:
    return f"{years} year{'s' if years != 1 else ''} at the company"


# -- the workspace's clock ---------------------------------------------------------------------


def workspace_tz(session: Session, team_id: str) -> str:
    """The workspace's time zone: its setting, else the most common one among its active members."""
    setting = session.scalar(select(Workspace.tz).where(Workspace.team_id == team_id))
    if setting:
        return valid_tz(setting)
    count = func.count()
    row = session.execute(
        select(Member.tz, count)
        .where(Member.team_id == team_id, Member.active)
        .group_by(Member.tz)
        .order_by(count.desc(), Member.tz)  # a tie goes to the first name, so it is stable
        .limit(1)
    ).first()
    return valid_tz(row[0] if row else None)


def celebration_hour(workspace: Workspace | None) -> int:
    hour = workspace.celebration_hour if workspace is not None else None
    return hour if hour is not None and 0 <= hour <= 23 else DEFAULT_HOUR
