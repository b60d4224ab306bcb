"""Actions listeners: buttons, selects and date pickers on messages, forms and the Home tab."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.actions import followups, log


def register(app: App, core: Core) -> None:
    followups.register(app, core)
    log.register(app, core)
