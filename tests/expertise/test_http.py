"""/skills, /endorse and /whoknows end to end: the real app over HTTP, the fake Slack behind it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs.nudges import run_nudges
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import block_errors
from tests.support.fixtures import Served
from tests.support.slackreq import Response, block_actions

TEAM = "T0001"
ANA, BEN, CY, GONE, BOT = "U0ANA", "U0BEN", "U0CY", "U0GONE", "U0BOT"
CREW = [f"U0K{i}" for i in range(7)]  # seven people who know Kubernetes


@pytest.fixture
def app(rapport: Served) -> Served:
    """A workspace with people in the directory and in the fake Slack (so DMs to them work)."""
    users = [
        slack_user(ANA, title="Site Reliability Engineer"),
        slack_user(BEN, title="Software Engineer"),
        slack_user(CY),
        slack_user(GONE, deleted=True),
        slack_user(BOT, is_bot=True),
        *(slack_user(uid, title="Platform Engineer") for uid in CREW),
    ]
    add_members(rapport.core.db, TEAM, *users)
    for user in users:
        rapport.slack.add_user(user["id"], deleted=user["deleted"], is_bot=user["is_bot"])
    return rapport


def reply(response: Response) -> dict[str, Any]:
    """The ephemeral answer inside the HTTP response, checked the way Slack would check it."""
    assert response.status == 200, response.text
    assert response.elapsed < 3.0
    body: dict[str, Any] = response.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"]
    if "blocks" in body:
        assert block_errors(body["blocks"]) == []
    return body


def shown(body: dict[str, Any]) -> str:
    return body["text"] + json.dumps(body.get("blocks", []), ensure_ascii=False)


def command(app: Served, name: str, text: str, user: str = ANA, team: str = TEAM) -> dict[str, Any]:
    return reply(app.http.command(name, text, user_id=user, team_id=team))


# --------------------------------------------------------------------------------------------
# /skills
# --------------------------------------------------------------------------------------------


def test_skills_are_stored_in_canonical_form_and_shown(app: Served) -> None:
    added = command(app, "/skills", "add k8s, Terraform, golang")
    assert "*Kubernetes* (you typed “k8s”)" in added["text"]
    assert "*Go* (you typed “golang”)" in added["text"]
    assert "Your declared skills: *Go*, *Kubernetes*, *Terraform*." in added["text"]
    again = command(app, "/skills", "add kubernetes")
    assert "Already among your skills: *Kubernetes*" in again["text"]
    mine = command(app, "/skills", "")
    assert "• *Kubernetes* — declared" in shown(mine)
    assert "• *Site reliability engineering* — from the Slack title" in shown(mine)
    command(app, "/endorse", f"<@{ANA}|ana> kubernetes", user=BEN)
    theirs = command(app, "/skills", f"<@{ANA}|ana>", user=CY)
    assert f"*<@{ANA}>'s skills*" in shown(theirs)
    assert f"• *Kubernetes* — declared · endorsed by 1 (<@{BEN}>)" in shown(theirs)
    removed = command(app, "/skills", "remove terraform, rust")
    assert "Removed: *Terraform*." in removed["text"]
    assert "You had not declared: *Rust*." in removed["text"]


def test_skills_help_and_empty_answers(app: Served) -> None:
    assert "You haven't declared any skills yet" in command(app, "/skills", "", user=CY)["text"]
    assert "has no skills listed yet" in command(app, "/skills", f"<@{CY}|cy>", user=BEN)["text"]
    assert "I don't know <@U0NOBODY> yet" in command(app, "/skills", "<@U0NOBODY|x>")["text"]
    assert "start with `add`" in command(app, "/skills", "kubernetes")["text"]
    assert "Say which skills to add" in command(app, "/skills", "add")["text"]
    assert "Not skill names I can store" in command(app, "/skills", "add " + "x" * 100)["text"]


# --------------------------------------------------------------------------------------------
# /endorse
# --------------------------------------------------------------------------------------------


MONDAY_9_NY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # the fixture's clock starts that morning


def digests_at(app: Served, at: datetime, user: str) -> list[str]:
    """Run the nudges job now (it plans) and at `at` (it sends); every DM `user` got so far."""
    run_nudges(app.core, app.core.clock())
    app.core.clock.set(at)  # type: ignore[attr-defined]
    run_nudges(app.core, at)
    return [
        c.params["text"] + json.dumps(c.params["blocks"], ensure_ascii=False)
        for c in app.slack.calls_to("chat.postMessage")
        if c.ok and c.params["channel"] == user
    ]


def test_an_endorsement_is_told_once_in_the_next_digest(app: Served) -> None:
    first = command(app, "/endorse", f"<@{BEN}|ben> k8s, terraform")
    assert f"Thanks — you endorsed <@{BEN}> for *Kubernetes*, *Terraform*." in first["text"]
    assert "next daily digest" in first["text"]
    again = command(app, "/endorse", f"<@{BEN}|ben> kubernetes")
    assert f"You had already endorsed <@{BEN}> for *Kubernetes*." in again["text"]
    assert app.slack.calls_to("chat.postMessage") == []  # nothing out of the blue
    app.slack.error_next("chat.postMessage", "fatal_error")  # a hiccup: the outbox tries again
    assert digests_at(app, MONDAY_9_NY, BEN) == []
    (monday,) = digests_at(app, MONDAY_9_NY + timedelta(minutes=1), BEN)
    assert monday.count("endorsed you for") == 2  # the text and the one item
    assert f"<@{ANA}> endorsed you for *Kubernetes* and *Terraform*." in monday
    command(app, "/endorse", f"<@{BEN}|ben> go")
    _, tuesday = digests_at(app, MONDAY_9_NY + timedelta(days=1), BEN)
    assert f"<@{ANA}> endorsed you for *Go*." in tuesday
    assert "Kubernetes" not in tuesday
    found = command(app, "/whoknows", "kubernetes", user=CY)
    assert f"endorsed by 1 (<@{ANA}>)" in shown(found)


def test_endorsing_oneself_a_bot_or_a_departed_colleague_is_refused_kindly(app: Served) -> None:
    body = command(app, "/endorse", f"<@{ANA}|ana> <@{BOT}|bot> <@{GONE}|gone> kubernetes")
    assert "You can't endorse yourself" in body["text"]
    assert f"<@{BOT}> is a bot" in body["text"]
    assert f"<@{GONE}> is no longer active" in body["text"]
    assert "Mention the colleague you vouch for" in command(app, "/endorse", "kubernetes")["text"]
    assert "Say which skills" in command(app, "/endorse", f"<@{BEN}|ben>")["text"]


def test_what_people_type_cannot_ping_a_crowd_from_a_dm(app: Served) -> None:
    # Slack escapes a typed "<"; the skill keeps the text, every message escapes it again.
    command(app, "/endorse", f"<@{BEN}|ben> &lt;!here&gt; wizardry")
    (dm,) = digests_at(app, MONDAY_9_NY, BEN)
    assert "<!here>" not in dm
    assert "&lt;!here&gt; wizardry" in dm
    assert "<!here>" not in shown(command(app, "/skills", f"<@{BEN}|ben>"))


# --------------------------------------------------------------------------------------------
# /whoknows
# --------------------------------------------------------------------------------------------


def test_whoknows_answers_with_five_then_shows_more(app: Served) -> None:
    for uid in CREW:
        command(app, "/skills", "add kubernetes", user=uid)
    app.slack.reset_calls()
    first = command(app, "/whoknows", "K8S", user=BEN)
    assert app.slack.calls == []  # answered inside the ack, without asking Slack anything
    people = [b for b in first["blocks"] if b["type"] == "section" and "*1.*" in b["text"]["text"]]
    assert people
    text = shown(first)
    assert "People who know *Kubernetes*:" in text
    assert all(f"*{n}.*" in text for n in range(1, 6))
    assert "*6.*" not in text
    (more,) = [b for b in first["blocks"] if b["type"] == "actions"]
    button = more["elements"][0]
    assert button["text"]["text"] == "Show more"

    url = app.slack.response_url("more")
    payload = block_actions(
        BEN,
        button["action_id"],
        button["value"],
        team_id=TEAM,
        message={"blocks": first["blocks"], "ts": "1.1"},
        channel_id="C1",
        is_ephemeral=True,
        response_url=url,
    )
    payload["team"] = None  # as from an org-wide install: the workspace is the user's (`user.team_id`)
    assert app.http.interact(payload).status == 200
    (page,) = app.slack.wait_for_response()
    assert page["status"] == 200
    assert page["replace_original"] is True
    second = json.dumps(page["blocks"], ensure_ascii=False)
    assert "People who know *Kubernetes* (6–7):" in second
    assert "*6.*" in second
    assert "*7.*" in second
    assert "Show more" not in second
    first_ids = {uid for uid in CREW if f"<@{uid}>" in text}
    second_ids = {uid for uid in CREW if f"<@{uid}>" in second}
    assert first_ids | second_ids == set(CREW)
    assert not first_ids & second_ids


def test_whoknows_says_so_when_nobody_knows_and_suggests_what_exists(app: Served) -> None:
    command(app, "/skills", "add terraform")
    nobody = command(app, "/whoknows", "kubernetes", user=BEN)
    assert "Nobody here has *Kubernetes* among their skills yet." in nobody["text"]
    command(app, "/skills", "add kubernetes", user=BEN)
    only_me = command(app, "/whoknows", "k8s", user=BEN)
    assert "Nobody but you has *Kubernetes* among their skills yet." in only_me["text"]
    near = command(app, "/whoknows", "terraform modules registry", user=BEN)
    assert "<@U0ANA>" in shown(near)  # found inside the sentence
    unknown = command(app, "/whoknows", "terraformish wizardry", user=BEN)
    assert "People do know: *Terraform*" in unknown["text"]
    usage = command(app, "/whoknows", "")
    assert "/whoknows kubernetes" in usage["text"]
    person = command(app, "/whoknows", f"<@{ANA}|ana>")
    assert "Ask about a topic, not a person" in person["text"]


def test_a_skill_declared_in_one_workspace_never_shows_in_another(app: Served) -> None:
    other = "T0002"
    add_members(app.core.db, other, slack_user(ANA), slack_user(BEN))
    command(app, "/skills", "add kubernetes, acme billing")
    assert "<@U0ANA>" in shown(command(app, "/whoknows", "kubernetes", user=BEN))
    elsewhere = command(app, "/whoknows", "acme billing", user=BEN, team=other)
    assert "U0ANA" not in shown(elsewhere)
    assert "U0ANA" not in shown(command(app, "/whoknows", "kubernetes", user=BEN, team=other))
    assert "Acme" not in shown(command(app, "/skills", f"<@{ANA}|ana>", user=BEN, team=other))


def test_a_stale_show_more_button_is_answered(app: Served) -> None:
    url = app.slack.response_url("stale")
    payload = block_actions(
        BEN, "whoknows_more", "not json", team_id=TEAM, channel_id="C1", is_ephemeral=True, response_url=url
    )
    assert app.http.interact(payload).status == 200
    (answer,) = app.slack.wait_for_response()
    assert "ask again with `/whoknows`" in answer["text"]


# --------------------------------------------------------------------------------------------
# Hostile input: always a 200 and a helpful, valid message
# --------------------------------------------------------------------------------------------

FRAGMENTS = [
    f"<@{ANA}|ana>",
    f"<@{BOT}|bot>",
    f"<@{GONE}>",
    "<@U0NOBODY|who>",
    "<!channel>",
    "<!here|here>",
    "<!subteam^S123|devs>",
    "<#C123|general>",
    "<https://evil.example|click>",
    "&amp;",
    "&lt;script&gt;",
    "'; DROP TABLE member; --",
    "add",
    "remove",
    "help",
    ", ",
    "\n",
    "k8s",
    "c++",
    "🎉",
    "\u202e",
    "\x00",
    "*_~`",
    "x" * 300,
]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=12).map("".join)


def answered_kindly(body: dict[str, Any]) -> None:
    assert "something went wrong" not in body["text"]
    assert "Traceback" not in body["text"]
    assert "<!channel>" not in shown(body)
    assert "<!here" not in shown(body)
    assert "<https://evil" not in shown(body)


@pytest.mark.parametrize("name", ["/skills", "/endorse", "/whoknows"])
def test_hostile_input_always_gets_a_helpful_answer(app: Served, name: str) -> None:
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(text=hostile)
    def check(text: str) -> None:
        answered_kindly(command(app, name, text))

    check()
