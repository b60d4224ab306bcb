"""A clock tests move by hand: schedules are driven, never slept for.

Waiting on it (a pacer, a client waiting out a 429) costs no real time: it moves the clock's
monotonic seconds, which the fake Slack's rate limits read too, and leaves the wall time alone.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
        self.seconds = 0.0  # monotonic
        self.slept = 0.0  # how long was waited in all
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        with self._lock:
            return self.seconds

    def epoch(self) -> float:
        """The wall time plus what was waited: shared budgets see waiting as time passing."""
        with self._lock:
            return self.now.timestamp() + self.seconds

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.seconds += max(0.0, seconds)
            self.slept += max(0.0, seconds)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self.now += delta or timedelta(**kwargs)
        return self.now

    def set(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("FakeClock needs aware datetimes")
        self.now = at
        return at
