"""The Home tab, published when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import blocks
from bot.core import Core


def register(app: App, core: Core) -> None:
    def publish(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            client.views_publish(user_id=event["user"], view=blocks.home_view())

    # Ack at once; views.publish is a network call and runs after the answer to Slack.
    app.event("app_home_opened")(ack=_ack, lazy=[publish])


def _ack(ack: Ack) -> None:
    ack()
