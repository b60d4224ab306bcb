"""Posting to a `response_url`: only to Slack's hooks hosts, and never following a redirect.

A `response_url` comes inside the request, so whoever wrote the request chose it. Rapport
posts only to Slack's own hooks hosts (and, in tests and proxies, the host `SLACK_API_URL`
names), and a redirect is an error, not a second request somewhere else.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.platform.config import DEFAULT_API_URL

log = logging.getLogger(__name__)

SLACK_HOOKS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})
TIMEOUT = 10.0  # seconds; a response_url post is work after the answer, never on its path

Origin = tuple[str, str, int]


def origin(url: str) -> Origin | None:
    """(scheme, host, port) of an http(s) URL; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port


@dataclass(frozen=True)
class Hooks:
    """Where response_url posts may go: Slack's hooks over https, and the configured API's origin."""

    api_url: str = DEFAULT_API_URL

    def allows(self, url: str | None) -> bool:
        found = origin(url) if url else None
        if found is None:
            return False
        scheme, host, port = found
        if scheme == "https" and port == 443 and host in SLACK_HOOKS:
            return True
        return self.api_url != DEFAULT_API_URL and found == origin(self.api_url)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError for the 3xx instead of following it


_OPENER = urllib.request.build_opener(_NoRedirects)


def post_json(hooks: Hooks, url: str | None, message: dict[str, Any]) -> int | None:
    """POST `message` to `url` if `hooks` allows it; the HTTP status, or None when not sent."""
    if not hooks.allows(url):
        # The host only: a response_url's path carries Slack's secret for that message.
        log.warning("not posting to a response_url outside Slack's hooks (%s)", _host(url))
        return None
    assert url is not None
    request = urllib.request.Request(
        url,
        data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json;charset=utf-8"},
        method="POST",
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as e:
        log.warning("response_url answered %s", e.code)
        return e.code


def _host(url: str | None) -> str:
    found = origin(url) if url else None
    return found[1] if found else "not a URL"
