"""The "Show more" button under a `/whoknows` answer: the next page replaces the message."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond

from bot.core import Core
from bot.expertise import ranking, render
from handlers.acks import ack_now


def register(app: App, core: Core) -> None:
    def show_more(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        topic, offset = render.read_more_value(action.get("value") or "")
        if not topic:
            respond(
                replace_original=False,
                response_type="ephemeral",
                text="That button has expired; ask again with `/whoknows`.",
            )
            return
        with core.db.read() as session:
            answer = ranking.who_knows(
                session, body["team"]["id"], body["user"]["id"], topic, core.clock(), offset=offset
            )
        respond(replace_original=True, **render.whoknows(answer))

    app.action(render.SHOW_MORE)(ack=ack_now, lazy=[show_more])
