"""Time as an argument: the core never reads the wall clock, nor sleeps, by itself.

A `Clock` says what time it is (an aware UTC instant), counts seconds for pacing, and waits.
The system clock does all three for real; a fixed clock (`rapport jobs run --now`) always says
the same instant but paces and waits in real time; the tests' clock moves only when told, and
its waiting costs nothing. Time zones are here too: every "what day is it for them" goes
through `local_date`.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    def __call__(self) -> datetime:
        """Now, as an aware UTC datetime."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (pacing compares these)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's monotonic time."""
        ...

    def epoch(self) -> float:
        """Seconds every process and replica agrees on (shared send budgets compare these);
        waiting moves it as it moves `monotonic`."""
        ...


class SystemClock:
    """The machine's clock."""

    def __call__(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def epoch(self) -> float:
        return time.time()


system_clock = SystemClock()


class FixedClock(SystemClock):
    """A clock stopped at one instant (aware) that still paces in real time: `--now`."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a fixed clock needs an aware datetime")
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def fixed_clock(at: datetime) -> FixedClock:
    return FixedClock(at)


def valid_tz(name: str | None) -> str:
    """The time zone name when Python knows it, else UTC (so scheduling never fails on it)."""
    if not name:
        return "UTC"
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The zone named `name` (raises for a name Python does not know: see `valid_tz`)."""
    return ZoneInfo(name)


def local_zone(name: str | None) -> ZoneInfo:
    """The zone named `name`, or UTC for a name Python does not know."""
    return zone(valid_tz(name))


def local_date(at: datetime, tz: str | None) -> date:
    """The calendar date at the instant `at` in the zone `tz` (UTC when unknown)."""
    return at.astimezone(local_zone(tz)).date()
