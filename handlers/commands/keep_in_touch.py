"""`/rapport keep-in-touch @who every 6 weeks` (or `… stop`, or nothing to list)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.core import Core
from bot.relationships import cadences
from bot.relationships.render import due as blocks_followups
from handlers.events.home import refresh_home


def keep_in_touch(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    with core.db.write() as session:
        result = cadences.request(session, command["team_id"], command["user_id"], rest, core.clock())
    return blocks_followups.keep_in_touch_reply(result)


def after_keep_in_touch(core: Core, command: dict[str, Any], client: WebClient) -> None:
    refresh_home(core, client, command.get("team_id"), command["user_id"])
