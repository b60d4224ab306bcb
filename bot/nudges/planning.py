"""Planning: what is due for whom on their next working morning, inserted once into `nudge`.

The planner works out each distinct working-day schedule in Python (time zones are Python's
job), writes the few schedules into temporary tables, and runs each *source* as one
`INSERT … SELECT … ON CONFLICT DO NOTHING`. The number of statements is the same for ten
members or fifty thousand.

A source is a function `(PlanContext) -> Select | None` whose SELECT has the columns of
`ITEM_COLUMNS` (build them with `PlanContext.item`). Join `ctx.recipients` for the people to
nudge and their delivery day; `ctx.occasions` for the calendar days their next nudge covers
(celebrations are announced on the working day before); `ctx.circle(subjects)` for who has
whom in their circle.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    Select,
    SmallInteger,
    String,
    Table,
    and_,
    cast,
    delete,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from bot import circle
from bot.models import Member
from bot.models.base import UTCDateTime
from bot.models.outbox import Nudge
from bot.storage import insert_from_select_ignore, insert_ignore
from bot.workdays import Workday

# Temporary tables: per connection, never migrated, emptied at every planning run.
_TEMP = MetaData()
SCHEDULES = Table(
    "plan_schedule",
    _TEMP,
    Column("id", Integer, primary_key=True),
    Column("tz", String(64)),
    Column("delivery_hour", SmallInteger),
    Column("day_end_hour", SmallInteger),
    Column("work_days", String(7)),
    Column("local_date", Date),
    Column("next_day", Date),
    Column("deliver_after", UTCDateTime),
    Column("expires_at", UTCDateTime),
    prefixes=["TEMPORARY"],
)
OCCASIONS = Table(
    "plan_occasion",
    _TEMP,
    Column("schedule_id", Integer),
    Column("day", Date),
    Column("month", SmallInteger),
    Column("dom", SmallInteger),
    Column("year", Integer),
    prefixes=["TEMPORARY"],
)

ITEM_COLUMNS = (
    "recipient_id",
    "kind",
    "subject_id",
    "ref_id",
    "occasion",
    "last_day",
    "occurrence",
    "local_date",
    "deliver_after",
    "expires_at",
)


@dataclass
class PlanContext:
    """What a source needs to write its SELECT."""

    session: Session
    team_id: str
    now: datetime
    recipients: (
        Any  # subquery: member_id, user_id, schedule_id, local_date, next_day, deliver_after, expires_at
    )
    occasions: Table  # schedule_id, day, month, dom, year: the days a recipient's next nudge covers

    def circle(self, subjects: Any) -> Any:
        """(member_id, other_id) pairs of this team with other_id among `subjects`."""
        return circle.pairs(self.team_id, subjects)

    def item(
        self,
        kind: str,
        *,
        occurrence: Any,
        subject_id: Any = None,
        ref_id: Any = None,
        occasion: Any = None,
        last_day: Any = None,
    ) -> list[Any]:
        """The SELECT columns of one nudge for `ctx.recipients` (pass them in this order)."""
        r = self.recipients.c
        return [
            r.member_id.label("recipient_id"),
            literal(kind).label("kind"),
            _or_null(subject_id, Integer).label("subject_id"),
            _or_null(ref_id, Integer).label("ref_id"),
            _or_null(occasion, Date).label("occasion"),
            _or_null(last_day, Date).label("last_day"),
            occurrence.label("occurrence"),
            r.local_date.label("local_date"),
            r.deliver_after.label("deliver_after"),
            r.expires_at.label("expires_at"),
        ]


def _or_null(value: Any, type_: Any) -> Any:
    return cast(null(), type_) if value is None else value


def key(*parts: Any) -> Any:
    """A dedupe-key SQL expression: the parts as text joined with ':'."""
    out: Any = None
    for part in parts:
        text_part = literal(part) if isinstance(part, str) else cast(part, String)
        out = text_part if out is None else out + literal(":") + text_part
    return out


Source = Callable[[PlanContext], Select[Any] | None]
# Each feature appends its sources; they run in this order.
SOURCES: list[Source] = []


def plan(session: Session, team_id: str, now: datetime, sources: list[Source] | None = None) -> int:
    """Plan every source's nudges for the team as of `now`; returns how many were new."""
    if not _fill_schedules(session, team_id, now):
        return 0
    ctx = PlanContext(session, team_id, now, _recipients(team_id), OCCASIONS)
    planned = 0
    for source in SOURCES if sources is None else sources:
        query = source(ctx)
        if query is not None:
            planned += _insert(session, team_id, now, query)
    return planned


def _insert(session: Session, team_id: str, now: datetime, query: Select[Any]) -> int:
    src = query.subquery("items")
    rows = select(
        (literal(f"{team_id}:") + cast(src.c.recipient_id, String) + literal(":") + src.c.occurrence).label(
            "dedupe_key"
        ),
        literal(team_id).label("team_id"),
        src.c.recipient_id,
        src.c.kind,
        src.c.subject_id,
        src.c.ref_id,
        src.c.occasion,
        src.c.last_day,
        src.c.local_date,
        src.c.deliver_after,
        src.c.expires_at,
        literal("pending").label("status"),
        literal(now, UTCDateTime).label("created_at"),
        literal(now, UTCDateTime).label("updated_at"),
    )
    columns = [c.name for c in rows.selected_columns]
    return insert_from_select_ignore(session, Nudge, columns, rows, ["dedupe_key"])


def _recipients(team_id: str) -> Any:
    """Active, unpaused members with the delivery day their schedule gives."""
    s = SCHEDULES.c
    return (
        select(
            Member.id.label("member_id"),
            Member.user_id.label("user_id"),
            s.id.label("schedule_id"),
            s.local_date,
            s.next_day,
            s.deliver_after,
            s.expires_at,
        )
        .join(
            SCHEDULES,
            and_(
                s.tz == Member.tz,
                s.delivery_hour == Member.delivery_hour,
                s.day_end_hour == Member.day_end_hour,
                s.work_days == Member.work_days,
            ),
        )
        .where(
            Member.team_id == team_id,
            Member.deleted.is_(False),
            Member.is_bot.is_(False),
            or_(Member.paused_until.is_(None), Member.paused_until < s.local_date),
        )
        .subquery("recipients")
    )


def _fill_schedules(session: Session, team_id: str, now: datetime) -> bool:
    """Work out each distinct schedule's delivery day and occasions; False when nobody has one."""
    conn = session.connection()
    for table in (SCHEDULES, OCCASIONS):
        conn.execute(CreateTable(table, if_not_exists=True))
        conn.execute(delete(table))
    stored = conn.execute(
        select(Member.tz, Member.delivery_hour, Member.day_end_hour, Member.work_days)
        .where(Member.team_id == team_id, Member.deleted.is_(False), Member.is_bot.is_(False))
        .distinct()
    ).all()
    schedules: list[dict[str, Any]] = []
    occasions: list[dict[str, Any]] = []
    for tz, start, end, days in stored:
        wd = Workday.from_values(tz, start, end, days)
        day = wd.next_morning(now)
        if day is None:
            continue
        next_day = wd.next_working_day(day) or day + timedelta(days=7)
        sid = len(schedules) + 1
        schedules.append(
            {
                "id": sid,
                "tz": tz,
                "delivery_hour": start,
                "day_end_hour": end,
                "work_days": days,
                "local_date": day,
                "next_day": next_day,
                "deliver_after": wd.delivery_at(day),
                "expires_at": wd.expires_at(day),
            }
        )
        occasions.extend(_occasion_rows(sid, day, next_day))
    if not schedules:
        return False
    conn.execute(SCHEDULES.insert(), schedules)
    conn.execute(OCCASIONS.insert(), occasions)
    return True


def _occasion_rows(schedule_id: int, day: date, next_day: date) -> list[dict[str, Any]]:
    """The calendar days after `day` up to the next working day: announced on `day`.

    In a year without 29 February, 29 February occasions fall on the 28th.
    """
    rows = []
    current = day + timedelta(days=1)
    while current <= next_day:
        rows.append(_occasion(schedule_id, current, current.month, current.day))
        if current.month == 2 and current.day == 28 and not calendar.isleap(current.year):
            rows.append(_occasion(schedule_id, current, 2, 29))
        current += timedelta(days=1)
    return rows


def _occasion(schedule_id: int, day: date, month: int, dom: int) -> dict[str, Any]:
    return {"schedule_id": schedule_id, "day": day, "month": month, "dom": dom, "year": day.year}


def plan_one(
    session: Session,
    team_id: str,
    recipient: Member,
    kind: str,
    occurrence: str,
    now: datetime,
    *,
    on_or_after: date | None = None,
    subject_id: int | None = None,
    ref_id: int | None = None,
    occasion: date | None = None,
    last_day: date | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Plan a single nudge for the recipient's first delivery day on or after `on_or_after`
    (default: their next one). False when it exists already or they have no working day."""
    wd = Workday.of(recipient)
    at = now
    if on_or_after is not None:
        at = max(now, wd.at_hour(on_or_after, 0))
    day = wd.next_morning(at, paused_until=recipient.paused_until)
    if day is None or (last_day is not None and day > last_day):
        return False
    row = {
        "dedupe_key": f"{team_id}:{recipient.id}:{occurrence}",
        "team_id": team_id,
        "recipient_id": recipient.id,
        "kind": kind,
        "subject_id": subject_id,
        "ref_id": ref_id,
        "occasion": occasion,
        "last_day": last_day,
        "payload": payload,
        "local_date": day,
        "deliver_after": wd.delivery_at(day),
        "expires_at": wd.expires_at(day),
        "status": "pending",
        "created_at": now,
        "updated_at": now,
    }
    return insert_ignore(session, Nudge, row, ["dedupe_key"])
