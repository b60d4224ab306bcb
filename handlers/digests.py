"""Redrawing a daily digest DM after one of its items changed."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.nudges.acting import Acted


def update_message(client: WebClient, acted: Acted) -> None:
    """`chat.update` the digest as its items now read (nothing when it was never sent)."""
    if acted.channel and acted.ts and acted.message:
        client.chat_update(channel=acted.channel, ts=acted.ts, **acted.message)
