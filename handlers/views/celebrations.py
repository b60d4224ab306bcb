"""An admin saves the celebrations channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import celebration_settings
from bot.core import Core


def register(app: App, core: Core) -> None:
    @app.view(celebration_settings.CHANNEL_CALLBACK)
    def save_channel(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        # Checking the admin and the channel needs Slack, and the answer depends on it.
        picked = (view["state"]["values"].get(celebration_settings.CHANNEL_BLOCK) or {}).get("value") or {}
        problem = celebration_settings.choose_channel(
            core.db,
            client,
            body["team"]["id"],
            body["user"]["id"],
            str(picked.get("selected_conversation") or ""),
            core.clock(),
        )
        if problem:
            ack(response_action="errors", errors={celebration_settings.CHANNEL_BLOCK: problem[:150]})
        else:
            ack()
