"""Birthdays and start dates as people write them; the reason when they are not dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_BIRTHDAY = re.compile(r"^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$")
# What people type to /rapport birthday, where the answer shows how it was read: numbers month
# first (12/09 and 12-09 are December 9, as in MM-DD), or the month in words.
_TYPED = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$|^(\d{1,2})/(\d{1,2})$")
MONTHS = (
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
)
_MONTH = r"(" + "|".join(rf"{m[:3]}(?:{m[3:]}|\.)?" for m in MONTHS) + r"|sept\.?)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
# "Dec 9", "December 9th, 1990", "9 Dec", "the 9th of December".
_IN_WORDS = (
    re.compile(rf"^{_MONTH}\s+(?:the\s+)?{_DAY}{_YEAR}$"),
    re.compile(rf"^(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}$"),
)
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


def _month(name: str) -> int:
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(name.rstrip(".")[:3]))


def _read(text: str, typed: bool) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) as written; None when it is no way of writing a birthday."""
    strict = _BIRTHDAY.match(text)
    if strict:
        year, month, day = strict.groups()
        return int(month), int(day), int(year) if year else None
    numeric = _TYPED.match(text) if typed else None
    if numeric:
        month, day, year, short_month, short_day = numeric.groups()
        if year:
            return int(month), int(day), int(year)
        return int(short_month), int(short_day), None
    if not typed:
        return None
    words = " ".join(text.casefold().split())
    for i, pattern in enumerate(_IN_WORDS):
        found = pattern.match(words)
        if found:
            first, second, year = found.groups()
            month, day = (first, second) if i == 0 else (second, first)
            return _month(month), int(day), int(year) if year else None
    return None


def parse_birthday(text: str, today: date, *, typed: bool = False) -> Birthday:
    """`MM-DD` or `YYYY-MM-DD` (a file, a profile field); `typed` (to `/rapport birthday`, whose
    answer says how it was read) also takes `MM/DD[/YYYY]`, `Dec 9`, `9 December 1990` and `the
    9th of Dec`. Raises ValueError with a reason a person can act on."""
    text = text.strip()
    read = _read(text, typed)
    if read is None:
        hint = "write it like Dec 9, or MM-DD like 12-09" if typed else "write MM-DD, like 03-14"
        raise ValueError(f"“{text[:20]}” is not a birthday: {hint}")
    month, day, year = read
    try:
        date(year or 2000, month, day)  # 2000 is a leap year, so 02-29 is a birthday
    except ValueError:
        if typed and day <= 12 < month and text[:1].isdigit():  # 25/12: day first
            raise ValueError(
                f"{text} is not a date: numbers are month first ({day:02d}-{month:02d}), "
                f"or write it like {MONTHS[day - 1][:3].title()} {month}"
            ) from None
        hint = "; write it like Dec 9" if typed else ""
        raise ValueError(f"{text} is not a date (month {month}, day {day}){hint}") from None
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
