"""Follow-up dates as people type them, read in the author's own time zone (DST included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.relationships.dates import LocalNow, future_date_problem, read_date

MON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Monday; 07:00 in New York
NY = "America/New_York"
PAST, FAR, UNREADABLE = "past", "far", None

# (phrase, author's time zone, the instant it is typed, the local date it means — or why not)
TABLE: list[tuple[str, str, datetime, date | str | None]] = [
    ("today", NY, MON, date(2026, 11, 23)),
    ("tomorrow", NY, MON, date(2026, 11, 24)),
    ("tmrw", NY, MON, date(2026, 11, 24)),
    ("day after tomorrow", NY, MON, date(2026, 11, 25)),
    ("in 2 weeks", NY, MON, date(2026, 12, 7)),
    ("in two weeks", NY, MON, date(2026, 12, 7)),
    ("2 weeks", NY, MON, date(2026, 12, 7)),
    ("in 3 days", NY, MON, date(2026, 11, 26)),
    ("in 10 days", NY, MON, date(2026, 12, 3)),
    ("in 5d", NY, MON, date(2026, 11, 28)),
    ("in 1 wk", NY, MON, date(2026, 11, 30)),
    ("in a week", NY, MON, date(2026, 11, 30)),
    ("in a fortnight", NY, MON, date(2026, 12, 7)),
    ("a week from today", NY, MON, date(2026, 11, 30)),
    ("two weeks from tomorrow", NY, MON, date(2026, 12, 8)),
    ("next week", NY, MON, date(2026, 11, 30)),
    ("in 1 month", NY, MON, date(2026, 12, 23)),
    ("in 3 mos", NY, MON, date(2027, 2, 23)),
    ("in 6 months", NY, MON, date(2027, 5, 23)),
    ("in 18 months", NY, MON, date(2028, 5, 23)),
    ("in a year", NY, MON, date(2027, 11, 23)),
    ("next month", NY, MON, date(2026, 12, 23)),
    ("on Friday", NY, MON, date(2026, 11, 27)),
    ("friday", NY, MON, date(2026, 11, 27)),
    ("Fri", NY, MON, date(2026, 11, 27)),
    ("next friday", NY, MON, date(2026, 12, 4)),  # Friday of next week (was: the coming one)
    ("this friday", NY, MON, date(2026, 11, 27)),
    ("on monday", NY, MON, date(2026, 11, 30)),  # said on a Monday: the next one
    ("this monday", NY, MON, date(2026, 11, 23)),
    ("tuesday", NY, MON, date(2026, 11, 24)),
    ("by Wednesday", NY, MON, date(2026, 11, 25)),
    ("2026-12-01", NY, MON, date(2026, 12, 1)),
    ("Dec 5", NY, MON, date(2026, 12, 5)),
    ("5 December", NY, MON, date(2026, 12, 5)),
    ("December 1st", NY, MON, date(2026, 12, 1)),
    ("on dec 1st", NY, MON, date(2026, 12, 1)),
    ("jan 5", NY, MON, date(2027, 1, 5)),
    ("Jan 5th at 10am", NY, MON, date(2027, 1, 5)),
    ("12/01/2026", NY, MON, date(2026, 12, 1)),
    ("1 dec 2027", NY, MON, date(2027, 12, 1)),
    ("the 15th", NY, MON, date(2026, 12, 15)),  # dateparser alone says Nov 15, in the past
    ("the 30th", NY, MON, date(2026, 11, 30)),
    ("end of month", NY, MON, date(2026, 11, 30)),
    ("end of the week", NY, MON, date(2026, 11, 27)),
    ("eow", NY, MON, date(2026, 11, 27)),
    ("end of next week", NY, MON, date(2026, 12, 4)),
    ("early next week", NY, MON, date(2026, 11, 30)),
    ("mid december", NY, MON, date(2026, 12, 15)),
    ("in january", NY, MON, date(2027, 1, 1)),
    ("this weekend", NY, MON, date(2026, 11, 28)),
    ("next weekend", NY, MON, date(2026, 12, 5)),
    ("tomorrow morning", NY, MON, date(2026, 11, 24)),
    ("monday morning", NY, MON, date(2026, 11, 30)),
    ("next thursday afternoon", NY, MON, date(2026, 12, 3)),  # Thursday of next week
    ("friday 3pm", NY, MON, date(2026, 11, 27)),
    ("in 36 hours", NY, MON, date(2026, 11, 24)),  # 07:00 + 36 h = Tue 19:00
    ("2028-11-23", NY, MON, date(2028, 11, 23)),  # exactly two years: still fine
    # refused with a hint
    ("yesterday", NY, MON, PAST),
    ("in -3 years", NY, MON, PAST),
    ("last friday", NY, MON, PAST),
    ("2025-01-01", NY, MON, PAST),
    ("2028-11-24", NY, MON, FAR),
    ("in 3 years", NY, MON, FAR),
    ("2030-01-01", NY, MON, FAR),
    # not dates at all
    ("in 99999999 days", NY, MON, UNREADABLE),
    ("in 9999 years", NY, MON, UNREADABLE),
    ("31/02", NY, MON, UNREADABLE),
    ("2026-02-31", NY, MON, UNREADABLE),
    ("asap", NY, MON, UNREADABLE),
    ("whenever", NY, MON, UNREADABLE),
    ("the proposal", NY, MON, UNREADABLE),
    ("may", NY, MON, UNREADABLE),  # more often the verb
    ("", NY, MON, UNREADABLE),
    # the author's own date, not UTC's
    ("today", "Pacific/Kiritimati", datetime(2026, 11, 23, 11, 0, tzinfo=UTC), date(2026, 11, 24)),
    ("tomorrow", "Pacific/Auckland", MON, date(2026, 11, 25)),  # already Tue 01:00 there
    ("friday", "Pacific/Auckland", MON, date(2026, 11, 27)),
    ("tomorrow", "America/Los_Angeles", datetime(2026, 11, 24, 5, 0, tzinfo=UTC), date(2026, 11, 24)),
    ("today", "Pacific/Honolulu", datetime(2026, 11, 24, 9, 0, tzinfo=UTC), date(2026, 11, 23)),
    ("in 2 weeks", "Asia/Tokyo", datetime(2026, 11, 23, 16, 0, tzinfo=UTC), date(2026, 12, 8)),
    ("today", "Asia/Kolkata", datetime(2026, 11, 23, 18, 45, tzinfo=UTC), date(2026, 11, 24)),
    ("today", "Not/AZone", MON, date(2026, 11, 23)),  # an unknown zone reads as UTC
    # DST boundaries
    ("tomorrow", NY, datetime(2026, 11, 1, 5, 30, tzinfo=UTC), date(2026, 11, 2)),  # 01:30 EDT
    ("today", NY, datetime(2026, 11, 1, 6, 30, tzinfo=UTC), date(2026, 11, 1)),  # 01:30 EST, again
    ("in 24 hours", NY, datetime(2026, 3, 7, 17, 0, tzinfo=UTC), date(2026, 3, 8)),  # over spring-forward
    ("tomorrow", NY, datetime(2026, 3, 8, 4, 59, tzinfo=UTC), date(2026, 3, 8)),  # 23:59 EST Mar 7
    ("tomorrow", "Europe/Berlin", datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 30)),
    ("in 1 week", "Europe/London", datetime(2026, 10, 25, 0, 30, tzinfo=UTC), date(2026, 11, 1)),
    ("tomorrow", "Australia/Sydney", datetime(2026, 10, 3, 15, 30, tzinfo=UTC), date(2026, 10, 5)),
    (
        "next week",
        "Europe/London",
        datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
        date(2026, 3, 30),
    ),  # its Monday
]


def understood(phrase: str, tz: str, at: datetime) -> date | str | None:
    local = LocalNow.of(at, tz)
    day = read_date(phrase, local)
    if day is None:
        return None
    problem = future_date_problem(day, local.today)
    if problem is None:
        return day
    return PAST if "past" in problem else FAR


def test_the_table_has_enough_real_phrasings() -> None:
    assert len({phrase for phrase, *_ in TABLE}) >= 60


@pytest.mark.parametrize(("phrase", "tz", "at", "expected"), TABLE)
def test_phrasings(phrase: str, tz: str, at: datetime, expected: date | str | None) -> None:
    assert understood(phrase, tz, at) == expected


def test_refusals_carry_a_hint() -> None:
    today = date(2026, 11, 23)
    past = future_date_problem(date(2026, 11, 22), today)
    far = future_date_problem(date(2029, 1, 1), today)
    assert past is not None
    assert "in 2 weeks" in past
    assert far is not None
    assert "in 6 months" in far


@settings(max_examples=300, deadline=None)
@given(
    phrase=st.text(max_size=80),
    at=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    tz=st.sampled_from(
        [NY, "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu", "UTC", "Bogus/Zone"]
    ),
)
def test_any_text_reads_as_a_date_or_none_never_an_exception(phrase: str, at: datetime, tz: str) -> None:
    result = read_date(phrase, LocalNow.of(at, tz))
    assert result is None or isinstance(result, date)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "in",
                "on",
                "next",
                "2",
                "99999",
                "-3",
                "weeks",
                "days",
                "friday",
                "the",
                "15th",
                "of",
                "dec",
                "2026",
                "-",
                "/",
                "tomorrow",
                "end",
                "month",
                "mid",
                "a",
                "year",
                "at",
                "3pm",
                "may",
            ]
        ),
        max_size=6,
    )
)
def test_date_like_word_salad_never_raises(words: list[str]) -> None:
    result = read_date(" ".join(words), LocalNow.of(MON, NY))
    assert result is None or isinstance(result, date)
