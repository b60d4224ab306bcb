"""Tests of the test harness itself: the fake Slack Web API and the signed-request builders."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
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

from tests.support.fakeslack import FakeSlack, block_errors, view_errors
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
