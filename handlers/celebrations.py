"""The admins' workspace celebration settings: the button in `/rapport settings`, and saving them."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.celebrations import settings
from bot.celebrations.ids import Action, View
from bot.core import Core
from handlers.acks import ack_errors, ack_now


def register(app: App, core: Core) -> None:
    def open_workspace(body: dict[str, Any], client: WebClient) -> None:
        """Stacked on the settings modal: the workspace's settings for admins, why not for others."""
        view = settings.workspace_view(core.db, client, core.settings, body["team"]["id"], body["user"]["id"])
        client.views_push(trigger_id=body["trigger_id"], view=view)

    app.action(Action.CHANGE_WORKSPACE)(ack=ack_now, lazy=[open_workspace])

    @app.view(View.WORKSPACE)
    def save_workspace(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        # Who is an admin, and whether Rapport can post in the channel, only Slack knows.
        errors = settings.save_workspace(
            core.db,
            client,
            body["team"]["id"],
            body["user"]["id"],
            view["state"]["values"],
            core.clock(),
            posts=core.registry.celebration_posts,
        )
        ack_errors(ack, errors)
