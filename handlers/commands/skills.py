"""`/skills`: declare skills, take them back, see mine or a colleague's."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.core import Core
from bot.expertise import commands, render, skills
from bot.platform import blocks


def register(app: App, core: Core) -> None:
    @app.command("/skills")
    def on_skills(ack: Ack, command: dict[str, Any]) -> None:
        request = commands.parse_skills(command.get("text") or "")
        team_id, user_id = command["team_id"], command["user_id"]
        if request.action == "help":
            ack(**blocks.usage("/skills", request.problem))
        elif request.writes:
            with core.db.write() as session:
                if request.action == "add":
                    name = command.get("user_name") or ""
                    changed = skills.add(session, team_id, user_id, request.text, core.clock(), name=name)
                else:
                    changed = skills.remove(session, team_id, user_id, request.text, core.clock())
            ack(**render.skills_changed(request.action, changed))
        else:
            whose = request.user_id or user_id
            with core.db.read() as session:
                found = skills.profile(session, team_id, whose)
                reply = render.profile(found, whose, mine=whose == user_id)
            ack(**reply)
