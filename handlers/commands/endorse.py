"""`/endorse @colleague skill, …`: vouch for a colleague; they are told in a DM after the ack."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import blocks
from bot.core import Core
from bot.expertise import commands, endorsements, render

log = logging.getLogger(__name__)


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

    def tell(command: dict[str, Any], client: WebClient) -> None:
        team_id = command["team_id"]
        with core.db.write() as session:
            notices = endorsements.claim_notices(session, team_id, command["user_id"], core.clock())
        for notice in notices:
            try:
                client.chat_postMessage(channel=notice.endorsee, **render.endorsement_dm(notice))
            except SlackApiError:
                log.warning("could not tell %s about an endorsement", notice.endorsee, exc_info=True)
                with core.db.write() as session:
                    endorsements.release(session, notice)

    app.command("/endorse")(ack=answer, lazy=[tell])
