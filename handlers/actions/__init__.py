"""Actions listeners (buttons and menus in messages)."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.actions import whoknows


def register(app: App, core: Core) -> None:
    for module in (whoknows,):
        module.register(app, core)
