"""`/rapport birthday MM-DD`: a person shares (or forgets) their own birthday."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.core import Core
from bot.directory import members as people
from bot.directory.personal_dates import Birthday, parse_birthday
from bot.platform import blocks

FORGET = {"forget", "remove", "clear", "delete", "none"}


def birthday(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    team_id, user_id = command["team_id"], command["user_id"]
    now = core.clock()
    with core.db.write() as session:
        member = people.find_member(session, team_id, user_id)
        if member is None:
            return blocks.not_synced()
        current = (
            Birthday(member.birthday_month, member.birthday_day)
            if member.birthday_month and member.birthday_day
            else None
        )
        if not rest:
            return blocks.birthday_status(current)
        if rest.lower() in FORGET:
            people.set_birthday(member, None)
            return blocks.ephemeral("Done — Rapport no longer knows your birthday.")
        try:
            given = parse_birthday(rest, now.date())
        except ValueError as problem:
            return blocks.usage("/rapport", f"{blocks.escape(str(problem))}.")
        people.set_birthday(member, given)
    return blocks.birthday_saved(given, celebrated=member.celebrate_publicly and member.show_birthday)
