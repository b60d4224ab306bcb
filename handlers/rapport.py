"""`/rapport`: help and privacy, and the subcommands each domain answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core import Core
from bot.help.catalog import RAPPORT_ALIASES
from bot.help.render import help_message, privacy_message, rapport_usage
from handlers import directory, relationships

# A subcommand gets the rest of the text and returns the ephemeral reply to ack with.
Subcommand = Callable[[Core, dict[str, Any], str, WebClient], dict[str, Any]]
# Work a subcommand leaves for after the answer (Slack calls such as refreshing the Home tab).
Afterwards = Callable[[Core, dict[str, Any], WebClient], None]

SUBCOMMANDS: dict[str, Subcommand] = {
    "help": lambda core, command, rest, client: help_message(),
    "settings": directory.settings_subcommand,
    "birthday": directory.birthday,
    "keep-in-touch": relationships.keep_in_touch,
    "history": relationships.history,
    "privacy": lambda core, command, rest, client: privacy_message(),
}
AFTERWARDS: dict[str, Afterwards] = {
    "keep-in-touch": relationships.after_keep_in_touch,
}


# Longest first, so "keep in touch" is read before any one-word name; spaces match any spacing.
_ALIAS = re.compile(
    r"(?i)("
    + "|".join(r"\s+".join(map(re.escape, a.split())) for a in sorted(RAPPORT_ALIASES, key=len, reverse=True))
    + r")(?=\s|$)"
)


def _split(command: dict[str, Any]) -> tuple[str, str]:
    """The subcommand (as named in SUBCOMMANDS) and the rest of the text."""
    text = (command.get("text") or "").strip()
    alias = _ALIAS.match(text)
    if alias:
        return RAPPORT_ALIASES[" ".join(alias.group(1).lower().split())], text[alias.end() :].strip()
    word, rest = [*text.split(None, 1), "", ""][:2]
    return word.lower(), rest.strip()


def register(app: App, core: Core) -> None:
    def rapport(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        word, rest = _split(command)
        sub = SUBCOMMANDS.get(word)
        if sub is None:
            ack(**rapport_usage(word))
            return
        ack(**sub(core, command, rest, client))

    def leaves_work(command: dict[str, Any]) -> bool:
        return _split(command)[0] in AFTERWARDS

    def afterwards(command: dict[str, Any], client: WebClient) -> None:
        AFTERWARDS[_split(command)[0]](core, command, client)

    # Only subcommands that leave work get a lazy listener: Bolt copies the whole request for one.
    app.command("/rapport", matchers=[leaves_work])(ack=rapport, lazy=[afterwards])
    app.command("/rapport")(rapport)
