"""A recipient's working day in their own time zone: when nudges go out and when they go stale.

Every instant here is an aware UTC datetime; local dates and hours come from `zoneinfo`. A
local time that a DST change skips (02:30 on a spring-forward night) maps to the instant just
after the gap, and one that happens twice maps to its first occurrence, so each (date, hour)
gives exactly one instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.models import Member
from bot.platform.clock import local_date, local_zone, valid_tz

DEFAULT_DELIVERY_HOUR = 9
DEFAULT_DAY_END_HOUR = 18
DEFAULT_WORK_DAYS = "12345"  # ISO weekdays, Monday = 1
DELIVERY_HOURS = range(5, 13)  # the local hours a person may choose for their nudge
# How far ahead to look for a working day before concluding there is none (a week, plus slack).
_SEARCH_DAYS = 15


@dataclass(frozen=True)
class Workday:
    """When a person works: their zone, delivery and end hours, and ISO weekdays."""

    tz: str = "UTC"
    delivery_hour: int = DEFAULT_DELIVERY_HOUR
    day_end_hour: int = DEFAULT_DAY_END_HOUR
    work_days: str = DEFAULT_WORK_DAYS

    @classmethod
    def of(cls, member: Member) -> Workday:
        return cls.from_values(member.tz, member.delivery_hour, member.day_end_hour, member.work_days)

    @classmethod
    def from_values(
        cls, tz: str | None, delivery_hour: int | None, day_end_hour: int | None, work_days: str | None
    ) -> Workday:
        """A schedule from stored values, repairing anything that would make it meaningless."""
        start = (
            DEFAULT_DELIVERY_HOUR if delivery_hour is None or not 0 <= delivery_hour <= 23 else delivery_hour
        )
        end = DEFAULT_DAY_END_HOUR if day_end_hour is None or not 1 <= day_end_hour <= 24 else day_end_hour
        if end <= start:
            end = min(24, start + (DEFAULT_DAY_END_HOUR - DEFAULT_DELIVERY_HOUR))
        days = "".join(sorted(set(work_days or "") & set("1234567")))
        return cls(tz=valid_tz(tz), delivery_hour=start, day_end_hour=end, work_days=days)

    @property
    def zone(self) -> ZoneInfo:
        return local_zone(self.tz)

    def local_date(self, at: datetime) -> date:
        """The recipient's calendar date at the instant `at`."""
        return local_date(at, self.tz)

    def is_working_day(self, day: date) -> bool:
        return str(day.isoweekday()) in self.work_days

    def at_hour(self, day: date, hour: int) -> datetime:
        """The UTC instant of `hour`:00 local on `day` (24 means the next midnight)."""
        if hour >= 24:
            day, hour = day + timedelta(days=1), hour - 24
        # fold=0: a skipped hour lands just after the gap, a repeated one on its first occurrence.
        local = datetime.combine(day, time(hour), tzinfo=self.zone)
        return local.astimezone(UTC)

    def delivery_at(self, day: date) -> datetime:
        """When nudges for `day` may go out."""
        return self.at_hour(day, self.delivery_hour)

    def expires_at(self, day: date) -> datetime:
        """When nudges for `day` go stale: the end of that working day."""
        return max(self.at_hour(day, self.day_end_hour), self.delivery_at(day) + timedelta(minutes=1))

    def next_working_day(self, day: date, *, after: bool = True) -> date | None:
        """The first working day after `day` (or on it, with `after=False`); None without any."""
        start = 1 if after else 0
        for offset in range(start, start + _SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        return None

    def delivery_day(self, at: datetime, *, paused_until: date | None = None) -> date | None:
        """The working day whose nudges are next due as of `at`: today while today's window is
        open, else the next working day; never a day up to `paused_until`. None without any."""
        day = self.local_date(at) - timedelta(days=1)
        if paused_until is not None and paused_until > day:
            day = paused_until
        for _ in range(_SEARCH_DAYS):
            found = self.next_working_day(day)
            if found is None:
                return None
            if self.expires_at(found) > at:
                return found
            day = found
        return None
