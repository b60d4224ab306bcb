"""An admin saves the workspace's celebration settings."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.celebrations import settings as celebration_settings
from bot.core import Core


def register(app: App, core: Core) -> None:
    @app.view(celebration_settings.WORKSPACE_CALLBACK)
    def save_workspace(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        # Who is an admin, and whether Rapport can post in the channel, only Slack knows.
        errors = celebration_settings.save_workspace(
            core.db, client, body["team"]["id"], body["user"]["id"], view["state"]["values"], core.clock()
        )
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()
