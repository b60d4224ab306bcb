"""Bolt listeners, one package per listener kind; each module registers its own."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers import actions, commands, events, shortcuts, views


def register(app: App, core: Core) -> None:
    for kind in (commands, events, actions, views, shortcuts):
        kind.register(app, core)
