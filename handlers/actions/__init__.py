"""Actions listeners (buttons and menus in messages)."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.actions import celebrations, followups, log, nudges, whoknows


def register(app: App, core: Core) -> None:
    for module in (whoknows, followups, log, nudges, celebrations):
        module.register(app, core)
