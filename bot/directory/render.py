"""Block Kit for the directory's own replies: a person's birthday."""

from __future__ import annotations

from bot.directory.birthdays import FORGOTTEN, SAVED, Told
from bot.help.render import not_synced, refused
from bot.platform.blocks import Payload, ephemeral


def birthday_reply(told: Told) -> Payload:
    """What `/rapport birthday …` did, or what Rapport knows of the birthday."""
    if not told.known:
        return not_synced()
    if told.refused:
        return refused(told.refused, "/rapport")
    if told.changed == FORGOTTEN:
        return ephemeral("Done — Rapport no longer knows your birthday.")
    birthday = told.birthday
    if birthday is None:
        return ephemeral(
            "Rapport doesn't know your birthday. Share it with `/rapport birthday MM-DD` "
            "(the year is never shown)."
        )
    if told.changed != SAVED:
        return ephemeral(
            f"Rapport has your birthday as {birthday.shown()}. Change it with `/rapport birthday MM-DD`, "
            "or `/rapport birthday forget`."
        )
    after = (
        "Your teammates will see it celebrated on the day (never the year)."
        if told.celebrated
        else "You opted out of birthday celebrations, so it stays private (`/rapport settings` changes that)."
    )
    kept = " I kept the year too, privately." if birthday.year else ""
    return ephemeral(f"Thanks! Your birthday is {birthday.shown()}.{kept} {after}")
