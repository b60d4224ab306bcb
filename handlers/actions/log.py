"""Buttons on a /log answer or the logged form: Undo, a follow-up date, history pages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core import Core
from bot.relationships import interactions
from bot.relationships.render import interactions as blocks_log
from handlers.acks import ack_now
from handlers.events.home import refresh_home


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return dict((body.get("actions") or [{}])[0])


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _redraw(
    body: dict[str, Any], client: WebClient, respond: Respond, logged: interactions.Logged | None, text: str
) -> None:
    """Show the log's new state where the click came from: the /log answer or the form."""
    container = body.get("container") or {}
    if container.get("type") == "view" and container.get("view_id"):
        view = blocks_log.logged_modal(logged) if logged else blocks_log.undone_modal(text)
        client.views_update(view_id=container["view_id"], view=view)
    elif body.get("response_url"):
        reply = blocks_log.log_reply(logged) if logged else {"text": text}
        respond(replace_original=True, **reply)


def register(app: App, core: Core) -> None:
    def undo(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
        interaction_id = _number(str(_action(body).get("value") or ""))
        team_id, user_id = context.team_id or "", body["user"]["id"]
        with core.db.write() as session:
            done = interaction_id is not None and interactions.undo(session, team_id, user_id, interaction_id)
        _redraw(body, client, respond, None, blocks_log.UNDONE if done else blocks_log.NOT_UNDONE)
        refresh_home(core, client, team_id, user_id)

    def follow_up_on(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
        action = _action(body)
        interaction_id = _number(str(action.get("block_id") or "").rpartition(":")[2])
        team_id, user_id, now = context.team_id or "", body["user"]["id"], core.clock()
        try:
            due = date.fromisoformat(str(action.get("selected_date")))
        except ValueError:
            return
        with core.db.write() as session:
            added = (
                interactions.follow_up_on(session, team_id, user_id, interaction_id, due, now)
                if interaction_id is not None
                else None
            )
            shown = interactions.load_logged(session, team_id, user_id, interaction_id or 0, now)
        if shown is not None and added is not None:
            shown.follow_up_problem = added.follow_up_problem
        _redraw(body, client, respond, shown, blocks_log.NOT_UNDONE)
        refresh_home(core, client, team_id, user_id)

    def history_page(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        user, _, page = str(_action(body).get("value") or "").rpartition(":")
        with core.db.read() as session:
            reply = interactions.history_for(
                session,
                context.team_id or "",
                body["user"]["id"],
                f"<@{user}>",
                core.clock(),
                page=_number(page) or 0,
            )
        if reply.page is not None and reply.author is not None:
            respond(
                replace_original=True, **blocks_log.history_message(reply.page, reply.author, reply.today)
            )

    app.action(blocks_log.UNDO)(ack=ack_now, lazy=[undo])
    app.action(blocks_log.FOLLOW_UP_ON)(ack=ack_now, lazy=[follow_up_on])
    app.action(re.compile(f"^{blocks_log.HISTORY_PAGE}_"))(ack=ack_now, lazy=[history_page])
