"""`/rapport`: help, and the subcommands each capability adds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core import Core
from bot.directory import settings as preferences
from bot.platform import blocks
from handlers.commands.birthday import birthday
from handlers.commands.history import history
from handlers.commands.keep_in_touch import after_keep_in_touch, keep_in_touch

# A subcommand gets the rest of the text and returns the ephemeral reply to ack with.
Subcommand = Callable[[Core, dict[str, Any], str, WebClient], dict[str, Any]]
# Work a subcommand leaves for after the answer (Slack calls such as refreshing the Home tab).
Afterwards = Callable[[Core, dict[str, Any], WebClient], None]


def _help(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    return blocks.help_message()


def _settings(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    with core.db.read() as session:
        view = preferences.open_settings(session, command["team_id"], command["user_id"], core.clock())
    if view is None:
        return blocks.not_synced()
    # Opening the modal is the answer itself; the trigger_id lasts only 3 s.
    client.views_open(trigger_id=command["trigger_id"], view=view)
    return {}


def _privacy(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    return blocks.privacy_message()


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": _help,
    "settings": _settings,
    "birthday": birthday,
    "keep-in-touch": keep_in_touch,
    "history": history,
    "privacy": _privacy,
}
AFTERWARDS: dict[str, Afterwards] = {
    "keep-in-touch": after_keep_in_touch,
}


def _split(command: dict[str, Any]) -> tuple[str, str]:
    word, _, rest = (command.get("text") or "").strip().partition(" ")
    return word.lower(), rest.strip()


def register(app: App, core: Core) -> None:
    def rapport(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        word, rest = _split(command)
        sub = SUBCOMMANDS.get(word)
        if sub is None:
            problem = None if not word else f"I don't know `/rapport {blocks.escape(word[:40])}`."
            ack(**blocks.usage("/rapport", problem))
            return
        ack(**sub(core, command, rest, client))

    def afterwards(command: dict[str, Any], client: WebClient) -> None:
        then = AFTERWARDS.get(_split(command)[0])
        if then is not None:
            then(core, command, client)

    app.command("/rapport")(ack=rapport, lazy=[afterwards])
