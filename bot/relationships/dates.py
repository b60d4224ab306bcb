"""Reading the dates people type ("in 2 weeks", "on Friday", "2026-12-01") as local calendar dates.

Common phrases are read by a small grammar: exact, and fast enough for the /log answer path.
Everything else goes to dateparser (English, a naive local relative base, future dates preferred:
its known pitfalls are in ARCHITECTURE.md), and its answer is only trusted as a calendar date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser

from bot.platform.clock import local_zone

MAX_AHEAD_MONTHS = 24
MAX_PHRASE = 60  # characters handed to dateparser; longer is never a date

WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "couple": 2,
    "three": 3,
    "few": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
DAY_UNITS = {"d": 1, "day": 1, "days": 1, "w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7} | {
    "fortnight": 14,
    "fortnights": 14,
}
MONTH_UNITS = {"mo": 1, "mos": 1, "month": 1, "months": 1, "y": 12, "yr": 12, "yrs": 12} | {
    "year": 12,
    "years": 12,
}
WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
MONTHS = {
    name: i for i in range(1, 13) for name in {calendar.month_name[i].lower(), calendar.month_abbr[i].lower()}
} | {"sept": 9}

_NUMBER = r"(\d{1,4}|" + "|".join(WORD_NUMBERS) + r")"
_UNIT = r"(" + "|".join(sorted({*DAY_UNITS, *MONTH_UNITS}, key=len, reverse=True)) + r")"
_SPAN = re.compile(
    rf"^(?:in\s+)?(?:a\s+)?{_NUMBER}\s*(?:of\s+)?{_UNIT}"
    r"(?:\s+(?:from\s+(now|today|tomorrow)|later|time))?$"
)
_BARE_SPAN = re.compile(rf"^in\s+(?:a\s+)?{_UNIT}$")  # "in a week", "in a fortnight"
_WEEKDAY = re.compile(r"^(?:(next|this|coming)\s+)?(" + "|".join(WEEKDAYS) + r")$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ORDINAL = re.compile(r"^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)$")
_MONTH_PART = re.compile(r"^(in|early|mid|late|end\s+of)\s+(" + "|".join(MONTHS) + r")$")
_MONTHS = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_DAY = re.compile(rf"^({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?$")
_DAY_MONTH = re.compile(
    rf"^(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTHS})\.?(?:,?\s+(\d{{4}}))?$"
)
_WEEK_PART = re.compile(r"^(early|end\s+of)\s+(?:the\s+)?(this|next)\s+week$")
_NOT_DATE_WORDS = frozenset(
    {"about", "re", "re:", "regarding", "with", "to", "and", "so", "because", "if", "once", "when", "for"}
)
_FILLER = re.compile(r"^(?:on|by|for|around|before|until|at)\s+")


@dataclass(frozen=True)
class LocalNow:
    """The author's wall clock: today and the naive local time dateparser needs as its base."""

    today: date
    naive: datetime

    @classmethod
    def of(cls, now: datetime, tz: str) -> LocalNow:
        local = now.astimezone(local_zone(tz))
        return cls(today=local.date(), naive=local.replace(tzinfo=None))


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _number(word: str) -> int:
    return int(word) if word.isdigit() else WORD_NUMBERS[word]


def _after(day: date, n: int, unit: str) -> date:
    if unit in DAY_UNITS:
        return day + timedelta(days=n * DAY_UNITS[unit])
    return add_months(day, n * MONTH_UNITS[unit])


def _next_weekday(today: date, weekday: int, *, include_today: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _month_part(today: date, part: str, month: int) -> date:
    """ "in March" is its 1st, "mid March" the 15th, "late" the 22nd, "end of" its last day."""
    if part == "in" and month == today.month:
        return today  # "in November" said in November means this month
    for year in (today.year, today.year + 1):
        last = calendar.monthrange(year, month)[1]
        day = date(year, month, {"in": 1, "early": 1, "mid": 15, "late": 22}.get(part, last))
        if day >= today:
            return day
    raise AssertionError("a month part is always found within a year")


def _grammar(phrase: str, today: date) -> date | None:
    """The common phrases, read exactly; None when the phrase is not one of them."""
    p = _FILLER.sub("", phrase)
    if p in ("today", "tonight", "eod", "end of day", "end of today"):
        return today
    if p in ("tomorrow", "tmrw", "tmr", "tomorow"):
        return today + timedelta(days=1)
    if p in ("day after tomorrow", "the day after tomorrow"):
        return today + timedelta(days=2)
    if p in ("next week", "a week from now"):
        return today + timedelta(days=7)
    if p in ("eow", "end of week", "end of the week", "end of this week"):
        return _next_weekday(today, 4, include_today=True)
    if p in ("this weekend", "weekend", "the weekend"):
        return _next_weekday(today, 5, include_today=True)
    if p == "next weekend":
        return _next_weekday(today, 5, include_today=True) + timedelta(days=7)
    if p in ("eom", "end of month", "end of the month", "end of this month"):
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if p in ("end of year", "end of the year", "end of this year"):
        return date(today.year, 12, 31)
    if p == "next month":
        return add_months(today, 1)
    if p == "next year":
        return add_months(today, 12)
    if m := _SPAN.match(p):
        start = today + timedelta(days=1) if m.group(3) == "tomorrow" else today
        return _after(start, _number(m.group(1)), m.group(2))
    if m := _BARE_SPAN.match(p):
        return _after(today, 1, m.group(1))
    if m := _WEEKDAY.match(p):
        return _next_weekday(today, WEEKDAYS[m.group(2)], include_today=m.group(1) == "this")
    if m := _WEEK_PART.match(p):
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7 if m.group(2) == "next" else 0)
        day = monday if m.group(1) == "early" else monday + timedelta(days=4)
        return max(day, today)
    if m := _ISO.match(p):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _MONTH_DAY.match(p):
        return _calendar_day(today, MONTHS[m.group(1)], int(m.group(2)), m.group(3))
    if m := _DAY_MONTH.match(p):
        return _calendar_day(today, MONTHS[m.group(2)], int(m.group(1)), m.group(3))
    if m := _ORDINAL.match(p):
        return _next_month_day(today, int(m.group(1)))
    if m := _MONTH_PART.match(p):
        return _month_part(today, " ".join(m.group(1).split()), MONTHS[m.group(2)])
    return None


def _calendar_day(today: date, month: int, day: int, year: str | None) -> date:
    """ "Dec 5" is the next Dec 5 (today included); with a year, that very day."""
    if year:
        return date(int(year), month, day)
    found = date(today.year, month, day) if day <= calendar.monthrange(today.year, month)[1] else None
    if found is None or found < today:
        return date(today.year + 1, month, day)
    return found


def _next_month_day(today: date, day: int) -> date | None:
    """The next `day`-th of a month, today included ("the 15th")."""
    if not 1 <= day <= 31:
        return None
    month = date(today.year, today.month, 1)
    for _ in range(13):
        if day <= calendar.monthrange(month.year, month.month)[1]:
            candidate = month.replace(day=day)
            if candidate >= today:
                return candidate
        month = add_months(month, 1)
    return None


def _dateparser(phrase: str, now: LocalNow) -> date | None:
    if phrase in MONTHS or not re.search(r"[a-z0-9]", phrase):
        return None  # a bare "may"/"march" is more often a word than a date
    settings = {
        "RELATIVE_BASE": now.naive,
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    except (ValueError, OverflowError, ArithmeticError, re.error):
        return None
    return parsed.date() if parsed else None


def _clean(phrase: str) -> str:
    return " ".join(phrase.lower().strip(" \t.,;:!?").split())


def _by_grammar(p: str, today: date) -> date | None:
    try:
        return _grammar(p, today)
    except (ValueError, OverflowError):  # "2026-02-31", "in 9999 years"
        return None


def read_date(phrase: str, now: LocalNow) -> date | None:
    """The local calendar date `phrase` names, or None when it names none."""
    p = _clean(phrase)
    if not p or len(p) > MAX_PHRASE:
        return None
    found = _by_grammar(p, now.today)
    if found is None and not _ISO.match(p):
        found = _dateparser(p, now)
    return found


def leading_date(words: list[str], now: LocalNow, *, longest: int = 6) -> tuple[date | None, int]:
    """The date named by the first words of `words`, and how many words it took.

    The phrase ends at a word that never belongs to a date ("about", "with"…) or after a
    comma or full stop; within it the longest reading wins, the exact grammar first.
    """
    phrase: list[str] = []
    for word in words[:longest]:
        if phrase and word.lower() in _NOT_DATE_WORDS:
            break
        phrase.append(word)
        if word.endswith((",", ".", ";", "!", "?")):
            break
    spans = range(len(phrase), 0, -1)
    for n in spans:
        found = _by_grammar(_clean(" ".join(phrase[:n])), now.today)
        if found is not None:
            return found, n
    for n in spans:
        found = read_date(" ".join(phrase[:n]), now)
        if found is not None:
            return found, n
    return None, 0


def future_date_problem(day: date, today: date, *, what: str = "A follow-up") -> str | None:
    """Why `day` cannot be a reminder date (past, or more than two years ahead), or None."""
    if day < today:
        return (
            f"{what} can't be in the past ({day:%a, %b %-d, %Y}). "
            "Try a date from today on, like `in 2 weeks`."
        )
    if day > add_months(today, MAX_AHEAD_MONTHS):
        return (
            f"{what} more than two years ahead ({day:%b %-d, %Y}) is too far to be useful. "
            "Try something sooner, like `in 6 months`."
        )
    return None
