"""`/rapport keep in touch …` as people type it: the subcommand with or without hyphens, "with",
several people, and intervals in words; over HTTP, what the person reads and what is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import Member
from bot.models.relationships import Cadence
from bot.relationships.cadences import read_every
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served

TEAM = "T0001"
ME, ERIN, BOB = "UAUTHOR", "UERIN01", "UBOB001"


@pytest.fixture
def team(rapport: Served) -> Served:
    add_members(
        rapport.core.db,
        TEAM,
        slack_user(ME, tz="America/New_York"),
        slack_user(ERIN, real_name="Erin Diaz"),
        slack_user(BOB, real_name="Bob Ray"),
    )
    return rapport


def say(served: Served, text: str) -> str:
    return served.http.answer("/rapport", text, user_id=ME, team_id=TEAM)


def cadences(served: Served) -> dict[str, tuple[int, bool]]:
    """Whom the author keeps in touch with: Slack id → (every how many days, stopped)."""
    with served.core.db.read() as s:
        rows = s.execute(
            select(Member.user_id, Cadence.every_days, Cadence.stopped).join(
                Member, Member.id == Cadence.contact_id
            )
        )
        return {user_id: (every, bool(stopped)) for user_id, every, stopped in rows}


INTERVALS = [
    ("every 6 weeks", 42),
    ("every six weeks", 42),
    ("monthly", 30),
    ("every month", 30),
    ("each month", 30),
    ("once a month", 30),
    ("every quarter", 91),
    ("quarterly", 91),
    ("weekly", 7),
    ("every week", 7),
    ("every other week", 14),
    ("biweekly", 14),
    ("bi-weekly", 14),
    ("every two weeks", 14),
    ("once every two weeks", 14),
    ("fortnightly", 14),
    ("every 2 months", 60),
    ("every other month", 60),
    ("twice a month", 15),  # a month shared out
    ("twice a year", 182),
    ("3 times a year", 122),
    ("every 10 days", 10),
    ("Every 6 Weeks.", 42),
    ("yearly", 365),
]


@pytest.mark.parametrize(("text", "days"), INTERVALS)
def test_intervals_in_words(text: str, days: int) -> None:
    assert read_every(text) == days


@pytest.mark.parametrize("text", ["sometimes", "every", "often", "twice", "0 times a week", "every moon"])
def test_what_is_not_an_interval(text: str) -> None:
    assert read_every(text) is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"keep in touch with <@{ERIN}|erin> every 6 weeks", "every 6 weeks"),
        (f"keep-in-touch <@{ERIN}> every 6 weeks", "every 6 weeks"),
        (f"Keep In Touch with <@{ERIN}> monthly", "every month"),
        (f"keep in touch <@{ERIN}> every quarter", "every quarter"),
        (f"keep in touch with <@{ERIN}> every other week", "every 2 weeks"),
        (f"keep in touch with <@{ERIN}> twice a month", "every 15 days"),
        (f"keep in touch with <@{ERIN}> weekly", "every week"),
        (f"keep_in_touch <@{ERIN}> biweekly", "every 2 weeks"),
    ],
)
def test_keep_in_touch_over_http(team: Served, text: str, shown: str) -> None:
    answer = say(team, text)
    assert f"I'll remind you to catch up with <@{ERIN}> {shown};" in answer
    days = read_every(text.split("> ", 1)[1])
    assert cadences(team) == {ERIN: (days, False)}


def test_several_people_at_once(team: Served) -> None:
    answer = say(team, f"keep in touch with <@{ERIN}> and <@{BOB}>, every month")
    assert f"catch up with <@{ERIN}> every month" in answer
    assert f"catch up with <@{BOB}> every month" in answer
    assert cadences(team) == {ERIN: (30, False), BOB: (30, False)}


@pytest.mark.parametrize("stop", ["stop", "off", "Stop it", "cancel", "remove"])
def test_stopping(team: Served, stop: str) -> None:
    say(team, f"keep in touch with <@{ERIN}> monthly")
    assert say(team, f"keep in touch with <@{ERIN}> {stop}") == f"Stopped keeping in touch with <@{ERIN}>."
    assert cadences(team) == {ERIN: (30, True)}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (f"keep in touch with <@{ERIN}> sometimes", "I couldn't read “sometimes” as an interval."),
        (f"keep in touch with <@{ERIN}>", "How often? Try `every 6 weeks`"),
        ("keep in touch every month", "Who with? Mention a colleague"),
        (f"keep in touch with <@{ERIN}> every 0 days", "Pick an interval between a day and two years."),
    ],
)
def test_bad_input_gets_a_short_hint_and_stores_nothing(team: Served, text: str, says: str) -> None:
    assert says in say(team, text)
    assert cadences(team) == {}
