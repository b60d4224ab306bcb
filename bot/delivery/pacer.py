"""A workspace's sending pace: a steady rate overall and one message a second in each channel."""

from __future__ import annotations

import threading

from bot.platform.clock import Clock

# Workspace-wide messages a second. Slack asks for at most one message a second per channel
# and tolerates short bursts beyond that across channels; a digest run is many channels.
DEFAULT_RATE = 10.0
PER_CHANNEL_RATE = 1.0


class Pacer:
    """Thread-safe; each send reserves the next free slot and waits for it on the clock, unless
    that is more than `max_wait` away: then nothing is reserved and the caller reschedules."""

    def __init__(
        self, rate: float, per_channel: float = PER_CHANNEL_RATE, *, clock: Clock, max_wait: float = 2.0
    ) -> None:
        self.interval = 1.0 / rate
        self.channel_interval = 1.0 / per_channel
        self.max_wait = max_wait
        self.clock = clock
        self._lock = threading.Lock()
        self._free_at = 0.0
        self._channels: dict[str, float] = {}

    def delay(self, channel: str) -> float:
        """Seconds until this channel may be posted to (0: now), reserving nothing."""
        with self._lock:
            now = self.clock.monotonic()
            return max(0.0, self._free_at - now, self._channels.get(channel, 0.0) - now)

    def wait(self, channel: str) -> float:
        """Wait until this channel may be posted to; returns 0, or the (longer) wait declined."""
        with self._lock:
            now = self.clock.monotonic()
            at = max(now, self._free_at, self._channels.get(channel, 0.0))
            if at - now > self.max_wait:
                return at - now
            self._free_at = at + self.interval
            self._channels[channel] = at + self.channel_interval
            if len(self._channels) > 10_000:
                self._channels = {c: t for c, t in self._channels.items() if t > now}
        if at > now:
            self.clock.sleep(at - now)
        return 0.0


_pacers: dict[tuple[str, str, Clock], Pacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(api_url: str, team_id: str, clock: Clock, rate: float = DEFAULT_RATE) -> Pacer:
    """The process-wide pacer of a workspace (one per Slack API, team and clock)."""
    with _pacers_lock:
        key = (api_url, team_id, clock)
        pacer = _pacers.get(key)
        if pacer is None or abs(pacer.interval - 1.0 / rate) > 1e-9:
            pacer = _pacers[key] = Pacer(rate, clock=clock)
        return pacer
