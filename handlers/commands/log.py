"""`/log`: record a private interaction from one line (answered inside ack), or open the form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.core import Core
from bot.relationships import interactions
from bot.relationships.render import interactions as blocks_log
from handlers.events.home import refresh_home
from handlers.views.log_form import open_log_form


def register(app: App, core: Core) -> None:
    def answer(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        text = (command.get("text") or "").strip()
        if not text or not context.team_id:
            ack()  # the form opens right after, in `after`
            return
        with core.db.write() as session:
            logged = interactions.log_text(session, context.team_id, command["user_id"], text, core.clock())
        ack(**blocks_log.log_reply(logged))

    def after(command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if not (command.get("text") or "").strip():
            open_log_form(core, client, context.team_id, command["user_id"], command["trigger_id"])
        else:
            refresh_home(core, client, context.team_id, command["user_id"])

    app.command("/log")(ack=answer, lazy=[after])
