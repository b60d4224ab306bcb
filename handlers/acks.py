"""The ack of listeners whose whole work happens after it, in lazy listeners."""

from __future__ import annotations

from slack_bolt import Ack


def ack_now(ack: Ack) -> None:
    ack()
