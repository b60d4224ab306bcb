"""Tests of the test harness itself: the fake Slack Web API and the signed-request builders."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.support.fakeslack import TIERS, UNLISTED_HISTORY_LIMIT, FakeSlack, block_errors, view_errors
from tests.support.slackreq import (
    SlackClient,
    block_actions,
    event_callback,
    interaction,
    message_event,
    sign,
    slash_command,
    text_value,
    view_submission,
)

SECRET = "test-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.bot_token, base_url=fake.base_url)


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str, action_id: str = "go", value: str = "v") -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }


def modal(title: str = "Rapport", blocks: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks if blocks is not None else [section("hi")],
        **extra,
    }


# --------------------------------------------------------------------------------------------
# Directory
# --------------------------------------------------------------------------------------------


def test_users_list_paginates_with_opaque_cursors(fake: FakeSlack, client: WebClient) -> None:
    for i in range(5):
        fake.add_user(f"U{i:03d}", real_name=f"Person {i}")

    pages, cursors, cursor = [], [], None
    while True:
        resp = client.users_list(limit=2, cursor=cursor)
        pages.append([m["id"] for m in resp["members"]])
        cursor = resp["response_metadata"]["next_cursor"]
        cursors.append(cursor)
        if not cursor:
            break

    assert pages == [["U000", "U001"], ["U002", "U003"], ["U004"]]
    assert cursors[-1] == ""
    assert all(c and not c.startswith("U") for c in cursors[:-1])  # opaque, not a bare user id
    # slack_sdk's own pagination follows the same cursors.
    assert sum(len(page["members"]) for page in client.users_list(limit=2)) == 5
    # Absent limit means Slack's default page size.
    assert len(client.users_list()["members"]) == 5
    with pytest.raises(SlackApiError) as err:
        client.users_list(cursor="bm90LWEtY3Vyc29y")
    assert err.value.response["error"] == "invalid_cursor"


def test_user_objects_and_profiles(fake: FakeSlack, client: WebClient) -> None:
    fake.add_profile_field("Xf01", "Pronouns")
    fake.add_user(
        "U1",
        real_name="Ada Lovelace",
        title="Engineer",
        tz="Europe/London",
        profile_fields={"Xf01": "she/her"},
    )
    user = client.users_info(user="U1")["user"]
    assert user["real_name"] == "Ada Lovelace"
    assert user["profile"]["title"] == "Engineer"
    assert user["tz"] == "Europe/London"
    assert user["tz_offset"] in (0, 3600)
    assert "fields" not in user["profile"]  # like Slack: custom fields only via users.profile.get

    profile = client.users_profile_get(user="U1")["profile"]
    assert profile["fields"] == {"Xf01": {"value": "she/her", "alt": ""}}
    assert client.team_profile_get()["profile"]["fields"][0]["label"] == "Pronouns"

    with pytest.raises(SlackApiError) as err:
        client.users_info(user="UNOPE")
    assert err.value.response["error"] == "user_not_found"

    auth = client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["user"]) == ("T0001", "UBOT", "rapport")
    assert client.team_info()["team"]["id"] == "T0001"


# --------------------------------------------------------------------------------------------
# Messaging
# --------------------------------------------------------------------------------------------


def test_post_message_is_recorded_with_increasing_ts(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1")
    dm = client.conversations_open(users="U1")["channel"]["id"]
    assert dm == "DU1"
    assert client.conversations_open(users=["U1"])["channel"]["id"] == dm

    first = client.chat_postMessage(channel=dm, text="hello", blocks=[section("*hello*")])
    second = client.chat_postMessage(channel="C1", text="again", thread_ts=first["ts"])
    assert first["channel"] == dm
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["text"] == "hello"

    calls = fake.calls_to("chat.postMessage")
    assert [c.params["text"] for c in calls] == ["hello", "again"]
    assert calls[0].params["blocks"][0]["type"] == "section"  # decoded, not a JSON string
    assert (calls[0].team_id, calls[0].ok, calls[0].status) == ("T0001", True, 200)
    stored = fake.message(dm, first["ts"])
    assert stored is not None
    assert stored["blocks"] == [section("*hello*")]
    assert fake.messages[1]["thread_ts"] == first["ts"]

    client.chat_update(channel=dm, ts=first["ts"], text="edited")
    stored = fake.message(dm, first["ts"])
    assert stored is not None
    assert (stored["text"], stored["blocks"]) == ("edited", [section("*hello*")])
    link = client.chat_getPermalink(channel=dm, message_ts=first["ts"])["permalink"]
    assert link.endswith(first["ts"].replace(".", ""))
    client.chat_delete(channel=dm, ts=first["ts"])
    assert fake.message(dm, first["ts"]) is None
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel=dm, ts=first["ts"], text="gone")
    assert err.value.response["error"] == "message_not_found"


def test_form_encoded_calls_decode_json_fields(fake: FakeSlack, client: WebClient) -> None:
    blocks = [section("form")]
    client.api_call("chat.postMessage", params={"channel": "C1", "text": "t", "blocks": json.dumps(blocks)})
    call = fake.calls_to("chat.postMessage")[0]
    assert call.params["blocks"] == blocks
    with pytest.raises(SlackApiError) as err:
        client.api_call("chat.postMessage", params={"channel": "C1", "blocks": "[not json"})
    assert err.value.response["error"] == "invalid_blocks_format"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")
@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "C1"}, "no_text"),
        ({"channel": "#general", "text": "x"}, "channel_not_found"),
        ({"channel": "CPRIV", "text": "x"}, "not_in_channel"),
        ({"channel": "C1", "text": "x" * 40_001}, "msg_too_long"),
    ],
)
def test_post_message_errors(fake: FakeSlack, client: WebClient, kwargs: dict[str, Any], error: str) -> None:
    fake.private_channels_without_bot.add("CPRIV")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(**kwargs)
    assert err.value.response["error"] == error
    assert fake.calls_to("chat.postMessage")[0].error == error


def test_join_private_channel_is_refused(fake: FakeSlack, client: WebClient) -> None:
    fake.private_channels_without_bot.add("CPRIV")
    with pytest.raises(SlackApiError) as err:
        client.conversations_join(channel="CPRIV")
    assert err.value.response["error"] == "method_not_supported_for_channel_type"
    assert client.conversations_join(channel="CPUB")["channel"]["is_member"] is True


def test_views_lifecycle(fake: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id="trig.1", view=modal(callback_id="cb"))["view"]
    assert opened["id"] in fake.views
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Two"))["view"]
    assert (updated["id"], updated["title"]["text"]) == (opened["id"], "Two")
    with pytest.raises(SlackApiError) as err:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Three"))
    assert err.value.response["error"] == "hash_conflict"

    client.views_publish(user_id="U1", view={"type": "home", "blocks": [section("home")]})
    home = fake.home_view("U1")
    assert home is not None
    assert home["blocks"] == [section("home")]


# --------------------------------------------------------------------------------------------
# Block Kit validation
# --------------------------------------------------------------------------------------------


def test_invalid_blocks_are_rejected_like_slack(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 51)
    assert err.value.response["error"] == "invalid_blocks"
    assert err.value.response["errors"] == ["must be less than 51 items [json-pointer:/blocks]"]

    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id="trig.1", view=modal("T" * 25))
    assert err.value.response["error"] == "invalid_blocks"
    assert "[json-pointer:/view/title/text]" in err.value.response["errors"][0]

    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(
            channel="C1", text="x", blocks=[{"type": "actions", "elements": [button("B" * 76)]}]
        )
    assert err.value.response["errors"] == [
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"
    ]
    # A view may hold 100 blocks; a message only 50.
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [{"type": "divider"}] * 100})


@pytest.mark.parametrize(
    ("blocks", "fragment"),
    [
        ([section("")], "/blocks/0/text/text"),
        ([section("x" * 3001)], "less than 3001"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "must be plain_text"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "less than 151"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c" * 2001}]}], "less than 2001"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "less than 11 items"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}], "/fields/0/text"),
        ([{"type": "section", "text": {"text": "no type"}}], "missing required field: type"),
        ([{"type": "section", "text": {"type": "markdown", "text": "t"}}], "plain_text, mrkdwn"),
        (
            [{"type": "actions", "elements": [button("a", "same"), button("b", "same")]}],
            "duplicate action_id",
        ),
        ([section("a", block_id="b1"), section("b", block_id="b1")], "duplicate block_id"),
        ([section("a", block_id="b" * 256)], "/blocks/0/block_id"),
        ([{"type": "actions", "elements": [button("a", "x" * 256)]}], "/action_id"),
        ([{"type": "actions", "elements": [button("a", value="v" * 2001)]}], "/elements/0/value"),
        (
            [{"type": "actions", "elements": [button(str(i), f"a{i}") for i in range(26)]}],
            "less than 26 items",
        ),
        ([{"type": "carousel"}], "unknown block type"),
        ([{"type": "section", "fields": []}], "more than 0 items"),
        ([{"type": "actions", "elements": [{"type": "plain_text_input", "action_id": "t"}]}], "unsupported"),
    ],
)
def test_block_errors(blocks: list[dict[str, Any]], fragment: str) -> None:
    errors = block_errors(blocks)
    assert errors, "expected a validation error"
    assert any(fragment in e for e in errors), errors


@pytest.mark.parametrize(
    ("view", "fragment"),
    [
        (modal("T" * 25), "/view/title/text"),
        (modal(submit={"type": "plain_text", "text": "S" * 25}), "/view/submit/text"),
        (modal(close={"type": "plain_text", "text": "C" * 25}), "/view/close/text"),
        (modal(private_metadata="m" * 3001), "/view/private_metadata"),
        (modal(blocks=[{"type": "divider"}] * 101), "less than 101 items"),
        (
            modal(blocks=[{"type": "input", "label": {"type": "plain_text", "text": "L"}, "element": {}}]),
            "missing required field: type",
        ),
    ],
)
def test_view_errors(view: dict[str, Any], fragment: str) -> None:
    assert any(fragment in e for e in view_errors(view)), view_errors(view)


def test_valid_surfaces_have_no_errors() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly intro"}},
        section("Meet *Ada*", accessory=button("Say hi", "hi")),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "why"}]},
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [
                button("Yes", "yes"),
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [{"text": {"type": "plain_text", "text": "A"}, "value": "a"}],
                },
            ],
        },
    ]
    assert block_errors(blocks) == []
    form = modal(
        blocks=[
            {
                "type": "input",
                "block_id": "goal",
                "label": {"type": "plain_text", "text": "Goal"},
                "element": {"type": "plain_text_input", "action_id": "text", "max_length": 200},
            }
        ],
        submit={"type": "plain_text", "text": "Save"},
    )
    assert view_errors(form) == []
    del form["submit"]
    assert any("submit" in e for e in view_errors(form))


# --------------------------------------------------------------------------------------------
# Faults, rate limits, odd requests
# --------------------------------------------------------------------------------------------


def test_unknown_method_and_paths(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.api_call("rapport.nope")
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "unknown_method"
    with pytest.raises(urllib.error.HTTPError) as http_err:
        urllib.request.urlopen(f"{fake.url}/elsewhere")
    assert http_err.value.code == 404


def test_bad_tokens(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        WebClient(token="xoxb-who", base_url=fake.base_url).auth_test()
    assert err.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as err:
        WebClient(base_url=fake.base_url).auth_test()
    assert err.value.response["error"] == "not_authed"


def test_429_retry_after_is_honoured_by_slack_sdk(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    class _Time:
        @staticmethod
        def sleep(seconds: float) -> None:
            slept.append(seconds)

    # Record the handler's sleep instead of sleeping; only the retry handler module is patched.
    monkeypatch.setattr(builtin_handlers, "time", _Time)
    client = WebClient(
        token=fake.bot_token,
        base_url=fake.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("chat.postMessage", status=429, retry_after=3)

    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    statuses = [c.status for c in fake.calls_to("chat.postMessage")]
    assert statuses == [429, 200]
    assert len(slept) == 1
    assert 3 <= slept[0] < 4

    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        WebClient(token=fake.bot_token, base_url=fake.base_url).chat_postMessage(channel="C1", text="hi")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"


def test_server_errors_and_error_injection(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 500
    failed = fake.calls_to("chat.postMessage")[0]
    assert (failed.status, failed.ok) == (500, False)

    fake.error_next("users.list", error="fatal_error", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.users_list()
    assert client.users_list()["ok"]
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_fail_ratio_is_deterministic(fake: FakeSlack, client: WebClient) -> None:
    def outcomes() -> list[bool]:
        fake.fail_ratio("auth.test", status=503, ratio=0.3, seed=42)
        out = []
        for _ in range(40):
            try:
                client.auth_test()
                out.append(True)
            except SlackApiError as err:
                out.append(False)
                statuses.add(err.response.status_code)
        return out

    statuses: set[int] = set()
    first, second = outcomes(), outcomes()
    assert statuses == {503}
    assert first == second
    assert 4 <= first.count(False) <= 20


def test_rate_limit_with_injected_clock(fake: FakeSlack, client: WebClient) -> None:
    now = [100.0]
    fake.clock = lambda: now[0]
    fake.rate_limit("chat.postMessage", per_channel_per_second=1.0, per_team_per_minute=3)

    assert client.chat_postMessage(channel="C1", text="1")["ok"]
    assert client.chat_postMessage(channel="C2", text="other channel")["ok"]
    now[0] += 0.25
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="2")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "1"  # 0.75 s left, rounded up

    now[0] += 0.75
    assert client.chat_postMessage(channel="C1", text="3")["ok"]  # third of three per minute
    now[0] += 5
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C3", text="4")
    assert err.value.response.headers["Retry-After"] == "54"  # at 106; the first post leaves at 160

    fake.rate_limit("chat.postMessage", None, None)
    assert client.chat_postMessage(channel="C3", text="5")["ok"]


def test_handler_crash_answers_500_and_server_survives(
    fake: FakeSlack, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(team: Any, params: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setitem(fake._methods, "auth.test", boom)
    with pytest.raises(SlackApiError) as err:
        client.auth_test()
    assert err.value.response.status_code == 500
    assert fake.calls_to("auth.test")[0].status == 500
    assert "RuntimeError: boom" in fake.server_errors[0]
    assert client.team_info()["ok"]


def test_wait_for_blocks_until_calls_arrive(fake: FakeSlack, client: WebClient) -> None:
    def later() -> None:
        time.sleep(0.05)
        for i in range(3):
            client.chat_postMessage(channel="C1", text=str(i))

    worker = threading.Thread(target=later)
    worker.start()
    calls = fake.wait_for("chat.postMessage", count=3, timeout=5)
    worker.join()
    assert [c.params["text"] for c in calls] == ["0", "1", "2"]

    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"chat\.postMessage"):
        fake.wait_for("views.open", timeout=0.1)
    assert time.monotonic() - started < 2


def test_concurrent_posts_get_unique_increasing_ts(fake: FakeSlack) -> None:
    def post(worker: int) -> None:
        client = WebClient(token=fake.bot_token, base_url=fake.base_url)
        for i in range(20):
            client.chat_postMessage(channel=f"C{worker}", text=str(i))

    threads = [threading.Thread(target=post, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps = [m["ts"] for m in fake.messages]
    assert len(stamps) == 160
    assert stamps == sorted(set(stamps))
    assert not fake.server_errors


def test_two_teams_are_isolated_by_token(fake: FakeSlack) -> None:
    fake.add_team("T0002", "xoxb-two", name="Other Co")
    fake.add_user("U1")
    fake.add_user("U2", team_id="T0002")
    one = WebClient(token=fake.bot_token, base_url=fake.base_url)
    two = WebClient(token="xoxb-two", base_url=fake.base_url)

    assert [m["id"] for m in one.users_list()["members"]] == ["U1"]
    assert [m["id"] for m in two.users_list()["members"]] == ["U2"]
    assert two.auth_test()["team_id"] == "T0002"
    with pytest.raises(SlackApiError):
        two.users_info(user="U1")
    two.chat_postMessage(channel="C9", text="from two")
    assert [c.team_id for c in fake.calls_to("chat.postMessage")] == ["T0002"]
    assert fake.messages[0]["team_id"] == "T0002"


# --------------------------------------------------------------------------------------------
# Response URLs
# --------------------------------------------------------------------------------------------


def test_response_url_posts_are_recorded_and_validated(fake: FakeSlack) -> None:
    url = fake.response_url("cmd")
    assert url.startswith(f"{fake.url}/response/")

    hook = WebhookClient(url)
    resp = hook.send(text="done", response_type="ephemeral")
    assert (resp.status_code, resp.body) == (200, "ok")
    bad = hook.send(text="x", blocks=[{"type": "actions", "elements": [button("B" * 76)]}])
    assert (bad.status_code, bad.body) == (400, "invalid_blocks")

    responses = fake.wait_for_response(count=2)
    assert (responses[0]["name"], responses[0]["text"]) == ("cmd", "done")
    assert responses[0]["response_type"] == "ephemeral"
    assert responses[1]["status"] == 400

    fake.add_message("C1", "original", user="U1")
    msg = fake.messages[0]
    bound = WebhookClient(fake.response_url("action", channel="C1", ts=msg["ts"]))
    bound.send(text="replaced", replace_original=True)
    updated = fake.message("C1", msg["ts"])
    assert updated is not None
    assert updated["text"] == "replaced"


def test_waiting_for_one_response_url_returns_its_first_post(fake: FakeSlack) -> None:
    mine, other = fake.response_url("mine"), fake.response_url("other")
    WebhookClient(other).send(text="not yours")
    later = threading.Timer(0.05, lambda: [WebhookClient(mine).send(text=t) for t in ("first", "second")])
    later.start()
    assert fake.wait_for_response_to(mine)["text"] == "first"
    later.join()
    with pytest.raises(AssertionError, match="no post"):
        fake.wait_for_response_to(fake.response_url("silent"), timeout=0.05)


# --------------------------------------------------------------------------------------------
# Signed requests
# --------------------------------------------------------------------------------------------


def test_sign_matches_slack_sdk_verifier() -> None:
    body, _ = slash_command("/rapport", "help", response_url="http://127.0.0.1/response/x")
    headers = sign(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    ts, sig = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    assert verifier.is_valid(body, ts, sig)
    assert not verifier.is_valid(body + b"&text=tampered", ts, sig)
    assert not SignatureVerifier("other").is_valid(body, ts, sig)


def test_builders_are_slack_shaped() -> None:
    body, ctype = event_callback(message_event("U1", "hi", channel="D1"), team_id="T0002")
    envelope = json.loads(body)
    assert ctype == "application/json"
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0] == {
        "enterprise_id": None,
        "team_id": "T0002",
        "user_id": "UBOT",
        "is_bot": True,
        "is_enterprise_install": False,
    }
    assert envelope["event"]["channel_type"] == "im"

    message: dict[str, Any] = {
        "channel": "C1",
        "ts": "1.000100",
        "text": "t",
        "blocks": [section("s", block_id="b")],
    }
    message["blocks"][0]["accessory"] = button("Go", "go")
    payload = block_actions("U1", "go", "v", message=message)
    assert payload["actions"][0]["block_id"] == "b"
    assert payload["container"]["channel_id"] == "C1"
    assert "channel" not in payload["message"]
    form, ctype = interaction(payload)
    assert ctype == "application/x-www-form-urlencoded"
    assert form.startswith(b"payload=")


# --------------------------------------------------------------------------------------------
# End to end: SlackClient -> a Bolt app -> FakeSlack
# --------------------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def bolt_url(fake: FakeSlack) -> Iterator[str]:
    """A tiny Bolt app served over HTTP, talking to the fake."""
    app = App(
        client=WebClient(token=fake.bot_token, base_url=fake.base_url),
        signing_secret=SECRET,
        token_verification_enabled=False,
    )

    @app.command("/rapport")
    def on_command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        ack()
        respond(text=f"you said {command['text']}")

    @app.event("message")
    def on_message(event: dict[str, Any], client: WebClient) -> None:
        client.chat_postMessage(channel=event["channel"], text=f"echo {event['text']}")

    @app.view("goal")
    def on_submit(ack: Any, view: dict[str, Any]) -> None:
        ack(response_action="errors", errors={"goal": view["state"]["values"]["goal"]["text"]["value"]})

    server = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_slack_client_drives_a_bolt_app(fake: FakeSlack, bolt_url: str) -> None:
    slack = SlackClient(bolt_url, SECRET)

    resp = slack.command("/rapport", "hello", response_url=fake.response_url("cmd"))
    assert resp.status == 200
    assert resp.elapsed > 0
    assert fake.wait_for_response()[0]["text"] == "you said hello"

    assert slack.event(message_event("U1", "ping", channel="C1")).status == 200
    call = fake.wait_for("chat.postMessage")[0]
    assert (call.params["channel"], call.params["text"]) == ("C1", "echo ping")

    state = {"goal": {"text": text_value("be kind")}}
    resp = slack.interact(view_submission("U1", "goal", state))
    assert resp.json() == {"response_action": "errors", "errors": {"goal": "be kind"}}

    assert slack.post(*event_callback(message_event("U1", "x")), bad_signature=True).status == 401
    stale = int(time.time()) - 10 * 60
    assert slack.event(message_event("U1", "x"), timestamp=stale).status == 401
    retried = slack.event(message_event("U1", "retry"), retry_num=1, retry_reason="http_timeout")
    assert retried.status == 200


# --------------------------------------------------------------------------------------------
# Channel history: conversations.history / conversations.replies
# --------------------------------------------------------------------------------------------


def _next_cursor(resp: Any) -> str | None:
    meta: dict[str, Any] = resp.get("response_metadata") or {}
    return meta.get("next_cursor")


def _history(client: WebClient, **kwargs: Any) -> list[str]:
    """Every ts conversations.history gives, page after page, following next_cursor by hand."""
    seen: list[str] = []
    cursor = None
    while True:
        resp = client.conversations_history(cursor=cursor, **kwargs)
        seen += [m["ts"] for m in resp["messages"]]
        cursor = _next_cursor(resp)
        assert resp["has_more"] == bool(cursor)
        if not cursor:
            return seen


def _thread(fake: FakeSlack, channel: str = "C1") -> tuple[str, list[str], str]:
    """A channel with a thread: (parent ts, reply ts oldest first, the broadcast reply's ts)."""
    parent = fake.add_message(channel, "who knows terraform?", user="U1")["ts"]
    replies = [
        fake.add_message(channel, f"reply {i}", user=f"U{2 + i % 2}", thread_ts=parent)["ts"]
        for i in range(3)
    ]
    broadcast = fake.add_message(channel, "me!", user="U4", thread_ts=parent, reply_broadcast=True)["ts"]
    return parent, [*replies, broadcast], broadcast


def test_history_pages_every_message_once_newest_first(fake: FakeSlack, client: WebClient) -> None:
    fake.add_channel("C1", "general")
    before = [fake.add_message("C1", f"m{i}", user="U1")["ts"] for i in range(10)]
    parent, replies, broadcast = _thread(fake)
    after = [fake.add_message("C1", f"n{i}", user="U2")["ts"] for i in range(9)]
    fake.add_message("C2", "elsewhere", user="U1")
    expected = sorted([*before, parent, broadcast, *after], key=float, reverse=True)

    for limit in (1, 7, 21, 200):
        assert _history(client, channel="C1", limit=limit) == expected
    first = client.conversations_history(channel="C1", limit=7)
    assert len(first["messages"]) == 7
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor
    assert first["messages"][-1]["ts"] not in cursor  # opaque
    # slack_sdk's own pagination follows the same cursors (one response object, read each page as
    # it comes); without limit a page is Slack's 100.
    assert [
        m["ts"] for page in client.conversations_history(channel="C1", limit=6) for m in page["messages"]
    ] == (expected)
    whole = client.conversations_history(channel="C1")
    assert [m["ts"] for m in whole["messages"]] == expected
    assert whole["has_more"] is False
    assert "response_metadata" not in whole
    assert set(replies) - {broadcast} & {m["ts"] for m in whole["messages"]} == set()

    with pytest.raises(SlackApiError) as err:
        client.conversations_history(channel="C1", cursor="bm90LWEtY3Vyc29y")
    assert err.value.response["error"] == "invalid_cursor"
    fake.add_user("UA")  # a cursor of another method is not one of these
    fake.add_user("UB")
    users_cursor = client.users_list(limit=1)["response_metadata"]["next_cursor"]
    with pytest.raises(SlackApiError) as err:
        client.conversations_history(channel="C1", cursor=users_cursor)
    assert err.value.response["error"] == "invalid_cursor"


def test_history_limit_is_clamped_to_999(fake: FakeSlack, client: WebClient) -> None:
    for i in range(1001):
        fake.add_message("C1", f"m{i}", user="U1")
    page = client.conversations_history(channel="C1", limit=5000)
    assert len(page["messages"]) == 999
    assert page["has_more"] is True
    assert len(client.conversations_history(channel="C1", limit=0)["messages"]) == 100


def test_history_bounds(fake: FakeSlack, client: WebClient) -> None:
    ts = [fake.add_message("C1", f"m{i}", user="U1", ts=f"1700000{i:03d}.000100")["ts"] for i in range(6)]
    newest_first = ts[::-1]

    assert _history(client, channel="C1", oldest=ts[1], latest=ts[4]) == [ts[3], ts[2]]
    assert _history(client, channel="C1", oldest=ts[1], latest=ts[4], inclusive=True) == newest_first[1:5]
    assert _history(client, channel="C1", oldest=ts[1], latest=ts[4], inclusive=True, limit=1) == [
        ts[4],
        ts[3],
        ts[2],
        ts[1],
    ]
    assert _history(client, channel="C1", oldest=ts[3]) == newest_first[:2]
    assert _history(client, channel="C1", latest=ts[2]) == [ts[1], ts[0]]
    assert _history(client, channel="C1", oldest="1700000002") == newest_first[:4]  # whole seconds too
    assert _history(client, channel="C1", oldest="0") == newest_first
    assert _history(client, channel="C1", latest=ts[0]) == []
    for field, error in (("oldest", "invalid_ts_oldest"), ("latest", "invalid_ts_latest")):
        bad: dict[str, Any] = {field: "yesterday"}
        with pytest.raises(SlackApiError) as err:
            client.conversations_history(channel="C1", **bad)
        assert err.value.response["error"] == error


def test_threads_in_history_and_replies(fake: FakeSlack, client: WebClient) -> None:
    alone = fake.add_message("C1", "no thread here", user="U9")["ts"]
    parent, replies, broadcast = _thread(fake)

    history = {m["ts"]: m for m in client.conversations_history(channel="C1")["messages"]}
    assert set(history) == {alone, parent, broadcast}  # replies stay in their thread
    head = history[parent]
    assert (head["thread_ts"], head["reply_count"], head["latest_reply"]) == (parent, 4, broadcast)
    assert head["reply_users"] == ["U2", "U3", "U4"]
    assert head["reply_users_count"] == 3
    assert history[broadcast]["subtype"] == "thread_broadcast"
    assert history[broadcast]["thread_ts"] == parent
    assert history[broadcast]["root"]["ts"] == parent
    assert not {"thread_ts", "reply_count"} & set(history[alone])

    thread = client.conversations_replies(channel="C1", ts=parent)
    assert [m["ts"] for m in thread["messages"]] == [parent, *replies]
    assert thread["has_more"] is False
    assert all(m["thread_ts"] == parent and m["parent_user_id"] == "U1" for m in thread["messages"][1:])
    # Paged, every message of the thread comes once: the parent first, on the first page only.
    for limit in (1, 2, 3):
        seen, cursor = [], None
        while True:
            page = client.conversations_replies(channel="C1", ts=parent, limit=limit, cursor=cursor)
            assert len(page["messages"]) <= limit
            seen += [m["ts"] for m in page["messages"]]
            cursor = _next_cursor(page)
            if not cursor:
                break
        assert seen == [parent, *replies]
    paged = client.conversations_replies(channel="C1", ts=parent, limit=2)
    assert [m["ts"] for page in paged for m in page["messages"]] == [parent, *replies]

    # Any message of the thread finds it; a message without replies is a thread of one.
    assert [m["ts"] for m in client.conversations_replies(channel="C1", ts=replies[1])["messages"]] == [
        parent,
        *replies,
    ]
    assert [m["ts"] for m in client.conversations_replies(channel="C1", ts=alone)["messages"]] == [alone]
    bounded = client.conversations_replies(channel="C1", ts=parent, oldest=replies[0], latest=replies[3])
    assert [m["ts"] for m in bounded["messages"]] == [parent, replies[1], replies[2]]
    inclusive = client.conversations_replies(
        channel="C1", ts=parent, oldest=replies[0], latest=replies[1], inclusive=True
    )
    assert [m["ts"] for m in inclusive["messages"]] == [parent, replies[0], replies[1]]

    for ts in ("1600000000.000001", ""):
        with pytest.raises(SlackApiError) as err:
            client.conversations_replies(channel="C1", ts=ts)
        assert err.value.response["error"] == "thread_not_found"
    with pytest.raises(SlackApiError) as err:
        client.conversations_replies(channel="C1", ts=parent, cursor="garbage!")
    assert err.value.response["error"] == "invalid_cursor"


def test_messages_carry_reactions_subtypes_files_and_edits(fake: FakeSlack, client: WebClient) -> None:
    liked = fake.add_message(
        "C1",
        "shipped the k8s upgrade",
        user="U1",
        reactions=[{"name": "tada", "users": ["U2", "U3"]}, {"name": "eyes", "users": ["U4"], "count": 3}],
        files=[{"id": "F1", "name": "plan.pdf"}],
    )["ts"]
    joined = fake.add_message("C1", "<@U5> has joined the channel", user="U5", subtype="channel_join")["ts"]
    bot = fake.add_message("C1", "build passed", user="", subtype="bot_message", bot_id="BCI")["ts"]
    plain = fake.add_message("C1", "lunch?", user="U2")["ts"]

    got = {m["ts"]: m for m in client.conversations_history(channel="C1")["messages"]}
    assert got[liked]["reactions"] == [
        {"name": "tada", "users": ["U2", "U3"], "count": 2},
        {"name": "eyes", "users": ["U4"], "count": 3},
    ]
    assert got[liked]["files"] == [{"id": "F1", "name": "plan.pdf"}]
    assert got[joined]["subtype"] == "channel_join"
    assert (got[bot]["subtype"], got[bot]["bot_id"]) == ("bot_message", "BCI")
    assert "user" not in got[bot]
    assert not {"reactions", "files", "subtype", "edited"} & set(got[plain])
    with pytest.raises(ValueError, match="already has a message"):
        fake.add_message("C1", "same ts", user="U1", ts=plain)


def test_edit_and_delete_return_the_events_slack_sends(fake: FakeSlack, client: WebClient) -> None:
    fake.add_channel("C1", "general")
    ts = fake.add_message("C1", "helo", user="U1")["ts"]

    changed = fake.edit_message("C1", ts, "hello")
    assert changed["type"] == "event_callback"
    assert (changed["team_id"], changed["api_app_id"]) == ("T0001", "A0001")
    event = changed["event"]
    assert (event["type"], event["subtype"], event["channel"], event["channel_type"]) == (
        "message",
        "message_changed",
        "C1",
        "channel",
    )
    assert (event["message"]["ts"], event["message"]["text"]) == (ts, "hello")
    assert event["message"]["edited"] == {"user": "U1", "ts": event["ts"]}
    assert event["previous_message"]["text"] == "helo"
    assert "edited" not in event["previous_message"]
    shown = client.conversations_history(channel="C1")["messages"][0]
    assert (shown["text"], shown["edited"]["ts"]) == ("hello", event["ts"])

    deleted = fake.delete_message("C1", ts)["event"]
    assert (deleted["subtype"], deleted["deleted_ts"]) == ("message_deleted", ts)
    assert deleted["previous_message"]["text"] == "hello"
    assert client.conversations_history(channel="C1")["messages"] == []
    with pytest.raises(KeyError):
        fake.edit_message("C1", ts, "gone")

    # A thread parent with replies leaves a tombstone, so its thread can still be read.
    parent, replies, _ = _thread(fake)
    fake.delete_message("C1", parent)
    head = client.conversations_history(channel="C1", limit=1, latest=replies[-1])["messages"][0]
    assert (head["ts"], head["subtype"], head["reply_count"]) == (parent, "tombstone", 4)
    assert len(client.conversations_replies(channel="C1", ts=parent)["messages"]) == 5


def test_history_errors_like_slack(fake: FakeSlack, client: WebClient) -> None:
    fake.add_channel("CPUB", "general", bot_member=False)
    fake.add_channel("CPRIV", "secret", is_private=True, bot_member=False)
    fake.add_channel("GOLD", "old-secret")
    fake.add_channel("GMPIM", "mpdm-a--b--c", is_mpim=True)
    fake.add_user("U1")
    for channel in ("CPUB", "CPRIV", "GOLD", "GMPIM", "DU1"):
        fake.add_message(channel, "hi", user="U1")

    def error(**kwargs: Any) -> dict[str, Any]:
        with pytest.raises(SlackApiError) as err:
            client.conversations_history(**kwargs)
        return dict(err.value.response.data)

    assert error(channel="C404")["error"] == "channel_not_found"
    assert error(channel="")["error"] == "channel_not_found"
    assert error(channel="CPRIV")["error"] == "channel_not_found"  # the bot cannot see it
    assert error(channel="CPUB")["error"] == "not_in_channel"
    assert client.conversations_join(channel="CPUB")["ok"]
    assert [m["text"] for m in client.conversations_history(channel="CPUB")["messages"]] == ["hi"]

    fake.team().scopes.discard("im:history")  # granted by default now (manifest.yml, issue 15)
    for channel, needed in (("GOLD", "groups:history"), ("GMPIM", "mpim:history"), ("DU1", "im:history")):
        refused = error(channel=channel)
        assert (refused["error"], refused["needed"]) == ("missing_scope", needed)
        assert "channels:history" in refused["provided"].split(",")
    assert error(channel="U1")["needed"] == "im:history"  # a user id means the bot's DM with them

    fake.team().scopes |= {"groups:history", "im:history", "mpim:history"}
    for channel in ("GOLD", "GMPIM", "DU1"):
        assert len(client.conversations_history(channel=channel)["messages"]) == 1
    invited = fake.member_joined_channel("CPRIV", inviter="U1")
    assert invited["event"] == {
        "type": "member_joined_channel",
        "user": "UBOT",
        "channel": "CPRIV",
        "channel_type": "G",
        "team": "T0001",
        "inviter": "U1",
        "event_ts": invited["event"]["event_ts"],
    }
    assert len(client.conversations_history(channel="CPRIV")["messages"]) == 1

    fake.team().scopes.discard("channels:history")
    assert error(channel="CPUB")["needed"] == "channels:history"
    with pytest.raises(SlackApiError) as err:
        client.conversations_replies(channel="CPUB", ts="1.000000")
    assert err.value.response["error"] == "missing_scope"


def test_bot_membership_and_channel_types_are_consistent(fake: FakeSlack, client: WebClient) -> None:
    fake.add_channel("CPUB", "general")
    fake.add_channel("COUT", "random", bot_member=False)
    fake.add_channel("CPRIV", "secret", is_private=True)
    fake.add_channel("GOLD", "old-secret")
    fake.add_channel("GMPIM", "mpdm-a--b", is_mpim=True)
    fake.add_user("U1")
    fake.add_user("U2")
    opened = client.conversations_open(users="U1,U2")["channel"]["id"]

    def flags(channel: str) -> tuple[bool, ...]:
        c = client.conversations_info(channel=channel)["channel"]
        return (c["is_channel"], c["is_group"], c["is_private"], c["is_im"], c["is_mpim"], c["is_member"])

    assert flags("CPUB") == (True, False, False, False, False, True)
    assert flags("COUT") == (True, False, False, False, False, False)
    assert flags("CPRIV") == (True, False, True, False, False, True)
    assert flags("GOLD") == (False, True, True, False, False, True)
    assert flags("GMPIM") == (False, False, True, False, True, True)
    assert flags(opened) == (False, False, True, False, True, True)
    assert flags("DU1") == (False, False, True, True, False, True)
    assert "COUT" in fake.public_channels_without_bot
    assert client.conversations_join(channel="COUT")["channel"]["is_member"] is True
    assert flags("COUT")[-1] is True
    assert client.conversations_info(channel="GMPIM")["channel"]["is_archived"] is False
    fake.archived_channels.add("CPUB")
    assert client.conversations_info(channel="CPUB")["channel"]["is_archived"] is True
    # Adding a channel again with the bot in it makes the bot a member again.
    fake.add_channel("COUT", "random", bot_member=False)
    fake.add_channel("COUT", "random")
    assert "COUT" not in fake.public_channels_without_bot


def test_message_events_fit_slack_client(fake: FakeSlack, bolt_url: str) -> None:
    fake.wall_clock = lambda: datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    fake.add_channel("CPRIV", "secret", is_private=True)
    fake.add_channel("GMPIM", "mpdm", is_mpim=True)
    fake.add_user("U1")
    kinds = {"C1": "channel", "CPRIV": "group", "GMPIM": "mpim", "DU1": "im"}
    for channel, kind in kinds.items():
        ts = fake.add_message(channel, f"in {channel}", user="U1", blocks=[section("hi")])["ts"]
        envelope = fake.message_event(channel, ts)
        assert envelope["type"] == "event_callback"
        assert envelope["event_id"].startswith("Ev")
        assert envelope["event_time"] == int(datetime(2026, 12, 1, 9, 30, tzinfo=UTC).timestamp())
        assert envelope["authorizations"][0]["user_id"] == "UBOT"
        event = envelope["event"]
        assert (event["type"], event["channel"], event["channel_type"]) == ("message", channel, kind)
        assert (event["ts"], event["event_ts"], event["user"], event["team"]) == (ts, ts, "U1", "T0001")
        assert event["blocks"] == [section("hi")]
    parent, replies, _ = _thread(fake)
    reply = fake.message_event("C1", replies[0])["event"]
    assert (reply["thread_ts"], reply["parent_user_id"]) == (parent, "U1")
    assert "reply_count" not in fake.message_event("C1", parent)["event"]

    slack = SlackClient(bolt_url, SECRET)
    envelope = fake.message_event("C1", parent)
    assert slack.post(json.dumps(envelope).encode(), "application/json").status == 200
    call = fake.wait_for("chat.postMessage")[0]
    assert call.params["text"] == "echo who knows terraform?"
    # The same event through SlackClient.event gives the same envelope.
    same = slack.event(
        envelope["event"],
        event_id=envelope["event_id"],
        event_time=envelope["event_time"],
        team_id=envelope["team_id"],
    )
    assert same.status == 200
    assert (
        json.loads(
            event_callback(
                envelope["event"], event_id=envelope["event_id"], event_time=envelope["event_time"]
            )[0]
        )
        == envelope
    )


def test_history_rate_limits_per_workspace_with_retry_after(fake: FakeSlack, client: WebClient) -> None:
    now = [1000.0]
    fake.clock = lambda: now[0]
    fake.add_team("T0002", "xoxb-other")
    other = WebClient(token="xoxb-other", base_url=fake.base_url)
    ts = fake.add_message("C1", "hi", user="U1")["ts"]
    fake.add_message("C2", "again", user="U1")
    fake.add_message("C9", "there", user="U1", team_id="T0002")
    fake.rate_limit("conversations.history", None, TIERS[3])
    fake.rate_limit("conversations.replies", None, TIERS[3])

    for i in range(TIERS[3]):
        now[0] += 0.5
        assert client.conversations_history(channel=("C1", "C2")[i % 2])["ok"]  # one quota for all channels
    with pytest.raises(SlackApiError) as err:
        client.conversations_history(channel="C1")
    assert err.value.response.status_code == 429
    assert err.value.response["error"] == "ratelimited"
    assert (
        err.value.response.headers["Retry-After"] == "36"
    )  # at 1025 the first call (1000.5) leaves at 1060.5
    assert client.conversations_replies(channel="C1", ts=ts)["ok"]  # another method, another quota
    assert other.conversations_history(channel="C9")["ok"]  # another workspace, another quota
    now[0] += 36
    assert client.conversations_history(channel="C1")["ok"]

    fake.unlisted_app()
    for i in range(20):
        fake.add_message("C1", f"m{i}", user="U1")
    now[0] += 60
    page = client.conversations_history(channel="C1", limit=200)
    assert len(page["messages"]) == UNLISTED_HISTORY_LIMIT
    assert page["has_more"] is True
    now[0] += 30
    with pytest.raises(SlackApiError) as err:
        client.conversations_history(channel="C1", cursor=page["response_metadata"]["next_cursor"])
    assert err.value.response.headers["Retry-After"] == "30"
    assert len(client.conversations_replies(channel="C1", ts=ts)["messages"]) == 1
    with pytest.raises(SlackApiError) as err:
        client.conversations_replies(channel="C1", ts=ts)
    assert err.value.response.headers["Retry-After"] == "60"
    now[0] += 30
    rest = client.conversations_history(channel="C1", cursor=page["response_metadata"]["next_cursor"])
    assert len(rest["messages"]) == 21 - UNLISTED_HISTORY_LIMIT
    statuses = [c.status for c in fake.calls_to("conversations.history")]
    assert statuses.count(429) == 2

    fake.unlisted_app(False)
    assert len(client.conversations_history(channel="C1")["messages"]) == 21
    assert len(client.conversations_history(channel="C1")["messages"]) == 21


# --------------------------------------------------------------------------------------------
# Faults that happen after Slack acted, the workspace limit, metadata in history (issue 15)
# --------------------------------------------------------------------------------------------

OUTBOX_METADATA = {"event_type": "rapport_outbox", "event_payload": {"key": "k-1"}}


def test_history_returns_metadata_only_when_asked(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1")
    client.chat_postMessage(channel="U1", text="hi", metadata=OUTBOX_METADATA)
    client.chat_postMessage(channel="U1", text="plain")
    fake.team().scopes.add("im:history")

    bare = client.conversations_history(channel="DU1")["messages"]
    assert all("metadata" not in m for m in bare)
    full = client.conversations_history(channel="DU1", include_all_metadata=True)["messages"]
    assert [m.get("metadata") for m in full] == [None, OUTBOX_METADATA]


def test_ts_follow_the_wall_clock() -> None:
    with FakeSlack() as fake:
        real = WebClient(token=fake.bot_token, base_url=fake.base_url)
        before = time.time()
        first = float(real.chat_postMessage(channel="C1", text="1")["ts"])
        second = float(real.chat_postMessage(channel="C1", text="2")["ts"])
        assert before - 1 <= first < second <= time.time() + 1
        found = real.conversations_history(channel="C1", oldest=f"{before - 1:.6f}")["messages"]
        assert len(found) == 2


def test_a_500_after_applying_stores_the_message(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_ratio_after_applying("chat.postMessage", status=500, ratio=1.0)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="maybe")
    assert err.value.response.status_code == 500
    assert err.value.response["error"] == "internal_error"
    assert [m["text"] for m in fake.messages] == ["maybe"]
    assert fake.applied_faults["apply"] == 1


def test_a_dropped_connection_stores_the_message_and_answers_nothing(fake: FakeSlack) -> None:
    fake.drop_ratio("chat.postMessage", ratio=1.0)
    bare = WebClient(token=fake.bot_token, base_url=fake.base_url, retry_handlers=[])
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        bare.chat_postMessage(channel="C1", text="gone")
    assert [m["text"] for m in fake.messages] == ["gone"]
    (call,) = fake.calls_to("chat.postMessage")
    assert (call.status, call.error) == (0, "connection_dropped")
    fake.drop_ratio("chat.postMessage", ratio=0)
    assert bare.chat_postMessage(channel="C1", text="back")["ok"]


def test_a_slow_answer_is_applied_at_once_and_answered_later(fake: FakeSlack, client: WebClient) -> None:
    fake.slow_ratio("chat.postMessage", seconds=0.5, ratio=1.0)
    answered: list[float] = []
    started = time.monotonic()
    worker = threading.Thread(
        target=lambda: answered.append(
            time.monotonic() if client.chat_postMessage(channel="C1", text="slow")["ok"] else 0.0
        )
    )
    worker.start()
    fake.wait_for("chat.postMessage", timeout=2)
    assert [m["text"] for m in fake.messages] == ["slow"]  # stored while the answer waits
    assert fake.held_answers == 1
    worker.join(timeout=5)
    assert answered
    assert answered[0] - started >= 0.5


def test_ratio_faults_are_deterministic_per_seed(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_ratio_after_applying("chat.postMessage", ratio=0.5, seed=3)
    outcomes = []
    for i in range(20):
        try:
            client.chat_postMessage(channel="C1", text=str(i))
            outcomes.append(True)
        except SlackApiError:
            outcomes.append(False)
    assert 0 < outcomes.count(False) < 20
    assert len(fake.messages) == 20  # every one stored, answered or not
    with FakeSlack() as again:
        again.fail_ratio_after_applying("chat.postMessage", ratio=0.5, seed=3)
        other = WebClient(token=again.bot_token, base_url=again.base_url, retry_handlers=[])
        repeat = []
        for i in range(20):
            try:
                other.chat_postMessage(channel="C1", text=str(i))
                repeat.append(True)
            except SlackApiError:
                repeat.append(False)
    assert repeat == outcomes


def test_workspace_limit_is_a_token_bucket(fake: FakeSlack, client: WebClient) -> None:
    now = [100.0]
    fake.clock = lambda: now[0]
    fake.workspace_limit("chat.postMessage", per_second=3)
    for i in range(3):  # the burst, on three channels at one instant
        assert client.chat_postMessage(channel=f"C{i}", text="x")["ok"]
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C9", text="over")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "1"
    now[0] += 1 / 3  # one token back
    assert client.chat_postMessage(channel="C9", text="x")["ok"]
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C8", text="over")
    now[0] += 10  # refills to the burst, no more
    for i in range(3):
        assert client.chat_postMessage(channel=f"D{i}", text="x")["ok"]
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="D9", text="over")
    assert fake.ratelimited == {"injected": 0, "limit": 3}
    fake.workspace_limit("chat.postMessage", None)
    assert client.chat_postMessage(channel="D9", text="free")["ok"]


def test_429s_are_counted_by_cause(fake: FakeSlack, client: WebClient) -> None:
    fake.workspace_limit("chat.postMessage", per_second=1)
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    bare = WebClient(token=fake.bot_token, base_url=fake.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError):
        bare.chat_postMessage(channel="C1", text="injected")
    assert bare.chat_postMessage(channel="C1", text="ok")["ok"]
    with pytest.raises(SlackApiError):
        bare.chat_postMessage(channel="C2", text="over the limit")
    assert fake.ratelimited == {"injected": 1, "limit": 1}
    assert fake.ratelimited_by_method == {
        ("chat.postMessage", "injected"): 1,
        ("chat.postMessage", "limit"): 1,
    }
