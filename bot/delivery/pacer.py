"""A workspace's sending pace, shared by every thread, process and replica through the database.

A steady rate overall, one message a second in each channel, and Slack's `Retry-After` held
for everyone at once. Each send reserves the next free slot in one short write (rows of
`send_slot`, locked FOR UPDATE on PostgreSQL; SQLite's single writer serialises them) and
waits for it on the clock, unless that is more than `max_wait` away: then nothing is reserved
and the caller reschedules. Slots are `Clock.epoch` seconds, which replicas share.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.models.outbox import SendSlot
from bot.platform.clock import Clock
from bot.platform.db import Database
from bot.platform.storage import insert_many_ignore

# Workspace-wide messages a second. Slack asks for at most one message a second per channel
# and tolerates short bursts beyond that across channels; a digest run is many channels.
DEFAULT_RATE = 10.0
PER_CHANNEL_RATE = 1.0
WORKSPACE = ""  # the key of the workspace's posting budget
# A slot further ahead than this was reserved on a clock that has since gone back: ignore it.
_STALE = 15 * 60.0


class Pacer:
    """One workspace's budget: `wait` before each post, `hold` after a 429."""

    def __init__(
        self,
        db: Database,
        team_id: str,
        rate: float = DEFAULT_RATE,
        per_channel: float = PER_CHANNEL_RATE,
        *,
        clock: Clock,
        max_wait: float = 2.0,
    ) -> None:
        self.db = db
        self.team_id = team_id
        self.rate = rate
        self.interval = 1.0 / rate
        self.channel_interval = 1.0 / per_channel
        self.max_wait = max_wait
        self.clock = clock

    def delay(self, channel: str) -> float:
        """Seconds until this channel may be posted to (0: now), reserving nothing."""
        now = self.clock.epoch()
        with self.db.read() as s:
            rows = s.execute(
                select(SendSlot.free_at, SendSlot.held_until).where(
                    SendSlot.team_id == self.team_id, SendSlot.key.in_((WORKSPACE, channel))
                )
            ).all()
        return max([0.0] + [_ahead(t, now) for row in rows for t in row])

    def wait(self, channel: str) -> float:
        """Wait until this channel may be posted to; returns 0, or the (longer) wait declined.

        After waiting it looks again: a 429 met meanwhile by any sender holds this post too."""
        return self._wait(((WORKSPACE, self.interval), (channel, self.channel_interval)))

    def wait_for(self, method: str, per_minute: float) -> float:
        """`wait` for a tiered method (a history read): its own budget, `per_minute` calls."""
        return self._wait(((method, 60.0 / per_minute),))

    def hold(self, seconds: float, key: str = WORKSPACE) -> None:
        """Slack said to wait: nobody posts (or calls `key`) for `seconds`."""
        until = self.clock.epoch() + seconds
        with self.db.write() as s:
            self._ensure(s, (key,))
            s.execute(
                update(SendSlot)
                .where(SendSlot.team_id == self.team_id, SendSlot.key == key, SendSlot.held_until < until)
                .values(held_until=until)
            )

    def prune(self) -> None:
        """Forget channels' slots long past (one row per DM would otherwise pile up)."""
        with self.db.write() as s:
            s.execute(
                delete(SendSlot).where(
                    SendSlot.team_id == self.team_id,
                    SendSlot.key != WORKSPACE,
                    SendSlot.free_at < self.clock.epoch() - 60,
                    SendSlot.held_until < self.clock.epoch() - 60,
                )
            )

    def _wait(self, wants: Sequence[tuple[str, float]]) -> float:
        now = self.clock.epoch()
        keys = [k for k, _ in wants]
        with self.db.write() as s:
            rows = self._locked(s, keys)
            if len(rows) < len(keys):  # a channel's first post: make its slot once
                self._ensure(s, keys)
                rows = self._locked(s, keys)
            at = now + max(_ahead(t, now) for key in keys for t in rows[key])
            if at - now > self.max_wait:
                return at - now
            for key, interval in wants:
                # Each budget gives its own next slot: a post waiting for its channel takes the
                # workspace's earliest slot and leaves the later ones to other channels.
                mine = now + _ahead(rows[key][0], now)
                s.execute(
                    update(SendSlot)
                    .where(SendSlot.team_id == self.team_id, SendSlot.key == key)
                    .values(free_at=mine + interval)
                )
        left = at - self.clock.epoch()  # the write itself took time (waiting for the lock)
        if left > 0:
            self.clock.sleep(left)
        return self._held(keys)

    def _locked(self, session: Session, keys: Sequence[str]) -> dict[str, tuple[float, float]]:
        """The slots of `keys` (free_at, held_until), locked until the write ends."""
        return {
            key: (free, held)
            for key, free, held in session.execute(
                select(SendSlot.key, SendSlot.free_at, SendSlot.held_until)
                .where(SendSlot.team_id == self.team_id, SendSlot.key.in_(keys))
                .with_for_update()
            )
        }

    def _held(self, keys: Sequence[str]) -> float:
        now = self.clock.epoch()
        with self.db.read() as s:
            helds = s.scalars(
                select(SendSlot.held_until).where(SendSlot.team_id == self.team_id, SendSlot.key.in_(keys))
            ).all()
        return max([0.0] + [_ahead(t, now) for t in helds])

    def _ensure(self, session: Session, keys: Sequence[str]) -> None:
        insert_many_ignore(
            session,
            SendSlot,
            [{"team_id": self.team_id, "key": k, "free_at": 0.0, "held_until": 0.0} for k in keys],
            ["team_id", "key"],
        )


def _ahead(at: float, now: float) -> float:
    """How far `at` is ahead of `now` (0 when past, or when absurdly far: a clock went back)."""
    ahead = at - now
    return ahead if 0.0 < ahead < _STALE else 0.0
