"""A clock tests move by hand: schedules are driven, never slept for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self.now += delta or timedelta(**kwargs)
        return self.now

    def set(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("FakeClock needs aware datetimes")
        self.now = at
        return at
