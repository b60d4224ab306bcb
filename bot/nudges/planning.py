"""Planning: what is due for whom on their delivery day, inserted once into `nudge`.

A delivery day is today while today's working window is open (so a digest first planned at
09:02, after a restart, still goes out today), else the next working day: planning runs every
few minutes, so from the end of one working day it plans the next one ahead.

The planner works out each distinct working-day schedule in Python (time zones are Python's
job), writes the few schedules into temporary tables, and runs each *source* as one
`INSERT … SELECT … ON CONFLICT DO NOTHING`. The number of statements is the same for ten
members or fifty thousand, and the statements are built once per Planner and dialect: a SELECT
sees the run's team and instant as bind parameters (`ctx.team_id`, `ctx.now`). A `Planner` holds
the sources and circle parts it is given (by the composition root, `bot.bootstrap`) and the
statements built from them.

A source (`Source`) has a `build` function `(PlanContext) -> Select | None` whose SELECT has the
columns `PlanContext.item` builds. Join `ctx.recipients` for the people to nudge and their
delivery day; `ctx.occasions` for the calendar days their next nudge covers (celebrations are
announced on the working day before); `ctx.day(n)` for the date and
the starting instant of the local day n days before the delivery day; `ctx.circle(subjects)`
for who has whom in their circle. `nudgeable` says who may be nudged about, `reminders_left`
limits how often something left alone comes back. Work a source must do at each run (read
something in Python, claim rows) goes in its `prepare`, which may add bind parameters.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
    bindparam,
    cast,
    delete,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.schema import CreateTable

from bot.delivery.outbox import PENDING, SENT
from bot.directory.workdays import Workday
from bot.models import Member
from bot.models.base import UTCDateTime
from bot.models.outbox import Nudge
from bot.nudges import circle
from bot.nudges.circle import CirclePart
from bot.nudges.statuses import DONE, SNOOZED
from bot.platform.storage import insert_from_select_ignore_statement, insert_ignore

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
# The UTC instant each of a schedule's recent local days began: `back` days before its delivery
# day (0 is the delivery day itself), so sources compare dates and instants exactly across DST.
DAYS = Table(
    "plan_day",
    _TEMP,
    Column("schedule_id", Integer),
    Column("back", SmallInteger),
    Column("day", Date),
    Column("starts_at", UTCDateTime),
    prefixes=["TEMPORARY"],
)
DAYS_BACK = 14
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


@dataclass
class PlanContext:
    """What a source needs to write its SELECT: SQL expressions, bound at each run."""

    team_id: Any  # a bind parameter: the team planned for
    now: Any  # a bind parameter: the run's instant
    recipients: (
        Any  # subquery: member_id, user_id, schedule_id, local_date, next_day, deliver_after, expires_at
    )
    occasions: Table  # schedule_id, day, month, dom, year: the days a recipient's next nudge covers
    parts: Sequence[CirclePart] = ()  # who is in whose circle
    offsets: dict[str, timedelta] = field(default_factory=dict)  # the `ago` parameters asked for

    def ago(self, delta: timedelta) -> Any:
        """The instant `delta` before the run's (a bind parameter; `ctx.now - delta` would be
        arithmetic on a parameter, which SQLite does not do on datetimes)."""
        name = f"plan_ago_{int(delta.total_seconds())}"
        self.offsets[name] = delta
        return bindparam(name, type_=UTCDateTime)

    @property
    def last_day(self) -> Any:
        """The latest delivery day of any schedule (a constant bound, for indexes)."""
        return select(func.max(DAYS.c.day)).where(DAYS.c.back == 0).scalar_subquery()

    def earliest_start(self, back: int) -> Any:
        """The earliest instant any schedule's day `back` days before delivery began (an index bound)."""
        return select(func.min(DAYS.c.starts_at)).where(DAYS.c.back == back).scalar_subquery()

    def circle(self, subjects: Any) -> Any:
        """(member_id, other_id) pairs of this team with other_id among `subjects`."""
        return circle.pairs(self.team_id, subjects, self.parts)

    def day(self, back: int) -> Any:
        """Per schedule, the local day `back` days before the delivery day: (schedule_id, day,
        starts_at); join it on `schedule_id`."""
        if not 0 <= back <= DAYS_BACK:
            raise ValueError(f"ctx.day() looks back at most {DAYS_BACK} days")
        d = DAYS.c
        return select(d.schedule_id, d.day, d.starts_at).where(d.back == back).subquery(f"day_{back}")

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


def nudgeable(subject: Any, team_id: Any) -> list[Any]:
    """Conditions on a member (an alias of Member) for anyone to be nudged about them."""
    return [
        subject.team_id == team_id,
        subject.active,
        subject.nudge_others_about_me.is_(True),
    ]


# A nudge still counts as shown (or about to be) in these states; expired, dropped, skipped or
# failed ones never reached the person, so what they were about may be planned again.
SHOWN = (PENDING, SENT, DONE, SNOOZED)
MAX_REMINDERS = 3
REMIND_EVERY = 7  # days


def reminders_left(ctx: PlanContext, kind: str, ref_id: Any, since: Any) -> Any:
    """Something left alone since `since` (a date) comes back at most every REMIND_EVERY days
    and MAX_REMINDERS times: the condition, for the recipients of `ctx` and this `kind` of
    nudge about `ref_id`. Its nudges carry `since` as their `occasion`, so a snooze or a new
    due date (a new `since`) starts a new series."""
    r = ctx.recipients.c
    prior = aliased(Nudge)
    d = DAYS.c
    week_before = (
        select(d.day).where(d.schedule_id == r.schedule_id, d.back == REMIND_EVERY).correlate(ctx.recipients)
    )
    series = [
        prior.ref_id == ref_id,
        prior.kind == kind,
        prior.team_id == ctx.team_id,
        prior.recipient_id == r.member_id,
        prior.occasion == since,
        prior.status.in_(SHOWN),
    ]
    recent = select(prior.id).where(*series, prior.local_date > week_before.scalar_subquery())
    shown = select(func.count(prior.id)).where(*series).scalar_subquery()
    return and_(~recent.exists(), shown < MAX_REMINDERS)


# At each run, before a source's statement: extra bind parameters, or None to skip it this time.
Prepare = Callable[[Session, str, datetime, PlanContext], dict[str, Any] | None]


Builder = Callable[[PlanContext], Select[Any] | None]


@dataclass(frozen=True)
class Source:
    """A kind of thing worth a nudge: its SELECT, built once, and what to do at each run first."""

    build: Builder
    prepare: Prepare | None = None


_TEAM_ID = bindparam("plan_team", type_=String)
_NOW = bindparam("plan_now", type_=UTCDateTime)


class Planner:
    """Plans every source's nudges; each source's INSERT … SELECT is built once per dialect."""

    def __init__(self, sources: Sequence[Source | Builder], parts: Sequence[CirclePart]) -> None:
        self.sources = [given if isinstance(given, Source) else Source(given) for given in sources]
        self.context = PlanContext(_TEAM_ID, _NOW, _recipients(), OCCASIONS, tuple(parts))
        self._built: dict[str, list[tuple[Source, Any]]] = {}

    def plan(self, session: Session, team_id: str, now: datetime) -> int:
        """Plan every source's nudges for the team as of `now`; returns how many were new."""
        if not _fill_schedules(session, team_id, now):
            return 0
        connection = session.connection()
        built = self._statements(connection.dialect.name)
        ctx = self.context
        params = {**bind(team_id, now), **{name: now - delta for name, delta in ctx.offsets.items()}}
        planned = 0
        for source, statement in built:
            extra = source.prepare(session, team_id, now, ctx) if source.prepare else {}
            if extra is None:
                continue
            result = connection.execute(
                statement, {**params, **extra}, execution_options={"preserve_rowcount": True}
            )
            planned += int(getattr(result, "rowcount", 0) or 0)
        return planned

    def _statements(self, dialect: str) -> list[tuple[Source, Any]]:
        built = self._built.get(dialect)
        if built is None:
            built = []
            for source in self.sources:
                query = source.build(self.context)
                if query is not None:
                    built.append((source, _insert(dialect, query)))
            self._built[dialect] = built
        return built


def bind(team_id: str, now: datetime) -> dict[str, Any]:
    """The values of `ctx.team_id` and `ctx.now`, for a statement a `prepare` runs itself."""
    return {_TEAM_ID.key: team_id, _NOW.key: now}


def _insert(dialect: str, query: Select[Any]) -> Any:
    src = query.subquery("items")
    rows = select(
        (_TEAM_ID + literal(":") + cast(src.c.recipient_id, String) + literal(":") + src.c.occurrence).label(
            "dedupe_key"
        ),
        _TEAM_ID.label("team_id"),
        src.c.recipient_id,
        src.c.kind,
        src.c.subject_id,
        src.c.ref_id,
        src.c.occasion,
        src.c.last_day,
        src.c.local_date,
        src.c.deliver_after,
        src.c.expires_at,
        literal(PENDING).label("status"),
        _NOW.label("created_at"),
        _NOW.label("updated_at"),
    )
    columns = [c.name for c in rows.selected_columns]
    return insert_from_select_ignore_statement(dialect, Nudge, columns, rows, ["dedupe_key"])


def _recipients() -> Any:
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
            Member.team_id == _TEAM_ID,
            Member.active,
            or_(Member.paused_until.is_(None), Member.paused_until < s.local_date),
        )
        .subquery("recipients")
    )


def _fill_schedules(session: Session, team_id: str, now: datetime) -> bool:
    """Work out each distinct schedule's delivery day, recent days and occasions; False when
    nobody has a working day."""
    conn = session.connection()
    for table in (SCHEDULES, DAYS, OCCASIONS):
        conn.execute(CreateTable(table, if_not_exists=True))
        conn.execute(delete(table))
    stored = conn.execute(
        select(Member.tz, Member.delivery_hour, Member.day_end_hour, Member.work_days)
        .where(Member.team_id == team_id, Member.active)
        .distinct()
    ).all()
    schedules: list[dict[str, Any]] = []
    recent: list[dict[str, Any]] = []
    occasions: list[dict[str, Any]] = []
    for tz, start, end, work_days in stored:
        wd = Workday.from_values(tz, start, end, work_days)
        day = wd.delivery_day(now)
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
                "work_days": work_days,
                "local_date": day,
                "next_day": next_day,
                "deliver_after": wd.delivery_at(day),
                "expires_at": wd.expires_at(day),
            }
        )
        occasions.extend(_occasion_rows(sid, day, next_day))
        recent.extend(
            {"schedule_id": sid, "back": back, "day": earlier, "starts_at": wd.at_hour(earlier, 0)}
            for back in range(DAYS_BACK + 1)
            for earlier in [day - timedelta(days=back)]
        )
    if not schedules:
        return False
    conn.execute(SCHEDULES.insert(), schedules)
    conn.execute(DAYS.insert(), recent)
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
    day = wd.delivery_day(at, paused_until=recipient.paused_until)
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
        "status": PENDING,
        "created_at": now,
        "updated_at": now,
    }
    return insert_ignore(session, Nudge, row, ["dedupe_key"])
