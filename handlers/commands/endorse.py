"""`/endorse @colleague skill, …`: vouch for a colleague; they hear of it in their next daily digest."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.core import Core
from bot.expertise import commands, endorsements, render
from bot.platform import blocks


def register(app: App, core: Core) -> None:
    def answer(ack: Ack, command: dict[str, Any]) -> None:
        request = commands.parse_endorse(command.get("text") or "")
        if request.problem:
            ack(**blocks.usage("/endorse", request.problem))
            return
        with core.db.write() as session:
            result = endorsements.endorse(
                session,
                command["team_id"],
                command["user_id"],
                request.people,
                request.text,
                core.clock(),
                name=command.get("user_name") or "",
            )
        ack(**render.endorsed(result))

    app.command("/endorse")(answer)
