"""The settings modal's "Workspace celebrations (admins)" button."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.celebrations import settings as celebration_settings
from bot.core import Core
from handlers.acks import ack_now


def register(app: App, core: Core) -> None:
    def open_workspace_modal(body: dict[str, Any], client: WebClient) -> None:
        """Admins get the workspace's settings, everyone else a short explanation (stacked on settings)."""
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        if celebration_settings.is_admin(client, user_id):
            with core.db.read() as session:
                choices = celebration_settings.workspace_choices(session, core.settings, team_id)
            view = celebration_settings.workspace_modal(choices)
        else:
            view = celebration_settings.not_admin_modal()
        client.views_push(trigger_id=body["trigger_id"], view=view)

    app.action(celebration_settings.CHANGE_WORKSPACE)(ack=ack_now, lazy=[open_workspace_modal])
