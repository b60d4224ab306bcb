"""What several listeners share: acks, the clicked action, and redrawing a digest DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.nudges.acting import Redraw


def ack_now(ack: Ack) -> None:
    """The ack of a listener whose whole work comes after it (in a lazy listener)."""
    ack()


def ack_errors(ack: Ack, errors: dict[str, str]) -> None:
    """A modal's answer: the errors by block id, or none (the modal closes)."""
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def clicked(body: dict[str, Any]) -> dict[str, Any]:
    """The action of a `block_actions` payload (Slack sends one per click)."""
    return dict((body.get("actions") or [{}])[0])


def update_message(client: WebClient, redraw: Redraw) -> None:
    """`chat.update` a digest as its items now read (nothing when it was never sent)."""
    if redraw.channel and redraw.ts and redraw.message:
        client.chat_update(channel=redraw.channel, ts=redraw.ts, **redraw.message)
