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
from functools import lru_cache

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
_WORKING_DAYS = re.compile(rf"^(?:in\s+)?(?:a\s+)?{_NUMBER}\s*(?:business|working|work|biz)\s*days?$")
_WEEKDAY = re.compile(r"^(?:(next|this|coming)\s+)?(" + "|".join(WEEKDAYS) + r")$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_ORDINAL = re.compile(r"^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)$")
_MONTH_PART = re.compile(r"^(in|early|mid|late|end\s+of)\s+(" + "|".join(MONTHS) + r")$")
_MONTHS = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_DAY = re.compile(rf"^({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?$")
_DAY_MONTH = re.compile(
    rf"^(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTHS})\.?(?:,?\s+(\d{{4}}))?$"
)
_START = r"(early|beginning\s+of|start\s+of|mid|middle\s+of|late|later|end\s+of)"
_WEEK_PART = re.compile(rf"^{_START}\s+(?:the\s+)?(this|next)\s+(?:week|wk)$")
_NEXT_MONTH_PART = re.compile(rf"^{_START}\s+(?:the\s+)?(this|next)\s+month$")
# A time of day after a date ("tomorrow morning", "friday 3pm"): the date is what counts.
_TIME_PART = re.compile(
    r"\s+(?:(?:in\s+the\s+)?(?:morning|afternoon|evening|night|noon|midday|lunch|lunchtime|eod|cob)"
    r"|(?:at\s+)?(?:\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm)|noon|lunch))$"
)
# dateparser is slow: a phrase goes to it only if it has something a date could be made of.
_DATEISH = re.compile(
    r"\d|\b(?:"
    + "|".join(sorted({*WEEKDAYS, *MONTHS}, key=len, reverse=True))
    + r"|today|tomorrow|tonight|yesterday|last|ago|hours?|weeks?|months?|years?|days?|next|noon|morning"
    r"|evening|afternoon)\b"
)
_NOT_DATE_WORDS = frozenset(
    {"about", "re", "re:", "regarding", "with", "to", "and", "so", "because", "if", "once", "when", "for"}
)
_FILLER = re.compile(r"^(?:on|by|for|around|before|until|at|sometime|some\s+time)\s+")
_PART_DAYS = {"early": 1, "beginning of": 1, "start of": 1, "mid": 15, "middle of": 15, "late": 22}
_PART_DAYS |= {"later": 22}


@dataclass(frozen=True)
class LocalNow:
    """The author's wall clock: today and the naive local time dateparser needs as its base."""

    today: date
    naive: datetime

    @classmethod
    def of(cls, now: datetime, tz: str) -> LocalNow:
        local = now.astimezone(local_zone(tz))
        return cls(today=local.date(), naive=local.replace(tzinfo=None))


@dataclass(frozen=True)
class Reading:
    """A date read from a phrase, and the rule it was read by when the phrase could mean more."""

    day: date
    rule: str | None = None


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


def _working_days(day: date, n: int) -> date:
    """`n` working days after `day`, Saturdays and Sundays skipped (public holidays are not known)."""
    if n > 5000:
        raise OverflowError("too many working days")
    while n > 0:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def _next_weekday(today: date, weekday: int, *, include_today: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _monday(today: date, weeks: int = 0) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(days=7 * weeks)


def _last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _quarter_start(today: date, quarters: int = 0) -> date:
    return add_months(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), 3 * quarters)


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


def _week_part(today: date, part: str, which: str) -> Reading:
    monday = _monday(today, 1 if which == "next" else 0)
    if part == "later":  # "later this week": Thursday, and never before tomorrow
        return Reading(
            max(monday + timedelta(days=3), today + timedelta(days=1)), "Thursday, or tomorrow if later"
        )
    offset = {"mid": 2, "middle of": 2, "late": 3, "end of": 4}.get(part, 0)
    name = calendar.day_name[offset]
    return Reading(max(monday + timedelta(days=offset), today), f"{name} of {which} week")


def _in_month_part(today: date, part: str, which: str) -> Reading:
    first = add_months(today.replace(day=1), 1 if which == "next" else 0)
    if part == "end of":
        return Reading(max(_last_day(first), today), f"the last day of {which} month")
    day = first.replace(day=_PART_DAYS[part])
    return Reading(max(day, today), f"the {_ordinal(day.day)} of {which} month")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _numeric(today: date, first: int, second: int, year: str | None) -> Reading | None:
    """ "1/15" or "15/1": month/day (US order: Rapport knows no one's locale), day/month only when
    the first number cannot be a month."""
    if first > 12:
        month, day, rule = second, first, f"day/month, since {first} can't be a month"
    else:
        month, day, rule = first, second, "month/day"
    if not 1 <= month <= 12:
        return None
    full = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
    return Reading(_calendar_day(today, month, day, str(full) if full else None), rule)


def _weekday(today: date, which: str | None, weekday: int) -> Reading:
    name = calendar.day_name[weekday]
    if which == "next":  # the one in next week (weeks start on Monday)
        return Reading(_monday(today, 1) + timedelta(days=weekday), f"{name} of next week")
    if which == "this":
        return Reading(
            _next_weekday(today, weekday, include_today=True), f"the coming {name}, today included"
        )
    return Reading(_next_weekday(today, weekday, include_today=False), f"the next {name} after today")


def _grammar(phrase: str, today: date) -> Reading | None:
    """The common phrases, read exactly; None when the phrase is not one of them."""
    p = _TIME_PART.sub("", _FILLER.sub("", phrase))
    if p in ("today", "tonight", "eod", "end of day", "end of today", "later today", "this afternoon"):
        return Reading(today)
    if p in ("this evening", "this morning", "cob", "close of business"):
        return Reading(today)
    if p in ("tomorrow", "tmrw", "tmr", "tomorow", "tmrrw", "2moro", "2morrow"):
        return Reading(today + timedelta(days=1))
    if p in ("day after tomorrow", "the day after tomorrow"):
        return Reading(today + timedelta(days=2))
    if p in ("next week", "next wk", "the next week", "the week after"):
        return Reading(_monday(today, 1), "the Monday of next week")
    if p in ("a week from now", "a week from today"):
        return Reading(today + timedelta(days=7))
    if p in ("this week", "eow", "end of week", "end of the week", "end of this week", "by eow"):
        return Reading(_next_weekday(today, 4, include_today=True), "this week's Friday")
    if p in ("this weekend", "weekend", "the weekend"):
        return Reading(_next_weekday(today, 5, include_today=True), "the coming Saturday")
    if p == "next weekend":
        return Reading(
            _next_weekday(today, 5, include_today=True) + timedelta(days=7), "Saturday a week later"
        )
    if p in ("eom", "end of month", "end of the month", "end of this month", "month end", "month-end"):
        return Reading(_last_day(today), "the last day of this month")
    if p in ("mid month", "mid-month", "middle of the month", "mid this month"):
        mid = today.replace(day=15)
        return Reading(mid if mid >= today else add_months(mid, 1), "the next 15th")
    if p in ("end of year", "end of the year", "end of this year", "eoy"):
        return Reading(date(today.year, 12, 31))
    if p in ("next month", "a month from now", "a month from today"):
        return Reading(add_months(today, 1), "a month from today")
    if p in ("next quarter", "next qtr", "next q"):
        return Reading(_quarter_start(today, 1), "the first day of next quarter")
    if p in ("eoq", "end of quarter", "end of the quarter", "end of this quarter", "quarter end"):
        return Reading(_quarter_start(today, 1) - timedelta(days=1), "the last day of this quarter")
    if p == "next year":
        return Reading(add_months(today, 12), "a year from today")
    if m := _SPAN.match(p):
        start = today + timedelta(days=1) if m.group(3) == "tomorrow" else today
        return Reading(_after(start, _number(m.group(1)), m.group(2)))
    if m := _BARE_SPAN.match(p):
        return Reading(_after(today, 1, m.group(1)))
    if m := _WORKING_DAYS.match(p):
        return Reading(
            _working_days(today, _number(m.group(1))), "working days: Saturdays and Sundays skipped"
        )
    if m := _WEEKDAY.match(p):
        return _weekday(today, m.group(1), WEEKDAYS[m.group(2)])
    if m := _WEEK_PART.match(p):
        return _week_part(today, " ".join(m.group(1).split()), m.group(2))
    if m := _NEXT_MONTH_PART.match(p):
        return _in_month_part(today, " ".join(m.group(1).split()), m.group(2))
    if m := _ISO.match(p):
        return Reading(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    if m := _NUMERIC.match(p):
        return _numeric(today, int(m.group(1)), int(m.group(2)), m.group(3))
    if m := _MONTH_DAY.match(p):
        return Reading(_calendar_day(today, MONTHS[m.group(1)], int(m.group(2)), m.group(3)))
    if m := _DAY_MONTH.match(p):
        return Reading(_calendar_day(today, MONTHS[m.group(2)], int(m.group(1)), m.group(3)))
    if m := _ORDINAL.match(p):
        found = _next_month_day(today, int(m.group(1)))
        return Reading(found, f"the next {_ordinal(found.day)} of a month") if found else None
    if m := _MONTH_PART.match(p):
        return Reading(_month_part(today, " ".join(m.group(1).split()), MONTHS[m.group(2)]))
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
    if phrase in MONTHS or not _DATEISH.search(phrase):
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


_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")


def clean(phrase: str) -> str:
    """A phrase as the grammar reads it: lower case, single spaces, no punctuation around it."""
    p = " ".join(phrase.lower().strip(" \t.,;:!?()[]\"'“”‘’").split())
    return _HYPHEN.sub(" ", p) if "-" in p else p  # "mid-december", "end-of-month"


@lru_cache(maxsize=2048)  # a /log line tries overlapping spans of the same words
def _by_grammar(p: str, today: date) -> Reading | None:
    try:
        return _grammar(p, today)
    except (ValueError, OverflowError):  # "2026-02-31", "in 9999 years"
        return None


def read_phrase(phrase: str, now: LocalNow, *, slow: bool = True) -> Reading | None:
    """The local calendar date `phrase` names with its rule, or None; `slow`: ask dateparser too."""
    p = clean(phrase)
    if not p or len(p) > MAX_PHRASE:
        return None
    found = _by_grammar(p, now.today)
    if found is None and slow and not _ISO.match(p) and not _NUMERIC.match(p):
        day = _dateparser(p, now)
        found = Reading(day) if day else None
    return found


def read_date(phrase: str, now: LocalNow) -> date | None:
    """The local calendar date `phrase` names, or None when it names none."""
    found = read_phrase(phrase, now)
    return found.day if found else None


def _phrase(words: list[str], longest: int) -> list[str]:
    phrase: list[str] = []
    for word in words[:longest]:
        if phrase and word.lower() in _NOT_DATE_WORDS:
            break
        phrase.append(word)
        if word.endswith((",", ".", ";", "!", "?")) and not _ABBREVIATED.match(word):
            break
    return phrase


_ABBREVIATED = re.compile(r"^(?:[a-z]{3,4}\.|wk\.|mo\.)$", re.IGNORECASE)  # "Dec. 5", "next wk."


def leading_reading(
    words: list[str], now: LocalNow, *, longest: int = 6, slow: bool = True
) -> tuple[Reading | None, int]:
    """The date named by the first words of `words` with its rule, and how many words it took.

    The phrase ends at a word that never belongs to a date ("about", "with"…) or after a
    comma or full stop; within it the longest reading wins, the exact grammar first.
    """
    phrase = _phrase(words, longest)
    spans = range(len(phrase), 0, -1)
    for n in spans:
        found = _by_grammar(clean(" ".join(phrase[:n])), now.today)
        if found is not None:
            return found, n
    if slow:
        for n in spans:
            found = read_phrase(" ".join(phrase[:n]), now)
            if found is not None:
                return found, n
    return None, 0


def leading_date(words: list[str], now: LocalNow, *, longest: int = 6) -> tuple[date | None, int]:
    """`leading_reading` without the rule."""
    found, used = leading_reading(words, now, longest=longest)
    return (found.day if found else None), used


def trailing_reading(words: list[str], now: LocalNow, *, longest: int = 6) -> tuple[Reading | None, int]:
    """The date named by the last words of `words` (grammar only), and how many words it took."""
    for n in range(min(longest, len(words)), 0, -1):
        found = _by_grammar(clean(" ".join(words[-n:])), now.today)
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
