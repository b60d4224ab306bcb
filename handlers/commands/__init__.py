"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.commands import endorse, followups, kudos, log, rapport, skills, whoknows


def register(app: App, core: Core) -> None:
    for module in (rapport, whoknows, skills, endorse, log, followups, kudos):
        module.register(app, core)
