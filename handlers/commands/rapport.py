"""`/rapport`: help, and the subcommands each capability adds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import blocks, preferences
from bot.core import Core
from handlers.commands.birthday import birthday

# A subcommand gets the rest of the text and returns the ephemeral reply to ack with.
Subcommand = Callable[[Core, dict[str, Any], str, WebClient], dict[str, Any]]


def _help(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    return blocks.help_message()


def _settings(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    with core.db.read() as session:
        view = preferences.open_settings(session, command["team_id"], command["user_id"], core.clock())
    if view is None:
        return blocks.ephemeral("I don't know you yet — try again in a minute, after Rapport syncs.")
    # Opening the modal is the answer itself; the trigger_id lasts only 3 s.
    client.views_open(trigger_id=command["trigger_id"], view=view)
    return {}


def _coming_soon(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    return blocks.coming_soon("/rapport")


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": _help,
    "settings": _settings,
    "birthday": birthday,
    "keep-in-touch": _coming_soon,
    "history": _coming_soon,
    "privacy": _coming_soon,
}


def register(app: App, core: Core) -> None:
    @app.command("/rapport")
    def rapport(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        word, _, rest = (command.get("text") or "").strip().partition(" ")
        sub = SUBCOMMANDS.get(word.lower())
        if sub is None:
            problem = None if not word else f"I don't know `/rapport {blocks.escape(word[:40])}`."
            ack(**blocks.usage("/rapport", problem))
            return
        ack(**sub(core, command, rest.strip(), client))
