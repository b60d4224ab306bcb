"""An attacker's requests over real HTTP: anything not signed by Slack is a 401 and nothing else,
and no request, signed or not, makes Rapport call a URL outside Slack."""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from bot.celebrations import ids as celebrations_ids
from bot.core import Core
from bot.directory import ids as directory_ids
from bot.expertise import ids as expertise_ids
from bot.help.catalog import COMMANDS
from bot.platform.webhooks import Hooks, post_json
from bot.relationships import ids as relationships_ids
from bot.relationships.ids import Action
from bot.slackapp.server import MAX_BODY
from tests.support import slackreq
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import SIGNING_SECRET, Served, serve
from tests.support.sink import Sink, sink
from tests.support.slackreq import FORM, JSON, SlackClient, sign


@pytest.fixture
def hostile() -> Iterator[Sink]:
    with sink() as found:
        yield found


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request("POST", "/slack/events", body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def bodies(target: str) -> dict[str, tuple[bytes, str]]:
    """Requests that name `target` as their response_url, and bodies no parser likes."""
    click = slackreq.block_actions("UANN", Action.DONE, "f:1", channel_id="D1", response_url=target)
    return {
        "command": slackreq.slash_command("/rapport", "help", response_url=target),
        "click": slackreq.interaction(click),
        "json click": (json.dumps(click).encode(), JSON),
        "event": slackreq.event_callback(slackreq.app_home_opened("UANN")),
        "broken payload": (b"payload=%7B%22response_url%22%3A%22" + target.encode() + b"%22", FORM),
        "not json": (b"payload={", FORM),
        "json list": (b"payload=[1]", FORM),
        "not utf-8": (b"\xff\xfe\x00payload", FORM),
        "empty": (b"", FORM),
    }


def headers_for(body: bytes) -> dict[str, dict[str, str]]:
    """Every way a request can fail verification."""
    now = int(time.time())
    good = sign(SIGNING_SECRET, body, now)
    other_body = sign(SIGNING_SECRET, body + b"&x=1", now)["X-Slack-Signature"]
    return {
        "timestamp not a number": {**good, "X-Slack-Request-Timestamp": "not-a-number"},
        "timestamp empty": {**good, "X-Slack-Request-Timestamp": ""},
        "timestamp in other digits": {**good, "X-Slack-Request-Timestamp": "¹²³¹²³¹²³¹"},  # isdigit()
        "timestamp as a float": {**good, "X-Slack-Request-Timestamp": f"{now}.0"},
        "timestamp huge": {**good, "X-Slack-Request-Timestamp": "9" * 400},
        "timestamp negative": {**good, "X-Slack-Request-Timestamp": f"-{now}"},
        "no headers": {},
        "no signature": {"X-Slack-Request-Timestamp": str(now)},
        "no timestamp": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "empty signature": {**good, "X-Slack-Signature": ""},
        "bare v0": {**good, "X-Slack-Signature": "v0="},
        "another version": {**good, "X-Slack-Signature": "v1=" + good["X-Slack-Signature"][3:]},
        "another body's": {**good, "X-Slack-Signature": other_body},
        "another secret": sign(SIGNING_SECRET + "-not", body, now),
        "six minutes old": sign(SIGNING_SECRET, body, now - 360),
        "six minutes ahead": sign(SIGNING_SECRET, body, now + 360),
    }


def test_nothing_unsigned_gets_through_and_nothing_is_called(
    rapport: Served, hostile: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = len(rapport.slack.calls)  # Bolt's auth.test as the app started
    tried = 0
    for name, (body, content_type) in bodies(hostile.at("/hook")).items():
        for way, headers in headers_for(body).items():
            status, answer = raw_post(rapport.url, body, {"Content-Type": content_type, **headers})
            assert (status, answer) == (401, b""), f"{name}, {way}"
            tried += 1
    assert tried > 100
    assert hostile.seen == []
    assert [c.method for c in rapport.slack.calls[before:]] == []
    noise = [r for r in caplog.records if r.name.startswith(("bot", "rapport", "slack_bolt", "slack_sdk"))]
    assert noise == [], [r.getMessage() for r in noise]
    assert rapport.http.command("/rapport", "help").status == 200  # and the app still answers


def test_a_signed_body_that_is_not_a_slack_payload_is_a_400_in_one_line(
    rapport: Served, hostile: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    for body in (b"payload={", b"payload=[1]", b"payload=%22text%22", b"{not json"):
        caplog.clear()
        response = rapport.http.post(body, FORM)
        assert (response.status, response.body) == (400, b"")
        (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert "not a Slack payload" in line.getMessage()
        assert line.exc_info is None
        assert "Traceback" not in caplog.text
    # Slack signs UTF-8 only, and slack_sdk's verifier reads the body as text: not Slack's.
    assert rapport.http.post(b"\xff\xfe", FORM).status == 401
    assert hostile.seen == []


def done_click(target: str) -> dict[str, object]:
    # A click on a /followups answer (ephemeral): Rapport answers it through the response_url.
    return slackreq.block_actions(
        "UANN",
        Action.DONE,
        block_id="rapport_item:f:999",
        channel_id="D1",
        is_ephemeral=True,
        response_url=target,
    )


def every_action_id() -> list[str]:
    ids = [celebrations_ids, directory_ids, expertise_ids, relationships_ids]
    return sorted({str(a) for module in ids for a in getattr(module, "Action", ())})


def test_a_signed_request_cannot_send_rapport_elsewhere(core: Core, hostile: Sink) -> None:
    """Signed but hostile: every command and every button, their response_url not Slack's (or
    Slack's own redirecting elsewhere), links to the sink in their text."""
    add_members(core.db, "T0001", slack_user("UANN"), slack_user("UBOB"))
    link = f"<{hostile.at('/link')}|docs> <{hostile.at('/redirect')}>"
    targets = (hostile.at("/hook"), hostile.at("/redirect"), "file:///etc/passwd", "gopher://127.0.0.1/x")
    with serve(core) as url:
        http = SlackClient(url, SIGNING_SECRET)
        for target in targets:
            for command in COMMANDS:
                for text in ("", "help", f"<@UBOB> {link} follow up tomorrow", "add kubernetes", link):
                    answer = http.command(command.name, text, user_id="UANN", response_url=target)
                    assert answer.status == 200, (command.name, text)
            for action in every_action_id():
                for value in ("f:1", "c:1", "n:1", "1", "UBOB:1", "2026-12-24", "1d", ""):
                    click = slackreq.block_actions(
                        "UANN", action, value, channel_id="D1", is_ephemeral=True, response_url=target
                    )
                    assert http.interact(click).status == 200, action
            assert http.interact(done_click(target)).status == 200
            message = {"ts": "1.2", "text": link}
            shortcut = slackreq.message_shortcut(
                "UANN", "rapport_log_message", message, "C1", response_url=target
            )
            assert http.interact(shortcut).status == 200
    assert hostile.seen == []


def test_the_same_click_with_slacks_response_url_is_answered(core: Core, slack: FakeSlack) -> None:
    """The control for the test above: the same path does post, to Slack."""
    with serve(core) as url:
        hook = slack.response_url("done")
        assert SlackClient(url, SIGNING_SECRET).interact(done_click(hook)).status == 200
    assert [r["name"] for r in slack.responses] == ["done"]


def broken_click(target: str) -> dict[str, object]:
    """A signed click whose `actions` is not a list: Bolt fails matching it, inside the ack."""
    click = slackreq.block_actions("UANN", Action.DONE, "f:1", channel_id="D1", response_url=target)
    return {**click, "actions": "not a list"}


def test_a_failure_apologises_only_to_slack(core: Core, slack: FakeSlack, hostile: Sink) -> None:
    with serve(core) as url:
        http = SlackClient(url, SIGNING_SECRET)
        assert http.interact(broken_click(hostile.at("/hook"))).status == 200
        hook = slack.response_url("apology")
        assert http.interact(broken_click(hook)).status == 200
    (apology,) = slack.responses  # the control: the error handler did answer, to Slack
    assert apology["name"] == "apology"
    assert apology["text"].startswith("Sorry, something went wrong")
    assert hostile.seen == []


def test_response_url_posts_go_to_slacks_hooks_and_follow_no_redirect(hostile: Sink) -> None:
    hooks = Hooks(api_url=hostile.at("/api/"))  # as in tests: the configured API's origin
    assert Hooks().allows("https://hooks.slack.com/actions/T1/1/abc")
    assert Hooks().allows("https://hooks.slack-gov.com/commands/T1/1/abc")
    for url in (
        "http://hooks.slack.com/actions/T1/1/abc",  # not https
        "https://hooks.slack.com:8443/actions/T1/1/abc",
        "https://hooks.slack.com.evil.example/actions",
        "https://evil.example/?https://hooks.slack.com/",
        "https://slack.com/api/chat.postMessage",
        "http://127.0.0.1:9/anything",
        "file:///etc/passwd",
        "",
        "not a url",
    ):
        assert not Hooks().allows(url), url
    assert not hooks.allows(hostile.url.replace("127.0.0.1", "localhost"))
    assert post_json(hooks, hostile.at("/redirect"), {"text": "hi"}) == 302
    assert hostile.seen == ["POST /redirect"]  # and not the GET /second a redirect would make
    assert post_json(Hooks(), hostile.at("/hook"), {"text": "hi"}) is None
    assert hostile.seen == ["POST /redirect"]


def test_a_body_bigger_than_slack_sends_is_refused_before_it_is_read(rapport: Served, hostile: Sink) -> None:
    body = b"payload=" + b"x" * (MAX_BODY + 1)
    try:
        status, _ = raw_post(rapport.url, body, {"Content-Type": FORM, **sign(SIGNING_SECRET, body)})
    except (ConnectionResetError, BrokenPipeError):  # the server may close before the client is done
        status = 413
    assert status == 413
    assert rapport.http.command("/rapport", "help").status == 200
    assert hostile.seen == []
