"""Modal submissions: a snooze date for a digest item, and `/rapport settings`."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core import Core
from bot.directory import settings as preferences
from bot.nudges import acting
from handlers.actions.nudges import SNOOZE_CALLBACK
from handlers.digests import update_message


def register(app: App, core: Core) -> None:
    @app.view(SNOOZE_CALLBACK)
    def snooze_date(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        raw = ((view["state"]["values"].get("until") or {}).get("value") or {}).get("selected_date")
        try:
            until = date.fromisoformat(raw or "")
            item_id = int(view.get("private_metadata") or 0)
        except ValueError:
            ack(response_action="errors", errors={"until": "Pick a day."})
            return
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        with core.db.write() as s:
            acted = acting.snooze(s, team_id, user_id, item_id, until, core.clock())
        if acted.message is None and not acted.note.startswith("Snoozed"):
            ack(response_action="errors", errors={"until": acted.note})
            return
        ack()
        update_message(client, acted)

    @app.view(preferences.CALLBACK_ID)
    def save_settings(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        with core.db.write() as s:
            errors = preferences.save(s, team_id, user_id, view["state"]["values"], core.clock())
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()
