"""What several listeners share: an ack for listeners whose work all comes after it, and
redrawing a digest DM."""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.nudges.acting import Redraw


def ack_now(ack: Ack) -> None:
    ack()


def update_message(client: WebClient, redraw: Redraw) -> None:
    """`chat.update` a digest as its items now read (nothing when it was never sent)."""
    if redraw.channel and redraw.ts and redraw.message:
        client.chat_update(channel=redraw.channel, ts=redraw.ts, **redraw.message)
