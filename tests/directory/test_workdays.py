"""A recipient's working day across time zones and DST changes (property tests and examples)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.directory.workdays import Workday

ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))

zones = st.sampled_from(ZONES)
hours = st.integers(min_value=0, max_value=23)
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
work_days = st.sets(st.sampled_from("1234567"), min_size=1).map(lambda s: "".join(sorted(s)))
instants = st.datetimes(
    min_value=datetime(2015, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)


@st.composite
def workdays(draw: st.DrawFn) -> Workday:
    start = draw(hours)
    end = draw(st.integers(min_value=start + 1, max_value=24))
    return Workday.from_values(draw(zones), start, end, draw(work_days))


@settings(max_examples=400, deadline=None)
@given(workdays(), days)
def test_delivery_is_one_instant_on_that_local_day_at_or_just_after_the_hour(wd: Workday, day: date) -> None:
    at = wd.delivery_at(day)
    assert at.tzinfo is UTC
    local = at.astimezone(wd.zone)
    assert local.date() == day
    wanted = datetime.combine(day, time(wd.delivery_hour))
    # A skipped hour moves the delivery later by the gap (at most a few hours), never earlier.
    assert timedelta(0) <= local.replace(tzinfo=None) - wanted <= timedelta(hours=3)
    assert wd.delivery_at(day) == at  # deterministic: one instant, even for a repeated hour
    assert wd.expires_at(day) > at


@settings(max_examples=400, deadline=None)
@given(workdays(), instants)
def test_delivery_day_is_the_first_working_day_whose_window_is_still_open(wd: Workday, now: datetime) -> None:
    day = wd.delivery_day(now)
    assert day is not None
    assert wd.is_working_day(day)
    assert wd.expires_at(day) > now
    assert day >= wd.local_date(now)
    # No earlier working day from today on still had an open window.
    probe = wd.local_date(now)
    while probe < day:
        assert not wd.is_working_day(probe) or wd.expires_at(probe) <= now
        probe += timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(workdays(), instants, st.integers(min_value=0, max_value=30))
def test_a_pause_is_respected(wd: Workday, now: datetime, length: int) -> None:
    paused_until = wd.local_date(now) + timedelta(days=length)
    day = wd.delivery_day(now, paused_until=paused_until)
    assert day is not None
    assert day > paused_until


def previous_working_day(wd: Workday, day: date) -> date | None:
    """The last working day before `day` (an oracle: Rapport only ever looks forward)."""
    return next((d for n in range(1, 15) if wd.is_working_day(d := day - timedelta(days=n))), None)


@settings(max_examples=300, deadline=None)
@given(workdays(), days)
def test_next_and_previous_working_days(wd: Workday, day: date) -> None:
    nxt = wd.next_working_day(day)
    prev = previous_working_day(wd, day)
    assert nxt is not None
    assert prev is not None
    assert prev < day < nxt
    assert wd.is_working_day(nxt)
    assert wd.is_working_day(prev)
    assert all(not wd.is_working_day(prev + timedelta(days=i)) for i in range(1, (day - prev).days))
    assert all(not wd.is_working_day(day + timedelta(days=i)) for i in range(1, (nxt - day).days))


def test_spring_forward_skipped_hour_lands_after_the_gap() -> None:
    wd = Workday.from_values("America/New_York", 2, 18, "1234567")
    at = wd.delivery_at(date(2026, 3, 8))  # 02:00 does not exist that night
    assert at.astimezone(ZoneInfo("America/New_York")).hour == 3
    assert at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_fall_back_repeated_hour_is_its_first_occurrence() -> None:
    wd = Workday.from_values("America/New_York", 1, 18, "1234567")
    at = wd.delivery_at(date(2026, 11, 1))  # 01:00 happens twice that night
    assert at == datetime(2026, 11, 1, 5, 0, tzinfo=UTC)  # 01:00 EDT, not 01:00 EST


def test_nine_o_clock_follows_the_clock_change() -> None:
    wd = Workday.from_values("Europe/Berlin", 9, 18, "12345")
    assert wd.delivery_at(date(2026, 3, 27)) == datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # CET
    assert wd.delivery_at(date(2026, 3, 30)) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # CEST


def test_weekend_moves_to_monday_and_the_evening_to_tomorrow() -> None:
    wd = Workday.from_values("Asia/Tokyo", 9, 18, "12345")
    friday_evening = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # 18:30 in Tokyo
    assert wd.delivery_day(friday_evening) == date(2026, 11, 30)
    friday_noon = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    assert wd.delivery_day(friday_noon) == date(2026, 11, 27)


def test_broken_stored_values_are_repaired() -> None:
    wd = Workday.from_values("Not/AZone", 30, 3, "9x")
    assert (wd.tz, wd.delivery_hour, wd.day_end_hour, wd.work_days) == ("UTC", 9, 18, "")
    assert wd.delivery_day(datetime(2026, 1, 1, tzinfo=UTC)) is None
