"""Build requests the way Slack sends them to an app, sign them, and post them.

Builders return ``(body, content_type)``; ``sign()`` gives the signature headers; ``SlackClient``
posts signed requests to the app's ``/slack/events`` over real HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

__all__ = [
    "FORM",
    "JSON",
    "UNROUTED_RESPONSE_URL",
    "Response",
    "SlackClient",
    "app_home_opened",
    "block_actions",
    "date_value",
    "event_callback",
    "global_shortcut",
    "interaction",
    "message_event",
    "message_shortcut",
    "multi_users_value",
    "select_value",
    "sign",
    "slash_command",
    "text_value",
    "url_verification",
    "users_value",
    "view_closed",
    "view_submission",
]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
API_APP_ID = "A0001"
BOT_USER_ID = "UBOT"
VERIFICATION_TOKEN = "verification-token"  # legacy field Slack still sends; apps must not rely on it

# Default response_url when a test gives none: local and refused, so a stray post fails fast and
# never leaves the machine. Pass FakeSlack.response_url() to record what the app sends.
UNROUTED_RESPONSE_URL = "http://127.0.0.1:9/response/unset"

_action_ts = itertools.count(1_700_000_000_000_000, 1000)
_trigger_ids = itertools.count(1_000_001)


def _team_domain(team_id: str) -> str:
    return f"team-{team_id.lower()}"


def new_trigger_id() -> str:
    """A trigger id as Slack makes them: a new one for every command, click and submission."""
    return f"{next(_trigger_ids)}.1234567890.{next(_trigger_ids):032x}"


def _next_action_ts() -> str:
    n = next(_action_ts)
    return f"{n // 1_000_000}.{n % 1_000_000:06d}"


def _user(user_id: str, team_id: str) -> dict[str, Any]:
    name = user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _team(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": _team_domain(team_id)}


# --------------------------------------------------------------------------------------------
# Signing
# --------------------------------------------------------------------------------------------


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature headers for ``body`` (timestamp defaults to now)."""
    ts = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{ts}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


# --------------------------------------------------------------------------------------------
# Slash commands & events
# --------------------------------------------------------------------------------------------


def slash_command(
    command: str,
    text: str = "",
    *,
    response_url: str,
    user_id: str = "U1",
    team_id: str = "T0001",
    channel_id: str = "C1",
    trigger_id: str | None = None,
    user_name: str | None = None,
    channel_name: str | None = None,
    api_app_id: str = API_APP_ID,
) -> tuple[bytes, str]:
    """A slash command body, form-encoded with Slack's field order."""
    if channel_name is None:
        channel_name = "directmessage" if channel_id.startswith("D") else f"channel-{channel_id.lower()}"
    fields = [
        ("token", VERIFICATION_TOKEN),
        ("team_id", team_id),
        ("team_domain", _team_domain(team_id)),
        ("channel_id", channel_id),
        ("channel_name", channel_name),
        ("user_id", user_id),
        ("user_name", user_name if user_name is not None else user_id.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", api_app_id),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id or new_trigger_id()),
    ]
    return urlencode(fields).encode(), FORM


def event_callback(
    event: dict[str, Any],
    *,
    team_id: str = "T0001",
    event_id: str | None = None,
    event_time: int | None = None,
    api_app_id: str = API_APP_ID,
    bot_user_id: str = BOT_USER_ID,
) -> tuple[bytes, str]:
    """An Events API ``event_callback`` envelope around ``event``."""
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope).encode(), JSON


def url_verification(challenge: str = "challenge-123") -> tuple[bytes, str]:
    """The handshake Slack sends when the Request URL is configured."""
    body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    return json.dumps(body).encode(), JSON


def app_home_opened(user_id: str, *, tab: str = "home", view: dict[str, Any] | None = None) -> dict[str, Any]:
    """An ``app_home_opened`` event (wrap it with ``event_callback``)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": "D" + user_id,
        "tab": tab,
        "event_ts": _next_action_ts(),
    }
    if view is not None:
        event["view"] = view
    return event


def message_event(
    user_id: str,
    text: str,
    *,
    channel: str = "C1",
    channel_type: str | None = None,
    ts: str | None = None,
    thread_ts: str | None = None,
    team_id: str = "T0001",
) -> dict[str, Any]:
    """A ``message`` event from a person (wrap it with ``event_callback``)."""
    ts = ts or _next_action_ts()
    if channel_type is None:
        channel_type = {"D": "im", "G": "group"}.get(channel[:1], "channel")
    event: dict[str, Any] = {
        "type": "message",
        "user": user_id,
        "text": text,
        "ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        "event_ts": ts,
        "team": team_id,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


# --------------------------------------------------------------------------------------------
# Interactivity
# --------------------------------------------------------------------------------------------


def interaction(payload: dict[str, Any]) -> tuple[bytes, str]:
    """An interactivity request: form body ``payload=<json>``."""
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


def _find_element(blocks: Any, action_id: str) -> tuple[str | None, dict[str, Any] | None]:
    """The block_id and element carrying ``action_id`` in a list of blocks, if present."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        candidates = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        for el in candidates:
            if isinstance(el, dict) and el.get("action_id") == action_id:
                return block.get("block_id"), el
    return None, None


def _slack_message(message: dict[str, Any]) -> dict[str, Any]:
    """A message as Slack embeds it in payloads (drops FakeSlack's bookkeeping keys)."""
    drop = {"channel", "team_id", "reply_broadcast", "metadata"}
    out = {k: v for k, v in message.items() if k not in drop and v is not None}
    out.setdefault("type", "message")
    return out


def block_actions(
    user_id: str,
    action_id: str,
    value: str | None = None,
    *,
    team_id: str = "T0001",
    message: dict[str, Any] | None = None,
    channel_id: str | None = None,
    view: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
    block_id: str | None = None,
    action_type: str | None = None,
    is_ephemeral: bool = False,
    state_values: dict[str, Any] | None = None,
    api_app_id: str = API_APP_ID,
) -> dict[str, Any]:
    """A ``block_actions`` payload for a click on ``action_id``.

    Pass ``message`` (e.g. from ``FakeSlack.messages``; its ``channel`` key is used) for a
    message action or ``view`` for a modal/home action. block_id, element type and button text
    are taken from the matching element when found. ``value`` goes where the element type puts
    it (``selected_option``, ``selected_user``, ``selected_date``...).
    """
    blocks = (message or {}).get("blocks") or (view or {}).get("blocks")
    found_block_id, element = _find_element(blocks, action_id)
    kind = action_type or (element or {}).get("type") or "button"
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id or found_block_id or "blk",
        "type": kind,
        "action_ts": _next_action_ts(),
    }
    if kind in ("button", "workflow_button"):
        text = (element or {}).get("text") or {"type": "plain_text", "text": action_id, "emoji": True}
        action.update(text=text, value=value)
        if action["value"] is None:
            del action["value"]
    elif kind in ("static_select", "external_select", "overflow", "radio_buttons"):
        options = (element or {}).get("options") or []
        option = next((o for o in options if o.get("value") == value), None)
        action["selected_option"] = option or {"text": {"type": "plain_text", "text": value}, "value": value}
    elif kind == "users_select":
        action["selected_user"] = value
    elif kind == "conversations_select":
        action["selected_conversation"] = value
    elif kind == "channels_select":
        action["selected_channel"] = value
    elif kind == "datepicker":
        action["selected_date"] = value
    elif kind == "timepicker":
        action["selected_time"] = value
    else:
        action["value"] = value

    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "team": _team(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }
    if message is not None or channel_id is not None:
        channel = channel_id or (message or {}).get("channel") or "C1"
        ts = (message or {}).get("ts", "")
        payload["container"] = container or {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": is_ephemeral,
        }
        payload["channel"] = {"id": channel, "name": f"channel-{channel.lower()}"}
        if message is not None and not is_ephemeral:
            payload["message"] = _slack_message(message)
        payload["state"] = {"values": state_values or {}}
        payload["response_url"] = response_url or "https://hooks.slack.com/actions/T/1/x"
    elif view is not None:
        view_id = view.get("id", "V0001")
        payload["container"] = container or {"type": "view", "view_id": view_id}
        payload["view"] = {**view, "state": {"values": state_values or {}}}
        if response_url is not None:
            payload["response_url"] = response_url
    else:
        payload["container"] = container or {}
        if response_url is not None:
            payload["response_url"] = response_url
    return payload


def view_submission(
    user_id: str,
    callback_id: str,
    state_values: dict[str, Any],
    *,
    team_id: str = "T0001",
    private_metadata: str | None = None,
    view_id: str | None = None,
    view: dict[str, Any] | None = None,
    trigger_id: str | None = None,
    response_urls: list[dict[str, Any]] | None = None,
    api_app_id: str = API_APP_ID,
) -> dict[str, Any]:
    """A ``view_submission`` payload.

    ``state_values`` is Slack's ``{block_id: {action_id: {"type": ..., "value": ...}}}`` (see
    ``text_value`` & co.). Pass ``view`` (e.g. ``FakeSlack.views[id]``) to submit a view the app
    opened: its id, blocks, title and private_metadata are used unless given here.
    """
    base = dict(view or {})
    vid = view_id or base.get("id") or "V0001"
    full_view = {
        "id": vid,
        "team_id": team_id,
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": callback_id,
        "hash": "1700000000.00000000",
        "title": {"type": "plain_text", "text": "Rapport"},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": {"type": "plain_text", "text": "Submit"},
        "previous_view_id": None,
        "root_view_id": vid,
        "app_id": api_app_id,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": "B0001",
        **base,
    }
    full_view.update(id=vid, callback_id=callback_id, state={"values": state_values})
    if private_metadata is not None:
        full_view["private_metadata"] = private_metadata
    return {
        "type": "view_submission",
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": full_view,
        "response_urls": response_urls or [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(
    user_id: str,
    callback_id: str,
    *,
    team_id: str = "T0001",
    view_id: str = "V0001",
    private_metadata: str = "",
) -> dict[str, Any]:
    """A ``view_closed`` payload (sent when a modal has ``notify_on_close``)."""
    payload = view_submission(
        user_id, callback_id, {}, team_id=team_id, view_id=view_id, private_metadata=private_metadata
    )
    payload.update(type="view_closed", is_cleared=False)
    del payload["trigger_id"], payload["response_urls"]
    return payload


def message_shortcut(
    user_id: str,
    callback_id: str,
    message: dict[str, Any],
    channel_id: str,
    *,
    team_id: str = "T0001",
    response_url: str = "https://hooks.slack.com/app/T/1/x",
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A message shortcut (``message_action``) payload on ``message``."""
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": _next_action_ts(),
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "channel": {"id": channel_id, "name": f"channel-{channel_id.lower()}"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url,
        "message_ts": message.get("ts", ""),
        "message": _slack_message(message),
    }


def global_shortcut(
    user_id: str, callback_id: str, *, team_id: str = "T0001", trigger_id: str | None = None
) -> dict[str, Any]:
    """A global shortcut (``shortcut``) payload."""
    return {
        "type": "shortcut",
        "token": VERIFICATION_TOKEN,
        "action_ts": _next_action_ts(),
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
    }


def text_value(value: str | None, kind: str = "plain_text_input") -> dict[str, Any]:
    """A state value for a text-ish input (``plain_text_input``, ``email_text_input``...)."""
    return {"type": kind, "value": value}


def select_value(value: str | None, text: str | None = None, kind: str = "static_select") -> dict[str, Any]:
    """A state value for a static/external select (``None`` = nothing selected)."""
    option = (
        None if value is None else {"text": {"type": "plain_text", "text": text or value}, "value": value}
    )
    return {"type": kind, "selected_option": option}


def users_value(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def multi_users_value(user_ids: list[str]) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(user_ids)}


def date_value(date: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": date}


# --------------------------------------------------------------------------------------------
# HTTP client
# --------------------------------------------------------------------------------------------


@dataclass
class Response:
    """An HTTP response from the app. Header names are lower-cased."""

    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float  # seconds, request sent to body read

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class SlackClient:
    """Posts signed requests to an app the way Slack does (one keep-alive connection per thread)."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        path: str = "/slack/events",
        timeout: float = 10.0,
        response_url: str | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"expected an http:// base URL, got {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.path = parts.path.rstrip("/") + path
        self.signing_secret = signing_secret
        self.timeout = timeout
        self.response_url = response_url  # default for command(); e.g. FakeSlack.response_url()
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        bad_signature: bool = False,
    ) -> Response:
        """Sign ``body`` and POST it; ``bad_signature`` signs with the wrong secret."""
        secret = self.signing_secret + "-wrong" if bad_signature else self.signing_secret
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **sign(secret, body, timestamp),
        }
        if retry_num is not None:
            all_headers["X-Slack-Retry-Num"] = str(retry_num)
            all_headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        all_headers.update(headers or {})
        # A kept-alive connection the server closed fails on first use; one fresh retry covers it.
        for attempt in (1, 2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request("POST", self.path, body=body, headers=all_headers)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if resp.will_close:
                self.close()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, elapsed)
        raise AssertionError("unreachable")

    def command(
        self, command: str, text: str = "", *, response_url: str | None = None, **options: Any
    ) -> Response:
        """Post a slash command; `post` options (headers, timestamp, retry_num, retry_reason,
        bad_signature) go to `post`, the rest to ``slash_command`` (user_id, team_id, ...).

        ``response_url`` defaults to ``self.response_url``, then to ``UNROUTED_RESPONSE_URL``.
        """
        post, fields = _split_post_options(options)
        url = response_url or self.response_url or UNROUTED_RESPONSE_URL
        return self.post(*slash_command(command, text, response_url=url, **fields), **post)

    def answer(self, command: str, text: str = "", **options: Any) -> str:
        """The text of the ephemeral answer a slash command gets in its HTTP response (asserted
        to be one: a 200 only its author sees)."""
        response = self.command(command, text, **options)
        assert response.status == 200, response.text
        body = response.json()
        assert body["response_type"] == "ephemeral"
        return str(body["text"])

    def event(self, event: dict[str, Any], **options: Any) -> Response:
        """Post an ``event_callback``; `post` options as for ``command``, the rest to ``event_callback``."""
        post, fields = _split_post_options(options)
        return self.post(*event_callback(event, **fields), **post)

    def interact(
        self,
        payload: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        bad_signature: bool = False,
    ) -> Response:
        """Post an interactivity payload (block_actions, view_submission, shortcuts...)."""
        return self.post(
            *interaction(payload), headers=headers, timestamp=timestamp, bad_signature=bad_signature
        )


_POST_OPTIONS = frozenset({"headers", "timestamp", "retry_num", "retry_reason", "bad_signature"})


def _split_post_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separate how to post (signature, retry headers) from what to post."""
    post = {k: v for k, v in options.items() if k in _POST_OPTIONS}
    return post, {k: v for k, v in options.items() if k not in _POST_OPTIONS}
