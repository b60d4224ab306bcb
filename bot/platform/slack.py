"""Slack Web API clients pointed at the configured base URL, with the retries we want."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler


def make_client(token: str | None, base_url: str, *, wait_on_rate_limit: bool = True) -> WebClient:
    """A WebClient for one token.

    `wait_on_rate_limit` sleeps for Slack's `Retry-After` in the calling thread, so only
    background work (jobs, code after `ack()`) should use a client that has it.
    """
    handlers: list[RetryHandler] = [ConnectionErrorRetryHandler(max_retry_count=2)]
    if wait_on_rate_limit:
        handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return WebClient(token=token, base_url=base_url, retry_handlers=handlers, timeout=10)
