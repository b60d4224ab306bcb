"""`/rapport history @who`: my own timeline with someone, newest first, a page at a time."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.core import Core
from bot.platform import blocks
from bot.relationships import interactions
from bot.relationships.render import interactions as blocks_log


def history(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    with core.db.read() as session:
        reply = interactions.history_for(session, command["team_id"], command["user_id"], rest, core.clock())
    if reply.page is None or reply.author is None:
        return blocks.usage("/rapport", blocks.escape(reply.problem or ""))
    return blocks_log.history_message(reply.page, reply.author, reply.today)
