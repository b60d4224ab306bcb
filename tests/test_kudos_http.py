"""`/kudos` end to end: real HTTP to the app, the fake Slack behind it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Served
from tests.factories import add_members, slack_user


@pytest.fixture
def team(rapport: Served) -> Served:
    slack = rapport.slack
    slack.add_system_users()
    users = [
        slack.add_user("UALICE", real_name="Alice"),
        slack.add_user("UBOB", real_name="Bob"),
        slack.add_user("UCAROL", real_name="Carol"),
        slack.add_user("UGONE", real_name="Gone", deleted=True),
    ]
    add_members(
        rapport.core.db,
        slack.team_id,
        *(slack_user(u["id"], deleted=u["deleted"]) for u in users),
        slack_user("UBOT", is_bot=True),
    )
    return rapport


def kudos(served: Served, text: str, *, user: str = "UALICE", trigger: str = "trig.1", **kw: Any) -> str:
    response = served.http.command(
        "/kudos", text, user_id=user, team_id=served.slack.team_id, trigger_id=trigger, **kw
    )
    assert response.status == 200, response.text
    body = response.json()
    assert body["response_type"] == "ephemeral"
    text_: str = body["text"]
    assert "<!channel>" not in text_
    return text_


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("<@UALICE|alice> for being great", "can't give them to yourself"),
        ("<@UBOT|rapport> for the reminders", "is a bot"),
        ("<@UGONE|gone> for everything", "no longer active"),
        ("<@UNOBODY|x> for everything", "I don't know <@UNOBODY> yet"),
        ("<@UBOB|bob>", "What are the kudos for?"),
        ("<@UBOB|bob> for <!channel>", "What are the kudos for?"),
        ("for the demo", "Who are the kudos for?"),
    ],
)
def test_kudos_that_cannot_be_posted_are_refused_kindly(team: Served, text: str, answer: str) -> None:
    assert answer in kudos(team, text)
    assert team.slack.calls_to("chat.postMessage") == []


def test_the_eleventh_kudos_in_an_hour_is_refused(team: Served) -> None:
    for n in range(10):
        assert "Thank you for recognising" in kudos(team, f"<@UBOB> for fix number {n}", trigger=f"t{n}")
    assert "10 kudos in the past hour" in kudos(team, "<@UBOB> for one more fix", trigger="t11")
