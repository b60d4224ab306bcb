"""`/followups`: my open follow-ups (overdue first) and who is due for a catch-up, with buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.core import Core
from bot.relationships import agenda
from bot.relationships.render import due as blocks_followups


def followups_reply(core: Core, team_id: str, user_id: str) -> dict[str, Any]:
    """The /followups answer, also redrawn after a button changes it."""
    with core.db.read() as session:
        todo = agenda.for_author(session, team_id, user_id, core.clock())
    tz = todo.author.tz if todo.author else "UTC"
    return blocks_followups.followups_message(todo.items, todo.today, tz)


def register(app: App, core: Core) -> None:
    @app.command("/followups")
    def answer(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        ack(**followups_reply(core, context.team_id or "", command["user_id"]))
