"""A fake Slack Web API server for tests (stdlib only).

Runs ``http.server.ThreadingHTTPServer`` on 127.0.0.1 in a daemon thread and answers the Web API
methods Rapport uses the way Slack does: same request encodings, same response shapes, same
error codes. It validates Block Kit payloads so a bad message fails in a test instead of in a
workspace, records every call, and can inject faults (429s, 5xx, ``ok: false``) and enforce
rate limits with an injectable clock. Some faults let the call happen first, as Slack's do: a
500 after the message was stored (``fail_ratio_after_applying``), a slow answer
(``slow_ratio``), a connection closed without any answer (``drop_ratio``). ``workspace_limit``
is a per-second token bucket for the whole workspace; ``ratelimited`` counts injected 429s
apart from the limits' own.

Point a client at it with ``WebClient(token=fake.bot_token, base_url=fake.base_url)``.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import itertools
import json
import math
import random
import re
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.parser import BytesParser
from email.policy import HTTP as HTTP_POLICY
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from tests.support.slackreq import API_APP_ID, event_callback

__all__ = [
    "DEFAULT_SCOPES",
    "HISTORY_METHODS",
    "MAX_MESSAGE_TEXT",
    "TIERS",
    "UNLISTED_HISTORY_LIMIT",
    "UNLISTED_HISTORY_PER_MINUTE",
    "Call",
    "FakeSlack",
    "Team",
    "block_errors",
    "view_errors",
]

Json = dict[str, Any]

MAX_MESSAGE_TEXT = 40_000
MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
# Slack lets a response_url be used five times (within 30 minutes).
RESPONSE_URL_MAX_USES = 5
# Form fields slack_sdk serialises to JSON strings when it sends a form body.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "user_auth_blocks")
_FAULT_ERRORS = {500: "internal_error", 503: "service_unavailable"}

# The bot scopes a workspace grants by default: manifest.yml's, plus channels:history (issue 14:
# reading the public channels Rapport is invited to). Private channels, DMs and group DMs need
# groups:/im:/mpim:history, which a test grants with ``add_team(..., scopes=...)``.
DEFAULT_SCOPES = frozenset(
    {
        "commands",
        "chat:write",
        "im:write",
        "channels:read",
        "channels:join",
        "groups:read",
        "users:read",
        "users:read.email",
        "users.profile:read",
        "team:read",
        "channels:history",
        "im:history",
    }
)
# Slack's Web API rate-limit tiers, requests per minute "per API method per workspace per app"
# (https://docs.slack.dev/apis/web-api/rate-limits: Tier 1 1+, Tier 2 20+, Tier 3 50+, Tier 4
# 100+ per minute). Enforce one with ``rate_limit(method, None, TIERS[3])``.
TIERS = {1: 1, 2: 20, 3: 50, 4: 100}
# conversations.history and conversations.replies are Tier 3 (their method pages,
# https://docs.slack.dev/reference/methods/conversations.history and .../conversations.replies).
# Since May 29, 2025 Slack moved both to Tier 1 for new installations of apps commercially
# distributed outside the Marketplace: 1 request per minute, and the `limit` parameter's default
# and maximum cut to 15 (https://api.slack.com/changelog/2025-05-terms-rate-limit-update-and-faq);
# existing installations of such apps follow from March 3, 2026; Marketplace apps and internal
# customer-built apps keep Tier 3.
# ``FakeSlack.unlisted_app()`` applies the reduced regime.
HISTORY_METHODS = ("conversations.history", "conversations.replies")
UNLISTED_HISTORY_PER_MINUTE = 1
UNLISTED_HISTORY_LIMIT = 15
# (default, maximum) of `limit` per method: history's "Maximum of 999", default 100; replies
# document a default of 1000 ("specify a limit under 1000"). Slack recommends pages of ≤200.
_PAGE_SIZES = {"conversations.history": (100, 999), "conversations.replies": (1000, 1000)}
# The scope conversations.history/.replies need for a bot token, by conversation type.
_HISTORY_SCOPES = {
    "channel": "channels:history",
    "group": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One Web API call as the fake saw it. Failed calls are recorded too."""

    method: str
    params: dict[str, Any]
    team_id: str
    status: int = 200
    ok: bool = True
    error: str | None = None
    response: dict[str, Any] | None = None
    at: float = 0.0  # the fake's clock when the call arrived


@dataclass
class Team:
    """A workspace the fake knows, selected by the bot token of a request."""

    id: str
    name: str
    domain: str
    bot_user_id: str
    bot_id: str
    tokens: set[str] = field(default_factory=set)
    # The bot scopes the workspace granted the app; conversations.history/.replies check them.
    scopes: set[str] = field(default_factory=lambda: set(DEFAULT_SCOPES))


@dataclass
class _Fault:
    status: int
    error: str
    retry_after: int | None = None


@dataclass
class _RatioFault:
    status: int
    ratio: float
    rng: random.Random
    # "answer": answer the fault without applying the call; "apply": apply the call, then answer
    # the fault (a 500 after Slack stored the message); "slow": apply, then answer after
    # ``seconds``; "drop": apply, then close the connection without any HTTP response; "429":
    # a 429 whose Retry-After is ``seconds``.
    mode: str = "answer"
    seconds: float = 0.0


class _Drop(Exception):
    """Close the connection without answering (raised out of ``FakeSlack._handle``)."""


@dataclass
class _TokenBucket:
    """A workspace-wide ``rate``/s with a burst of ``burst``, refilled on the fake's clock."""

    rate: float
    burst: float
    tokens: dict[str, float] = field(default_factory=dict)
    stamps: dict[str, float] = field(default_factory=dict)

    def take(self, key: str, now: float) -> float:
        """0 and a token spent when one is there; else the seconds until one will be."""
        tokens = self.tokens.get(key, self.burst)
        last = self.stamps.get(key, now)
        tokens = min(self.burst, tokens + max(0.0, now - last) * self.rate)
        self.stamps[key] = now
        if tokens >= 1.0 - 1e-9:  # (float refills: a third of a second at 3/s is one token)
            self.tokens[key] = max(0.0, tokens - 1.0)
            return 0.0
        self.tokens[key] = tokens
        return (1.0 - tokens) / self.rate


@dataclass
class _Window:
    """At most ``capacity`` hits per sliding ``seconds``."""

    capacity: int
    seconds: float
    hits: dict[str, deque[float]] = field(default_factory=dict)

    @classmethod
    def from_rate(cls, rate: float, unit_seconds: float) -> _Window:
        if rate <= 0:
            raise ValueError("rate must be positive")
        # A fractional rate (0.5/s) becomes one hit per longer window (2 s) so averages stay honest.
        capacity = max(1, math.floor(rate))
        return cls(capacity=capacity, seconds=unit_seconds * capacity / rate)

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until ``key`` may be hit again (0 when it may be hit now)."""
        hits = self.hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) < self.capacity:
            return 0.0
        return hits[0] + self.seconds - now

    def hit(self, key: str, now: float) -> None:
        self.hits.setdefault(key, deque()).append(now)


@dataclass
class _RateLimit:
    per_channel: _Window | None
    per_team: _Window | None


class ApiError(Exception):
    """Raised by method handlers; becomes ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


# --------------------------------------------------------------------------------------------
# Block Kit validation
# --------------------------------------------------------------------------------------------

_TEXT_TYPES = ("plain_text", "mrkdwn")
_SELECTS = frozenset(
    {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
)
_MULTI_SELECTS = frozenset("multi_" + s for s in _SELECTS)
_ACTIONS_ELEMENTS = frozenset(
    {
        "button",
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "overflow",
        "radio_buttons",
        "timepicker",
        "workflow_button",
        "rich_text_input",
    }
    | _SELECTS
    | _MULTI_SELECTS
)
_ACCESSORY_ELEMENTS = frozenset(
    {
        "button",
        "checkboxes",
        "datepicker",
        "image",
        "overflow",
        "radio_buttons",
        "timepicker",
        "workflow_button",
    }
    | _SELECTS
    | _MULTI_SELECTS
)
_INPUT_ELEMENTS = frozenset(
    {
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "email_text_input",
        "file_input",
        "number_text_input",
        "plain_text_input",
        "radio_buttons",
        "rich_text_input",
        "timepicker",
        "url_text_input",
    }
    | _SELECTS
    | _MULTI_SELECTS
)
_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^\d{2}:\d{2}$")


class _Checker:
    """Collects Slack-style errors: ``"<problem> [json-pointer:/blocks/0/text/text]"``."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, problem: str, ptr: str) -> None:
        self.errors.append(f"{problem} [json-pointer:{ptr}]")

    # -- primitives ---------------------------------------------------------------------------

    def string(
        self, parent: Json, key: str, ptr: str, *, max_len: int, min_len: int = 0, required: bool = False
    ) -> None:
        value = parent.get(key)
        if value is None:
            if required:
                self.err(f"missing required field: {key}", ptr)
            return
        if not isinstance(value, str):
            self.err("must be a string", f"{ptr}/{key}")
        elif len(value) > max_len:
            self.err(f"must be less than {max_len + 1} characters", f"{ptr}/{key}")
        elif len(value) < min_len:
            self.err(f"must be more than {min_len - 1} characters", f"{ptr}/{key}")

    def text(
        self, parent: Json, key: str, ptr: str, *, max_len: int, plain: bool = False, required: bool = False
    ) -> None:
        obj = parent.get(key)
        if obj is None:
            if required:
                self.err(f"missing required field: {key}", ptr)
            return
        self.text_obj(obj, f"{ptr}/{key}", max_len=max_len, plain=plain)

    def text_obj(self, obj: Any, ptr: str, *, max_len: int, plain: bool = False) -> None:
        if not isinstance(obj, dict):
            self.err("must be a text object", ptr)
            return
        kind = obj.get("type")
        if kind is None:
            self.err("missing required field: type", ptr)
        elif kind not in _TEXT_TYPES:
            self.err("must be one of: plain_text, mrkdwn", f"{ptr}/type")
        elif plain and kind != "plain_text":
            self.err("must be plain_text", f"{ptr}/type")
        if kind == "mrkdwn" and "emoji" in obj:
            self.err("emoji is only allowed in plain_text", f"{ptr}/emoji")
        if kind == "plain_text" and "verbatim" in obj:
            self.err("verbatim is only allowed in mrkdwn", f"{ptr}/verbatim")
        text = obj.get("text")
        if text is None:
            self.err("missing required field: text", ptr)
        elif not isinstance(text, str):
            self.err("must be a string", f"{ptr}/text")
        elif not text:
            self.err("must be more than 0 characters", f"{ptr}/text")
        elif len(text) > max_len:
            self.err(f"must be less than {max_len + 1} characters", f"{ptr}/text")

    def items(self, parent: Json, key: str, ptr: str, *, max_items: int, min_items: int = 0) -> list[Any]:
        """The list at ``parent[key]`` (``[]`` when absent or wrong), checking its length."""
        value = parent.get(key)
        if value is None:
            if min_items:
                self.err(f"missing required field: {key}", ptr)
            return []
        if not isinstance(value, list):
            self.err("must be an array", f"{ptr}/{key}")
            return []
        if len(value) > max_items:
            self.err(f"must be less than {max_items + 1} items", f"{ptr}/{key}")
        if len(value) < min_items:
            self.err(f"must be more than {min_items - 1} items", f"{ptr}/{key}")
        return value

    # -- composition objects ------------------------------------------------------------------

    def option(self, opt: Any, ptr: str, *, mrkdwn: bool = False, url: bool = False) -> None:
        if not isinstance(opt, dict):
            self.err("must be an object", ptr)
            return
        self.text(opt, "text", ptr, max_len=75, plain=not mrkdwn, required=True)
        self.string(opt, "value", ptr, max_len=150, required=True)
        self.text(opt, "description", ptr, max_len=75, plain=not mrkdwn)
        if url:
            self.string(opt, "url", ptr, max_len=3000)
        elif "url" in opt:
            self.err("url is only allowed in overflow options", f"{ptr}/url")

    def confirm(self, parent: Json, ptr: str) -> None:
        conf = parent.get("confirm")
        if conf is None:
            return
        ptr = f"{ptr}/confirm"
        if not isinstance(conf, dict):
            self.err("must be an object", ptr)
            return
        self.text(conf, "title", ptr, max_len=100, plain=True, required=True)
        self.text(conf, "text", ptr, max_len=300, required=True)
        self.text(conf, "confirm", ptr, max_len=30, plain=True, required=True)
        self.text(conf, "deny", ptr, max_len=30, plain=True, required=True)
        self.style(conf, ptr)

    def style(self, parent: Json, ptr: str) -> None:
        if "style" in parent and parent["style"] not in ("primary", "danger"):
            self.err("must be one of: primary, danger", f"{ptr}/style")

    # -- elements -----------------------------------------------------------------------------

    def element(self, el: Any, ptr: str, *, allowed: frozenset[str], where: str) -> None:
        if not isinstance(el, dict):
            self.err("must be an object", ptr)
            return
        kind = el.get("type")
        if kind is None:
            self.err("missing required field: type", ptr)
            return
        if kind not in allowed:
            self.err(f"unsupported element type {kind!r} in {where}", f"{ptr}/type")
            return
        if kind != "image":
            self.string(el, "action_id", ptr, max_len=255, min_len=1)
        if kind in ("button", "workflow_button"):
            self.text(el, "text", ptr, max_len=75, plain=True, required=True)
            self.string(el, "value", ptr, max_len=2000)
            self.string(el, "url", ptr, max_len=3000)
            self.string(el, "accessibility_label", ptr, max_len=75)
            self.style(el, ptr)
        elif kind in _SELECTS or kind in _MULTI_SELECTS:
            self.text(el, "placeholder", ptr, max_len=150, plain=True)
            if kind.endswith("static_select"):
                self.static_options(el, ptr)
            if kind in _MULTI_SELECTS and "max_selected_items" in el:
                n = el["max_selected_items"]
                if not isinstance(n, int) or n < 1:
                    self.err("must be an integer greater than 0", f"{ptr}/max_selected_items")
        elif kind == "overflow":
            for i, opt in enumerate(self.items(el, "options", ptr, max_items=5, min_items=1)):
                self.option(opt, f"{ptr}/options/{i}", url=True)
        elif kind in ("checkboxes", "radio_buttons"):
            for i, opt in enumerate(self.items(el, "options", ptr, max_items=10, min_items=1)):
                self.option(opt, f"{ptr}/options/{i}", mrkdwn=True)
        elif kind == "datepicker":
            self.text(el, "placeholder", ptr, max_len=150, plain=True)
            date = el.get("initial_date")
            if date is not None and not (isinstance(date, str) and _DATE_RE.match(date)):
                self.err("must be a date in the format YYYY-MM-DD", f"{ptr}/initial_date")
        elif kind == "timepicker":
            self.text(el, "placeholder", ptr, max_len=150, plain=True)
            at = el.get("initial_time")
            if at is not None and not (isinstance(at, str) and _TIME_RE.match(at)):
                self.err("must be a time in the format HH:mm", f"{ptr}/initial_time")
        elif kind in ("plain_text_input", "email_text_input", "url_text_input", "number_text_input"):
            self.text(el, "placeholder", ptr, max_len=150, plain=True)
            self.input_lengths(el, ptr)
            if kind == "number_text_input" and not isinstance(el.get("is_decimal_allowed"), bool):
                self.err("missing required field: is_decimal_allowed", ptr)
        elif kind == "rich_text_input":
            self.text(el, "placeholder", ptr, max_len=150, plain=True)
        elif kind == "image":
            self.image(el, ptr)
        self.confirm(el, ptr)

    def static_options(self, el: Json, ptr: str) -> None:
        if ("options" in el) == ("option_groups" in el):
            self.err("must provide exactly one of options or option_groups", ptr)
            return
        for i, opt in enumerate(self.items(el, "options", ptr, max_items=100)):
            self.option(opt, f"{ptr}/options/{i}")
        for g, group in enumerate(self.items(el, "option_groups", ptr, max_items=100)):
            gptr = f"{ptr}/option_groups/{g}"
            if not isinstance(group, dict):
                self.err("must be an object", gptr)
                continue
            self.text(group, "label", gptr, max_len=75, plain=True, required=True)
            for i, opt in enumerate(self.items(group, "options", gptr, max_items=100, min_items=1)):
                self.option(opt, f"{gptr}/options/{i}")

    def input_lengths(self, el: Json, ptr: str) -> None:
        lo, hi = el.get("min_length"), el.get("max_length")
        if lo is not None and (not isinstance(lo, int) or not 0 <= lo <= 3000):
            self.err("must be an integer between 0 and 3000", f"{ptr}/min_length")
        if hi is not None and (not isinstance(hi, int) or not 1 <= hi <= 3000):
            self.err("must be an integer between 1 and 3000", f"{ptr}/max_length")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            self.err("min_length must not be greater than max_length", ptr)

    def image(self, el: Json, ptr: str) -> None:
        if "image_url" not in el and "slack_file" not in el:
            self.err("must provide image_url or slack_file", ptr)
        self.string(el, "image_url", ptr, max_len=3000)
        self.string(el, "alt_text", ptr, max_len=2000, required=True)

    # -- blocks -------------------------------------------------------------------------------

    def blocks(self, blocks: Any, ptr: str, *, max_blocks: int, surface: str) -> None:
        if not isinstance(blocks, list):
            self.err("must be an array", ptr)
            return
        if len(blocks) > max_blocks:
            self.err(f"must be less than {max_blocks + 1} items", ptr)
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            bptr = f"{ptr}/{i}"
            self.block(block, bptr, surface=surface)
            block_id = block.get("block_id") if isinstance(block, dict) else None
            if isinstance(block_id, str):
                if block_id in seen:
                    self.err(f"duplicate block_id {block_id!r}", f"{bptr}/block_id")
                seen.add(block_id)

    def block(self, block: Any, ptr: str, *, surface: str) -> None:
        if not isinstance(block, dict):
            self.err("must be an object", ptr)
            return
        kind = block.get("type")
        if kind is None:
            self.err("missing required field: type", ptr)
            return
        if kind not in _BLOCK_TYPES:
            self.err(f"unknown block type {kind!r}", f"{ptr}/type")
            return
        if kind == "file" and surface != "message":
            self.err("file blocks are only allowed in messages", f"{ptr}/type")
        self.string(block, "block_id", ptr, max_len=255, min_len=1)
        getattr(self, f"block_{kind}", self.block_other)(block, ptr)

    def block_other(self, block: Json, ptr: str) -> None:
        """Block types the fake knows but does not check in detail."""

    def block_section(self, block: Json, ptr: str) -> None:
        if block.get("text") is None and block.get("fields") is None:
            self.err("must provide text or fields", ptr)
        self.text(block, "text", ptr, max_len=3000)
        min_fields = 0 if block.get("fields") is None else 1
        for i, f in enumerate(self.items(block, "fields", ptr, max_items=10, min_items=min_fields)):
            self.text_obj(f, f"{ptr}/fields/{i}", max_len=2000)
        if block.get("accessory") is not None:
            self.element(
                block["accessory"], f"{ptr}/accessory", allowed=_ACCESSORY_ELEMENTS, where="section accessory"
            )

    def block_header(self, block: Json, ptr: str) -> None:
        self.text(block, "text", ptr, max_len=150, plain=True, required=True)

    def block_context(self, block: Json, ptr: str) -> None:
        for i, el in enumerate(self.items(block, "elements", ptr, max_items=10, min_items=1)):
            eptr = f"{ptr}/elements/{i}"
            if isinstance(el, dict) and el.get("type") == "image":
                self.image(el, eptr)
            else:
                self.text_obj(el, eptr, max_len=2000)

    def block_actions(self, block: Json, ptr: str) -> None:
        seen: set[str] = set()
        for i, el in enumerate(self.items(block, "elements", ptr, max_items=25, min_items=1)):
            eptr = f"{ptr}/elements/{i}"
            self.element(el, eptr, allowed=_ACTIONS_ELEMENTS, where="actions block")
            action_id = el.get("action_id") if isinstance(el, dict) else None
            if isinstance(action_id, str):
                if action_id in seen:
                    self.err(f"duplicate action_id {action_id!r}", f"{eptr}/action_id")
                seen.add(action_id)

    def block_image(self, block: Json, ptr: str) -> None:
        self.image(block, ptr)
        self.text(block, "title", ptr, max_len=2000, plain=True)

    def block_input(self, block: Json, ptr: str) -> None:
        self.text(block, "label", ptr, max_len=2000, plain=True, required=True)
        self.text(block, "hint", ptr, max_len=2000, plain=True)
        if block.get("element") is None:
            self.err("missing required field: element", ptr)
        else:
            self.element(block["element"], f"{ptr}/element", allowed=_INPUT_ELEMENTS, where="input block")

    def block_rich_text(self, block: Json, ptr: str) -> None:
        self.items(block, "elements", ptr, max_items=10_000, min_items=1)

    def block_markdown(self, block: Json, ptr: str) -> None:
        self.string(block, "text", ptr, max_len=12_000, min_len=1, required=True)

    def block_video(self, block: Json, ptr: str) -> None:
        self.string(block, "alt_text", ptr, max_len=2000, required=True)
        self.text(block, "title", ptr, max_len=200, plain=True, required=True)
        self.string(block, "thumbnail_url", ptr, max_len=3000, required=True)
        self.string(block, "video_url", ptr, max_len=3000, required=True)

    def block_file(self, block: Json, ptr: str) -> None:
        self.string(block, "external_id", ptr, max_len=255, required=True)

    # -- surfaces -----------------------------------------------------------------------------

    def view(self, view: Any, ptr: str) -> None:
        if not isinstance(view, dict):
            self.err("must be an object", ptr)
            return
        kind = view.get("type")
        if kind not in ("modal", "home"):
            self.err("must be one of: modal, home", f"{ptr}/type")
            return
        if kind == "modal":
            self.text(view, "title", ptr, max_len=24, plain=True, required=True)
            self.text(view, "submit", ptr, max_len=24, plain=True)
            self.text(view, "close", ptr, max_len=24, plain=True)
        self.string(view, "private_metadata", ptr, max_len=3000)
        self.string(view, "callback_id", ptr, max_len=255)
        self.string(view, "external_id", ptr, max_len=255)
        if "blocks" not in view:
            self.err("missing required field: blocks", ptr)
            return
        blocks = view["blocks"]
        self.blocks(blocks, f"{ptr}/blocks", max_blocks=VIEW_MAX_BLOCKS, surface=kind)
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if kind == "modal" and has_input and view.get("submit") is None:
            self.err("must provide submit when the view has input blocks", ptr)


def block_errors(blocks: Any, *, surface: str = "message", pointer: str = "/blocks") -> list[str]:
    """Slack-style validation errors for a ``blocks`` array (``[]`` when it is valid).

    ``surface`` is "message" (50 blocks), "modal" or "home" (100 blocks).
    """
    checker = _Checker()
    max_blocks = MESSAGE_MAX_BLOCKS if surface == "message" else VIEW_MAX_BLOCKS
    checker.blocks(blocks, pointer, max_blocks=max_blocks, surface=surface)
    return checker.errors


def view_errors(view: Any, *, pointer: str = "/view") -> list[str]:
    """Slack-style validation errors for a modal or home view (``[]`` when it is valid)."""
    checker = _Checker()
    checker.view(view, pointer)
    return checker.errors


def _invalid_blocks(errors: list[str]) -> ApiError:
    return ApiError(
        "invalid_blocks", errors=errors, response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
    )


def _check_message_content(p: Json, *, require_content: bool = True) -> None:
    """Slack's checks on text / blocks / attachments of a message, raising ``ApiError``."""
    blocks, attachments = p.get("blocks"), p.get("attachments")
    if isinstance(blocks, str):
        raise ApiError("invalid_blocks_format")
    if isinstance(attachments, str):
        raise ApiError("invalid_attachments")
    text = p.get("text")
    if text is not None and not isinstance(text, str):
        text = p["text"] = str(text)
    if require_content and not text and not blocks and not attachments:
        raise ApiError("no_text")
    if text and len(text) > MAX_MESSAGE_TEXT:
        raise ApiError("msg_too_long")
    errors = block_errors(blocks) if blocks is not None else []
    if attachments is not None:
        if not isinstance(attachments, list):
            raise ApiError("invalid_attachments")
        for i, att in enumerate(attachments):
            if isinstance(att, dict) and att.get("blocks") is not None:
                errors += block_errors(att["blocks"], pointer=f"/attachments/{i}/blocks")
    if errors:
        raise _invalid_blocks(errors)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

_TZ_LABELS = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "HST": "Hawaii-Aleutian Standard Time",
    "GMT": "Greenwich Mean Time",
    "UTC": "Coordinated Universal Time",
    "BST": "British Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
}


def _tz_fields(tz: str, now: datetime) -> tuple[str, int]:
    """Slack's ``tz_label`` and ``tz_offset`` (seconds east of UTC) for an IANA zone at ``now``."""
    local = now.astimezone(ZoneInfo(tz))
    offset = local.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    abbr = local.tzname() or ""
    if abbr in _TZ_LABELS:
        return _TZ_LABELS[abbr], seconds
    # zoneinfo gives numeric abbreviations ("+0530") for many zones; Slack shows a name, we show UTC±.
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}", seconds


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _encode_cursor(value: str, kind: str = "user") -> str:
    # Slack's cursors are base64 of "<kind>:<where the next page starts>" ("user:U061NFTT2" in
    # users.list, "next_ts:1512085861000543" in conversations.history); tests treat them as opaque.
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def _decode_cursor(cursor: str, kind: str = "user") -> str:
    try:
        raw = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError("invalid_cursor") from exc
    if not raw.startswith(f"{kind}:"):
        raise ApiError("invalid_cursor")
    return raw[len(kind) + 1 :]


def _is_reply(msg: dict[str, Any]) -> bool:
    thread_ts = msg.get("thread_ts")
    return bool(thread_ts) and thread_ts != msg["ts"]


def _ts(value: str) -> Decimal:
    """A message ts as a number to compare ("1700000000.000100" or "1700000000")."""
    return Decimal(value)


def _ts_param(p: Json, key: str, error: str) -> Decimal | None:
    """``oldest``/``latest`` as Slack reads them: absent or empty is no bound."""
    raw = p.get(key)
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise ApiError(error) from exc
    if not value.is_finite():
        raise ApiError(error)
    return value


def _cursor_ts(p: Json) -> Decimal | None:
    if not p.get("cursor"):
        return None
    raw = _decode_cursor(str(p["cursor"]), "next_ts")
    if not raw.isdigit():
        raise ApiError("invalid_cursor")
    return Decimal(raw) / 1_000_000


def _ts_cursor(ts: str) -> str:
    seconds, _, micros = ts.partition(".")
    return _encode_cursor(f"{int(seconds)}{(micros or '0').ljust(6, '0')[:6]}", "next_ts")


def _page_limit(p: Json, default: int, maximum: int) -> int:
    try:
        limit = int(p.get("limit") or 0)
    except (TypeError, ValueError) as exc:
        raise ApiError("invalid_limit") from exc
    return min(limit if limit > 0 else default, maximum)


def _in_range(ts: Decimal, oldest: Decimal | None, latest: Decimal | None, inclusive: bool) -> bool:
    if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
        return False
    return latest is None or ts < latest or (ts == latest and inclusive)


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    msg = BytesParser(policy=HTTP_POLICY).parsebytes(head + body)
    out: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        out[str(name)] = data if part.get_filename() else data.decode("utf-8", "replace")
    return out


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSlack

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-response are normal in tests; anything else is worth seeing.
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive for clients that want it
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr log."""

    def do_POST(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            status, out_headers, out_body = _text_reply(400, "bad content-length")
        else:
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                status, out_headers, out_body = self.server.fake._handle(
                    self.command, self.path, headers, body
                )
            except _Drop:
                # Slack applied the call, then the connection went: no status line, nothing.
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(2)  # socket.SHUT_RDWR
                return
        delay = out_headers.pop(_DELAY_HEADER, None)
        if delay is not None:
            fake = self.server.fake
            with fake._cond:
                fake.held_answers += 1
            try:
                time.sleep(float(delay))  # real time, outside the fake's lock
            finally:
                with fake._cond:
                    fake.held_answers -= 1
        self.send_response(status)
        for key, value in out_headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(out_body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out_body)


_Reply = tuple[int, dict[str, str], bytes]
# Internal: how long the handler waits before answering (a slow_ratio fault); never sent.
_DELAY_HEADER = "X-Fake-Delay"


def _json_reply(status: int, data: Json, headers: dict[str, str] | None = None) -> _Reply:
    out = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return status, out, json.dumps(data).encode()


def _text_reply(status: int, text: str) -> _Reply:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeSlack:
    """A fake Slack Web API on 127.0.0.1.

    Use as a context manager (or ``start()``/``stop()``). State is guarded by one lock; the
    ``calls``/``messages``/``responses`` properties return snapshots.
    """

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        bot_token: str = "xoxb-test",
        bot_user_id: str = "UBOT",
        team_name: str = "Test Team",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        scopes: Iterable[str] | None = None,
        real_ts: bool = True,
    ) -> None:
        """Message timestamps follow ``wall_clock`` (unique and increasing, at least 100 µs
        apart), as Slack's do, so ``conversations.history(oldest=<an instant>)`` finds what was
        posted since then; ``real_ts=False`` counts them up from 2023-11-14 instead."""
        self.team_id = team_id
        self.real_ts = real_ts
        self._last_ts = 0
        self.bot_token = bot_token
        self.bot_user_id = bot_user_id
        self.clock = clock  # drives rate limiting and Call.at; tests may replace it
        self.wall_clock: Callable[[], datetime] = wall_clock or (lambda: datetime.now(UTC))
        self.private_channels_without_bot: set[str] = set()
        # Public channels the bot has not joined: posting answers not_in_channel until
        # conversations.join (opt-in; other public channels behave as if the bot were in them).
        self.public_channels_without_bot: set[str] = set()
        self.archived_channels: set[str] = set()
        self.expired_trigger_ids: set[str] = set()
        # (default, maximum) of `limit` for conversations.history / .replies; see unlisted_app().
        self.page_sizes: dict[str, tuple[int, int]] = dict(_PAGE_SIZES)
        self.profile_field_defs: list[dict[str, Any]] = []
        self.server_errors: list[str] = []  # tracebacks of handler crashes (answered with 500)

        self._cond = threading.Condition(threading.RLock())
        self._teams: dict[str, Team] = {}
        self._teams_by_token: dict[str, Team] = {}
        self._users: dict[tuple[str, str], dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._calls: list[Call] = []
        self._messages: list[dict[str, Any]] = []
        self._ephemerals: list[dict[str, Any]] = []
        self._views: dict[str, dict[str, Any]] = {}
        self._home: dict[tuple[str, str], str] = {}  # (team, user) -> view id
        self._opened_dms: set[tuple[str, str]] = set()
        self._mpims: set[str] = set()  # group DMs: opened with several users, or add_channel(is_mpim=True)
        self._responses: list[dict[str, Any]] = []
        self._response_urls: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._ratio_faults: dict[str, _RatioFault] = {}
        self._rate_limits: dict[str, _RateLimit] = {}
        self._buckets: dict[str, _TokenBucket] = {}
        # 429s answered, by cause: "injected" (fail_next/fail_ratio), "limit" (rate_limit or
        # workspace_limit); per method in ``ratelimited_by_method``.
        self.ratelimited: dict[str, int] = {"injected": 0, "limit": 0}
        self.ratelimited_by_method: dict[tuple[str, str], int] = {}
        # Faults that applied the call: how many of each mode ("apply", "slow", "drop") fired.
        self.applied_faults: dict[str, int] = {"apply": 0, "slow": 0, "drop": 0}
        # Answers a slow_ratio fault is holding back right now (the call was applied).
        self.held_answers = 0
        self._grants: dict[str, dict[str, str]] = {}  # OAuth code -> what oauth.v2.access returns
        self._ts = itertools.count(1_700_000_000_000_100, 100)  # microseconds; 100 apart
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[Team, Json], Json]] = {
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "team.profile.get": self._team_profile_get,
            "users.list": self._users_list,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "users.profile.get": self._users_profile_get,
            "conversations.open": self._conversations_open,
            "conversations.join": self._conversations_join,
            "conversations.info": self._conversations_info,
            "conversations.list": self._conversations_list,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
        }
        self.add_team(team_id, bot_token, name=team_name, bot_user_id=bot_user_id, scopes=scopes)

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        # A short poll interval keeps stop() fast.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakeslack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)`` (trailing slash included)."""
        return f"{self.url}/api/"

    # -- workspaces & directory ---------------------------------------------------------------

    def add_team(
        self,
        team_id: str,
        token: str,
        *,
        name: str | None = None,
        domain: str | None = None,
        bot_user_id: str | None = None,
        scopes: Iterable[str] | None = None,
    ) -> Team:
        """Register a workspace whose bot token is ``token`` (adds the token if the team exists).

        ``scopes`` are the bot scopes it granted (default ``DEFAULT_SCOPES``); ``team(id).scopes``
        is a live set a test may change."""
        with self._cond:
            team = self._teams.get(team_id)
            if team is None:
                team = Team(
                    id=team_id,
                    name=name or f"Team {team_id}",
                    domain=domain or f"team-{team_id.lower()}",
                    bot_user_id=bot_user_id or self.bot_user_id,
                    bot_id="B" + team_id.lstrip("T"),
                )
                self._teams[team_id] = team
            if scopes is not None:
                team.scopes = set(scopes)
            team.tokens.add(token)
            self._teams_by_token[token] = team
            return team

    def grant(self, code: str, team_id: str, *, client_id: str, client_secret: str) -> dict[str, str]:
        """Let `code` be exchanged (once) by oauth.v2.access for a new bot token of `team_id`,
        as Slack does when an admin installs the app; returns the tokens it will hand out."""
        suffix = f"{next(self._ids):04d}{random.Random(code).getrandbits(64):016x}"
        tokens = {"access_token": f"xoxb-{team_id}-{suffix}", "refresh_token": f"xoxe-1-{suffix}"}
        with self._cond:
            self._grants[code] = {
                "team_id": team_id,
                "client_id": client_id,
                "secret": client_secret,
                **tokens,
            }
        return tokens

    def _oauth_v2_access(self, headers: dict[str, str], p: Json) -> Json:
        client_id, secret = p.get("client_id"), p.get("client_secret")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        grant = self._grants.pop(str(p.get("code") or ""), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        if (client_id, secret) != (grant["client_id"], grant["secret"]):
            return {
                "ok": False,
                "error": "invalid_client_id" if client_id != grant["client_id"] else "bad_client_secret",
            }
        team = self.add_team(grant["team_id"], grant["access_token"])
        return {
            "ok": True,
            "app_id": API_APP_ID,
            "authed_user": {"id": "UINSTALLER"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": grant["access_token"],
            "bot_user_id": team.bot_user_id,
            "refresh_token": grant["refresh_token"],
            "expires_in": 43200,
            "team": {"id": team.id, "name": team.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def team(self, team_id: str | None = None) -> Team:
        return self._teams[team_id or self.team_id]

    def add_user(
        self,
        user_id: str,
        *,
        team_id: str | None = None,
        name: str | None = None,
        real_name: str | None = None,
        display_name: str = "",
        title: str = "",
        tz: str = "America/New_York",
        deleted: bool = False,
        is_bot: bool = False,
        email: str | None = None,
        profile_fields: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Add (or replace) a directory user; returns the stored Slack-shaped user object.

        ``profile_fields`` maps custom field ids to a value string or ``{"value", "alt"}``.
        Extra keyword arguments become top-level user fields (``profile=`` merges into profile).
        The returned dict is live: mutating it changes what the API returns.
        """
        team_id = team_id or self.team_id
        real = real_name if real_name is not None else f"User {user_id}"
        tz_label, tz_offset = _tz_fields(tz, self.wall_clock())
        fields = {
            fid: (dict(v) if isinstance(v, dict) else {"value": str(v), "alt": ""})
            for fid, v in (profile_fields or {}).items()
        }
        first, _, last = real.partition(" ")
        profile: dict[str, Any] = {
            "title": title,
            "phone": "",
            "skype": "",
            "real_name": real,
            "real_name_normalized": real,
            "display_name": display_name,
            "display_name_normalized": display_name,
            "first_name": first,
            "last_name": last,
            "fields": fields,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": hashlib.md5(user_id.encode()).hexdigest()[:12],
            "image_72": f"https://avatars.example/{user_id}_72.png",
            "image_192": f"https://avatars.example/{user_id}_192.png",
            "team": team_id,
        }
        if email is not None:
            profile["email"] = email
        profile.update(extra.pop("profile", {}))
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": team_id,
            "name": name if name is not None else user_id.lower(),
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real,
            "tz": tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(self.wall_clock().timestamp()),
            **extra,
        }
        with self._cond:
            self._users[(team_id, user_id)] = user
        return user

    def add_system_users(self, team_id: str | None = None) -> None:
        """Add what a real ``users.list`` also returns: Slackbot (not ``is_bot``!) and our bot user."""
        team = self.team(team_id)
        self.add_user(
            "USLACKBOT", team_id=team.id, name="slackbot", real_name="Slackbot", tz="America/Los_Angeles"
        )
        self.add_user(team.bot_user_id, team_id=team.id, name="rapport", real_name="Rapport", is_bot=True)

    def user(self, user_id: str, team_id: str | None = None) -> dict[str, Any] | None:
        return self._users.get((team_id or self.team_id, user_id))

    def add_profile_field(
        self,
        field_id: str,
        label: str,
        *,
        type: str = "text",
        hint: str = "",
        possible_values: list[str] | None = None,
        is_hidden: bool = False,
    ) -> dict[str, Any]:
        """Append a custom profile field definition (what ``team.profile.get`` lists)."""
        spec = {
            "id": field_id,
            "ordering": len(self.profile_field_defs),
            "field_name": None,
            "label": label,
            "hint": hint,
            "type": type,
            "possible_values": possible_values,
            "options": None,
            "is_hidden": is_hidden,
            "section_id": "S0001",
        }
        self.profile_field_defs.append(spec)
        return spec

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_mpim: bool = False,
        bot_member: bool = True,
        team_id: str | None = None,
    ) -> dict[str, Any]:
        """Give a channel a name for ``conversations.info`` (unknown C/G ids still work there).

        A G… id or ``is_mpim`` makes it private. ``bot_member=False`` leaves the bot out of it: a
        public channel answers ``not_in_channel`` until ``conversations.join`` (or
        ``member_joined_channel``); a private one is invisible (``channel_not_found``), as in Slack.
        """
        is_private = is_private or is_mpim or channel_id[:1] == "G"
        with self._cond:
            if is_mpim:
                self._mpims.add(channel_id)
            else:
                self._mpims.discard(channel_id)
            outside = self.private_channels_without_bot if is_private else self.public_channels_without_bot
            self.private_channels_without_bot.discard(channel_id)
            self.public_channels_without_bot.discard(channel_id)
            if not bot_member:
                outside.add(channel_id)
            self._channels.pop(channel_id, None)
            channel = self._channel_object(channel_id, team_id or self.team_id)
            channel.update(name=name, name_normalized=name, is_private=is_private)
            if is_private and channel_id[:1] == "C":
                channel["is_group"] = False  # private channels made since 2021 have C ids
            self._channels[channel_id] = channel
            return channel

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str,
        ts: str | None = None,
        thread_ts: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        team_id: str | None = None,
        reactions: list[dict[str, Any]] | None = None,
        subtype: str | None = None,
        reply_broadcast: bool = False,
        files: list[dict[str, Any]] | None = None,
        bot_id: str | None = None,
    ) -> dict[str, Any]:
        """Seed a message written by a person (or another bot: ``subtype="bot_message"``, ``bot_id``).

        ``thread_ts`` makes it a reply (kept out of conversations.history unless
        ``reply_broadcast``, which makes it a ``thread_broadcast``); ``reactions`` are
        ``[{"name", "users"}]`` (``count`` defaults to the number of users); ``subtype`` as Slack's
        (``channel_join``, ``bot_message``…). Returns the stored message (live).
        """
        if reply_broadcast and not thread_ts:
            raise ValueError("reply_broadcast needs thread_ts")
        with self._cond:
            ts = ts or self._next_ts()
            if self.message(channel, ts) is not None:
                raise ValueError(f"{channel} already has a message at {ts}")
            msg: dict[str, Any] = {
                "type": "message",
                "channel": channel,
                "ts": ts,
                "text": text,
                "blocks": blocks,
                "thread_ts": thread_ts,
                "reply_broadcast": reply_broadcast,
                "user": user,
                "team_id": team_id or self.team_id,
            }
            if subtype is not None:
                msg["subtype"] = subtype
            if bot_id is not None:
                msg["bot_id"] = bot_id
            if files is not None:
                msg["files"] = copy.deepcopy(files)
            if reactions:
                msg["reactions"] = [
                    {"name": r["name"], "users": list(r["users"]), "count": r.get("count", len(r["users"]))}
                    for r in reactions
                ]
            self._messages.append(msg)
            return msg

    def edit_message(self, channel: str, ts: str, text: str) -> Json:
        """Edit a stored message as its author would; returns the ``message_changed`` event's
        Events API envelope (``event.message`` as it is now, ``event.previous_message`` as it was)."""
        with self._cond:
            msg = self._stored(channel, ts)
            team = self.team(msg["team_id"])
            previous = self._api_message(team, msg)
            edited_at = self._next_ts()
            msg["text"] = text
            msg["edited"] = {"user": msg.get("user") or team.bot_user_id, "ts": edited_at}
            event: Json = {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "channel": channel,
                "channel_type": self._channel_type(channel),
                "ts": edited_at,
                "event_ts": edited_at,
                "message": self._api_message(team, msg),
                "previous_message": previous,
            }
            return self._envelope(team, event)

    def delete_message(self, channel: str, ts: str) -> Json:
        """Delete a stored message; returns the ``message_deleted`` event's Events API envelope.

        A thread parent with replies stays behind as Slack's tombstone (subtype ``tombstone``,
        "This message was deleted."), so its thread can still be read."""
        with self._cond:
            msg = self._stored(channel, ts)
            team = self.team(msg["team_id"])
            previous = self._api_message(team, msg)
            if self._replies(msg):
                for key in ("blocks", "attachments", "files", "reactions", "edited", "bot_id", "metadata"):
                    msg.pop(key, None)
                msg.update(
                    subtype="tombstone", text="This message was deleted.", user="USLACKBOT", hidden=True
                )
            else:
                self._messages.remove(msg)
            deleted_at = self._next_ts()
            event: Json = {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "channel": channel,
                "channel_type": self._channel_type(channel),
                "ts": deleted_at,
                "event_ts": deleted_at,
                "deleted_ts": ts,
                "previous_message": previous,
            }
            return self._envelope(team, event)

    def message_event(self, channel: str, ts: str) -> Json:
        """The Events API envelope (``event_callback``) Slack sends for a stored message.

        Post it as it is, ``SlackClient.post(json.dumps(envelope).encode(), JSON)``, or pass
        ``envelope["event"]`` to ``SlackClient.event`` with the envelope's ``event_id``,
        ``event_time`` and ``team_id``."""
        with self._cond:
            msg = self._stored(channel, ts)
            team = self.team(msg["team_id"])
            event = self._api_message(team, msg, thread_fields=False)
            event.update(channel=channel, channel_type=self._channel_type(channel), event_ts=ts)
            return self._envelope(team, event)

    def member_joined_channel(
        self, channel: str, *, inviter: str | None = None, team_id: str | None = None
    ) -> Json:
        """Invite the bot into ``channel`` (it becomes a member) and return the
        ``member_joined_channel`` envelope Slack sends the app about itself."""
        with self._cond:
            team = self.team(team_id)
            self.private_channels_without_bot.discard(channel)
            self.public_channels_without_bot.discard(channel)
            event: Json = {
                "type": "member_joined_channel",
                "user": team.bot_user_id,
                "channel": channel,
                # Slack says "C" for a public channel and "G" for a private one in this event.
                "channel_type": "C" if self._channel_type(channel) == "channel" else "G",
                "team": team.id,
                "event_ts": self._next_ts(),
            }
            if inviter is not None:
                event["inviter"] = inviter
            return self._envelope(team, event)

    def _envelope(self, team: Team, event: Json) -> Json:
        body, _ = event_callback(
            event,
            team_id=team.id,
            event_id=f"Ev{next(self._ids):08X}",
            event_time=int(self.wall_clock().timestamp()),
            api_app_id=API_APP_ID,
            bot_user_id=team.bot_user_id,
        )
        envelope: Json = json.loads(body)
        return envelope

    def _stored(self, channel: str, ts: str) -> dict[str, Any]:
        msg = self.message(channel, ts)
        if msg is None:
            raise KeyError(f"no message at {ts} in {channel}")
        return msg

    # -- records ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    def reset_calls(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls to ``method`` arrived; returns all calls to it."""
        with self._cond:
            done = self._cond.wait_for(
                lambda: sum(c.method == method for c in self._calls) >= count, timeout=timeout
            )
            if not done:
                seen = [f"{c.method} -> {c.status} {c.error or 'ok'}" for c in self._calls[-50:]]
                raise AssertionError(
                    f"expected {count} call(s) to {method} within {timeout}s; calls seen: {seen}"
                )
            return [c for c in self._calls if c.method == method]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Messages in channels: posted by the bot (minus deleted ones) and seeded ones."""
        with self._cond:
            return list(self._messages)

    @property
    def ephemerals(self) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._ephemerals)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._cond:
            return next((m for m in self._messages if m["channel"] == channel and m["ts"] == ts), None)

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        with self._cond:
            return [m for m in self._messages if m["channel"] == channel]

    @property
    def views(self) -> dict[str, dict[str, Any]]:
        """Views by id (modals opened/pushed/updated and home tabs)."""
        with self._cond:
            return dict(self._views)

    def home_view(self, user_id: str, team_id: str | None = None) -> dict[str, Any] | None:
        with self._cond:
            view_id = self._home.get((team_id or self.team_id, user_id))
            return self._views.get(view_id) if view_id else None

    # -- response URLs ------------------------------------------------------------------------

    def response_url(self, name: str = "x", *, channel: str | None = None, ts: str | None = None) -> str:
        """A fresh response_url. Bind it to a message (``channel``, ``ts``) to make
        ``replace_original``/``delete_original`` act on ``.messages``."""
        with self._cond:
            url_id = f"R{next(self._ids):06d}"
            self._response_urls[url_id] = {"name": name, "channel": channel, "ts": ts, "uses": 0}
        return f"{self.url}/response/{url_id}"

    @property
    def responses(self) -> list[dict[str, Any]]:
        """Posts to response URLs: ``{"url_id", "name", "status", "body", **body}``."""
        with self._cond:
            return list(self._responses)

    def reset_responses(self) -> None:
        with self._cond:
            self._responses.clear()

    def wait_for_response(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._responses) >= count, timeout=timeout):
                raise AssertionError(
                    f"expected {count} response_url post(s) within {timeout}s; got {self._responses}"
                )
            return list(self._responses)

    def wait_for_response_to(self, url: str, timeout: float = 5.0) -> dict[str, Any]:
        """The first post to ``url`` (from ``response_url()``), waiting for it without polling."""
        url_id = url.rsplit("/", 1)[-1]

        def first() -> dict[str, Any] | None:
            return next((r for r in self._responses if r["url_id"] == url_id), None)

        with self._cond:
            if not self._cond.wait_for(first, timeout=timeout):
                raise AssertionError(f"no post to {url} within {timeout}s")
            found = first()
            assert found is not None
            return found

    # -- fault injection & rate limits --------------------------------------------------------

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next ``times`` calls to ``method`` with HTTP ``status``.

        429 carries ``Retry-After``. ``method`` may be "*" (any method) or "response_url".
        """
        if status == 429:
            fault = _Fault(status, "ratelimited", retry_after)
        else:
            fault = _Fault(status, _FAULT_ERRORS.get(status, "fatal_error"))
        with self._cond:
            self._faults.setdefault(method, deque()).extend([fault] * times)

    def error_next(self, method: str, error: str = "ratelimited", times: int = 1) -> None:
        """Answer the next ``times`` calls with HTTP 200 ``{"ok": false, "error": error}``."""
        with self._cond:
            self._faults.setdefault(method, deque()).extend([_Fault(200, error)] * times)

    def fail_ratio(self, method: str, status: int = 500, ratio: float = 0.1, seed: int = 0) -> None:
        """Answer a deterministic ``ratio`` of calls to ``method`` with HTTP ``status``."""
        with self._cond:
            if ratio <= 0:
                self._ratio_faults.pop(method, None)
            else:
                self._ratio_faults[method] = _RatioFault(status, ratio, random.Random(seed))

    def ratelimit_ratio(self, method: str, ratio: float = 0.05, seed: int = 0, retry_after: int = 1) -> None:
        """Answer a deterministic ``ratio`` of calls to ``method`` with a 429 and ``Retry-After``
        (alongside any ``fail_ratio`` on the same method); counted in ``ratelimited["injected"]``."""
        fault = _RatioFault(429, ratio, random.Random(seed), mode="429", seconds=float(retry_after))
        self._set_ratio(method, fault, ratio)

    def fail_ratio_after_applying(
        self, method: str, status: int = 500, ratio: float = 0.1, seed: int = 0
    ) -> None:
        """Like ``fail_ratio``, but the call is applied first (the message is stored), then
        answered with HTTP ``status``: Slack's ``internal_error`` may have succeeded."""
        self._set_ratio(method, _RatioFault(status, ratio, random.Random(seed), mode="apply"), ratio)

    def slow_ratio(self, method: str, seconds: float, ratio: float = 0.1, seed: int = 0) -> None:
        """Apply (and record) a deterministic ``ratio`` of calls to ``method`` at once, then
        wait ``seconds`` of real time before answering them."""
        self._set_ratio(
            method, _RatioFault(200, ratio, random.Random(seed), mode="slow", seconds=seconds), ratio
        )

    def drop_ratio(self, method: str, ratio: float = 0.1, seed: int = 0) -> None:
        """Apply (and record) a deterministic ``ratio`` of calls to ``method``, then close the
        connection without any HTTP response (the client sees a dropped connection)."""
        self._set_ratio(method, _RatioFault(200, ratio, random.Random(seed), mode="drop"), ratio)

    def _set_ratio(self, method: str, fault: _RatioFault, ratio: float) -> None:
        """Ratio faults of different modes on one method draw in turn, each with its own rng."""
        with self._cond:
            key = method if fault.mode == "answer" else f"{method}#{fault.mode}"
            if ratio <= 0:
                self._ratio_faults.pop(key, None)
            else:
                self._ratio_faults[key] = fault

    def workspace_limit(self, method: str = "chat.postMessage", per_second: float | None = 10.0) -> None:
        """A workspace-wide ``per_second`` limit on ``method`` as a token bucket (rate
        ``per_second``, burst ``per_second``) on ``self.clock``: beyond it, 429 with an honest
        ``Retry-After``. ``None`` removes it. Counted in ``ratelimited["limit"]``."""
        with self._cond:
            if per_second is None:
                self._buckets.pop(method, None)
            else:
                if per_second <= 0:
                    raise ValueError("per_second must be positive")
                self._buckets[method] = _TokenBucket(per_second, max(1.0, per_second))

    def clear_faults(self) -> None:
        with self._cond:
            self._faults.clear()
            self._ratio_faults.clear()

    def rate_limit(
        self,
        method: str = "chat.postMessage",
        per_channel_per_second: float | None = 1.0,
        per_team_per_minute: float | None = None,
    ) -> None:
        """Enforce Slack-like limits on ``method``; beyond them answer 429 with an honest
        ``Retry-After``. Both limits ``None`` removes the limit. Uses ``self.clock``.

        The per-channel default is chat.postMessage's 1 per second; a tiered method has only a
        workspace limit: ``rate_limit("conversations.history", None, TIERS[3])``."""
        with self._cond:
            if per_channel_per_second is None and per_team_per_minute is None:
                self._rate_limits.pop(method, None)
                return
            self._rate_limits[method] = _RateLimit(
                per_channel=_Window.from_rate(per_channel_per_second, 1.0)
                if per_channel_per_second
                else None,
                per_team=_Window.from_rate(per_team_per_minute, 60.0) if per_team_per_minute else None,
            )

    def unlisted_app(self, unlisted: bool = True) -> None:
        """Answer conversations.history/.replies as Slack does for an app created after May 29,
        2025, commercially distributed and not Marketplace-approved: 1 request per minute per
        workspace (``rate_limit``) and ``limit`` 15 by default and at most. ``False`` restores
        Tier 3 paging with no limit enforced (enforce Tier 3 with ``rate_limit(m, None, TIERS[3])``).
        """
        with self._cond:
            for method in HISTORY_METHODS:
                if unlisted:
                    self.page_sizes[method] = (UNLISTED_HISTORY_LIMIT, UNLISTED_HISTORY_LIMIT)
                    self.rate_limit(method, None, UNLISTED_HISTORY_PER_MINUTE)
                else:
                    self.page_sizes[method] = _PAGE_SIZES[method]
                    self.rate_limit(method, None, None)

    def _take_fault(self, method: str) -> _Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                return queue.popleft()
        limited = self._ratio_faults.get(f"{method}#429")
        if limited is not None and limited.rng.random() < limited.ratio:
            return _Fault(429, "ratelimited", max(1, int(limited.seconds)))
        ratio = self._ratio_faults.get(method)
        if ratio is not None and ratio.rng.random() < ratio.ratio:
            if ratio.status == 429:
                return _Fault(429, "ratelimited", 1)
            return _Fault(ratio.status, _FAULT_ERRORS.get(ratio.status, "fatal_error"))
        return None

    def _take_applied_fault(self, method: str) -> _RatioFault | None:
        """A fault that lets the call happen first (``apply``, ``slow``, ``drop``), if one fires."""
        for mode in ("drop", "apply", "slow"):
            fault = self._ratio_faults.get(f"{method}#{mode}")
            if fault is not None and fault.rng.random() < fault.ratio:
                self.applied_faults[mode] += 1
                return fault
        return None

    def _count_429(self, method: str, cause: str) -> None:
        self.ratelimited[cause] += 1
        key = (method, cause)
        self.ratelimited_by_method[key] = self.ratelimited_by_method.get(key, 0) + 1

    def _check_rate_limit(self, method: str, team: Team, params: Json) -> int | None:
        """Retry-After seconds when the call is over a limit, else record the hit."""
        limit = self._rate_limits.get(method)
        bucket = self._buckets.get(method)
        if limit is None and bucket is None:
            return None
        if limit is None:
            limit = _RateLimit(None, None)
        now = self.clock()
        channel_key = f"{team.id}/{params.get('channel') or ''}"
        waits = []
        if limit.per_channel:
            waits.append(limit.per_channel.retry_after(channel_key, now))
        if limit.per_team:
            waits.append(limit.per_team.retry_after(team.id, now))
        wait = max(waits, default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        if bucket is not None:
            wait = bucket.take(team.id, now)
            if wait > 0:
                return max(1, math.ceil(wait))
        if limit.per_channel:
            limit.per_channel.hit(channel_key, now)
        if limit.per_team:
            limit.per_team.hit(team.id, now)
        return None

    # -- request handling ---------------------------------------------------------------------

    def _handle(self, verb: str, path: str, headers: dict[str, str], body: bytes) -> _Reply:
        """Route one HTTP request; never raises (a crash answers 500 and is recorded)."""
        parts = urlsplit(path)
        try:
            if parts.path.startswith("/api/") and verb in ("GET", "POST"):
                return self._handle_api(parts.path[5:], parts.query, headers, body)
            if parts.path.startswith("/response/") and verb == "POST":
                return self._handle_response(parts.path[len("/response/") :], headers, body)
            return _text_reply(404, "not found")
        except _Drop:
            raise
        except Exception:
            tb = traceback.format_exc()
            with self._cond:
                self.server_errors.append(tb)
                if parts.path.startswith("/api/"):
                    self._record(
                        Call(parts.path[5:], {}, "", 500, False, "fake_slack_crash", at=self.clock())
                    )
            return _json_reply(500, {"ok": False, "error": "fake_slack_crash", "detail": tb.splitlines()[-1]})

    def _parse_params(self, query: str, headers: dict[str, str], body: bytes) -> Json:
        params: Json = dict(parse_qsl(query, keep_blank_values=True))
        content_type = headers.get("content-type", "")
        mime = content_type.split(";")[0].strip().lower()
        if mime == "application/json":
            try:
                data = json.loads(body or b"{}")
            except ValueError as exc:
                raise ApiError("invalid_json") from exc
            if not isinstance(data, dict):
                raise ApiError("invalid_json")
            params.update(data)
        elif mime == "multipart/form-data":
            params.update(_parse_multipart(body, content_type))
        elif body:
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        for key in _JSON_FIELDS:
            value = params.get(key)
            if isinstance(value, str):
                # Undecodable values stay strings; the method answers invalid_blocks_format & co.
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    def _handle_api(self, method: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        now = self.clock()
        auth = headers.get("authorization", "")
        parse_error: str | None = None
        try:
            params = self._parse_params(query, headers, body)
        except ApiError as exc:
            params, parse_error = {}, exc.error
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else params.get("token")
        params.pop("token", None)
        with self._cond:
            team = self._teams_by_token.get(token or "")
            team_id = team.id if team else ""

            def reply(status: int, data: Json, extra_headers: dict[str, str] | None = None) -> _Reply:
                ok = bool(data.get("ok")) and status == 200
                self._record(Call(method, params, team_id, status, ok, data.get("error"), data, now))
                return _json_reply(status, data, extra_headers)

            fault = self._take_fault(method)
            if fault is not None:
                extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
                if fault.status == 429:
                    self._count_429(method, "injected")
                return reply(fault.status, {"ok": False, "error": fault.error}, extra)
            if method == "oauth.v2.access":  # the app's credentials, not a token, authorise it
                return reply(200, self._oauth_v2_access(headers, params))
            handler = self._methods.get(method)
            if handler is None:
                return reply(200, {"ok": False, "error": "unknown_method"})
            if not token:
                return reply(200, {"ok": False, "error": "not_authed"})
            if team is None:
                return reply(200, {"ok": False, "error": "invalid_auth"})
            if parse_error:
                return reply(200, {"ok": False, "error": parse_error})
            wait = self._check_rate_limit(method, team, params)
            if wait is not None:
                self._count_429(method, "limit")
                return reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)})
            applied = self._take_applied_fault(method)
            try:
                # Handlers get a copy so later mutation of a stored object cannot rewrite the record.
                result = handler(team, copy.deepcopy(params))
            except ApiError as exc:
                return reply(200, {"ok": False, "error": exc.error, **exc.extra})
            if applied is None:
                return reply(200, {"ok": True, **result})
            if applied.mode == "drop":
                # Recorded as Slack saw it (done), though the client never hears so.
                self._record(Call(method, params, team_id, 0, True, "connection_dropped", None, now))
                raise _Drop
            if applied.mode == "apply":
                error = _FAULT_ERRORS.get(applied.status, "fatal_error")
                return reply(applied.status, {"ok": False, "error": error})
            status, out_headers, out_body = reply(200, {"ok": True, **result})
            return status, {**out_headers, _DELAY_HEADER: str(applied.seconds)}, out_body

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._cond.notify_all()

    def _handle_response(self, url_id: str, headers: dict[str, str], body: bytes) -> _Reply:
        with self._cond:
            hook = self._response_urls.get(url_id)
            if hook is None:
                return _text_reply(404, "no_active_hooks")
            try:
                payload = json.loads(body or b"")
            except ValueError:
                payload = None
            record: dict[str, Any] = {}

            def reply(status: int, text: str) -> _Reply:
                body_dict = payload if isinstance(payload, dict) else {}
                record.update({**body_dict, "url_id": url_id, "name": hook["name"], "status": status})
                record["body"] = payload
                record["error"] = None if status == 200 else text
                self._responses.append(record)
                self._cond.notify_all()
                return _text_reply(status, text)

            fault = self._take_fault("response_url")
            if fault is not None:
                return reply(fault.status, fault.error)
            if not isinstance(payload, dict):
                return reply(400, "invalid_payload")
            hook["uses"] += 1
            if hook["uses"] > RESPONSE_URL_MAX_USES:
                return reply(404, "used_url")
            try:
                _check_message_content(payload, require_content=not _truthy(payload.get("delete_original")))
            except ApiError as exc:
                return reply(400, exc.error)
            self._apply_response(hook, payload)
            return reply(200, "ok")

    def _apply_response(self, hook: dict[str, Any], payload: Json) -> None:
        if hook["channel"] is None or hook["ts"] is None:
            return
        msg = self.message(hook["channel"], hook["ts"])
        if msg is None:
            return
        if _truthy(payload.get("delete_original")):
            self._messages.remove(msg)
        elif _truthy(payload.get("replace_original")):
            msg["text"] = payload.get("text", "")
            msg["blocks"] = payload.get("blocks")

    # -- shared pieces for handlers -----------------------------------------------------------

    def _next_ts(self) -> str:
        n = next(self._ts)
        if self.real_ts:
            n = max(self._last_ts + 100, int(self.wall_clock().timestamp() * 1_000_000))
            self._last_ts = n
        return f"{n // 1_000_000}.{n % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def _require_user(self, team: Team, user_id: Any) -> dict[str, Any]:
        user = self._users.get((team.id, str(user_id or "")))
        if user is None:
            raise ApiError("user_not_found")
        return user

    def _resolve_channel(self, team: Team, channel: Any, *, posting: bool = True) -> str:
        """Slack's channel checks for posting; a user id means the bot's DM with that user."""
        channel = str(channel or "")
        if channel[:1] in ("U", "W") and (team.id, channel) in self._users:
            return "D" + channel
        if channel[:1] not in ("C", "D", "G"):
            raise ApiError("channel_not_found")
        if channel in self.private_channels_without_bot:
            raise ApiError("not_in_channel" if posting else "channel_not_found")
        if posting and channel in self.public_channels_without_bot:
            raise ApiError("not_in_channel")
        if posting and channel in self.archived_channels:
            raise ApiError("is_archived")
        return channel

    def _channel_object(self, channel: str, team_id: str) -> dict[str, Any]:
        member = channel not in self.private_channels_without_bot | self.public_channels_without_bot
        if channel in self._channels:
            stored = copy.deepcopy(self._channels[channel])
            stored.update(is_member=member, is_archived=channel in self.archived_channels)
            return stored
        is_im = channel.startswith("D")
        is_mpim = channel in self._mpims
        obj: dict[str, Any] = {
            "id": channel,
            "created": 1_600_000_000,
            "is_archived": channel in self.archived_channels,
            "is_channel": channel.startswith("C") and not is_mpim,
            "is_group": channel.startswith("G") and not is_mpim,
            "is_im": is_im,
            "is_mpim": is_mpim,
            "is_private": not channel.startswith("C")
            or is_mpim
            or channel in self.private_channels_without_bot,
            "is_member": member,
            "context_team_id": team_id,
        }
        if is_im:
            obj["user"] = channel[1:]
        else:
            obj.update(name=f"channel-{channel.lower()}", name_normalized=f"channel-{channel.lower()}")
        return obj

    def _channel_type(self, channel: str) -> str:
        """The Events API's ``channel_type``: "channel", "group" (private), "im" or "mpim"."""
        if channel in self._mpims:
            return "mpim"
        if channel.startswith("D"):
            return "im"
        stored = self._channels.get(channel)
        private = stored["is_private"] if stored else channel[:1] != "C"
        return "group" if private or channel in self.private_channels_without_bot else "channel"

    def _channel_known(self, team: Team, channel: str) -> bool:
        """Whether Slack would find ``channel``: named with add_channel, a DM or group DM the bot
        has (opened, or with a known user), or a conversation with messages in it."""
        if channel in self._channels or (team.id, channel) in self._opened_dms:
            return True
        if channel[:1] == "D" and (team.id, channel[1:]) in self._users:
            return True
        return any(m["channel"] == channel and m["team_id"] == team.id for m in self._messages)

    def _readable_channel(self, team: Team, channel_param: Any) -> str:
        """conversations.history/.replies checks, in Slack's order: the conversation must exist
        for the bot (a private one it is not in does not), the token must have the type's
        history scope, and the bot must be a member."""
        channel = str(channel_param or "")
        if channel[:1] in ("U", "W") and (team.id, channel) in self._users:
            channel = "D" + channel
        if not self._channel_known(team, channel) or channel in self.private_channels_without_bot:
            raise ApiError("channel_not_found")
        stored = self._channels.get(channel)
        if stored is not None and stored.get("context_team_id") != team.id:
            raise ApiError("channel_not_found")
        needed = _HISTORY_SCOPES[self._channel_type(channel)]
        if needed not in team.scopes:
            raise ApiError("missing_scope", needed=needed, provided=",".join(sorted(team.scopes)))
        if channel in self.public_channels_without_bot:
            raise ApiError("not_in_channel")
        return channel

    def _replies(self, parent: dict[str, Any]) -> list[dict[str, Any]]:
        """A thread's replies, oldest first (none when ``parent`` is a reply itself)."""
        if _is_reply(parent):
            return []
        found = [
            m
            for m in self._messages
            if m["channel"] == parent["channel"]
            and m["team_id"] == parent["team_id"]
            and m.get("thread_ts") == parent["ts"]
            and m["ts"] != parent["ts"]
        ]
        return sorted(found, key=lambda m: _ts(m["ts"]))

    def _api_message(
        self, team: Team, msg: dict[str, Any], *, thread_fields: bool = True, metadata: bool = False
    ) -> Json:
        """A stored message as conversations.history/.replies (and events) show it; with
        ``metadata`` (history's ``include_all_metadata``) its ``metadata`` too, as Slack does."""
        out: Json = {"type": "message", "ts": msg["ts"]}
        if msg.get("user"):
            out["user"] = msg["user"]
        out["text"] = msg.get("text") or ""
        out["team"] = msg["team_id"]
        subtype = msg.get("subtype")
        if _is_reply(msg) and msg.get("reply_broadcast"):
            subtype = "thread_broadcast"
        if subtype:
            out["subtype"] = subtype
        if msg.get("hidden"):
            out["hidden"] = True
        if msg.get("bot_id"):
            out["bot_id"] = msg["bot_id"]
            if msg["bot_id"] == team.bot_id:
                out["app_id"] = API_APP_ID
        for key in ("blocks", "attachments", "files", "reactions", "edited"):
            if msg.get(key):
                out[key] = copy.deepcopy(msg[key])
        if metadata and isinstance(msg.get("metadata"), dict):
            stored = msg["metadata"]
            out["metadata"] = {
                "event_type": stored.get("event_type"),
                "event_payload": copy.deepcopy(stored.get("event_payload") or {}),
            }
        if _is_reply(msg):
            out["thread_ts"] = msg["thread_ts"]
            parent = self.message(msg["channel"], msg["thread_ts"])
            if parent is not None and parent.get("user"):
                out["parent_user_id"] = parent["user"]
            if subtype == "thread_broadcast" and parent is not None:
                out["root"] = self._api_message(team, parent)
        elif thread_fields:
            replies = self._replies(msg)
            if replies:
                users = list(dict.fromkeys(r["user"] for r in replies if r.get("user")))
                out.update(
                    thread_ts=msg["ts"],
                    reply_count=len(replies),
                    reply_users_count=len(users),
                    latest_reply=replies[-1]["ts"],
                    reply_users=users,
                    is_locked=False,
                    subscribed=False,
                )
        return out

    def _bot_message(self, team: Team, msg: dict[str, Any]) -> Json:
        """The ``message`` object Slack returns for a bot-authored message."""
        out: Json = {
            "type": "message",
            "user": team.bot_user_id,
            "bot_id": team.bot_id,
            "app_id": "A0001",
            "text": msg["text"],
            "ts": msg["ts"],
            "team": team.id,
        }
        if msg.get("blocks") is not None:
            out["blocks"] = msg["blocks"]
        if msg.get("attachments") is not None:
            out["attachments"] = msg["attachments"]
        if msg.get("thread_ts"):
            out["thread_ts"] = msg["thread_ts"]
        return out

    def _find_message(self, channel: str, ts: Any) -> dict[str, Any]:
        msg = self.message(channel, str(ts or ""))
        if msg is None:
            raise ApiError("message_not_found")
        return msg

    # -- methods: auth / team / users ---------------------------------------------------------

    def _auth_test(self, team: Team, p: Json) -> Json:
        return {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "rapport",
            "team_id": team.id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
        }

    def _team_info(self, team: Team, p: Json) -> Json:
        return {
            "team": {
                "id": team.id,
                "name": team.name,
                "url": f"https://{team.domain}.slack.com/",
                "domain": team.domain,
                "email_domain": "",
                "icon": {"image_default": True},
                "is_verified": False,
            }
        }

    def _team_profile_get(self, team: Team, p: Json) -> Json:
        return {"profile": {"fields": copy.deepcopy(self.profile_field_defs), "sections": []}}

    @staticmethod
    def _member(user: dict[str, Any]) -> Json:
        # users.list / users.info leave custom profile fields out; only users.profile.get has them.
        member = copy.deepcopy(user)
        member["profile"].pop("fields", None)
        return member

    def _users_list(self, team: Team, p: Json) -> Json:
        members = [u for (tid, _), u in self._users.items() if tid == team.id]
        try:
            limit = int(p.get("limit") or 0)
        except ValueError as exc:
            raise ApiError("invalid_limit") from exc
        limit = min(limit or 200, 1000)
        start = 0
        if p.get("cursor"):
            next_id = _decode_cursor(str(p["cursor"]))
            ids = [u["id"] for u in members]
            if next_id not in ids:
                raise ApiError("invalid_cursor")
            start = ids.index(next_id)
        page = members[start : start + limit]
        rest = members[start + limit :]
        return {
            "members": [self._member(u) for u in page],
            "cache_ts": int(self.wall_clock().timestamp()),
            "response_metadata": {"next_cursor": _encode_cursor(rest[0]["id"]) if rest else ""},
        }

    def _users_info(self, team: Team, p: Json) -> Json:
        return {"user": self._member(self._require_user(team, p.get("user")))}

    def _users_lookup_by_email(self, team: Team, p: Json) -> Json:
        email = str(p.get("email") or "").lower()
        for (tid, _), user in self._users.items():
            if tid == team.id and str(user["profile"].get("email", "")).lower() == email and email:
                return {"user": self._member(user)}
        raise ApiError("users_not_found")

    def _users_profile_get(self, team: Team, p: Json) -> Json:
        user = self._require_user(team, p.get("user") or team.bot_user_id)
        return {"profile": copy.deepcopy(user["profile"])}

    # -- methods: conversations ---------------------------------------------------------------

    def _conversations_open(self, team: Team, p: Json) -> Json:
        if p.get("channel"):
            channel = self._resolve_channel(team, p["channel"], posting=False)
            return {"channel": {"id": channel}}
        users = p.get("users")
        ids = (
            users
            if isinstance(users, list)
            else [u.strip() for u in str(users or "").split(",") if u.strip()]
        )
        if not ids:
            raise ApiError("users_list_not_supplied")
        if len(ids) > 8:
            raise ApiError("too_many_users")
        for uid in ids:
            user = self._require_user(team, uid)
            if user["deleted"]:
                raise ApiError("user_disabled")
            if user["is_bot"] and len(ids) == 1:
                raise ApiError("cannot_dm_bot")
        if len(ids) == 1:
            channel = "D" + ids[0]
        else:
            digest = hashlib.sha1(",".join(sorted(ids)).encode()).hexdigest()[:10].upper()
            channel = "G" + digest
            self._mpims.add(channel)
        key = (team.id, channel)
        out: Json = {"channel": {"id": channel}}
        if key in self._opened_dms:
            out.update(no_op=True, already_open=True)
        self._opened_dms.add(key)
        if _truthy(p.get("return_im")):
            out["channel"] = self._channel_object(channel, team.id)
        return out

    def _conversations_join(self, team: Team, p: Json) -> Json:
        channel = str(p.get("channel") or "")
        if not channel:
            raise ApiError("channel_not_found")
        if channel in self.private_channels_without_bot or channel[:1] in ("D", "G"):
            raise ApiError("method_not_supported_for_channel_type")
        if channel[:1] != "C":
            raise ApiError("channel_not_found")
        if channel in self.archived_channels:
            raise ApiError("is_archived")
        self.public_channels_without_bot.discard(channel)
        return {"channel": self._channel_object(channel, team.id)}

    def _conversations_list(self, team: Team, p: Json) -> Json:
        """Channels named with add_channel; private ones only when the bot is in them (as Slack)."""
        types = {t.strip() for t in str(p.get("types") or "public_channel").split(",")}
        found = []
        for channel_id in self._channels:
            obj = self._channel_object(channel_id, team.id)
            if obj.get("context_team_id") != team.id or obj.get("is_im"):
                continue
            if obj.get("is_mpim"):
                if "mpim" in types and obj["is_member"]:
                    found.append(obj)
                continue
            if obj["is_private"] and ("private_channel" not in types or not obj["is_member"]):
                continue
            if not obj["is_private"] and "public_channel" not in types:
                continue
            if obj["is_archived"] and _truthy(p.get("exclude_archived")):
                continue
            found.append(obj)
        try:
            limit = min(int(p.get("limit") or 100), 1000)
        except ValueError as exc:
            raise ApiError("invalid_limit") from exc
        start = 0
        if p.get("cursor"):
            ids = [c["id"] for c in found]
            next_id = _decode_cursor(str(p["cursor"]))
            if next_id not in ids:
                raise ApiError("invalid_cursor")
            start = ids.index(next_id)
        page, rest = found[start : start + limit], found[start + limit :]
        return {
            "channels": page,
            "response_metadata": {"next_cursor": _encode_cursor(rest[0]["id"]) if rest else ""},
        }

    def _conversations_info(self, team: Team, p: Json) -> Json:
        channel = self._resolve_channel(team, p.get("channel"), posting=False)
        return {"channel": self._channel_object(channel, team.id)}

    def _conversations_history(self, team: Team, p: Json) -> Json:
        """Newest first; thread replies only as broadcasts; paged by ``next_ts`` cursors."""
        channel = self._readable_channel(team, p.get("channel"))
        oldest = _ts_param(p, "oldest", "invalid_ts_oldest")
        latest = _ts_param(p, "latest", "invalid_ts_latest")
        inclusive = _truthy(p.get("inclusive"))
        start = _cursor_ts(p)
        limit = _page_limit(p, *self.page_sizes["conversations.history"])
        found = sorted(
            (
                m
                for m in self._messages
                if m["channel"] == channel
                and m["team_id"] == team.id
                and (not _is_reply(m) or m.get("reply_broadcast"))
                and _in_range(_ts(m["ts"]), oldest, latest, inclusive)
                and (start is None or _ts(m["ts"]) <= start)
            ),
            key=lambda m: _ts(m["ts"]),
            reverse=True,
        )
        page, rest = found[:limit], found[limit:]
        metadata = _truthy(p.get("include_all_metadata"))
        out: Json = {
            "messages": [self._api_message(team, m, metadata=metadata) for m in page],
            "has_more": bool(rest),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if rest:
            out["response_metadata"] = {"next_cursor": _ts_cursor(rest[0]["ts"])}
        return out

    def _conversations_replies(self, team: Team, p: Json) -> Json:
        """The thread of ``ts`` (its parent or any reply): the parent first, on the first page
        only, then the replies oldest first (``oldest``/``latest`` bound the replies)."""
        channel = self._readable_channel(team, p.get("channel"))
        msg = self.message(channel, str(p.get("ts") or ""))
        if msg is None or msg["team_id"] != team.id:
            raise ApiError("thread_not_found")
        if _is_reply(msg):
            parent = self.message(channel, msg["thread_ts"])
            if parent is None:
                raise ApiError("thread_not_found")
        else:
            parent = msg
        oldest = _ts_param(p, "oldest", "invalid_ts_oldest")
        latest = _ts_param(p, "latest", "invalid_ts_latest")
        inclusive = _truthy(p.get("inclusive"))
        start = _cursor_ts(p)
        limit = _page_limit(p, *self.page_sizes["conversations.replies"])
        thread = [parent] + [
            r for r in self._replies(parent) if _in_range(_ts(r["ts"]), oldest, latest, inclusive)
        ]
        if start is not None:
            thread = [m for m in thread if _ts(m["ts"]) >= start]
        page, rest = thread[:limit], thread[limit:]
        metadata = _truthy(p.get("include_all_metadata"))
        out: Json = {
            "messages": [self._api_message(team, m, metadata=metadata) for m in page],
            "has_more": bool(rest),
        }
        if rest:
            out["response_metadata"] = {"next_cursor": _ts_cursor(rest[0]["ts"])}
        return out

    # -- methods: chat ------------------------------------------------------------------------

    def _chat_post_message(self, team: Team, p: Json) -> Json:
        channel = self._resolve_channel(team, p.get("channel"))
        _check_message_content(p)
        msg: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "ts": self._next_ts(),
            "text": p.get("text") or "",
            "blocks": p.get("blocks"),
            "attachments": p.get("attachments"),
            "thread_ts": p.get("thread_ts") or None,
            "reply_broadcast": _truthy(p.get("reply_broadcast")),
            "metadata": p.get("metadata"),
            "user": team.bot_user_id,
            "bot_id": team.bot_id,
            "team_id": team.id,
        }
        self._messages.append(msg)
        return {"channel": channel, "ts": msg["ts"], "message": self._bot_message(team, msg)}

    def _chat_post_ephemeral(self, team: Team, p: Json) -> Json:
        channel = self._resolve_channel(team, p.get("channel"))
        if not p.get("user"):
            raise ApiError("user_not_found")
        _check_message_content(p)
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel,
                "user": p["user"],
                "message_ts": ts,
                "text": p.get("text") or "",
                "blocks": p.get("blocks"),
                "thread_ts": p.get("thread_ts") or None,
                "team_id": team.id,
            }
        )
        return {"message_ts": ts}

    def _chat_update(self, team: Team, p: Json) -> Json:
        channel = self._resolve_channel(team, p.get("channel"))
        msg = self._find_message(channel, p.get("ts"))
        if msg.get("bot_id") != team.bot_id:
            raise ApiError("cant_update_message")
        _check_message_content(p)
        # Slack keeps the old blocks when `blocks` is absent; an empty list removes them.
        if "text" in p:
            msg["text"] = p["text"] or ""
        for key in ("blocks", "attachments", "metadata"):
            if key in p:
                msg[key] = p[key] or None
        msg["edited"] = {"user": team.bot_user_id, "ts": self._next_ts()}
        return {
            "channel": channel,
            "ts": msg["ts"],
            "text": msg["text"],
            "message": self._bot_message(team, msg),
        }

    def _chat_delete(self, team: Team, p: Json) -> Json:
        channel = self._resolve_channel(team, p.get("channel"))
        msg = self._find_message(channel, p.get("ts"))
        if msg.get("bot_id") != team.bot_id:
            raise ApiError("cant_delete_message")
        self._messages.remove(msg)
        return {"channel": channel, "ts": msg["ts"]}

    def _chat_get_permalink(self, team: Team, p: Json) -> Json:
        channel = self._resolve_channel(team, p.get("channel"), posting=False)
        msg = self._find_message(channel, p.get("message_ts"))
        link = f"https://{team.domain}.slack.com/archives/{channel}/p{msg['ts'].replace('.', '')}"
        if msg.get("thread_ts") and msg["thread_ts"] != msg["ts"]:
            link += f"?thread_ts={msg['thread_ts']}&cid={channel}"
        return {"channel": channel, "permalink": link}

    # -- methods: views -----------------------------------------------------------------------

    def _check_view(self, p: Json, *, kind: str | None) -> Json:
        view = p.get("view")
        if not isinstance(view, dict):
            raise ApiError("invalid_arguments", response_metadata={"messages": ["[ERROR] missing view"]})
        if kind is not None and view.get("type") != kind:
            raise ApiError(
                "invalid_arguments", response_metadata={"messages": [f"[ERROR] view.type must be {kind}"]}
            )
        errors = view_errors(view)
        if errors:
            raise _invalid_blocks(errors)
        return view

    def _check_trigger(self, p: Json) -> None:
        trigger = p.get("trigger_id")
        if not trigger:
            raise ApiError("invalid_trigger_id")
        if trigger in self.expired_trigger_ids:
            raise ApiError("expired_trigger_id")

    def _store_view(
        self, team: Team, view: Json, view_id: str, *, root: str | None = None, previous: str | None = None
    ) -> Json:
        stored: Json = {
            "id": view_id,
            "team_id": team.id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self.wall_clock().timestamp())}.{next(self._ids):08x}",
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "external_id": view.get("external_id", ""),
            "previous_view_id": previous,
            "root_view_id": root or view_id,
            "app_id": "A0001",
            "app_installed_team_id": team.id,
            "bot_id": team.bot_id,
        }
        self._views[view_id] = stored
        return copy.deepcopy(stored)

    def _views_publish(self, team: Team, p: Json) -> Json:
        user_id = str(p.get("user_id") or "")
        if not user_id:
            raise ApiError("invalid_arguments", response_metadata={"messages": ["[ERROR] missing user_id"]})
        view = self._check_view(p, kind="home")
        view_id = self._home.get((team.id, user_id))
        if view_id and p.get("hash") and p["hash"] != self._views[view_id]["hash"]:
            raise ApiError("hash_conflict")
        view_id = view_id or self._next_id("V")
        self._home[(team.id, user_id)] = view_id
        return {"view": self._store_view(team, view, view_id)}

    def _views_open(self, team: Team, p: Json) -> Json:
        self._check_trigger(p)
        view = self._check_view(p, kind="modal")
        return {"view": self._store_view(team, view, self._next_id("V"))}

    def _views_push(self, team: Team, p: Json) -> Json:
        self._check_trigger(p)
        view = self._check_view(p, kind="modal")
        return {"view": self._store_view(team, view, self._next_id("V"))}

    def _views_update(self, team: Team, p: Json) -> Json:
        view_id = p.get("view_id")
        if not view_id and p.get("external_id"):
            view_id = next(
                (v["id"] for v in self._views.values() if v["external_id"] == p["external_id"]), None
            )
        current = self._views.get(str(view_id or ""))
        if current is None or current["team_id"] != team.id:
            raise ApiError("not_found")
        if p.get("hash") and p["hash"] != current["hash"]:
            raise ApiError("hash_conflict")
        view = self._check_view(p, kind=None)
        return {
            "view": self._store_view(
                team, view, current["id"], root=current["root_view_id"], previous=current["previous_view_id"]
            )
        }
