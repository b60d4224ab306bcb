"""`/whoknows topic`: answered inside the ack from indexed queries and the cached vocabulary."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.core import Core
from bot.expertise import commands, ranking, render
from bot.platform import blocks


def register(app: App, core: Core) -> None:
    @app.command("/whoknows")
    def on_whoknows(ack: Ack, command: dict[str, Any]) -> None:
        request = commands.parse_topic(command.get("text") or "")
        if not request.topic:
            ack(**blocks.usage("/whoknows", request.problem))
            return
        with core.db.read() as session:
            answer = ranking.who_knows(
                session, command["team_id"], command["user_id"], request.topic, core.clock()
            )
        ack(**render.whoknows(answer))
