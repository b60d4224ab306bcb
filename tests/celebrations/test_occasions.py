"""Occasion dates: weekends on the Friday before, 29 February, anniversaries, the workspace's clock."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.celebrations import occasions
from bot.celebrations.occasions import (
    ANNIVERSARY,
    BIRTHDAY,
    Occasion,
    PersonDates,
    observed,
    observed_on,
    occasions_on,
)
from bot.models import Workspace
from bot.platform.db import Database
from tests.support.factories import add_members, slack_user


def test_weekdays_are_celebrated_on_the_day_and_weekends_on_the_friday_before() -> None:
    friday, saturday, sunday, monday = (date(2027, 3, d) for d in (5, 6, 7, 8))
    assert observed(monday) == monday
    assert observed(friday) == observed(saturday) == observed(sunday) == friday
    assert observed_on(friday) == [friday, saturday, sunday]
    assert observed_on(saturday) == observed_on(sunday) == []
    assert observed_on(monday) == [monday]


def test_a_new_years_day_on_a_saturday_is_celebrated_the_last_friday_of_the_year_before() -> None:
    # 1 January 2028 is a Saturday.
    ada = PersonDates(1, birthday=(1, 1), start_date=date(2020, 1, 1))
    found = occasions_on(date(2027, 12, 31), [ada])
    assert found == [
        Occasion(BIRTHDAY, 1, date(2028, 1, 1)),
        Occasion(ANNIVERSARY, 1, date(2028, 1, 1), years=8),
    ]
    assert occasions_on(date(2028, 1, 3), [ada]) == []


def test_a_leap_day_birthday_is_on_the_28th_in_other_years() -> None:
    leap = PersonDates(7, birthday=(2, 29))
    assert occasions_on(date(2030, 2, 28), [leap]) == [Occasion(BIRTHDAY, 7, date(2030, 2, 28))]  # Thursday
    # 28 February 2027 is a Sunday: the Friday before celebrates it.
    assert occasions_on(date(2027, 2, 26), [leap]) == [Occasion(BIRTHDAY, 7, date(2027, 2, 28))]
    assert occasions_on(date(2028, 2, 28), [leap]) == []  # a leap year: wait for the 29th
    assert occasions_on(date(2028, 2, 29), [leap]) == [Occasion(BIRTHDAY, 7, date(2028, 2, 29))]
    assert (2, 29) in occasions.month_days(date(2030, 2, 28))
    assert (2, 29) not in occasions.month_days(date(2028, 2, 28))


def test_anniversaries_count_whole_years_and_not_the_start_day_itself() -> None:
    bob = PersonDates(2, start_date=date(2023, 6, 15))
    assert occasions_on(date(2023, 6, 15), [bob]) == []  # first day, not an anniversary
    (one,) = occasions_on(date(2026, 6, 15), [bob])
    assert (one.kind, one.years) == (ANNIVERSARY, 3)
    assert occasions.years_phrase(3) == "3 years at the company"
    assert occasions.years_phrase(1) == "1 year at the company"


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_date_is_celebrated_on_exactly_one_weekday(day: date) -> None:
    post = observed(day)
    assert post.weekday() < 5
    assert 0 <= (day - post).days <= 2
    assert day in observed_on(post)
    others = [post + timedelta(days=n) for n in range(-6, 7) if n]
    assert all(day not in observed_on(other) for other in others)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2010, 12, 31)), st.integers(2020, 2040))
def test_everyone_with_a_birthday_has_exactly_one_post_a_year(born: date, year: int) -> None:
    person = PersonDates(1, birthday=(born.month, born.day))
    # From the last days of the year before: 1 January on a Saturday is celebrated on 31 December.
    start, end = date(year - 1, 12, 30), date(year, 12, 31)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    hits = [(d, o) for d in days for o in occasions_on(d, [person]) if o.day.year == year]
    assert len(hits) == 1


def test_the_workspace_time_zone_is_its_setting_or_the_most_common_one(db: Database) -> None:
    team = "T1"
    add_members(
        db,
        team,
        slack_user("U1", tz="Europe/Paris"),
        slack_user("U2", tz="Europe/Paris"),
        slack_user("U3", tz="Asia/Tokyo"),
        slack_user("U4", tz="Asia/Tokyo"),
        slack_user("U5", tz="Asia/Tokyo", deleted=True),  # people who left do not count
        slack_user("U6", tz="America/Chicago"),
    )
    with db.read() as s:
        # Paris and Tokyo have two active members each: the tie goes to the first name, every run.
        assert occasions.workspace_tz(s, team) == "Asia/Tokyo"
        assert occasions.workspace_tz(s, "T-empty") == "UTC"
    with db.write() as s:
        workspace = s.get(Workspace, team)
        assert workspace is not None
        workspace.tz = "Australia/Sydney"
    with db.read() as s:
        assert occasions.workspace_tz(s, team) == "Australia/Sydney"
        assert occasions.celebration_hour(s.get(Workspace, team)) == 10
