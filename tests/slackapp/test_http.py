"""The real app over real HTTP: signatures, answers within 3 s, usage for unknown input, events once."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from sqlalchemy import select

from bot.help.catalog import COMMANDS
from bot.models import Member
from bot.relationships.ids import ITEM_BLOCK, Action
from tests.support import slackreq
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served


def reply(response: Any) -> dict[str, Any]:
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_bad_signature_is_refused(rapport: Served) -> None:
    response = rapport.http.command("/rapport", "help", bad_signature=True)
    assert response.status == 401


def test_a_replayed_request_older_than_five_minutes_is_refused(rapport: Served) -> None:
    response = rapport.http.command("/rapport", "help", timestamp=int(time.time()) - 301)
    assert response.status == 401


def test_help_answers_ephemerally_within_three_seconds(rapport: Served) -> None:
    started = time.monotonic()
    response = rapport.http.command("/rapport", "help")
    elapsed = time.monotonic() - started
    body = reply(response)
    assert elapsed < 3.0
    assert body["response_type"] == "ephemeral"
    text = json.dumps(body["blocks"])
    for command in COMMANDS:
        assert command.name in text


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
@pytest.mark.parametrize(
    "text",
    # "payload" once made Bolt read a command as an interactive payload (a 404).
    ["", "frobnicate", "payload api", "<!channel> '; DROP TABLE member; --", "🎉" * 500, "x" * 5000],
)
def test_unknown_input_gets_usage_never_a_500(rapport: Served, command: str, text: str) -> None:
    if (command, text) == ("/log", ""):
        assert rapport.http.command(command, text).status == 200
        (call,) = rapport.slack.wait_for("views.open")  # /log with no text opens its form instead
        assert call.params["view"]["type"] == "modal"
        return
    body = reply(rapport.http.command(command, text))
    assert body["response_type"] == "ephemeral"
    assert "<!channel>" not in body["text"]
    assert "Traceback" not in body["text"]


def test_healthz(rapport: Served) -> None:
    with urllib.request.urlopen(f"{rapport.url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"ok": True}


def test_team_join_adds_a_member_and_a_retry_is_applied_once(rapport: Served) -> None:
    slack = rapport.slack
    user = slack.add_user("U42", real_name="Ada Lovelace", title="Engineer", tz="Europe/London")
    first = rapport.http.event({"type": "team_join", "user": user}, event_id="Ev42")
    assert first.status == 200
    changed = dict(user, profile=dict(user["profile"], title="Staff Engineer"))
    retry = rapport.http.event({"type": "user_change", "user": changed}, event_id="Ev43", retry_num=None)
    assert retry.status == 200
    # The same user_change delivered again by Slack, now with a stale title: applied once only.
    stale = dict(user, profile=dict(user["profile"], title="Intern"))
    again = rapport.http.event({"type": "user_change", "user": stale}, event_id="Ev43", retry_num=1)
    assert again.status == 200
    with rapport.core.db.read() as s:
        member = s.scalar(select(Member).where(Member.user_id == "U42"))
        assert member is not None
        assert member.title == "Staff Engineer"
        assert member.tz == "Europe/London"


def test_opening_the_home_tab_publishes_it(rapport: Served) -> None:
    response = rapport.http.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    assert response.status == 200
    (call,) = rapport.slack.wait_for("views.publish")
    assert call.params["user_id"] == "U1"
    assert call.params["view"]["type"] == "home"


def test_a_failure_is_logged_and_the_person_gets_an_apology(
    rapport: Served, caplog: pytest.LogCaptureFixture
) -> None:
    with rapport.core.db.engine.begin() as conn:  # the database breaks under the running app
        conn.exec_driver_sql("DROP TABLE title_change")
        conn.exec_driver_sql("DROP TABLE member")
    response = rapport.http.command("/rapport", "birthday 03-14")
    body = reply(response)
    assert body["response_type"] == "ephemeral"
    assert body["text"].startswith("Sorry, something went wrong (ref ")
    assert "Traceback" not in response.text
    assert "handling slash_command /rapport failed" in caplog.text
    assert "no such table: member" in caplog.text


def test_a_failure_after_the_answer_is_apologised_for_too(
    rapport: Served, caplog: pytest.LogCaptureFixture
) -> None:
    add_members(rapport.core.db, "T0001", slack_user("U1"))
    with rapport.core.db.engine.begin() as conn:  # the database breaks under the running app
        conn.exec_driver_sql("DROP TABLE follow_up")
    hook = rapport.slack.response_url("done")
    click = slackreq.block_actions(
        "U1", Action.DONE, block_id=f"{ITEM_BLOCK}f:1", channel_id="D1", is_ephemeral=True, response_url=hook
    )
    assert rapport.http.interact(click).status == 200  # acked at once; the work comes after
    apology = rapport.slack.wait_for_response_to(hook)
    assert apology["text"].startswith("Sorry, something went wrong (ref ")
    assert "after answering block_actions" in caplog.text
    assert "no such table: follow_up" in caplog.text
