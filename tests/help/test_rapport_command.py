"""`/rapport birthday` and `/rapport privacy` over HTTP: share, show, forget; the year is never shown."""

from __future__ import annotations

import pytest

from bot.directory import members
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served


@pytest.fixture
def ada(rapport: Served) -> str:
    add_members(rapport.core.db, rapport.slack.team_id, slack_user("UADA"))
    return "UADA"


def say(rapport: Served, user: str, text: str) -> str:
    return rapport.http.answer("/rapport", text, user_id=user, team_id=rapport.slack.team_id)


def test_share_show_and_forget_a_birthday(rapport: Served, ada: str) -> None:
    assert "doesn't know your birthday" in say(rapport, ada, "birthday")
    saved = say(rapport, ada, "birthday 1990-03-14")
    assert "March 14" in saved
    assert "1990" not in saved
    assert "March 14" in say(rapport, ada, "birthday")
    with rapport.core.db.read() as s:
        member = members.find_member(s, rapport.slack.team_id, ada)
        assert member is not None
        assert (member.birthday_month, member.birthday_day, member.birth_year) == (3, 14, 1990)
    assert "no longer knows" in say(rapport, ada, "birthday forget")
    with rapport.core.db.read() as s:
        member = members.find_member(s, rapport.slack.team_id, ada)
        assert member is not None
        assert member.birthday_month is None
        assert member.birth_year is None


@pytest.mark.parametrize(
    "text", ["birthday 13-45", "birthday tomorrow", "birthday <!channel>", "birthday 02-30"]
)
def test_a_bad_birthday_is_explained(rapport: Served, ada: str, text: str) -> None:
    answer = say(rapport, ada, text)
    assert "MM-DD" in answer or "not a date" in answer
    assert "<!channel>" not in answer


def test_someone_rapport_has_not_synced_yet_is_told_so(rapport: Served) -> None:
    assert "don't know you yet" in say(rapport, "UNEW", "birthday 03-14")


def test_privacy_says_what_stays_private(rapport: Served) -> None:
    answer = say(rapport, "U1", "privacy")
    assert "*Only you*" in answer
    assert "never the year" in answer
    assert "asks you before the first public post about you" in answer
    assert "wait for your OK" in answer
    assert "coming soon" not in answer
