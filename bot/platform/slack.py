"""Slack Web API clients pointed at the configured base URL, with the retries we want."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.platform.clock import Clock, system_clock


class _WaitsOnClock:
    """slack_sdk's retry handlers sleep with `time.sleep`; ours wait on the injected clock."""

    clock: Clock

    def _pause(self, seconds: float) -> None:
        self.clock.sleep(seconds)


# Calls that do something each time they are made: after a dropped connection Slack may have
# done it already, so asking again could post twice. The outbox reconciles those instead.
NOT_IDEMPOTENT = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "chat.meMessage",
        "conversations.create",
        "files.completeUploadExternal",
        "reactions.add",
    }
)


class _ConnectionRetries(_WaitsOnClock, ConnectionErrorRetryHandler):
    def __init__(self, clock: Clock, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.clock = clock

    def _can_retry(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
        if request.url.rsplit("/", 1)[-1] in NOT_IDEMPOTENT:
            return False
        return bool(super()._can_retry(state=state, request=request, response=response, error=error))

    def prepare_for_next_attempt(self, *, state: Any, **kwargs: Any) -> None:
        state.next_attempt_requested = True
        self._pause(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


class _RateLimitRetries(_WaitsOnClock, RateLimitErrorRetryHandler):
    def __init__(self, clock: Clock, max_retry_count: int, on_429: Callable[[], None] | None) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.clock = clock
        self.on_429 = on_429

    def prepare_for_next_attempt(
        self, *, state: Any, response: Any = None, error: Any = None, **kw: Any
    ) -> None:
        if response is None:
            raise error
        if self.on_429 is not None:
            self.on_429()
        state.next_attempt_requested = True
        after = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
        try:
            seconds = float((after[0] if isinstance(after, list) else after) or 1)
        except ValueError:
            seconds = 1.0
        self._pause(max(1.0, seconds))
        state.increment_current_attempt()


def make_client(
    token: str | None,
    base_url: str,
    *,
    wait_on_rate_limit: bool = True,
    clock: Clock = system_clock,
    on_429: Callable[[], None] | None = None,
) -> WebClient:
    """A WebClient for one token.

    A dropped connection is retried for calls that may be repeated, never for posts
    (`NOT_IDEMPOTENT`). `wait_on_rate_limit` waits out Slack's `Retry-After` (on `clock`) in
    the calling thread, so only background work (jobs, code after `ack()`) should use a client
    that has it; `on_429` is told of each 429 it waits out (the metrics count them).
    """
    handlers: list[RetryHandler] = [_ConnectionRetries(clock, max_retry_count=2)]
    if wait_on_rate_limit:
        handlers.append(_RateLimitRetries(clock, max_retry_count=3, on_429=on_429))
    return WebClient(token=token, base_url=base_url, retry_handlers=handlers, timeout=10)
