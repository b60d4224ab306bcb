"""Birthdays and start dates as people write them; the reason when they are not dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_BIRTHDAY = re.compile(r"^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
EARLIEST_YEAR = 1900


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None = None  # kept only when given; never shown

    def shown(self) -> str:
        """How Rapport shows a birthday: month and day only."""
        return date(2000, self.month, self.day).strftime("%B %-d")


def parse_birthday(text: str, today: date) -> Birthday:
    """`MM-DD` or `YYYY-MM-DD`; raises ValueError with a reason a person can act on."""
    match = _BIRTHDAY.match(text.strip())
    if not match:
        raise ValueError(f"“{text.strip()[:20]}” is not a birthday: write MM-DD, like 03-14")
    year_text, month_text, day_text = match.groups()
    month, day = int(month_text), int(day_text)
    year = int(year_text) if year_text else None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year, so 02-29 is a birthday
    except ValueError:
        raise ValueError(f"{text.strip()} is not a date (month {month}, day {day})") from None
    if year is not None and not (EARLIEST_YEAR <= year <= today.year):
        raise ValueError(f"{year} is not a plausible birth year")
    if year is not None and date(year, month, day) > today:
        raise ValueError(f"{text.strip()} is in the future")
    return Birthday(month, day, year)


def parse_start_date(text: str, today: date) -> date:
    """`YYYY-MM-DD`, not before 1900 and at most a year ahead (people are hired ahead of time)."""
    match = _ISO_DATE.match(text.strip())
    if not match:
        raise ValueError(f"“{text.strip()[:20]}” is not a start date: write YYYY-MM-DD")
    try:
        start = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"{text.strip()} is not a date") from None
    if start.year < EARLIEST_YEAR or start > today.replace(year=today.year + 1, day=min(today.day, 28)):
        raise ValueError(f"{text.strip()} is not a plausible start date")
    return start
