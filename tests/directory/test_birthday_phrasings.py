"""`/rapport birthday` as people type it: month names, ordinals, month-first numbers, a year or
not, and the ways of taking it back; over HTTP, what the person reads and what is stored."""

from __future__ import annotations

from datetime import date

import pytest

from bot.directory import members
from bot.directory.personal_dates import Birthday, parse_birthday
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served

TODAY = date(2026, 11, 23)


@pytest.fixture
def ada(rapport: Served) -> str:
    add_members(rapport.core.db, rapport.slack.team_id, slack_user("UADA"))
    return "UADA"


def say(rapport: Served, user: str, text: str) -> str:
    return rapport.http.answer("/rapport", text, user_id=user, team_id=rapport.slack.team_id)


def stored(rapport: Served, user: str) -> tuple[int | None, int | None, int | None]:
    with rapport.core.db.read() as s:
        member = members.find_member(s, rapport.slack.team_id, user)
        assert member is not None
        return member.birthday_month, member.birthday_day, member.birth_year


DECEMBER_9 = [
    "December 9",
    "december 9",
    "Dec 9",
    "Dec. 9",
    "Dec 9th",
    "DEC 9TH",
    "9 Dec",
    "9 December",
    "9th Dec",
    "the 9th of December",
    "9th of december",
    "December the 9th",
    "12-09",
    "12-9",
    "12/09",
    "12/9",
]


@pytest.mark.parametrize("text", DECEMBER_9)
def test_ways_of_writing_december_9(text: str) -> None:
    assert parse_birthday(text, TODAY, typed=True) == Birthday(12, 9)


@pytest.mark.parametrize(
    "text",
    ["December 9, 1990", "December 9 1990", "9 December 1990", "Dec 9th, 1990", "1990-12-09", "12/09/1990"],
)
def test_a_year_is_kept_privately(text: str) -> None:
    assert parse_birthday(text, TODAY, typed=True) == Birthday(12, 9, 1990)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("25/12", "numbers are month first (12-25), or write it like Dec 25"),
        ("31-10", "numbers are month first (10-31), or write it like Oct 31"),
        ("Dec 32", "is not a date (month 12, day 32)"),
        ("Feb 30", "is not a date (month 2, day 30)"),
        ("Decembre 9", "is not a birthday: write it like Dec 9, or MM-DD like 12-09"),
        ("next Friday", "is not a birthday"),
        ("December 9, 2030", "2030 is not a plausible birth year"),
        ("December 9, 1850", "1850 is not a plausible birth year"),
    ],
)
def test_what_is_not_a_birthday_says_why(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_birthday(text, TODAY, typed=True)


@pytest.mark.parametrize("text", ["3/14", "Dec 9", "the 9th of December"])
def test_files_and_profile_fields_keep_the_strict_forms(text: str) -> None:
    """No answer shows how HR's CSV was read, so it keeps MM-DD and YYYY-MM-DD only."""
    with pytest.raises(ValueError, match="write MM-DD"):
        parse_birthday(text, TODAY)


@pytest.mark.parametrize("text", ["Dec 9", "the 9th of December", "12-09", "9 Dec", "Dec 9th"])
def test_shared_over_http(rapport: Served, ada: str, text: str) -> None:
    answer = say(rapport, ada, f"birthday {text}")
    assert answer.startswith("Thanks! Your birthday is December 9.")
    assert "month first" not in answer
    assert stored(rapport, ada) == (12, 9, None)


def test_two_numbers_either_way_are_month_first_and_the_answer_says_so(rapport: Served, ada: str) -> None:
    answer = say(rapport, ada, "birthday 09/12")
    assert answer.startswith(
        "Thanks! Your birthday is September 12. (Numbers are month first; for December 9, "
        "write `/rapport birthday Dec 9`.)"
    )
    assert stored(rapport, ada) == (9, 12, None)
    assert "month first" not in say(rapport, ada, "birthday 05/05")


def test_a_year_is_kept_but_never_shown(rapport: Served, ada: str) -> None:
    answer = say(rapport, ada, "birthday December 9, 1990")
    assert "December 9" in answer
    assert "I kept the year too, privately." in answer
    assert "1990" not in answer
    assert stored(rapport, ada) == (12, 9, 1990)


@pytest.mark.parametrize(
    "text", ["off", "remove", "forget", "delete", "clear", "Forget it", "remove my birthday", "OFF"]
)
def test_taking_it_back(rapport: Served, ada: str, text: str) -> None:
    say(rapport, ada, "birthday Dec 9")
    assert say(rapport, ada, f"birthday {text}") == "Done — Rapport no longer knows your birthday."
    assert stored(rapport, ada) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("birthday 25/12", "month first (12-25), or write it like Dec 25"),
        ("birthday Dec 32", "is not a date (month 12, day 32); write it like Dec 9"),
        ("birthday <!channel> 9", "&lt;!channel&gt; 9” is not a birthday"),
        ("birthday soon", "write it like Dec 9"),
        ("birthday off please now", "write it like Dec 9"),
    ],
)
def test_bad_input_gets_a_short_reason_and_changes_nothing(
    rapport: Served, ada: str, text: str, says: str
) -> None:
    say(rapport, ada, "birthday Mar 14")
    answer = say(rapport, ada, text)
    assert says in answer
    assert len(answer) < 120  # one short line, not /rapport's whole usage
    assert stored(rapport, ada) == (3, 14, None)
