"""Time as an argument: the core never reads the wall clock itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(at: datetime) -> Clock:
    """A clock stopped at `at` (aware), for `--now` and tests."""
    if at.tzinfo is None:
        raise ValueError("fixed_clock needs an aware datetime")
    return lambda: at
