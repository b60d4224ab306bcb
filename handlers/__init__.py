"""Bolt listeners, one module per domain (`/rapport` routes its subcommands to theirs).

A listener reads the payload, calls one core function, renders, and replies; anything slow or
calling Slack runs after the answer, in a lazy listener.
"""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers import celebrations, directory, expertise, kudos, nudges, rapport, relationships


def register(app: App, core: Core) -> None:
    for domain in (rapport, expertise, relationships, nudges, kudos, celebrations, directory):
        domain.register(app, core)
