"""`user_change` and `team_join` keep the directory current between syncs."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core import Core
from bot.directory import members as people


def register(app: App, core: Core) -> None:
    def on_user(body: dict[str, Any], event: dict[str, Any]) -> None:
        with core.db.write() as session:
            people.apply_user_event(
                session, body["team_id"], body.get("event_id"), event["user"], core.clock()
            )

    app.event("user_change")(on_user)
    app.event("team_join")(on_user)
